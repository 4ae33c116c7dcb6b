"""Return figures, defined once and computed the same way everywhere: simple ROI, money-weighted return (XIRR,
annualised and for the period), time-weighted return (daily values, geometrically linked) and Modified Dietz.

Pure functions over a period's start value, end value, daily values and external cash flows. Money is ``Decimal``;
a return is a ratio, so a ``float``. A figure that is undefined (nothing invested, no value held, no root) is a
``Figure`` with ``value=None`` and a ``reason``: never 0 % and never -100 % (a full exit is a sale, not a loss).

Sign of a flow: **positive when money goes into the portfolio** (a deposit, a purchase paid from outside, a
transfer of securities in), negative when it comes out (a withdrawal, sale proceeds taken out). Dividends and
interest paid into the portfolio's cash are *not* external flows: they are part of the return.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import pyxirr

__all__ = [
    "Figure",
    "Flow",
    "Reason",
    "modified_dietz",
    "period_return",
    "simple_roi",
    "time_weighted_return",
    "xirr",
]


class Reason(StrEnum):
    NO_FLOWS = "no_flows"
    """Nothing went in or out and nothing was held: there is nothing to measure."""
    NOTHING_INVESTED = "nothing_invested"
    """The capital at risk (the denominator) is zero or negative."""
    NO_VALUE_HELD = "no_value_held"
    """The portfolio held nothing on any day of the period."""
    NO_ROOT = "no_root"
    """The money-weighted return equation has no solution (for example, every flow has the same sign)."""
    TOO_SHORT = "too_short"
    """The period has no length."""


@dataclass(frozen=True, slots=True)
class Flow:
    """An external cash flow: positive into the portfolio, negative out of it."""

    date: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Figure:
    """A return as a fraction (0.05 is 5 %), or ``None`` with the reason it is undefined."""

    value: float | None
    reason: Reason | None = None

    @classmethod
    def undefined(cls, reason: Reason) -> Figure:
        return cls(None, reason)


def simple_roi(*, start_value: Decimal, end_value: Decimal, flows: Sequence[Flow]) -> Figure:
    """Gain over capital: ``(end - start - net flows) / (start + money put in)``. Money taken out is not capital
    taken back from the denominator, so selling everything keeps the return the sale made."""
    put_in = sum((f.amount for f in flows if f.amount > 0), Decimal(0))
    net = sum((f.amount for f in flows), Decimal(0))
    capital = start_value + put_in
    if capital <= 0:
        return Figure.undefined(Reason.NOTHING_INVESTED if flows or start_value else Reason.NO_FLOWS)
    return Figure(float((end_value - start_value - net) / capital))


def xirr(*, start: dt.date, end: dt.date, start_value: Decimal, end_value: Decimal, flows: Sequence[Flow]) -> Figure:
    """The money-weighted return, annualised (Excel's XIRR, actual/365): the rate at which the start value and the
    money put in, less the money taken out, grow to the end value. Seen from the investor, the start value and
    flows in are payments, flows out and the end value receipts."""
    if end <= start:
        return Figure.undefined(Reason.TOO_SHORT)
    dates: list[dt.date] = []
    amounts: list[float] = []
    if start_value:
        dates.append(start)
        amounts.append(-float(start_value))
    for flow in flows:
        if start <= flow.date <= end and flow.amount:
            dates.append(flow.date)
            amounts.append(-float(flow.amount))
    if end_value:
        dates.append(end)
        amounts.append(float(end_value))
    if not amounts:
        return Figure.undefined(Reason.NO_FLOWS)
    if not (any(a < 0 for a in amounts) and any(a > 0 for a in amounts)):
        return Figure.undefined(Reason.NO_ROOT if any(a < 0 for a in amounts) else Reason.NOTHING_INVESTED)
    rate = pyxirr.xirr(dates, amounts, silent=True)
    if rate is None or not math.isfinite(rate):
        return Figure.undefined(Reason.NO_ROOT)
    return Figure(float(rate))


def period_return(annual: Figure, *, start: dt.date, end: dt.date) -> Figure:
    """An annualised rate turned into the return over ``start`` to ``end``: ``(1 + r)^(days / 365) - 1``."""
    if annual.value is None:
        return annual
    return Figure((1 + annual.value) ** ((end - start).days / 365) - 1)


def time_weighted_return(
    *, values: Mapping[dt.date, Decimal], flows: Sequence[Flow], start: dt.date, end: dt.date, start_value: Decimal
) -> Figure:
    """The return of the investments themselves, whatever was put in or taken out and when: each day's return
    ``(value + money out) / (previous value + money in) - 1`` (money in counts from the day's start, money out at
    its end, so a purchase on the first day and a full exit on the last are both measured), linked
    geometrically. ``values`` holds the end-of-day value of each day from ``start`` (exclusive) to ``end``; a
    missing day keeps the previous value. Days with nothing held and nothing put in are skipped."""
    if end <= start:
        return Figure.undefined(Reason.TOO_SHORT)
    money_in: dict[dt.date, Decimal] = {}
    money_out: dict[dt.date, Decimal] = {}
    for flow in flows:
        if start < flow.date <= end:
            book = money_in if flow.amount > 0 else money_out
            book[flow.date] = book.get(flow.date, Decimal(0)) + abs(flow.amount)
    growth = 1.0
    measured = False
    previous = start_value
    day = start + dt.timedelta(days=1)
    while day <= end:
        value = values.get(day, previous)
        base = previous + money_in.get(day, Decimal(0))
        if base > 0:
            growth *= float((value + money_out.get(day, Decimal(0))) / base)
            measured = True
        previous = value
        day += dt.timedelta(days=1)
    if not measured:
        return Figure.undefined(Reason.NO_VALUE_HELD)
    return Figure(growth - 1)


def modified_dietz(
    *, start: dt.date, end: dt.date, start_value: Decimal, end_value: Decimal, flows: Sequence[Flow]
) -> Figure:
    """An approximation of the time-weighted return when daily values are missing:
    ``(end - start - Σ flows) / (start + Σ wᵢ · flowᵢ)``, each flow weighted by the share of the period it was
    invested, ``wᵢ = (days from the flow to the end) / (days of the period)``."""
    days = (end - start).days
    if days <= 0:
        return Figure.undefined(Reason.TOO_SHORT)
    inside = [f for f in flows if start < f.date <= end]
    net = sum((f.amount for f in inside), Decimal(0))
    weighted = sum((f.amount * Decimal((end - f.date).days) / Decimal(days) for f in inside), Decimal(0))
    capital = start_value + weighted
    if capital <= 0:
        return Figure.undefined(Reason.NOTHING_INVESTED if inside or start_value else Reason.NO_FLOWS)
    return Figure(float((end_value - start_value - net) / capital))
