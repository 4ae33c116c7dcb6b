"""GraphQL types of the reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry

from fincloud.graphql import Connection, MoneyType, decode_cursor, encode_cursor, page_size, to_connection
from subgraphs.budget.fx.service import MissingRate, RateUsed
from subgraphs.budget.fx.types import FxRate, FxRateMissing
from subgraphs.budget.reports import service

__all__ = [
    "CashFlowMonth",
    "CashFlowReport",
    "IncomeExpenseGroup",
    "IncomeExpenseReport",
    "NetWorthPoint",
    "NetWorthReport",
    "ReportAmount",
    "ReportGrain",
    "ReportKind",
    "SpendingLine",
    "SpendingReport",
]

T = TypeVar("T")
N = TypeVar("N")


@strawberry.enum(description="Which side of the ledger a report looks at.")
class ReportKind(Enum):
    EXPENSE = strawberry.enum_value(
        service.Kind.EXPENSE.value,
        description="Parts in expense categories (refunds reduce them) and uncategorised outflows.",
    )
    INCOME = strawberry.enum_value(
        service.Kind.INCOME.value, description="Parts in income categories and uncategorised inflows."
    )


@strawberry.enum(description="How often a series has a point.")
class ReportGrain(Enum):
    MONTH = strawberry.enum_value(service.Grain.MONTH.value, description="At each month's last day.")
    DAY = strawberry.enum_value(service.Grain.DAY.value, description="Every day.")


@strawberry.type(
    description="A report figure in the household's base currency, and what could not be converted into it."
)
class ReportAmount:
    amount: MoneyType = strawberry.field(
        description="The converted figure: the exact sum of each amount times its date's rate, rounded once to "
        "the base currency's minor unit (half to even). Amounts without a rate are not in it."
    )
    unconverted: list[MoneyType] = strawberry.field(
        description="Amounts left out of `amount` because no exchange rate was found, in their own currencies "
        "(see the report's `missingRates`)."
    )
    complete: bool = strawberry.field(description="Whether every amount could be converted.")

    @classmethod
    def of(cls, figure: service.Figure) -> ReportAmount:
        unconverted = figure.unconverted_money()
        return cls(
            amount=MoneyType.of(figure.money),
            unconverted=[MoneyType.of(m) for m in unconverted],
            complete=not unconverted,
        )


def _in_memory(
    items: Sequence[T],
    *,
    key: Callable[[T], tuple[str, dt.date]],
    node: Callable[[T], N],
    first: int | None,
    after: str | None,
) -> Connection[N]:
    """A page of an already computed list ordered by ``key`` (currency, date), after the cursor ``after``."""
    limit = page_size(first)
    start = 0
    if after is not None:
        currency, on = decode_cursor(after, arity=2)
        position = (currency, on)
        start = next((i for i, item in enumerate(items) if _key_text(key(item)) > position), len(items))
    rows = list(items[start : start + limit + 1])
    return to_connection(rows, limit=limit, node=node, cursor=lambda item: encode_cursor(*key(item)))


def _key_text(key: tuple[str, dt.date]) -> tuple[str, str]:
    return key[0], key[1].isoformat()


@strawberry.type
class _WithRates:
    """The rates a report used and missed, as connections."""

    report_rates: strawberry.Private[service.Rates]
    report_household: strawberry.Private[Any]

    @strawberry.field(
        description="The exchange rates the report converted with, one per (currency, date), by currency then "
        "date: each with its source, the date of the rate actually used and how it was derived."
    )
    def rates_used(
        self,
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[FxRate]:
        def node(rate: RateUsed) -> FxRate:
            return FxRate.of(rate, household_id=self.report_household)

        return _in_memory(
            self.report_rates.used_sorted(), key=lambda r: (r.base, r.on), node=node, first=first, after=after
        )

    @strawberry.field(
        description="The (currency, date) pairs with no exchange rate: their amounts are reported unconverted."
    )
    def missing_rates(
        self,
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[FxRateMissing]:
        def node(missing: MissingRate) -> FxRateMissing:
            return FxRateMissing.of(missing, household_id=self.report_household)

        return _in_memory(
            self.report_rates.missing_sorted(), key=lambda r: (r.base, r.on), node=node, first=first, after=after
        )

    @strawberry.field(description="How many exchange rates the report used.")
    def rates_used_count(self) -> int:
        return len(self.report_rates.used)

    @strawberry.field(description="How many exchange rates were missing.")
    def missing_rates_count(self) -> int:
        return len(self.report_rates.missing)


def _id(value: object | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type(description="Income, expense and net of one calendar month.")
class CashFlowMonth:
    month: dt.date = strawberry.field(description="The first day of the month.")
    income: ReportAmount = strawberry.field(description="Income: parts in income categories, uncategorised inflows.")
    expense: ReportAmount = strawberry.field(
        description="Spending, as a positive figure: parts in expense categories (refunds reduce it), "
        "uncategorised outflows."
    )
    net: ReportAmount = strawberry.field(description="Income minus expense.")

    @classmethod
    def of(cls, month: service.CashFlowMonth) -> CashFlowMonth:
        return cls(
            month=month.month,
            income=ReportAmount.of(month.income),
            expense=ReportAmount.of(month.expense),
            net=ReportAmount.of(month.net),
        )


@strawberry.type(
    description="Money in and out per month, in the household's base currency. Transfers between the household's "
    "own accounts are neither income nor expense; split parts count under their own categories."
)
class CashFlowReport(_WithRates):
    household_id: strawberry.ID = strawberry.field(description="The household reported on.")
    currency: str = strawberry.field(description="The household's base currency, which every figure is in.")
    since: dt.date = strawberry.field(name="from", description="First day of the period.")
    until: dt.date = strawberry.field(name="to", description="Last day of the period.")
    months: list[CashFlowMonth] = strawberry.field(description="Every month of the period, oldest first.")
    income: ReportAmount = strawberry.field(description="Income over the period.")
    expense: ReportAmount = strawberry.field(description="Spending over the period, as a positive figure.")
    net: ReportAmount = strawberry.field(description="Income minus expense over the period.")

    @classmethod
    def of(cls, report: service.CashFlowReport) -> CashFlowReport:
        made = cls(
            report_rates=report.rates,
            report_household=report.household_id,
            household_id=strawberry.ID(str(report.household_id)),
            currency=report.currency,
            since=report.since,
            until=report.until,
            months=[CashFlowMonth.of(m) for m in report.months],
            income=ReportAmount.of(report.income),
            expense=ReportAmount.of(report.expense),
            net=ReportAmount.of(report.net),
        )
        return made


@strawberry.type(description="One category's or payee's share of the period.")
class SpendingLine:
    id: strawberry.ID | None = strawberry.field(
        description="The category's (or payee's) id; null for the line of uncategorised parts (or parts without "
        "a payee), and for the line summing the rest."
    )
    name: str | None = strawberry.field(description="The category's (or payee's) name; null like `id`.")
    group: str | None = strawberry.field(description="The category's group; null for payees and uncategorised.")
    amount: ReportAmount = strawberry.field(description="Spending (or income) as a positive figure.")
    count: int = strawberry.field(description="How many transactions make it up (each split part counts once).")
    share: float | None = strawberry.field(
        description="This line's fraction of the report's total (a ratio, 0 to 1 for a line without refunds "
        "larger than its spending); null when the total is zero."
    )

    @classmethod
    def of(cls, line: service.SpendingLine, total: service.Figure) -> SpendingLine:
        share = float(line.amount.converted / total.converted) if total.converted else None
        return cls(
            id=_id(line.key),
            name=line.name,
            group=line.group,
            amount=ReportAmount.of(line.amount),
            count=line.count,
            share=share,
        )


@strawberry.type(
    description="Spending (or income) over a period by category or by payee, largest first, in the household's "
    "base currency. Transfers between the household's own accounts are not in it."
)
class SpendingReport(_WithRates):
    household_id: strawberry.ID = strawberry.field(description="The household reported on.")
    currency: str = strawberry.field(description="The household's base currency, which every figure is in.")
    since: dt.date = strawberry.field(name="from", description="First day of the period.")
    until: dt.date = strawberry.field(name="to", description="Last day of the period.")
    kind: ReportKind = strawberry.field(description="Spending or income.")
    lines: list[SpendingLine] = strawberry.field(description="The largest lines, at most `first` of them.")
    others: SpendingLine | None = strawberry.field(
        description="The lines past `first`, summed into one; null when every line is shown."
    )
    total: ReportAmount = strawberry.field(description="The sum of every line, `others` included.")

    @classmethod
    def of(cls, report: service.SpendingReport) -> SpendingReport:
        total = report.total
        made = cls(
            report_rates=report.rates,
            report_household=report.household_id,
            household_id=strawberry.ID(str(report.household_id)),
            currency=report.currency,
            since=report.since,
            until=report.until,
            kind=ReportKind(report.kind.value),
            lines=[SpendingLine.of(line, total) for line in report.lines],
            others=SpendingLine.of(report.others, total) if report.others else None,
            total=ReportAmount.of(total),
        )
        return made


@strawberry.type(description="One category group's income or expense over the period.")
class IncomeExpenseGroup:
    name: str | None = strawberry.field(description="The category group; null for uncategorised parts.")
    kind: ReportKind = strawberry.field(description="Income or expense.")
    amount: ReportAmount = strawberry.field(description="As a positive figure (refunds reduce an expense).")


@strawberry.type(
    description="Income against expense over a period, in the household's base currency, with each category "
    "group's figure. Transfers between the household's own accounts are neither."
)
class IncomeExpenseReport(_WithRates):
    household_id: strawberry.ID = strawberry.field(description="The household reported on.")
    currency: str = strawberry.field(description="The household's base currency, which every figure is in.")
    since: dt.date = strawberry.field(name="from", description="First day of the period.")
    until: dt.date = strawberry.field(name="to", description="Last day of the period.")
    income: ReportAmount = strawberry.field(description="Income over the period.")
    expense: ReportAmount = strawberry.field(description="Spending over the period, as a positive figure.")
    net: ReportAmount = strawberry.field(description="Income minus expense.")
    savings_rate: float | None = strawberry.field(
        description="Net divided by income (a ratio: 0.2 means a fifth of income was kept); null without income."
    )
    groups: list[IncomeExpenseGroup] = strawberry.field(
        description="Income groups first, then expense groups, each largest first."
    )

    @classmethod
    def of(cls, report: service.IncomeExpenseReport) -> IncomeExpenseReport:
        made = cls(
            report_rates=report.rates,
            report_household=report.household_id,
            household_id=strawberry.ID(str(report.household_id)),
            currency=report.currency,
            since=report.since,
            until=report.until,
            income=ReportAmount.of(report.income),
            expense=ReportAmount.of(report.expense),
            net=ReportAmount.of(report.net),
            savings_rate=report.savings_rate,
            groups=[
                IncomeExpenseGroup(name=g.name, kind=ReportKind(g.kind.value), amount=ReportAmount.of(g.amount))
                for g in report.groups
            ],
        )
        return made


@strawberry.type(description="The household's net worth at the end of one day.")
class NetWorthPoint:
    date: dt.date = strawberry.field(description="The day (a month's last day, or the period's last day).")
    net_worth: ReportAmount = strawberry.field(description="Assets plus liabilities.")
    assets: ReportAmount = strawberry.field(description="The accounts with a positive balance, summed.")
    liabilities: ReportAmount = strawberry.field(
        description="The accounts with a negative balance (cards, loans), summed: a negative figure."
    )

    @classmethod
    def of(cls, point: service.NetWorthPoint) -> NetWorthPoint:
        return cls(
            date=point.date,
            net_worth=ReportAmount.of(point.net_worth),
            assets=ReportAmount.of(point.assets),
            liabilities=ReportAmount.of(point.liabilities),
        )


@strawberry.type(
    description="Net worth over time: every account's balance (opening balance included once its date is "
    "reached), each converted into the household's base currency at the point's date."
)
class NetWorthReport(_WithRates):
    household_id: strawberry.ID = strawberry.field(description="The household reported on.")
    currency: str = strawberry.field(description="The household's base currency, which every figure is in.")
    since: dt.date = strawberry.field(name="from", description="First day of the period.")
    until: dt.date = strawberry.field(name="to", description="Last day of the period.")
    grain: ReportGrain = strawberry.field(description="A point per month or per day.")
    points: list[NetWorthPoint] = strawberry.field(description="Oldest first.")

    @classmethod
    def of(cls, report: service.NetWorthReport) -> NetWorthReport:
        made = cls(
            report_rates=report.rates,
            report_household=report.household_id,
            household_id=strawberry.ID(str(report.household_id)),
            currency=report.currency,
            since=report.since,
            until=report.until,
            grain=ReportGrain(report.grain.value),
            points=[NetWorthPoint.of(p) for p in report.points],
        )
        return made
