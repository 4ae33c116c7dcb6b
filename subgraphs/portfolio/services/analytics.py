"""A portfolio's figures from its stored history: holdings, valuation, the performance table, allocation, dividends
and rebalancing. Reads activities, prices and exchange rates in a few queries, then hands them to the pure
``holdings``, ``performance`` and ``rebalancing`` modules. Keyword-only async functions; no GraphQL here.

Exchange rates are portfolio's own (``fx_rates``, published by the ECB against the euro); a pair that does not
involve the euro is crossed through it, day by day, rounded to 12 decimals like every stored rate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.portfolio.activities import Activity, Kind
from subgraphs.portfolio.holdings import (
    Book,
    PriceTable,
    RateTable,
    Series,
    Valuation,
    daily,
    holding_daily,
    replay,
    value,
)
from subgraphs.portfolio.models import Instrument, Portfolio
from subgraphs.portfolio.performance import (
    Figure,
    Reason,
    modified_dietz,
    period_return,
    simple_roi,
    time_weighted_return,
    xirr,
)
from subgraphs.portfolio.services.activities import cost_method, read_activities
from subgraphs.portfolio.services.instruments import find_instruments
from subgraphs.portfolio.services.prices import fx_rates, price_series

__all__ = [
    "Inputs",
    "Period",
    "PeriodFigures",
    "dividend_summary",
    "load_inputs",
    "performance_table",
    "period_bounds",
]

_RATE_PLACES = Decimal("0.000000000001")


class Period(StrEnum):
    ONE_MONTH = "1M"
    THREE_MONTHS = "3M"
    YEAR_TO_DATE = "YTD"
    ONE_YEAR = "1Y"
    THREE_YEARS = "3Y"
    FIVE_YEARS = "5Y"
    MAX = "MAX"
    CUSTOM = "CUSTOM"


@dataclass
class Inputs:
    """Everything a portfolio's figures are computed from, loaded once per request."""

    portfolio: Portfolio
    activities: list[Activity]
    instruments: dict[str, Instrument]
    prices: PriceTable
    fx: RateTable
    today: dt.date
    first_date: dt.date | None
    price_points: dict[str, list[tuple[dt.date, Decimal]]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.portfolio.base_currency

    def replay(self, until: dt.date | None = None) -> Book:
        return replay(
            self.activities,
            base_currency=self.base,
            method=cost_method(self.portfolio),
            until=until,
            prices=self.prices,
            fx=self.fx,
        )

    def value(self, date: dt.date) -> tuple[Book, Valuation]:
        book = self.replay(date)
        return book, value(book, prices=self.prices, fx=self.fx, date=date)

    def series(self, start: dt.date, end: dt.date, instrument: str | None = None) -> Series:
        if instrument is None:
            return daily(
                self.activities,
                base_currency=self.base,
                method=cost_method(self.portfolio),
                start=start,
                end=end,
                prices=self.prices,
                fx=self.fx,
            )
        return holding_daily(
            self.activities,
            instrument=instrument,
            base_currency=self.base,
            method=cost_method(self.portfolio),
            start=start,
            end=end,
            prices=self.prices,
            fx=self.fx,
        )


def _crossed(
    stored: Mapping[tuple[str, str], list[tuple[dt.date, Decimal]]], base: str, currencies: set[str]
) -> dict[tuple[str, str], list[tuple[dt.date, Decimal]]]:
    """Rates from each currency to ``base``: stored directly (either direction), or crossed through the euro on
    every day either leg moves (each leg carried forward)."""
    pairs: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = dict(stored)
    for currency in currencies - {base}:
        if (currency, base) in stored or (base, currency) in stored:
            continue
        to_currency = _leg(stored, currency)
        to_base = _leg(stored, base)
        if to_currency is None or to_base is None:
            continue
        days = sorted(set(to_currency) | set(to_base))
        crossed: list[tuple[dt.date, Decimal]] = []
        last_c: Decimal | None = None
        last_b: Decimal | None = None
        for day in days:
            last_c = to_currency.get(day, last_c)
            last_b = to_base.get(day, last_b)
            if last_c and last_b:
                crossed.append((day, (last_b / last_c).quantize(_RATE_PLACES, rounding=ROUND_HALF_EVEN)))
        if crossed:
            pairs[(currency, base)] = crossed
    return pairs


def _leg(
    stored: Mapping[tuple[str, str], list[tuple[dt.date, Decimal]]], currency: str
) -> dict[dt.date, Decimal] | None:
    """Units of ``currency`` per euro by day."""
    if currency == "EUR":
        return None
    direct = stored.get(("EUR", currency))
    if direct:
        return dict(direct)
    reverse = stored.get((currency, "EUR"))
    if reverse:
        return {day: Decimal(1) / rate for day, rate in reverse}
    return None


async def load_inputs(
    *, session: AsyncSession, portfolio: Portfolio, today: dt.date, extra: Sequence[uuid.UUID] = ()
) -> Inputs:
    """The portfolio's activities, the instruments they name (and ``extra`` ones, such as a benchmark), every stored
    price of those up to ``today`` and the exchange rates between their currencies and the base."""
    activities = await read_activities(session=session, portfolio_id=portfolio.id, until=today)
    ids = {uuid.UUID(a.instrument) for a in activities if a.instrument is not None} | set(extra)
    found = await find_instruments(session=session, household_ids=[portfolio.household_id], ids=list(ids))
    instruments = {str(k): v for k, v in found.items()}
    history = await price_series(session=session, instrument_ids=list(found), until=today)
    points = {str(k): v for k, v in history.items() if v.points}
    currencies = {i.currency for i in found.values()} | {a.currency for a in activities} | {portfolio.base_currency}
    stored = await fx_rates(session=session, currencies=currencies, until=today)
    return Inputs(
        portfolio=portfolio,
        activities=activities,
        instruments=instruments,
        prices=PriceTable({k: (instruments[k].currency, v.filled()) for k, v in points.items()}),
        fx=RateTable(_crossed(stored, portfolio.base_currency, currencies)),
        today=today,
        first_date=min((a.date for a in activities), default=None),
        price_points={k: v.points for k, v in points.items()},
    )


def period_bounds(period: Period, *, today: dt.date, first: dt.date | None, start: dt.date | None = None,
                  end: dt.date | None = None) -> tuple[dt.date, dt.date]:  # fmt: skip
    """A period's start (the day *before* its first day: values are end of day) and end. ``MAX`` starts the day
    before the first activity; ``CUSTOM`` uses ``start`` and ``end``. A period reaching back before the first
    activity starts then: the portfolio did not exist earlier."""
    if period is Period.CUSTOM:
        if start is None or end is None:
            raise ValueError("a custom period needs a start and an end")
        return start, end
    begin = {
        Period.ONE_MONTH: today - relativedelta(months=1),
        Period.THREE_MONTHS: today - relativedelta(months=3),
        Period.YEAR_TO_DATE: dt.date(today.year - 1, 12, 31),
        Period.ONE_YEAR: today - relativedelta(years=1),
        Period.THREE_YEARS: today - relativedelta(years=3),
        Period.FIVE_YEARS: today - relativedelta(years=5),
        Period.MAX: (first or today) - dt.timedelta(days=1),
    }[period]
    if first is not None and begin < first - dt.timedelta(days=1):
        begin = first - dt.timedelta(days=1)
    return begin, today


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    start: dt.date
    end: dt.date
    start_value: Decimal
    end_value: Decimal
    net_flows: Decimal
    absolute_gain: Decimal
    dividends: Decimal
    simple_roi: Figure
    xirr_annual: Figure
    xirr_period: Figure
    twr: Figure
    twr_method: str
    """``daily`` or ``modified_dietz`` (some daily values were estimated for want of market prices)."""
    modified_dietz: Figure
    benchmark: Figure | None
    estimated: tuple[str, ...]


def _window(series: Series, start: dt.date, end: dt.date) -> Series:
    """The part of a longer series from ``start`` (exclusive) to ``end``."""
    start_value = series.values.get(start, series.start_value) if start > series.start else series.start_value
    values = {d: v for d, v in series.values.items() if start < d <= end}
    flows = tuple(f for f in series.flows if start < f.date <= end)
    return Series(start, end, start_value, values, flows, series.estimated_prices, series.estimated_rates)


def _figures(period: Period, series: Series, *, dividends: Decimal, benchmark: Figure | None) -> PeriodFigures:
    start, end = series.start, series.end
    net = sum((f.amount for f in series.flows), Decimal(0))
    end_value = series.end_value
    annual = xirr(start=start, end=end, start_value=series.start_value, end_value=end_value, flows=series.flows)
    dietz = modified_dietz(
        start=start, end=end, start_value=series.start_value, end_value=end_value, flows=series.flows
    )
    estimated = series.estimated_prices
    if estimated:
        twr, method = dietz, "modified_dietz"
    else:
        twr = time_weighted_return(
            values=series.values, flows=series.flows, start=start, end=end, start_value=series.start_value
        )
        method = "daily"
    return PeriodFigures(
        period=period,
        start=start,
        end=end,
        start_value=series.start_value,
        end_value=end_value,
        net_flows=net,
        absolute_gain=end_value - series.start_value - net,
        dividends=dividends,
        simple_roi=simple_roi(start_value=series.start_value, end_value=end_value, flows=series.flows),
        xirr_annual=annual,
        xirr_period=period_return(annual, start=start, end=end),
        twr=twr,
        twr_method=method,
        modified_dietz=dietz,
        benchmark=benchmark,
        estimated=estimated,
    )


def _benchmark_return(inputs: Inputs, start: dt.date, end: dt.date) -> Figure | None:
    benchmark_id = inputs.portfolio.benchmark_id
    if benchmark_id is None:
        return None
    key = str(benchmark_id)
    first = inputs.prices(key, start)
    last = inputs.prices(key, end)
    if first is None or last is None or first[0] <= 0:
        return Figure.undefined(Reason.NO_VALUE_HELD)
    return Figure(float(last[0] / first[0] - 1))


def _dividends_in(inputs: Inputs, start: dt.date, end: dt.date, instrument: str | None = None) -> Decimal:
    """Dividends received (net of tax withheld, reinvested ones included) in (start, end], in base."""
    total = Decimal(0)
    for a in inputs.activities:
        if a.kind not in (Kind.DIVIDEND, Kind.DIVIDEND_REINVEST) or not start < a.date <= end:
            continue
        if instrument is not None and a.instrument != instrument:
            continue
        rate = a.fx_rate if a.fx_rate is not None else inputs.fx(a.currency, inputs.base, a.date)
        total += (a.amount - a.tax) * (rate if rate is not None else Decimal(0))
    return total


def performance_table(
    inputs: Inputs,
    periods: Sequence[tuple[Period, dt.date, dt.date]],
    *,
    instrument: str | None = None,
) -> list[PeriodFigures]:
    """Every figure for each ``(period, start, end)``, from one daily series covering them all."""
    if not periods:
        return []
    earliest = min(start for _, start, _ in periods)
    latest = max(end for _, _, end in periods)
    whole = inputs.series(earliest, latest, instrument)
    table: list[PeriodFigures] = []
    for period, start, end in periods:
        window = _window(whole, start, end)
        table.append(
            _figures(
                period,
                window,
                dividends=_dividends_in(inputs, start, end, instrument),
                benchmark=_benchmark_return(inputs, start, end),
            )
        )
    return table


@dataclass(frozen=True)
class DividendPayment:
    date: dt.date
    instrument: str
    gross: Decimal
    tax: Decimal
    currency: str
    net_base: Decimal
    reinvested: bool


@dataclass(frozen=True)
class DividendSummary:
    payments: list[DividendPayment]
    trailing_twelve_months: Decimal
    """Net dividends received in the 365 days to ``today``, in base."""
    yield_on_cost: float | None
    """Trailing-12-month dividends of the instruments still held over what they cost (base); ``None`` when
    nothing paying is held."""
    projected_annual: Decimal
    """Each payment of the last 12 months, per unit then held, times the units held today: what the same payments
    bring next year with today's holdings (base, today's rates)."""
    calendar: dict[dt.date, Decimal]
    """The projection by month (first day of each of the next 12 months)."""


def _units_before(
    activities: Sequence[Activity], wanted: set[tuple[str, dt.date]]
) -> dict[tuple[str, dt.date], Decimal]:
    """Units of each instrument held at the end of the day before each wanted ``(instrument, date)``."""
    change = {Kind.BUY: 1, Kind.TRANSFER_IN: 1, Kind.DIVIDEND_REINVEST: 1, Kind.SELL: -1, Kind.TRANSFER_OUT: -1}
    held: dict[str, Decimal] = defaultdict(Decimal)
    found: dict[tuple[str, dt.date], Decimal] = {}
    pending = sorted(wanted, key=lambda w: w[1])
    position = 0
    for a in sorted(activities, key=lambda a: a.date):
        while position < len(pending) and pending[position][1] <= a.date:
            key = pending[position]
            found[key] = held[key[0]]
            position += 1
        if a.instrument is None:
            continue
        if a.kind in change:
            held[a.instrument] += change[a.kind] * a.quantity
        elif a.kind is Kind.SPLIT and a.split_from:
            held[a.instrument] = held[a.instrument] * a.split_to / a.split_from
    for key in pending[position:]:
        found[key] = held[key[0]]
    return found


def dividend_summary(inputs: Inputs) -> DividendSummary:
    today = inputs.today
    year_ago = today - dt.timedelta(days=365)
    payments: list[DividendPayment] = []
    for a in inputs.activities:
        if a.kind not in (Kind.DIVIDEND, Kind.DIVIDEND_REINVEST) or a.instrument is None:
            continue
        rate = a.fx_rate if a.fx_rate is not None else inputs.fx(a.currency, inputs.base, a.date)
        payments.append(
            DividendPayment(
                date=a.date,
                instrument=a.instrument,
                gross=a.amount,
                tax=a.tax,
                currency=a.currency,
                net_base=(a.amount - a.tax) * (rate or Decimal(0)),
                reinvested=a.kind is Kind.DIVIDEND_REINVEST,
            )
        )
    recent = [p for p in payments if year_ago < p.date <= today]
    trailing = sum((p.net_base for p in recent), Decimal(0))
    book_now = inputs.replay(today)
    held = {k: h for k, h in book_now.holdings.items() if h.quantity > 0}
    per_unit: dict[str, list[tuple[dt.date, Decimal, str]]] = defaultdict(list)
    units = _units_before(inputs.activities, {(p.instrument, p.date) for p in recent})
    for p in recent:
        then = units.get((p.instrument, p.date), Decimal(0))
        if then > 0:
            per_unit[p.instrument].append((p.date, (p.gross - p.tax) / then, p.currency))
    calendar: dict[dt.date, Decimal] = {}
    projected = Decimal(0)
    for key, entries in per_unit.items():
        holding = held.get(key)
        if holding is None:
            continue
        for date, amount, currency in entries:
            rate = inputs.fx(currency, inputs.base, today) or Decimal(0)
            income = amount * holding.quantity * rate
            projected += income
            month = (date + relativedelta(years=1)).replace(day=1)
            calendar[month] = calendar.get(month, Decimal(0)) + income
    paying_cost = sum((held[k].cost_base for k in per_unit if k in held), Decimal(0))
    paid_by_held = sum((p.net_base for p in recent if p.instrument in held), Decimal(0))
    return DividendSummary(
        payments=sorted(payments, key=lambda p: (p.date, p.instrument), reverse=True),
        trailing_twelve_months=trailing,
        yield_on_cost=float(paid_by_held / paying_cost) if paying_cost > 0 and paid_by_held else None,
        projected_annual=projected,
        calendar=dict(sorted(calendar.items())),
    )
