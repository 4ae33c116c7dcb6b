"""Converted sums of whole months, kept between requests (``budget.month_figures``, migration
``budg0011_month_figures``, ADR 14).

A report by payee cannot be served by the per-day sums (a payee key makes them as large as the ledger), so it
reads the period's transactions and converts each (payee, currency, day). For whole months that work is done once
and kept under three things it depends on: the month's version (``ledger_months``: a trigger draws a new one on
every change to the month's transactions or split parts, and to a category's kind), the rates' version
(``fx_rates_version``) and the base currency. A change to any of them leaves the kept figures unused; nothing is
ever invalidated by hand, and a concurrent change can only make a request miss, never read stale figures: the
figures are computed, stored and tagged with the versions in one statement, under one snapshot.

The months at the ends of a period that are cut by it are summed from the transactions for each request.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Date, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

__all__ = ["Period", "month_rows", "whole_months"]

DIMENSION_PAYEE = "payee"


@dataclass(frozen=True, slots=True)
class Period:
    since: dt.date
    until: dt.date


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def whole_months(since: dt.date, until: dt.date) -> tuple[list[dt.date], list[Period]]:
    """The first days of the months wholly inside ``[since, until]``, and the parts of the period outside them
    (none, one or two)."""
    first = since if since.day == 1 else (since.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    months: list[dt.date] = []
    month = first
    while _month_end(month) <= until:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if not months:
        return [], [Period(since, until)]
    edges = []
    if since < months[0]:
        edges.append(Period(since, months[0] - dt.timedelta(days=1)))
    last = _month_end(months[-1])
    if last < until:
        edges.append(Period(last + dt.timedelta(days=1), until))
    return months, edges


_VERSIONS = text(
    """
    SELECT m.month, coalesce(l.version, 0) AS version,
           EXISTS (SELECT 1 FROM budget.month_figures_done d
                    WHERE d.household_id = :household AND d.dimension = :dimension AND d.month = m.month
                      AND d.base = :base AND d.fx_version = :fx AND d.ledger_version = coalesce(l.version, 0)) AS kept
      FROM unnest(CAST(:months AS date[])) AS m(month)
      LEFT JOIN budget.ledger_months l ON l.household_id = :household AND l.month = m.month
    """
).bindparams(bindparam("months", type_=ARRAY(Date)))

_KEPT = text(
    """
    SELECT f.key, f.currency, sum(f.converted) AS converted, sum(f.unconverted) AS unconverted,
           sum(f.parts)::bigint AS parts
      FROM budget.month_figures f
     WHERE f.household_id = :household AND f.dimension = :dimension AND f.month = ANY(CAST(:months AS date[]))
       AND f.base = :base AND f.fx_version = :fx AND f.flow = :kind
       -- each month's own version, looked up in the arrays sent along: no join for the planner to misjudge on
       -- figures written moments ago (before any statistics)
       AND f.ledger_version = (CAST(:versions AS bigint[]))[array_position(CAST(:months AS date[]), f.month)]
     GROUP BY f.key, f.currency
    """
).bindparams(bindparam("months", type_=ARRAY(Date)), bindparam("versions", type_=ARRAY(BigInteger())))


def _fill_sql(parts: str, kind_expression: str, rates: str) -> str:
    """One statement: the months' versions, their figures computed from ``parts`` (both flows), stored with those
    versions, the months marked as kept, older figures of those months removed; returns the versions used."""
    # Only the reports module's constant fragments are interpolated; every value is a bound parameter.
    return f"""
    WITH wanted AS (
        SELECT m.month, coalesce(l.version, 0) AS version
          FROM unnest(CAST(:months AS date[])) AS m(month)
          LEFT JOIN budget.ledger_months l ON l.household_id = :household AND l.month = m.month
    ),
    figures AS (
        SELECT date_trunc('month', p.date)::date AS month, p.payee_id AS key, {kind_expression} AS flow, p.currency,
               sum(CASE WHEN p.currency = :base THEN p.amount ELSE p.amount * r.rate END) AS converted,
               sum(p.amount) FILTER (WHERE p.currency <> :base AND r.rate IS NULL) AS unconverted,
               sum(p.parts)::bigint AS parts
          FROM ({parts}) p
          LEFT JOIN budget.categories c ON c.id = p.category_id
          LEFT JOIN {rates} ON r.currency = p.currency AND r.date = p.date
         GROUP BY 1, 2, 3, 4
    ),
    removed AS (
        DELETE FROM budget.month_figures f USING wanted w
         WHERE f.household_id = :household AND f.dimension = :dimension AND f.month = w.month
           AND NOT (f.base = :base AND f.fx_version = :fx AND f.ledger_version = w.version)
    ),
    unmarked AS (
        DELETE FROM budget.month_figures_done d USING wanted w
         WHERE d.household_id = :household AND d.dimension = :dimension AND d.month = w.month
           AND NOT (d.base = :base AND d.fx_version = :fx AND d.ledger_version = w.version)
    ),
    stored AS (
        INSERT INTO budget.month_figures (household_id, dimension, month, base, fx_version, ledger_version, key, flow,
                                          currency, converted, unconverted, parts)
        SELECT :household, :dimension, f.month, :base, :fx, w.version, f.key, f.flow, f.currency, f.converted,
               f.unconverted, f.parts
          FROM figures f JOIN wanted w ON w.month = f.month
        ON CONFLICT DO NOTHING
    ),
    marked AS (
        INSERT INTO budget.month_figures_done (household_id, dimension, month, base, fx_version, ledger_version)
        SELECT :household, :dimension, w.month, :base, :fx, w.version FROM wanted w
        ON CONFLICT DO NOTHING
    )
    SELECT month, version FROM wanted
    """  # noqa: S608


async def _fill(session: AsyncSession, statement: Any, params: dict[str, Any], tuning: str) -> dict[dt.date, int]:
    """Run the filling statement in a transaction of its own, committed at once: a report's session is read-only
    in effect (a query's transaction is never committed), and the figures are worth keeping whatever it does. A
    session bound to a connection (a test's outer transaction) fills in place."""
    bind = session.bind
    if isinstance(bind, AsyncEngine):
        async with AsyncSession(bind) as own, own.begin():
            await own.execute(text(tuning))
            return {month: version for month, version in (await own.execute(statement, params)).all()}
    return {month: version for month, version in (await session.execute(statement, params)).all()}


async def month_rows(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    months: Sequence[dt.date],
    base: str,
    fx_version: int,
    kind: str,
    parts: str,
    kind_expression: str,
    rates_join: str,
    params: dict[str, Any],
    types: Sequence[Any],
    tuning: str,
) -> tuple[list[tuple[Any, str, Decimal | None, Decimal | None, int]], list[Period]]:
    """``(rows, periods)``: the rows ``(payee, currency, converted, unconverted, parts)`` of the flow ``kind`` over
    the ``months`` that are kept (or could be computed and kept now), and the months the caller must sum itself
    because what this session sees of them is not what is kept (its own writes not yet committed, or a change
    committed in between). ``parts`` is an SQL fragment over the period ``:since`` to ``:until``."""
    common = {"household": household_id, "dimension": DIMENSION_PAYEE, "base": base, "fx": fx_version}
    found = (await session.execute(_VERSIONS, {**common, "months": list(months)})).all()
    seen = {month: version for month, version, _ in found}
    usable = {month for month, _, kept in found if kept}
    missing = sorted(month for month, _, kept in found if not kept)
    if missing:
        fill = text(_fill_sql(parts, kind_expression, rates_join)).bindparams(
            bindparam("months", type_=ARRAY(Date)), *types
        )
        filled = await _fill(
            session,
            fill,
            {**params, **common, "months": missing, "since": missing[0], "until": _month_end(missing[-1])},
            tuning,
        )
        usable |= {month for month in missing if filled.get(month) == seen[month]}
    ordered = sorted(usable)
    rows = await session.execute(
        _KEPT, {**common, "kind": kind, "months": ordered, "versions": [seen[m] for m in ordered]}
    )
    live = [Period(month, _month_end(month)) for month in sorted(set(months) - usable)]
    return [tuple(row) for row in rows.all()], live
