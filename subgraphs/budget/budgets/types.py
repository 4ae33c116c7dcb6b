"""GraphQL types of budgets."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum

import strawberry

from fincloud.events import Event
from fincloud.graphql import MoneyType
from fincloud.money import Money
from subgraphs.budget.budgets.figures import CategoryInfo, LineFigures, MonthFigures, budget_figures
from subgraphs.budget.budgets.months import first_day, month_label, months_between, parse_month
from subgraphs.budget.budgets.service import BudgetSettingsView
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.fx.types import FxRate, FxRateMissing

__all__ = [
    "BudgetChangedEvent",
    "BudgetGroup",
    "BudgetLine",
    "BudgetLineKind",
    "BudgetModel",
    "BudgetMonth",
    "BudgetRollover",
    "BudgetSettings",
]


@strawberry.enum(description="How a household budgets.")
class BudgetModel(Enum):
    LIMITS = strawberry.enum_value("limits", description="A spending limit per category and month.")
    ENVELOPE = strawberry.enum_value(
        "envelope",
        description="Zero-based: income is assigned to categories until nothing is left to be budgeted.",
    )


@strawberry.enum(description="What an expense category carries into the next month.")
class BudgetRollover(Enum):
    NONE = strawberry.enum_value("none", description="Nothing: every month starts afresh.")
    SURPLUS = strawberry.enum_value("surplus", description="What is left over; an overspend is not carried.")
    SURPLUS_AND_OVERSPEND = strawberry.enum_value(
        "surplus_and_overspend", description="What is left over, or the overspend, which reduces next month."
    )


@strawberry.enum(description="Whether a category is for money in or money out.")
class BudgetLineKind(Enum):
    INCOME = "income"
    EXPENSE = "expense"


def _money(amount: Decimal, currency: str) -> Decimal:
    """An amount of the month, exact to the currency's minor unit (the month's ``currency`` says which)."""
    return Money(amount, currency).quantize().amount


AMOUNTS = "in the month's `currency`"


@strawberry.type(
    description="One category's figures in one month. Amounts are exact decimals in the month's `currency` (scalars, "
    "not Money objects, so that a grid of months and categories stays cheap to ask for)."
)
class BudgetLine:
    category_id: strawberry.ID = strawberry.field(description="The category.")
    group_id: strawberry.ID = strawberry.field(description="The category's group (see the month's `groups`).")
    name: str = strawberry.field(description="The category's name.")
    kind: BudgetLineKind = strawberry.field(description="Income or expense.")
    rollover: BudgetRollover = strawberry.field(description="What the category carries into the next month.")
    hidden: bool = strawberry.field(description="Whether the category (or its group) is hidden.")
    archived: bool = strawberry.field(description="Whether the category is archived (shown while it has figures).")
    budgeted: Decimal = strawberry.field(
        description=f"Budgeted (limits) or assigned (envelope) this month, {AMOUNTS}; for an income category, the "
        "income expected (limits only)."
    )
    activity: Decimal = strawberry.field(
        description=f"The month's transactions and split parts in the category, signed (spending negative), {AMOUNTS}: "
        "each converted at its own date's rate, summed exactly, rounded once (half to even); transfers between own "
        "accounts are left out."
    )
    carried_in: Decimal = strawberry.field(
        description=f"Brought in from the month before by the category's rollover, {AMOUNTS} (zero for income)."
    )
    available: Decimal | None = strawberry.field(
        description=f"carriedIn + budgeted + activity, {AMOUNTS}: what is left to spend (negative: overspent). Null "
        "for income categories."
    )
    progress: float | None = strawberry.field(
        description="Expense: spent / (carriedIn + budgeted), 1.0 being the whole budget. Income: received / "
        "budgeted. Null when there is nothing to compare with. A ratio for display, not money."
    )
    complete: bool = strawberry.field(
        description="False when some of the month's transactions could not be converted (see `unconverted`)."
    )
    unconverted: list[MoneyType] = strawberry.field(
        description="Amounts left out of `activity` for want of an exchange rate, per currency; the month's "
        "`missingRates` says which rates."
    )

    @classmethod
    def of(cls, line: LineFigures, currency: str) -> BudgetLine:
        available = line.available
        return cls(
            category_id=strawberry.ID(str(line.category.id)),
            group_id=strawberry.ID(str(line.category.group_id)),
            name=line.category.name,
            kind=BudgetLineKind(line.category.kind),
            rollover=BudgetRollover(line.category.rollover),
            hidden=line.category.hidden or line.category.group_hidden,
            archived=line.category.archived,
            budgeted=_money(line.budgeted, currency),
            activity=_money(line.activity, currency),
            carried_in=_money(line.carried, currency),
            available=_money(available, currency) if available is not None else None,
            progress=line.progress,
            complete=line.complete,
            unconverted=[MoneyType.of(m) for m in line.unconverted],
        )


@strawberry.type(description="A category group's totals in one month, in the month's `currency`.")
class BudgetGroup:
    group_id: strawberry.ID = strawberry.field(description="The category group.")
    name: str = strawberry.field(description="The group's name.")
    kind: BudgetLineKind = strawberry.field(description="Income or expense.")
    hidden: bool = strawberry.field(description="Whether the group is hidden.")
    category_ids: list[strawberry.ID] = strawberry.field(
        description="The group's categories in display order (their figures are the month's `lines`)."
    )
    budgeted: Decimal = strawberry.field(description="Sum of the lines' budgeted.")
    activity: Decimal = strawberry.field(description="Sum of the lines' activity.")
    available: Decimal | None = strawberry.field(description="Sum of the lines' available; null for income.")

    @classmethod
    def of(cls, group: CategoryInfo, lines: list[LineFigures], currency: str) -> BudgetGroup:
        expense = group.kind == "expense"
        return cls(
            group_id=strawberry.ID(str(group.group_id)),
            name=group.group_name,
            kind=BudgetLineKind(group.kind),
            hidden=group.group_hidden,
            category_ids=[strawberry.ID(str(line.category.id)) for line in lines],
            budgeted=_money(sum((line.budgeted for line in lines), Decimal(0)), currency),
            activity=_money(sum((line.activity for line in lines), Decimal(0)), currency),
            available=(
                _money(sum((line.available or Decimal(0) for line in lines), Decimal(0)), currency) if expense else None
            ),
        )


@strawberry.type(
    description="Budget vs actual for one month. Every amount is an exact decimal in `currency`, the household's "
    "base currency."
)
class BudgetMonth:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    month: str = strawberry.field(description="The month, as YYYY-MM.")
    model: BudgetModel = strawberry.field(description="The household's budget model.")
    currency: str = strawberry.field(description="The household's base currency: every amount is in it.")
    groups: list[BudgetGroup] = strawberry.field(description="Category groups in display order, with their totals.")
    lines: list[BudgetLine] = strawberry.field(
        description="Every live category, and every archived one with figures, groups and categories in display order."
    )
    budgeted: Decimal = strawberry.field(description="Budgeted or assigned to expense categories this month.")
    activity: Decimal = strawberry.field(description="Activity of expense categories this month.")
    available: Decimal = strawberry.field(description="What expense categories have left, all together.")
    income: Decimal = strawberry.field(description="Activity of income categories this month.")
    uncategorized: Decimal = strawberry.field(
        description="This month's transactions without a category (transfers aside)."
    )
    uncategorized_unconverted: list[MoneyType] = strawberry.field(
        description="Uncategorised amounts left out for want of an exchange rate, per currency."
    )
    to_be_budgeted: Decimal | None = strawberry.field(
        description="Envelope model: income received up to this month (uncategorised transactions included), "
        "less everything assigned up to it, plus what categories released before it (what their rollover does not "
        "carry). Negative means more was assigned than there is. Null with category limits."
    )
    complete: bool = strawberry.field(description="False when a rate was missing (see `missingRates`).")
    rates_used: list[FxRate] = strawberry.field(
        description="The exchange rates that converted this month's foreign transactions, one per currency and "
        "date, with where each came from."
    )
    missing_rates: list[FxRateMissing] = strawberry.field(
        description="Rates that could not be found for this month or any earlier month its figures depend on "
        "(rollover, to be budgeted): those transactions are left out, never converted at a guess."
    )

    @classmethod
    def of(cls, figures: MonthFigures) -> BudgetMonth:
        currency = figures.currency
        household = figures.household_id
        return cls(
            household_id=strawberry.ID(str(household)),
            month=month_label(figures.month),
            model=BudgetModel(figures.model),
            currency=currency,
            groups=[BudgetGroup.of(group, lines, currency) for group, lines in figures.groups()],
            lines=[BudgetLine.of(line, currency) for line in figures.lines],
            budgeted=_money(figures.budgeted, currency),
            activity=_money(figures.activity, currency),
            available=_money(figures.available, currency),
            income=_money(figures.income, currency),
            uncategorized=_money(figures.uncategorized, currency),
            uncategorized_unconverted=[MoneyType.of(m) for m in figures.uncategorized_unconverted],
            to_be_budgeted=(_money(figures.to_be_budgeted, currency) if figures.to_be_budgeted is not None else None),
            complete=figures.complete,
            rates_used=[FxRate.of(rate, household_id=household) for rate in figures.rates_used],
            missing_rates=[FxRateMissing.of(missing, household_id=household) for missing in figures.missing_rates],
        )


@strawberry.type(description="A household's budget settings.")
class BudgetSettings:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    model: BudgetModel = strawberry.field(description="How the household budgets.")
    currency: str = strawberry.field(description="The base currency budgets are in.")
    threshold_levels: list[int] = strawberry.field(
        description="Percentages of a category's budget that raise an alert once a month each, ascending "
        "(default 80 and 100); empty: no alerts."
    )

    @classmethod
    def of(cls, view: BudgetSettingsView) -> BudgetSettings:
        return cls(
            household_id=strawberry.ID(str(view.household_id)),
            model=BudgetModel(view.model),
            currency=view.currency,
            threshold_levels=list(view.levels),
        )


@strawberry.type(description="A household's budget figures changed.")
class BudgetChangedEvent:
    event_id: strawberry.ID = strawberry.field(description="Unique id of this event (deliveries may repeat).")
    household_id: strawberry.ID = strawberry.field(description="The household.")
    occurred_at: dt.datetime = strawberry.field(description="When it changed (UTC).")
    months: list[str] = strawberry.field(
        description="The months (YYYY-MM) whose figures changed; later months follow through rollover and 'to be "
        "budgeted'. Empty when a setting changed every month."
    )
    category_ids: list[strawberry.ID] = strawberry.field(description="The categories concerned, when known.")
    reason: str = strawberry.field(
        description="`amount_set`, `month_copied`, `settings_changed`, `transaction` or `categories_merged`."
    )

    @strawberry.field(
        description="The figures as they are now, of the months in `months` (from the first to the last, at most "
        "24) or of the current month (UTC) when none is named."
    )
    async def budget_months(self, info: strawberry.Info[Context, None]) -> list[BudgetMonth]:
        labels = sorted(self.months)
        if labels:
            months = months_between(parse_month(labels[0]), parse_month(labels[-1]))
        else:
            months = [first_day(dt.datetime.now(dt.UTC).date())]
        household_id = uuid.UUID(str(self.household_id))
        # A subscription lives long: a short session of its own, never one held open between events.
        async with info.context.runtime.sessionmaker() as session:
            figures = await budget_figures(
                session=session,
                household_id=household_id,
                months=months,
                policy=FxPolicy.from_settings(info.context.runtime.settings),
            )
        return [BudgetMonth.of(month) for month in figures]

    @classmethod
    def from_event(cls, event: Event) -> BudgetChangedEvent:
        data = event.payload
        return cls(
            event_id=strawberry.ID(str(event.id)),
            household_id=strawberry.ID(str(event.household_id)),
            occurred_at=event.occurred_at,
            months=[str(m) for m in data.get("months", [])],
            category_ids=[strawberry.ID(str(c)) for c in data.get("category_ids", [])],
            reason=str(data.get("reason", "")),
        )
