"""Budget vs actual: what each category was given, what it spent, what is left, month by month, in SQL.

Conventions (every figure is in the household's base currency, exact to its minor unit):

- **budgeted**: the amount set for the category and month (``budget_amounts``); zero when none.
- **activity**: the sum of the month's transactions in the category (split parts count in their own category),
  signed as the ledger signs them (spending is negative, a refund positive). Transfers between the household's
  own accounts (``transfer_id`` set) are not spending and never count. A transaction in another currency is
  converted at the rate of its own date (``fx.service.rates_for``: the household's override first, then the
  published rate within the look-back window, else a cross rate through EUR). The converted amounts are summed
  exactly and the category's month is rounded once, half to even, to the base currency's minor unit (the
  rounding of ``fx.service.apply_rate``, at the boundary: no cent is lost or made by rounding each transaction).
  When there is no rate, the transaction is left out of ``activity``, its amount is listed in ``unconverted`` and
  the rate in ``missing_rates``: reported, never guessed.
- **carried**: what an expense category brings in from the month before, by its ``rollover``: ``none`` nothing;
  ``surplus`` the previous month's available if positive (an overspend is not carried); ``surplus_and_overspend``
  the previous month's available, positive or negative. History starts at the category's first budget or
  transaction; the category's current rollover setting applies to all of it.
- **available** = carried + budgeted + activity (expense categories; income categories have none).
- **progress** (a float, for display): spent / (carried + budgeted) for an expense category, received / budgeted
  for an income category; ``None`` when the denominator is not positive.
- **to be budgeted** (envelope model only) for month M: every income received up to M (income categories and
  uncategorised transactions), minus everything assigned to expense categories up to M, plus what categories
  released before M — the part of a month's available that its rollover does not carry (all of it with ``none``;
  an overspend with ``surplus``; nothing with ``surplus_and_overspend``). Money is conserved: to be budgeted
  plus the sum of available equals everything received minus everything spent.

Statements per call, whatever the number of months or categories: settings, categories, the distinct foreign
(currency, date) pairs, their rates (one query), the planner settings of the transaction (see ``_PLANNER``), and
the figures themselves (one query with window functions).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, Boolean, Date, Integer, String, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import Money, minor_units
from subgraphs.budget.budgets.months import add_months
from subgraphs.budget.fx.service import FxPolicy, MissingRate, RateUsed, rates_for
from subgraphs.budget.models import Category, CategoryGroup
from subgraphs.budget.services.households import household_settings

__all__ = ["CategoryInfo", "LineFigures", "MonthFigures", "budget_figures", "household_categories"]

_ZERO = Decimal(0)
EXPENSE = "expense"
INCOME = "income"


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    id: uuid.UUID
    name: str
    kind: str
    rollover: str
    hidden: bool
    archived: bool
    position: int
    group_id: uuid.UUID
    group_name: str
    group_position: int
    group_hidden: bool


@dataclass(frozen=True, slots=True)
class LineFigures:
    """One category in one month."""

    category: CategoryInfo
    budgeted: Decimal
    activity: Decimal
    carried: Decimal
    unconverted: tuple[Money, ...]
    """Amounts of the month left out of ``activity`` for want of an exchange rate, per currency."""

    @property
    def is_expense(self) -> bool:
        return self.category.kind == EXPENSE

    @property
    def funded(self) -> Decimal:
        """What the month had to spend: carried + budgeted."""
        return self.carried + self.budgeted

    @property
    def spent(self) -> Decimal:
        """Spending net of refunds (``-activity``), for an expense category."""
        return -self.activity

    @property
    def available(self) -> Decimal | None:
        return self.funded + self.activity if self.is_expense else None

    @property
    def progress(self) -> float | None:
        if self.is_expense:
            return float(self.spent / self.funded) if self.funded > 0 else None
        return float(self.activity / self.budgeted) if self.budgeted > 0 else None

    @property
    def complete(self) -> bool:
        return not self.unconverted

    @property
    def has_figures(self) -> bool:
        return bool(self.budgeted or self.activity or self.carried or self.unconverted)


@dataclass(frozen=True, slots=True)
class MonthFigures:
    household_id: uuid.UUID
    month: dt.date
    model: str
    currency: str
    lines: tuple[LineFigures, ...]
    """Every category with figures this month, and every live (not archived) one; groups and categories in
    their display order."""
    uncategorized: Decimal
    uncategorized_unconverted: tuple[Money, ...]
    to_be_budgeted: Decimal | None
    """Envelope model only; ``None`` with category limits."""
    rates_used: tuple[RateUsed, ...]
    """The rates that converted this month's foreign transactions, by currency and date."""
    missing_rates: tuple[MissingRate, ...]
    """Rates that could not be found for this month or any earlier month its figures depend on."""

    def _sum(self, values: Iterable[Decimal | None]) -> Decimal:
        return sum((v for v in values if v is not None), _ZERO)

    @property
    def expense_lines(self) -> list[LineFigures]:
        return [line for line in self.lines if line.is_expense]

    @property
    def budgeted(self) -> Decimal:
        return self._sum(line.budgeted for line in self.expense_lines)

    @property
    def activity(self) -> Decimal:
        return self._sum(line.activity for line in self.expense_lines)

    @property
    def available(self) -> Decimal:
        return self._sum(line.available for line in self.expense_lines)

    @property
    def income(self) -> Decimal:
        return self._sum(line.activity for line in self.lines if not line.is_expense)

    @property
    def complete(self) -> bool:
        return not self.missing_rates

    def groups(self) -> list[tuple[CategoryInfo, list[LineFigures]]]:
        """The lines by category group, in display order (the group's first line stands for the group)."""
        grouped: dict[uuid.UUID, list[LineFigures]] = {}
        for line in self.lines:
            grouped.setdefault(line.category.group_id, []).append(line)
        return [(lines[0].category, lines) for lines in grouped.values()]


async def household_categories(*, session: AsyncSession, household_id: uuid.UUID) -> list[CategoryInfo]:
    """Every category of the household (archived ones too), groups and categories in display order."""
    rows = await session.execute(
        select(
            Category.id,
            Category.name,
            Category.kind,
            Category.rollover,
            Category.hidden,
            Category.archived_at,
            Category.position,
            CategoryGroup.id,
            CategoryGroup.name,
            CategoryGroup.position,
            CategoryGroup.hidden,
        )
        .join(CategoryGroup, CategoryGroup.id == Category.group_id)
        .where(Category.household_id == household_id)
        .order_by(CategoryGroup.position, CategoryGroup.name, CategoryGroup.id, Category.position, Category.name)
    )
    return [
        CategoryInfo(
            id=row[0],
            name=row[1],
            kind=row[2],
            rollover=row[3],
            hidden=row[4],
            archived=row[5] is not None,
            position=row[6],
            group_id=row[7],
            group_name=row[8],
            group_position=row[9],
            group_hidden=row[10],
        )
        for row in rows.all()
    ]


_PLANNER = text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)")
"""For this transaction: plan the figures for the values at hand (a generic plan, made once for any range of dates,
is slow on long histories), and without JIT compilation (its estimated cost is high enough to trigger it, and
compiling takes longer than running)."""

_FOREIGN_DATES = text(
    """
    SELECT DISTINCT d.currency, d.date FROM budget.category_days d
    WHERE d.household_id = :household_id AND d.currency <> :base AND d.date >= :since AND d.date < :until
    """
)

_FIGURES = text(
    """
    WITH parts AS NOT MATERIALIZED (
      -- the parts of non-transfer transactions summed per day, category and currency (category_days, ADR 0014);
      -- the month as its first day by date arithmetic (date_trunc goes through timestamptz, slower); a foreign
      -- amount times its date's rate, looked up in the rates sent along (a constant of the custom plan, parsed
      -- once), NULL when there is none
      SELECT d.category_id, d.date - (date_part('day', d.date)::int - 1) AS month, d.currency,
             d.inflow + d.outflow AS amount,
             CASE WHEN d.currency = :base THEN d.inflow + d.outflow
                  ELSE (d.inflow + d.outflow)
                       * CAST(CAST(:rates AS jsonb) ->> (d.currency || to_char(d.date, 'YYYY-MM-DD')) AS numeric)
             END AS converted
      FROM budget.category_days d
      WHERE d.household_id = :household_id AND d.date >= :since AND d.date < :until
    ),
    activity AS (
      -- exact sums, rounded once per category and month, half to even; an amount without a rate is left out
      SELECT category_id, month,
             budget.round_half_even(COALESCE(SUM(converted), 0), CAST(:places AS integer)) AS activity
      FROM parts GROUP BY category_id, month
    ),
    unconverted AS (
      -- only when a rate is missing (known before the query is sent): amounts left out, per currency
      SELECT category_id, month, jsonb_object_agg(currency, CAST(amount AS text)) AS unconverted
      FROM (
        SELECT category_id, month, currency, SUM(amount) AS amount FROM parts
        WHERE CAST(:any_missing AS boolean) AND converted IS NULL
        GROUP BY category_id, month, currency
      ) missing
      GROUP BY category_id, month
    ),
    budgets AS (
      SELECT category_id, month, amount FROM budget.budget_amounts
      WHERE household_id = :household_id AND month >= :since AND month < :until
    ),
    cats AS (SELECT id, kind, rollover FROM budget.categories WHERE household_id = :household_id),
    shown AS (SELECT m AS month FROM unnest(CAST(:months AS date[])) AS m),
    keys AS (
      SELECT c.id AS category_id, s.month FROM cats c CROSS JOIN shown s
      UNION SELECT category_id, month FROM budgets
      UNION SELECT category_id, month FROM activity WHERE category_id IS NOT NULL
    ),
    cells AS (
      SELECT k.category_id, k.month, c.kind, c.rollover,
             COALESCE(b.amount, 0) AS budgeted, COALESCE(a.activity, 0) AS activity, u.unconverted,
             CASE WHEN c.kind = 'expense' THEN COALESCE(b.amount, 0) + COALESCE(a.activity, 0) ELSE 0 END AS net
      FROM keys k JOIN cats c ON c.id = k.category_id
      LEFT JOIN budgets b ON b.category_id = k.category_id AND b.month = k.month
      LEFT JOIN activity a ON a.category_id = k.category_id AND a.month = k.month
      LEFT JOIN unconverted u ON u.category_id = k.category_id AND u.month = k.month
    ),
    running AS (
      -- total = available at the end of the month if everything were carried (surplus_and_overspend)
      SELECT *, SUM(net) OVER (PARTITION BY category_id ORDER BY month ROWS UNBOUNDED PRECEDING) AS total
      FROM cells
    ),
    kept AS (
      -- max(0, available) under surplus-only rollover: the running total less its lowest point below zero
      -- (W(m) = max(0, W(m-1) + net(m)) solved in closed form, so no recursion is needed)
      SELECT *, total - LEAST(0, MIN(total) OVER (PARTITION BY category_id ORDER BY month
                                                  ROWS UNBOUNDED PRECEDING)) AS surplus_kept
      FROM running
    ),
    lines AS (
      SELECT *,
        CASE rollover
          WHEN 'surplus' THEN COALESCE(LAG(surplus_kept) OVER (PARTITION BY category_id ORDER BY month), 0)
          WHEN 'surplus_and_overspend' THEN total - net
          ELSE 0
        END AS carried
      FROM kept
    ),
    flows AS (
      SELECT month,
        SUM(CASE WHEN kind = 'income' THEN activity ELSE -budgeted END) AS fresh,
        SUM(CASE WHEN kind <> 'expense' THEN 0
                 WHEN rollover = 'none' THEN carried + net
                 WHEN rollover = 'surplus' THEN LEAST(carried + net, 0)
                 ELSE 0 END) AS released
      FROM lines GROUP BY month
      UNION ALL
      SELECT month, activity, 0 FROM activity WHERE category_id IS NULL
    ),
    totals AS (
      SELECT s.month,
        (SELECT COALESCE(SUM(f.fresh), 0) FROM flows f WHERE f.month <= s.month)
          + (SELECT COALESCE(SUM(f.released), 0) FROM flows f WHERE f.month < s.month) AS to_be_budgeted,
        (SELECT a.activity FROM activity a WHERE a.category_id IS NULL AND a.month = s.month) AS uncategorized,
        (SELECT u.unconverted FROM unconverted u WHERE u.category_id IS NULL AND u.month = s.month)
          AS uncategorized_unconverted
      FROM shown s
    )
    SELECT t.month, t.to_be_budgeted, t.uncategorized, t.uncategorized_unconverted,
           l.category_id, l.budgeted, l.activity, l.carried, l.unconverted
    FROM totals t LEFT JOIN lines l ON l.month = t.month
    """
).bindparams(
    bindparam("rates", type_=String),
    bindparam("months", type_=ARRAY(Date)),
    bindparam("places", type_=Integer),
    bindparam("any_missing", type_=Boolean),
)


def _unconverted(raw: Any) -> tuple[Money, ...]:
    if raw is None:
        return ()
    data = json.loads(raw) if isinstance(raw, str) else raw
    return tuple(Money(Decimal(str(amount)), code) for code, amount in sorted(data.items()))


async def budget_figures(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    months: Sequence[dt.date],
    policy: FxPolicy | None = None,
) -> list[MonthFigures]:
    """Budget vs actual for each of ``months`` (first days, ascending, contiguous), in the household's base
    currency and budget model; see the module's conventions."""
    if not months:
        return []
    first, last = months[0], months[-1]
    until = add_months(last, 1)
    settings = await household_settings(session=session, household_id=household_id)
    base, model = settings.base_currency, settings.budget_model
    categories = await household_categories(session=session, household_id=household_id)
    by_id = {c.id: c for c in categories}
    # With category limits and no rollover, a month depends on itself only; otherwise on all of history.
    needs_history = model == "envelope" or any(c.rollover != "none" and c.kind == EXPENSE for c in categories)
    since = dt.date.min if needs_history else first
    window = {"household_id": household_id, "base": base, "since": since, "until": until}

    foreign = (await session.execute(_FOREIGN_DATES, window)).all()
    rates = await rates_for(
        session=session,
        household_id=household_id,
        keys=[(currency, base, day) for currency, day in foreign],
        policy=policy,
    )
    known = sorted(((k, r) for k, r in rates.items() if isinstance(r, RateUsed)), key=lambda item: item[0])
    missing = sorted((r for r in rates.values() if isinstance(r, MissingRate)), key=lambda r: (r.on, r.base))

    await session.execute(_PLANNER)
    rows = (
        await session.execute(
            _FIGURES,
            {
                **window,
                "places": minor_units(base),
                "months": list(months),
                "any_missing": bool(missing),
                "rates": json.dumps({f"{key[0]}{key[2].isoformat()}": str(rate.rate) for key, rate in known}),
            },
        )
    ).all()

    per_month: dict[dt.date, dict[uuid.UUID, LineFigures]] = {month: {} for month in months}
    heads: dict[dt.date, Any] = {}
    for row in rows:
        heads.setdefault(row.month, row)
        info = by_id.get(row.category_id) if row.category_id is not None else None
        if info is None:
            continue
        per_month[row.month][info.id] = LineFigures(
            category=info,
            budgeted=row.budgeted,
            activity=row.activity,
            carried=row.carried,
            unconverted=_unconverted(row.unconverted),
        )

    result = []
    for month in months:
        head = heads.get(month)
        lines = per_month[month]
        ordered = tuple(
            lines[c.id] for c in categories if c.id in lines and (not c.archived or lines[c.id].has_figures)
        )
        month_end = add_months(month, 1)
        result.append(
            MonthFigures(
                household_id=household_id,
                month=month,
                model=model,
                currency=base,
                lines=ordered,
                uncategorized=(head.uncategorized if head is not None and head.uncategorized is not None else _ZERO),
                uncategorized_unconverted=_unconverted(head.uncategorized_unconverted if head is not None else None),
                to_be_budgeted=((head.to_be_budgeted if head is not None else _ZERO) if model == "envelope" else None),
                rates_used=tuple(rate for key, rate in known if month <= key[2] < month_end),
                missing_rates=tuple(m for m in missing if m.on < month_end and (needs_history or m.on >= month)),
            )
        )
    return result
