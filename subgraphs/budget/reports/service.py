"""Reports over one household's ledger and a date range, computed in PostgreSQL, in the household's base currency.

Conventions (what every figure here means):

- **Parts.** A transaction counts through its parts: a split transaction through each split (under the split's own
  category), any other transaction as one part under its category (or none). Transfers between the household's
  own accounts (``transfer_id`` set) are neither income nor expense and appear in no report but net worth.
- **Income or expense.** A part in an income category is income; a part in an expense category is expense (a
  refund, positive, makes the expense smaller); an uncategorised part is income when positive and expense when
  negative. ``income`` is the sum of income parts, ``expense`` minus the sum of expense parts (spending is a
  positive figure), ``net = income - expense``, which is the sum of every part.
- **Currencies.** An amount in another currency is converted at its transaction date's rate (``fx.service``: the
  household's override first, the newest published rate within the look-back window, else a cross rate through
  EUR). Amounts are summed per (currency, date) first and multiplied by the exact rate in SQL; nothing is rounded
  until a figure leaves the report, once, to the base currency's minor unit with ROUND_HALF_EVEN. A report total
  can therefore differ by a few cents from the sum of individually rounded conversions. Every report lists the
  rates it used (pair, date, source) and the rates that were missing; an amount without a rate is left out of the
  converted figures and reported, unconverted, in its own currency, never guessed.
- **Net worth** at a date is every account's opening balance (once its opening date is reached) plus every
  transaction up to and including that date, each account's balance converted at that date's rate.

Functions are keyword-only, take a session, and read only; the caller checks the household is the viewer's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from decimal import Context as DecimalContext
from enum import StrEnum
from typing import Any

from sqlalchemy import ARRAY, Date, Numeric, String, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import Money
from subgraphs.budget.fx.service import FxPolicy, MissingRate, RateKey, RateUsed, rates_for, rates_version
from subgraphs.budget.models import Account, Category, CategoryGroup, Payee
from subgraphs.budget.reports.months import Period, month_rows, whole_months
from subgraphs.budget.services.households import household_settings

__all__ = [
    "MAX_DAILY_POINTS",
    "MAX_RANGE_DAYS",
    "CashFlowMonth",
    "CashFlowReport",
    "Grain",
    "IncomeExpenseGroup",
    "IncomeExpenseReport",
    "Kind",
    "NetWorthPoint",
    "NetWorthReport",
    "Rates",
    "ReportError",
    "SpendingLine",
    "SpendingReport",
    "cash_flow",
    "income_vs_expense",
    "net_worth",
    "spending_by_category",
    "spending_by_payee",
]

MAX_RANGE_DAYS = 366 * 100
"""The longest period a report covers (a century)."""
MAX_DAILY_POINTS = 3700
"""The most points a daily net-worth series has (about ten years)."""

_EXACT = DecimalContext(prec=120)
"""Wide enough for sums of amount times rate products (28 significant digits each) to stay exact."""


class Kind(StrEnum):
    INCOME = "income"
    EXPENSE = "expense"


class Grain(StrEnum):
    MONTH = "month"
    DAY = "day"


class ReportError(ValueError):
    """A report asked for with arguments that cannot work; ``field`` names the argument."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Rates:
    """Which rates a report used and which were missing, keyed ``(currency, date)`` for conversion into ``base``."""

    base: str
    used: dict[tuple[str, dt.date], RateUsed] = field(default_factory=dict)
    missing: dict[tuple[str, dt.date], MissingRate] = field(default_factory=dict)
    version: int | None = None
    """The rates' version read before they were looked up (what figures computed from them are kept under)."""

    def used_sorted(self) -> list[RateUsed]:
        return [self.used[k] for k in sorted(self.used)]

    def missing_sorted(self) -> list[MissingRate]:
        return [self.missing[k] for k in sorted(self.missing)]


@dataclass
class Figure:
    """A converted amount (exact until ``money``) and what could not be converted, per currency."""

    base: str
    converted: Decimal = Decimal(0)
    unconverted: dict[str, Decimal] = field(default_factory=dict)

    def add(self, converted: Decimal | None, currency: str, unconverted: Decimal | None) -> None:
        if converted is not None:
            self.converted = _EXACT.add(self.converted, converted)
        if unconverted:
            self.unconverted[currency] = self.unconverted.get(currency, Decimal(0)) + unconverted

    def negated(self) -> Figure:
        return Figure(self.base, -self.converted, {c: -a for c, a in self.unconverted.items()})

    def plus(self, other: Figure) -> Figure:
        result = Figure(self.base, self.converted, dict(self.unconverted))
        result.add(other.converted, "", None)
        for currency, amount in other.unconverted.items():
            result.add(None, currency, amount)
        return result

    @property
    def money(self) -> Money:
        """The converted figure, rounded once to the base currency's minor unit (half to even)."""
        return Money(self.converted, self.base).quantize(ROUND_HALF_EVEN)

    def unconverted_money(self) -> list[Money]:
        return [Money(a, c) for c, a in sorted(self.unconverted.items()) if a != 0]


# ---------------------------------------------------------------------------------------------------------------
# Reports.


@dataclass
class CashFlowMonth:
    month: dt.date
    """The first day of the month."""
    income: Figure
    expense: Figure

    @property
    def net(self) -> Figure:
        return self.income.plus(self.expense.negated())


@dataclass
class CashFlowReport:
    household_id: uuid.UUID
    currency: str
    since: dt.date
    until: dt.date
    months: list[CashFlowMonth]
    rates: Rates

    @property
    def income(self) -> Figure:
        return _total((m.income for m in self.months), self.currency)

    @property
    def expense(self) -> Figure:
        return _total((m.expense for m in self.months), self.currency)

    @property
    def net(self) -> Figure:
        return _total((m.net for m in self.months), self.currency)


@dataclass
class SpendingLine:
    key: uuid.UUID | None
    """The category's or payee's id; ``None`` for the uncategorised (or payee-less) line."""
    name: str | None
    group: str | None
    """The category's group (by-category reports)."""
    amount: Figure
    """Spending as a positive figure for expenses, income as a positive figure for income."""
    count: int
    """How many parts (split parts count one by one) make it up."""


@dataclass
class SpendingReport:
    household_id: uuid.UUID
    currency: str
    since: dt.date
    until: dt.date
    kind: Kind
    lines: list[SpendingLine]
    """Largest first; with a limit, the lines past it are summed into ``others``."""
    others: SpendingLine | None
    rates: Rates

    @property
    def total(self) -> Figure:
        lines = [*self.lines, *([self.others] if self.others else [])]
        return _total((line.amount for line in lines), self.currency)


@dataclass
class IncomeExpenseGroup:
    name: str | None
    """The category group; ``None`` for uncategorised parts."""
    kind: Kind
    amount: Figure


@dataclass
class IncomeExpenseReport:
    household_id: uuid.UUID
    currency: str
    since: dt.date
    until: dt.date
    income: Figure
    expense: Figure
    groups: list[IncomeExpenseGroup]
    rates: Rates

    @property
    def net(self) -> Figure:
        return self.income.plus(self.expense.negated())

    @property
    def savings_rate(self) -> float | None:
        """``net / income`` (a ratio), or ``None`` without income."""
        income = self.income.converted
        return float(self.net.converted / income) if income > 0 else None


@dataclass
class NetWorthPoint:
    date: dt.date
    assets: Figure
    """Sum of the accounts with a positive balance."""
    liabilities: Figure
    """Sum of the accounts with a negative balance (a negative figure)."""

    @property
    def net_worth(self) -> Figure:
        return self.assets.plus(self.liabilities)


@dataclass
class NetWorthReport:
    household_id: uuid.UUID
    currency: str
    since: dt.date
    until: dt.date
    grain: Grain
    points: list[NetWorthPoint]
    rates: Rates


def _total(figures: Iterable[Figure], base: str) -> Figure:
    total = Figure(base)
    for figure in figures:
        total = total.plus(figure)
    return total


def _check_range(since: dt.date, until: dt.date) -> None:
    if since > until:
        raise ReportError("`from` must not be after `to`", field="to")
    if (until - since).days > MAX_RANGE_DAYS:
        raise ReportError("a report covers at most 100 years", field="from")


# ---------------------------------------------------------------------------------------------------------------
# SQL.

_PARTS = """
    SELECT t.date, t.currency, t.payee_id, t.category_id, t.amount, 1 AS parts
      FROM budget.transactions t
     WHERE t.household_id = :household AND t.date BETWEEN :since AND :until
       AND t.transfer_id IS NULL AND NOT t.is_split
    UNION ALL
    SELECT t.date, t.currency, t.payee_id, s.category_id, s.amount, 1
      FROM budget.transactions t JOIN budget.splits s ON s.transaction_id = t.id
     WHERE t.household_id = :household AND t.date BETWEEN :since AND :until
       AND t.transfer_id IS NULL AND t.is_split
"""
"""Every part of the household's non-transfer transactions in the period (for keys the day sums lack: payees)."""

_DAY_PARTS = """
    SELECT d.date, d.currency, d.category_id, d.inflow + d.outflow AS amount, d.inflows + d.outflows AS parts
      FROM budget.category_days d
     WHERE d.household_id = :household AND d.date BETWEEN :since AND :until AND d.category_id IS NOT NULL
    UNION ALL
    SELECT d.date, d.currency, NULL, v.amount, v.parts
      FROM budget.category_days d
     CROSS JOIN LATERAL (VALUES (d.inflow, d.inflows), (d.outflow, d.outflows)) AS v(amount, parts)
     WHERE d.household_id = :household AND d.date BETWEEN :since AND :until AND d.category_id IS NULL
       AND v.parts > 0
"""
"""The same parts summed per day, category and currency (``category_days``, ADR 0014); uncategorised inflows
apart from outflows, since an uncategorised part is income or expense by its own sign. A year of a large household
is some fifteen thousand rows instead of ninety thousand."""

_KIND = "coalesce(c.kind, CASE WHEN p.amount > 0 THEN 'income' ELSE 'expense' END)"

_PAIRS = """
    SELECT DISTINCT d.currency, d.date
      FROM budget.category_days d
     WHERE d.household_id = :household AND d.currency <> :base AND d.date BETWEEN :since AND :until
"""
"""The (currency, date) pairs the period's parts in other currencies need a rate for, from the day sums."""


_RATES_JOIN = """unnest(CAST(:rate_currencies AS varchar[]), CAST(:rate_dates AS date[]),
                      CAST(:rate_values AS numeric[])) AS r(currency, date, rate)"""
"""The rates sent along with a report's aggregate, as a relation to join on (currency, date)."""


def _aggregate_sql(keys: Sequence[str], *, kind: Kind | None, by_payee: bool = False) -> str:
    """Sum the parts per ``keys`` (SQL expressions over ``p`` and ``c``) and currency, in two steps: first per key,
    currency and, for other currencies, date (one pass over the period's rows, in parallel); then each of those
    few sums times its date's exact rate. ``converted`` is the exact sum of amount times rate (a base-currency
    amount counts as is), ``unconverted`` what had no rate."""
    selected = ", ".join(f"{expression} AS k{i}" for i, expression in enumerate(keys))
    names = ", ".join(f"k{i}" for i in range(len(keys)))
    where = f"WHERE {_KIND} = :kind" if kind is not None else ""
    rates = _RATES_JOIN
    # Only this module's constant fragments are interpolated; every value is a bound parameter.
    if not by_payee:
        # The day sums are few: each is joined to its date's rate and converted, in one pass.
        return f"""
        SELECT {selected}, p.currency,
               sum(CASE WHEN p.currency = :base THEN p.amount ELSE p.amount * r.rate END) AS converted,
               sum(p.amount) FILTER (WHERE p.currency <> :base AND r.rate IS NULL) AS unconverted,
               sum(p.parts)::bigint AS parts
          FROM ({_DAY_PARTS}) p
          LEFT JOIN budget.categories c ON c.id = p.category_id
          LEFT JOIN {rates} ON r.currency = p.currency AND r.date = p.date
          {where}
         GROUP BY {names}, p.currency
        """  # noqa: S608
    return f"""
        WITH sums AS (
            SELECT {selected}, p.currency,
                   CASE WHEN p.currency = :base THEN NULL ELSE p.date END AS rate_date,
                   sum(p.amount) AS amount, sum(p.parts) AS parts
              FROM ({_PARTS}) p
              LEFT JOIN budget.categories c ON c.id = p.category_id
              {where}
             GROUP BY {names}, p.currency, rate_date
        )
        SELECT {names}, s.currency,
               sum(CASE WHEN s.rate_date IS NULL THEN s.amount ELSE s.amount * r.rate END) AS converted,
               sum(s.amount) FILTER (WHERE s.rate_date IS NOT NULL AND r.rate IS NULL) AS unconverted,
               sum(s.parts)::bigint AS parts
          FROM sums s
          LEFT JOIN {rates} ON r.currency = s.currency AND r.date = s.rate_date
         GROUP BY {names}, s.currency
    """  # noqa: S608


def _rate_params(rates: Rates) -> dict[str, Any]:
    pairs = sorted(rates.used)
    return {
        "rate_currencies": [c for c, _ in pairs],
        "rate_dates": [d for _, d in pairs],
        "rate_values": [rates.used[p].rate for p in pairs],
    }


_RATE_TYPES = (
    bindparam("rate_currencies", type_=ARRAY(String(3))),
    bindparam("rate_dates", type_=ARRAY(Date)),
    bindparam("rate_values", type_=ARRAY(Numeric)),
)


TUNING = (
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true), "
    "set_config('work_mem', '32MB', true)"
)


async def _tune(session: AsyncSession) -> None:
    """For the rest of this transaction: a plan made for this call's values (the driver prepares statements, and
    PostgreSQL's generic plan for a prepared report, made after five calls without knowing the period or the
    rate arrays, was ten times slower), no JIT (compiling a report's aggregate costs more than it saves at these
    sizes) and room for its hash tables in memory."""
    await session.execute(text(TUNING))


async def _resolve(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    base: str,
    pairs: Iterable[tuple[str, dt.date]],
    policy: FxPolicy | None,
) -> Rates:
    """The rate of every ``(currency, date)`` into ``base``, with one lookup query."""
    keys: list[RateKey] = [(currency, base, on) for currency, on in pairs if currency != base]
    version = await rates_version(session)
    found = await rates_for(session=session, household_id=household_id, keys=keys, policy=policy, version=version)
    rates = Rates(base, version=version)
    for (currency, _, on), rate in found.items():
        if isinstance(rate, MissingRate):
            rates.missing[(currency, on)] = rate
        else:
            rates.used[(currency, on)] = rate
    return rates


async def _parts_rates(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    base: str,
    since: dt.date,
    until: dt.date,
    policy: FxPolicy | None,
) -> Rates:
    rows = await session.execute(
        text(_PAIRS), {"household": household_id, "since": since, "until": until, "base": base}
    )
    return await _resolve(session=session, household_id=household_id, base=base, pairs=rows.all(), policy=policy)


async def _basis(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    kind: Kind | None,
    policy: FxPolicy | None,
) -> tuple[str, Rates, dict[str, Any]]:
    """What every flow report starts from: the base currency, the period's rates, and the aggregate's parameters;
    the session is tuned for the aggregate."""
    _check_range(since, until)
    base = (await household_settings(session=session, household_id=household_id)).base_currency
    rates = await _parts_rates(
        session=session, household_id=household_id, base=base, since=since, until=until, policy=policy
    )
    params: dict[str, Any] = {"household": household_id, "since": since, "until": until, "base": base}
    params.update(_rate_params(rates))
    if kind is not None:
        params["kind"] = kind.value
    await _tune(session)
    return base, rates, params


async def _aggregate(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    keys: Sequence[str],
    kind: Kind | None,
    policy: FxPolicy | None,
) -> tuple[str, Rates, list[Any]]:
    """``(base currency, rates, rows)`` from the day sums: each row is ``(k0, ..., currency, converted,
    unconverted, parts)``."""
    base, rates, params = await _basis(
        session=session, household_id=household_id, since=since, until=until, kind=kind, policy=policy
    )
    query = text(_aggregate_sql(keys, kind=kind)).bindparams(*_RATE_TYPES)
    rows = (await session.execute(query, params)).all()
    return base, rates, list(rows)


async def cash_flow(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    policy: FxPolicy | None = None,
) -> CashFlowReport:
    """Income, expense and net per calendar month from ``since`` to ``until`` (both inclusive); every month of
    the period has a line, empty ones included."""
    base, rates, rows = await _aggregate(
        session=session,
        household_id=household_id,
        since=since,
        until=until,
        keys=["date_trunc('month', p.date)::date", _KIND],
        kind=None,
        policy=policy,
    )
    months: dict[dt.date, CashFlowMonth] = {}
    month = since.replace(day=1)
    while month <= until:
        months[month] = CashFlowMonth(month, Figure(base), Figure(base))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    for month_start, kind, currency, converted, unconverted, _ in rows:
        line = months[month_start]
        figure = line.income if kind == Kind.INCOME else line.expense
        sign = 1 if kind == Kind.INCOME else -1
        figure.add(
            None if converted is None else sign * converted,
            currency,
            None if unconverted is None else sign * unconverted,
        )
    return CashFlowReport(household_id, base, since, until, list(months.values()), rates)


def _limited(lines: list[SpendingLine], limit: int | None, base: str) -> tuple[list[SpendingLine], SpendingLine | None]:
    lines.sort(key=lambda line: (-line.amount.converted, line.name or "", str(line.key)))
    if limit is None or len(lines) <= limit:
        return lines, None
    rest = lines[limit:]
    others = SpendingLine(None, None, None, _total((line.amount for line in rest), base), sum(x.count for x in rest))
    return lines[:limit], others


def _spending_lines(
    rows: Sequence[Any], kind: Kind, base: str, names: Mapping[uuid.UUID, tuple[str, str | None]]
) -> list[SpendingLine]:
    sign = 1 if kind == Kind.INCOME else -1
    lines: dict[uuid.UUID | None, SpendingLine] = {}
    for key, currency, converted, unconverted, parts in rows:
        line = lines.get(key)
        if line is None:
            name, group = names.get(key, (None, None)) if key is not None else (None, None)
            line = lines[key] = SpendingLine(key, name, group, Figure(base), 0)
        line.amount.add(
            None if converted is None else sign * converted,
            currency,
            None if unconverted is None else sign * unconverted,
        )
        line.count += parts
    return list(lines.values())


async def spending_by_category(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    kind: Kind = Kind.EXPENSE,
    limit: int | None = None,
    policy: FxPolicy | None = None,
) -> SpendingReport:
    """Spending (or, with ``kind=INCOME``, income) per category, largest first; split parts count under their own
    category; uncategorised parts make one line with no category."""
    base, rates, rows = await _aggregate(
        session=session,
        household_id=household_id,
        since=since,
        until=until,
        keys=["p.category_id"],
        kind=kind,
        policy=policy,
    )
    wanted = {row[0] for row in rows if row[0] is not None}
    names: dict[uuid.UUID, tuple[str, str | None]] = {}
    if wanted:
        found = await session.execute(
            select(Category.id, Category.name, CategoryGroup.name)
            .join(CategoryGroup, CategoryGroup.id == Category.group_id)
            .where(Category.id.in_(wanted), Category.household_id == household_id)
        )
        names = {category_id: (name, group) for category_id, name, group in found.all()}
    lines, others = _limited(_spending_lines(rows, kind, base, names), limit, base)
    return SpendingReport(household_id, base, since, until, kind, lines, others, rates)


def _merged(rows: Iterable[Any]) -> list[tuple[Any, str, Decimal | None, Decimal | None, int]]:
    """Rows ``(key, currency, converted, unconverted, parts)`` of several parts of a period, summed per key and
    currency (``None`` stays ``None`` only where every part had none)."""
    merged: dict[tuple[Any, str], list[Any]] = {}
    for key, currency, converted, unconverted, parts in rows:
        entry = merged.setdefault((key, currency), [None, None, 0])
        if converted is not None:
            entry[0] = converted if entry[0] is None else entry[0] + converted
        if unconverted is not None:
            entry[1] = unconverted if entry[1] is None else entry[1] + unconverted
        entry[2] += parts
    return [(key, currency, c, u, p) for (key, currency), (c, u, p) in merged.items()]


async def spending_by_payee(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    kind: Kind = Kind.EXPENSE,
    limit: int | None = None,
    policy: FxPolicy | None = None,
) -> SpendingReport:
    """Spending (or income) per normalised payee, largest first; parts without a payee make one line with none.
    With ``limit``, the lines past it are summed into ``others``. Whole months come from the kept month figures
    (``months``), the rest of the period from its transactions."""
    base, rates, params = await _basis(
        session=session, household_id=household_id, since=since, until=until, kind=kind, policy=policy
    )
    months, edges = whole_months(since, until)
    fx_version = rates.version
    found: list[Any] = []
    if months and fx_version is not None:
        kept, unkept = await month_rows(
            session=session,
            household_id=household_id,
            months=months,
            base=base,
            fx_version=fx_version,
            kind=kind.value,
            parts=_PARTS,
            kind_expression=_KIND,
            rates_join=_RATES_JOIN,
            params=params,
            types=_RATE_TYPES,
            tuning=TUNING,
        )
        found += kept
        edges = sorted([*edges, *unkept], key=lambda period: period.since)
    else:
        edges = [Period(since, until)]
    live = text(_aggregate_sql(["p.payee_id"], kind=kind, by_payee=True)).bindparams(*_RATE_TYPES)
    for edge in edges:
        result = await session.execute(live, {**params, "since": edge.since, "until": edge.until})
        found += result.all()
    rows = _merged(found)
    lines = _spending_lines(rows, kind, base, {})
    shown, others = _limited(lines, limit, base)
    wanted = {line.key for line in shown if line.key is not None}
    if wanted:
        named = await session.execute(
            select(Payee.id, Payee.name).where(Payee.id.in_(wanted), Payee.household_id == household_id)
        )
        names = {key: name for key, name in named.all()}
        for line in shown:
            if line.key is not None:
                line.name = names.get(line.key)
        shown.sort(key=lambda line: (-line.amount.converted, line.name or "", str(line.key)))
    return SpendingReport(household_id, base, since, until, kind, shown, others, rates)


async def income_vs_expense(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    policy: FxPolicy | None = None,
) -> IncomeExpenseReport:
    """Income and expense over the period, with the figure of each category group."""
    base, rates, rows = await _aggregate(
        session=session,
        household_id=household_id,
        since=since,
        until=until,
        keys=["c.group_id", _KIND],
        kind=None,
        policy=policy,
    )
    wanted = {row[0] for row in rows if row[0] is not None}
    names: dict[uuid.UUID, str] = {}
    if wanted:
        found = await session.execute(
            select(CategoryGroup.id, CategoryGroup.name).where(
                CategoryGroup.id.in_(wanted), CategoryGroup.household_id == household_id
            )
        )
        names = {key: name for key, name in found.all()}
    groups: dict[tuple[uuid.UUID | None, str], IncomeExpenseGroup] = {}
    income, expense = Figure(base), Figure(base)
    for group_id, kind, currency, converted, unconverted, _ in rows:
        sign = 1 if kind == Kind.INCOME else -1
        group = groups.get((group_id, kind))
        if group is None:
            group = groups[(group_id, kind)] = IncomeExpenseGroup(names.get(group_id), Kind(kind), Figure(base))
        for figure in (group.amount, income if kind == Kind.INCOME else expense):
            figure.add(
                None if converted is None else sign * converted,
                currency,
                None if unconverted is None else sign * unconverted,
            )
    ordered = sorted(
        groups.values(), key=lambda g: (g.kind != Kind.INCOME, -g.amount.converted, g.name is None, g.name or "")
    )
    return IncomeExpenseReport(household_id, base, since, until, income, expense, ordered, rates)


# ---------------------------------------------------------------------------------------------------------------
# Net worth.

_NET_WORTH = """
    SELECT t.account_id,
           CASE WHEN t.date < :since THEN NULL ELSE {bucket} END AS bucket,
           sum(t.pending + t.cleared + t.reconciled) AS amount
      FROM budget.account_days t
     WHERE t.household_id = :household AND t.date <= :until
     GROUP BY 1, 2
"""


def _points(since: dt.date, until: dt.date, grain: Grain) -> list[dt.date]:
    """The dates of the series: every day, or every month's last day (the period's end for its last month)."""
    points = []
    if grain is Grain.DAY:
        day = since
        while day <= until:
            points.append(day)
            day += dt.timedelta(days=1)
        return points
    month = since.replace(day=1)
    while month <= until:
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        points.append(min(next_month - dt.timedelta(days=1), until))
        month = next_month
    return points


async def net_worth(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: dt.date,
    until: dt.date,
    grain: Grain = Grain.MONTH,
    policy: FxPolicy | None = None,
) -> NetWorthReport:
    """Net worth (assets and liabilities) of every account of the household, archived ones included, at the end
    of each month (or each day) from ``since`` to ``until``, each balance converted at the point's date."""
    _check_range(since, until)
    points = _points(since, until, grain)
    if len(points) > MAX_DAILY_POINTS:
        raise ReportError(f"a daily series has at most {MAX_DAILY_POINTS} points: shorten the period", field="from")
    base = (await household_settings(session=session, household_id=household_id)).base_currency
    accounts = (
        await session.execute(
            select(Account.id, Account.currency, Account.opening_balance, Account.opening_date).where(
                Account.household_id == household_id
            )
        )
    ).all()
    bucket = "date_trunc('month', t.date)::date" if grain is Grain.MONTH else "t.date"
    await _tune(session)
    rows = await session.execute(
        text(_NET_WORTH.format(bucket=bucket)), {"household": household_id, "since": since, "until": until}
    )
    before: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    moves: dict[uuid.UUID, dict[dt.date, Decimal]] = defaultdict(dict)
    for account_id, bucket_start, amount in rows.all():
        if bucket_start is None:
            before[account_id] += amount
        else:
            moves[account_id][bucket_start] = amount
    currencies = {currency for _, currency, _, _ in accounts}
    rates = await _resolve(
        session=session,
        household_id=household_id,
        base=base,
        pairs=[(currency, point) for currency in currencies for point in points],
        policy=policy,
    )
    series: list[NetWorthPoint] = [NetWorthPoint(p, Figure(base), Figure(base)) for p in points]
    applied: set[tuple[str, dt.date]] = set()
    for account_id, currency, opening, opening_date in accounts:
        balance = before[account_id]
        account_moves = sorted(moves[account_id].items())
        position = 0
        for point in series:
            while position < len(account_moves) and account_moves[position][0] <= point.date:
                balance += account_moves[position][1]
                position += 1
            value = balance + (opening if opening_date is None or opening_date <= point.date else Decimal(0))
            if value == 0:
                continue
            figure = point.assets if value > 0 else point.liabilities
            applied.add((currency, point.date))
            if currency == base:
                figure.add(value, currency, None)
            elif (currency, point.date) in rates.used:
                figure.add(_EXACT.multiply(value, rates.used[(currency, point.date)].rate), currency, None)
            else:
                figure.add(None, currency, value)
    rates.used = {pair: rate for pair, rate in rates.used.items() if pair in applied}
    rates.missing = {pair: missing for pair, missing in rates.missing.items() if pair in applied}
    return NetWorthReport(household_id, base, since, until, grain, series, rates)
