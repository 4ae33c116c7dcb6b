"""The GraphQL side of a portfolio's figures: holdings, valuation, the performance table, allocation, dividends and
rebalancing. Amounts are rounded to their currency's minor unit here, at the boundary, and nowhere before; ratios
(returns, weights) are floats."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from fincloud.graphql import MoneyType, UserInputError
from fincloud.money import minor_units
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.holdings import Holding as BookHolding
from subgraphs.portfolio.holdings import HoldingValue
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.models import Portfolio as PortfolioRow
from subgraphs.portfolio.performance import Figure
from subgraphs.portfolio.rebalancing import Position, RebalanceError, rebalance
from subgraphs.portfolio.services.analytics import (
    Inputs,
    Period,
    PeriodFigures,
    dividend_summary,
    performance_table,
    period_bounds,
)
from subgraphs.portfolio.services.targets import targets_of

if TYPE_CHECKING:
    from subgraphs.portfolio.types import Instrument

InstrumentRef = Annotated["Instrument", strawberry.lazy("subgraphs.portfolio.types")]


def money(amount: Decimal, currency: str) -> MoneyType:
    """``amount`` rounded half-even to the currency's minor unit."""
    places = Decimal(1).scaleb(-minor_units(currency))
    return MoneyType(amount=amount.quantize(places, rounding=ROUND_HALF_EVEN), currency=currency)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _instrument(row: InstrumentRow | None) -> Instrument | None:
    from subgraphs.portfolio.types import Instrument

    return Instrument.from_row(row) if row is not None else None


@strawberry.enum(description="Why a return figure is not available.")
class UndefinedReason(Enum):
    NO_FLOWS = "no_flows"
    NOTHING_INVESTED = "nothing_invested"
    NO_VALUE_HELD = "no_value_held"
    NO_ROOT = "no_root"
    TOO_SHORT = "too_short"


@strawberry.type(
    description="A return as a fraction (0.05 is 5 %), or null with the reason it is undefined: never a made-up 0 %"
    " or -100 %."
)
class ReturnFigure:
    value: float | None = strawberry.field(description="The return as a fraction; null when undefined.")
    reason: UndefinedReason | None = strawberry.field(
        description="Why it is undefined: NO_FLOWS (nothing went in or out and nothing was held), NOTHING_INVESTED"
        " (no capital at risk), NO_VALUE_HELD (nothing held on any day), NO_ROOT (the money-weighted equation has"
        " no solution), TOO_SHORT (the period has no length)."
    )

    @classmethod
    def of(cls, figure: Figure) -> ReturnFigure:
        return cls(
            value=figure.value, reason=UndefinedReason(figure.reason.value) if figure.reason is not None else None
        )


@strawberry.enum(description="A reporting period ending today.")
class PerformancePeriod(Enum):
    ONE_MONTH = "1M"
    THREE_MONTHS = "3M"
    YEAR_TO_DATE = "YTD"
    ONE_YEAR = "1Y"
    THREE_YEARS = "3Y"
    FIVE_YEARS = "5Y"
    MAX = "MAX"


@strawberry.enum(description="How the time-weighted return was computed.")
class TwrMethod(Enum):
    DAILY = "daily"
    MODIFIED_DIETZ = "modified_dietz"


@strawberry.type(description="Every return figure of one period, side by side, all in the portfolio's base currency.")
class PerformanceRow:
    period: str = strawberry.field(description="1M, 3M, YTD, 1Y, 3Y, 5Y, MAX or CUSTOM.")
    start: dt.date = strawberry.field(
        description="The day before the period's first day: its closing value is the starting value. A period"
        " reaching back before the first activity starts then."
    )
    end: dt.date = strawberry.field(description="The period's last day.")
    start_value: MoneyType = strawberry.field(description="Value (securities and cash) at the end of `start`.")
    end_value: MoneyType = strawberry.field(description="Value at the end of `end`.")
    net_flows: MoneyType = strawberry.field(
        description="Money put in less money taken out during the period (deposits, securities transferred in at"
        " market value, purchases funded from outside; withdrawals and transfers out). Dividends are not flows."
    )
    absolute_gain: MoneyType = strawberry.field(description="endValue - startValue - netFlows: what the money earned.")
    dividends: MoneyType = strawberry.field(description="Dividends received in the period, net of tax withheld.")
    simple_roi: ReturnFigure = strawberry.field(
        description="Simple return on investment: absoluteGain / (startValue + money put in). Money taken out does"
        " not shrink the denominator, so a full exit keeps the gain it made."
    )
    money_weighted_annualised: ReturnFigure = strawberry.field(
        description="Money-weighted return (XIRR, actual/365, Excel's definition), annualised: the yearly rate at"
        " which startValue and the flows grow to endValue. Depends on when money was added."
    )
    money_weighted: ReturnFigure = strawberry.field(
        description="The money-weighted return over the period: (1 + XIRR)^(days/365) - 1."
    )
    time_weighted: ReturnFigure = strawberry.field(
        description="Time-weighted return: each day's return (value + money out) / (previous value + money in) - 1,"
        " linked geometrically, so deposits and withdrawals do not move it; the return of the investments"
        " themselves. Modified Dietz when some daily values are missing (see `timeWeightedMethod`)."
    )
    time_weighted_method: TwrMethod = strawberry.field(
        description="DAILY, or MODIFIED_DIETZ when an instrument had no market price on some days of the period."
    )
    modified_dietz: ReturnFigure = strawberry.field(
        description="Modified Dietz: absoluteGain / (startValue + sum of each flow x the share of the period it was invested)."
    )
    benchmark: ReturnFigure | None = strawberry.field(
        description="The benchmark instrument's price return over the same period, in its own currency; null when"
        " the portfolio has no benchmark."
    )
    estimated_prices: list[strawberry.ID] = strawberry.field(
        description="Instruments valued at their last trade price on some days, for want of a market price."
    )

    @classmethod
    def of(cls, row: PeriodFigures, currency: str) -> PerformanceRow:
        return cls(
            period=row.period.value,
            start=row.start,
            end=row.end,
            start_value=money(row.start_value, currency),
            end_value=money(row.end_value, currency),
            net_flows=money(row.net_flows, currency),
            absolute_gain=money(row.absolute_gain, currency),
            dividends=money(row.dividends, currency),
            simple_roi=ReturnFigure.of(row.simple_roi),
            money_weighted_annualised=ReturnFigure.of(row.xirr_annual),
            money_weighted=ReturnFigure.of(row.xirr_period),
            time_weighted=ReturnFigure.of(row.twr),
            time_weighted_method=TwrMethod(row.twr_method),
            modified_dietz=ReturnFigure.of(row.modified_dietz),
            benchmark=ReturnFigure.of(row.benchmark) if row.benchmark is not None else None,
            estimated_prices=[strawberry.ID(k) for k in row.estimated],
        )


def resolve_periods(
    inputs: Inputs, periods: list[PerformancePeriod] | None, start: dt.date | None, end: dt.date | None
) -> list[tuple[Period, dt.date, dt.date]]:
    if (start is None) != (end is None):
        raise UserInputError("give both `from` and `to` for a custom period", field="from")
    chosen = [Period(p.value) for p in periods] if periods is not None else [Period(p.value) for p in PerformancePeriod]
    bounds = [(p, *period_bounds(p, today=inputs.today, first=inputs.first_date)) for p in chosen]
    if start is not None and end is not None:
        if not start < end <= inputs.today:
            raise UserInputError("`from` must be before `to`, and `to` no later than today", field="from")
        bounds.append((Period.CUSTOM, start - dt.timedelta(days=1), end))
    if len(bounds) > 12:
        raise UserInputError("ask for at most 12 periods at once", field="periods")
    return bounds


async def performance(
    info: strawberry.Info[Context, None],
    portfolio: PortfolioRow,
    periods: list[PerformancePeriod] | None,
    start: dt.date | None,
    end: dt.date | None,
    instrument: str | None = None,
) -> list[PerformanceRow]:
    inputs = await info.context.inputs(portfolio, today())
    table = performance_table(inputs, resolve_periods(inputs, periods, start, end), instrument=instrument)
    return [PerformanceRow.of(row, portfolio.base_currency) for row in table]


@strawberry.type(description="Units bought together (FIFO), or all units pooled (average cost).")
class Lot:
    date: dt.date = strawberry.field(description="When they were bought (the first purchase of a pooled lot).")
    quantity: Decimal = strawberry.field(description="Units still held.")
    unit_cost: MoneyType = strawberry.field(
        description="Cost per unit, fees and taxes included, in the instrument's currency."
    )
    cost_base: MoneyType = strawberry.field(description="What they cost in base currency, at the purchase's rate.")


@strawberry.type(description="One instrument held (or once held), as of a date.")
class Holding:
    instrument_id: strawberry.ID = strawberry.field(description="The instrument's id.")
    quantity: Decimal = strawberry.field(description="Units held.")
    price: MoneyType | None = strawberry.field(description="Market price per unit on the date; null if unknown.")
    value: MoneyType | None = strawberry.field(
        description="Market value in the instrument's currency; null if unknown."
    )
    value_base: MoneyType | None = strawberry.field(description="Market value in base currency; null if unknown.")
    cost_basis: MoneyType = strawberry.field(description="What the units held cost, in the instrument's currency.")
    cost_basis_base: MoneyType = strawberry.field(description="The same in base, at the purchase dates' rates.")
    unrealised_gain: MoneyType | None = strawberry.field(description="value - costBasis (instrument currency).")
    unrealised_gain_base: MoneyType | None = strawberry.field(
        description="valueBase - costBasisBase: priceEffect + currencyEffect."
    )
    price_effect: MoneyType | None = strawberry.field(
        description="The part of the base gain the price made: (P1 - P0) * Q * FX0, summed over lots."
    )
    currency_effect: MoneyType | None = strawberry.field(
        description="The part of the base gain the exchange rate made: P1 * Q * (FX1 - FX0), summed over lots."
    )
    realised_gain: MoneyType = strawberry.field(
        description="Sale proceeds net of fees and taxes less the cost of the units sold (by the portfolio's cost"
        " method), in the instrument's currency."
    )
    realised_gain_base: MoneyType = strawberry.field(description="The same in base, currency moves included.")
    dividends_base: MoneyType = strawberry.field(description="Dividends received, net of tax withheld, in base.")
    weight: float | None = strawberry.field(description="Share of the portfolio's value (cash included).")
    lots: list[Lot] = strawberry.field(description="Open lots, oldest first.")
    instrument_row: strawberry.Private[InstrumentRow | None]

    @strawberry.field(description="The instrument.")
    def instrument(self) -> InstrumentRef | None:
        return _instrument(self.instrument_row)


def _holding(
    held: BookHolding, valued: HoldingValue | None, row: InstrumentRow | None, base: str, total: Decimal
) -> Holding:
    currency = held.currency
    return Holding(
        instrument_id=strawberry.ID(held.instrument),
        quantity=held.quantity.normalize(),
        price=MoneyType(amount=valued.price, currency=currency) if valued else None,
        value=money(valued.value, currency) if valued else None,
        value_base=money(valued.value_base, base) if valued else None,
        cost_basis=money(held.cost, currency),
        cost_basis_base=money(held.cost_base, base),
        unrealised_gain=money(valued.gain, currency) if valued else None,
        unrealised_gain_base=money(valued.gain_base, base) if valued else None,
        price_effect=money(valued.price_effect, base) if valued else None,
        currency_effect=money(valued.currency_effect, base) if valued else None,
        realised_gain=money(held.realised, currency),
        realised_gain_base=money(held.realised_base, base),
        dividends_base=money(held.dividends_base.net, base),
        weight=float(valued.value_base / total) if valued and total > 0 else None,
        lots=[
            Lot(
                date=lot.date,
                quantity=lot.quantity.normalize(),
                unit_cost=MoneyType(amount=lot.unit_cost.quantize(Decimal("1e-10")).normalize(), currency=currency),
                cost_base=money(lot.cost_base, base),
            )
            for lot in held.lots
        ],
        instrument_row=row,
    )


async def holdings(
    info: strawberry.Info[Context, None], portfolio: PortfolioRow, as_of: dt.date | None, include_closed: bool
) -> list[Holding]:
    date = as_of or today()
    inputs = await info.context.inputs(portfolio, max(date, today()))
    book, valuation = inputs.value(date)
    rows = [
        _holding(h, valuation.holdings.get(k), inputs.instruments.get(k), portfolio.base_currency, valuation.total_base)
        for k, h in book.holdings.items()
        if include_closed or h.quantity > 0
    ]
    return sorted(rows, key=lambda h: (-(h.value_base.amount if h.value_base else Decimal(0)), str(h.instrument_id)))


@strawberry.type(description="What a portfolio is worth on a date.")
class Valuation:
    date: dt.date = strawberry.field(description="The valuation date (end of day).")
    total: MoneyType = strawberry.field(description="Securities and cash, in base currency.")
    securities: MoneyType = strawberry.field(description="Market value of the holdings, in base currency.")
    cash: list[MoneyType] = strawberry.field(description="Cash per currency.")
    cash_total: MoneyType = strawberry.field(description="Cash converted to base currency.")
    complete: bool = strawberry.field(
        description="False when a holding has no price or a currency no rate on the date: `total` leaves them out."
    )
    missing_prices: list[strawberry.ID] = strawberry.field(description="Instruments held with no price on the date.")
    missing_rates: list[str] = strawberry.field(description="Currencies with no rate to base on the date.")


async def valuation(info: strawberry.Info[Context, None], portfolio: PortfolioRow, as_of: dt.date | None) -> Valuation:
    date = as_of or today()
    inputs = await info.context.inputs(portfolio, max(date, today()))
    _, valued = inputs.value(date)
    base = portfolio.base_currency
    return Valuation(
        date=date,
        total=money(valued.total_base, base),
        securities=money(valued.securities_base, base),
        cash=[money(amount, currency) for currency, amount in sorted(valued.cash.items()) if amount],
        cash_total=money(valued.cash_base, base),
        complete=valued.complete,
        missing_prices=[strawberry.ID(k) for k in valued.missing_prices],
        missing_rates=list(valued.missing_rates),
    )


@strawberry.enum(description="What an allocation is broken down by.")
class AllocationDimension(Enum):
    ASSET_CLASS = "asset_class"
    CURRENCY = "currency"
    REGION = "region"
    SECTOR = "sector"
    INSTRUMENT = "instrument"


@strawberry.type(description="One slice of an allocation.")
class AllocationSlice:
    key: str = strawberry.field(
        description="Asset class (`equity`), currency, region, sector (empty: not set) or instrument id; cash is"
        " asset class `cash` and the currency it is held in."
    )
    value: MoneyType = strawberry.field(description="Value of the slice in base currency.")
    weight: float = strawberry.field(description="Share of the portfolio's value.")
    target: float | None = strawberry.field(description="Target share, if one is set for this key.")
    drift: float | None = strawberry.field(description="weight - target, when a target is set.")


def _slice_key(dimension: AllocationDimension, row: InstrumentRow | None, key: str) -> str:
    if dimension is AllocationDimension.INSTRUMENT or row is None:
        return key
    return str(getattr(row, dimension.value))


def _cash_key(dimension: AllocationDimension, currency: str) -> str:
    """Where cash goes: asset class and instrument ``cash``, its own currency, and no region or sector."""
    if dimension is AllocationDimension.CURRENCY:
        return currency
    if dimension in (AllocationDimension.ASSET_CLASS, AllocationDimension.INSTRUMENT):
        return "cash"
    return ""


async def allocation(
    info: strawberry.Info[Context, None], portfolio: PortfolioRow, dimension: AllocationDimension, as_of: dt.date | None
) -> list[AllocationSlice]:
    date = as_of or today()
    inputs = await info.context.inputs(portfolio, max(date, today()))
    _, valued = inputs.value(date)
    base = portfolio.base_currency
    sums: dict[str, Decimal] = {}
    for key, holding in valued.holdings.items():
        slice_key = _slice_key(dimension, inputs.instruments.get(key), key)
        sums[slice_key] = sums.get(slice_key, Decimal(0)) + holding.value_base
    for currency, amount in valued.cash.items():
        rate = inputs.fx(currency, base, date)
        if not amount or rate is None:
            continue
        slice_key = _cash_key(dimension, currency)
        sums[slice_key] = sums.get(slice_key, Decimal(0)) + amount * rate
    async with info.context.runtime.sessionmaker() as session:
        targets = await targets_of(session=session, portfolio_id=portfolio.id, dimension=dimension.value)
    total = valued.total_base
    slices = []
    for key in sorted(set(sums) | set(targets), key=lambda k: (-sums.get(k, Decimal(0)), k)):
        weight = float(sums.get(key, Decimal(0)) / total) if total > 0 else 0.0
        target = float(targets[key]) if key in targets else None
        slices.append(
            AllocationSlice(
                key=key,
                value=money(sums.get(key, Decimal(0)), base),
                weight=weight,
                target=target,
                drift=weight - target if target is not None else None,
            )
        )
    return slices


@strawberry.type(description="A dividend received.")
class DividendPayment:
    date: dt.date = strawberry.field(description="Payment date.")
    instrument_id: strawberry.ID = strawberry.field(description="The paying instrument.")
    gross: MoneyType = strawberry.field(description="Gross amount, in the currency paid.")
    tax: MoneyType = strawberry.field(description="Tax withheld.")
    net_base: MoneyType = strawberry.field(description="Net amount in base currency.")
    reinvested: bool = strawberry.field(description="Whether it bought more units at once.")


@strawberry.type(description="Projected dividend income of one month.")
class DividendMonth:
    month: dt.date = strawberry.field(description="The month's first day.")
    amount: MoneyType = strawberry.field(description="Projected income in base currency.")


@strawberry.type(description="Dividend income: history, trailing year, yield on cost and a projection.")
class Dividends:
    payments: list[DividendPayment] = strawberry.field(description="Dividends received, newest first.")
    trailing_twelve_months: MoneyType = strawberry.field(
        description="Net dividends received in the last 365 days, in base currency."
    )
    yield_on_cost: float | None = strawberry.field(
        description="Trailing-12-month dividends of the instruments still held over what they cost; null if none."
    )
    projected_annual_income: MoneyType = strawberry.field(
        description="Each payment of the last 12 months per unit then held, times the units held today, at today's"
        " rates: next year's income if the payments repeat."
    )
    calendar: list[DividendMonth] = strawberry.field(description="That projection by month, for the next 12 months.")


async def dividends(info: strawberry.Info[Context, None], portfolio: PortfolioRow) -> Dividends:
    inputs = await info.context.inputs(portfolio, today())
    summary = dividend_summary(inputs)
    base = portfolio.base_currency
    return Dividends(
        payments=[
            DividendPayment(
                date=p.date,
                instrument_id=strawberry.ID(p.instrument),
                gross=money(p.gross, p.currency),
                tax=money(p.tax, p.currency),
                net_base=money(p.net_base, base),
                reinvested=p.reinvested,
            )
            for p in summary.payments
        ],
        trailing_twelve_months=money(summary.trailing_twelve_months, base),
        yield_on_cost=summary.yield_on_cost,
        projected_annual_income=money(summary.projected_annual, base),
        calendar=[DividendMonth(month=m, amount=money(a, base)) for m, a in summary.calendar.items()],
    )


@strawberry.input(
    description="What a rebalancing should respect. Targets are the portfolio's INSTRUMENT targets, as shares of the"
    " targeted instruments plus cash; instruments without a target are left alone."
)
class RebalancingInput:
    cash: Decimal = strawberry.field(default=Decimal(0), description="New cash to invest, in base currency.")
    sell: bool = strawberry.field(
        default=True, description="False: reach the targets as closely as possible by buying only."
    )
    band: Decimal = strawberry.field(
        default=Decimal(0),
        description='Drift, in weight, within which a position is left alone ("0.05": five points).',
    )
    min_trade: Decimal = strawberry.field(default=Decimal(0), description="Smallest trade worth making, in base.")
    fractional: bool = strawberry.field(
        default=False, description="Allow fractional units (crypto is always fractional)."
    )


@strawberry.type(description="A suggested trade.")
class RebalanceTrade:
    instrument_id: strawberry.ID = strawberry.field(description="The instrument.")
    quantity: Decimal = strawberry.field(description="Units: positive to buy, negative to sell.")
    amount: MoneyType = strawberry.field(description="What it costs (positive) or brings in (negative), in base.")
    weight_before: float = strawberry.field(description="Weight before the trades.")
    weight_after: float = strawberry.field(description="Weight after the trades.")
    target: float = strawberry.field(description="Target weight.")


@strawberry.type(description="Trades toward the target allocation.")
class RebalancePlan:
    trades: list[RebalanceTrade] = strawberry.field(description="The trades, by instrument.")
    cash_before: MoneyType = strawberry.field(description="Cash available: cash held plus new cash, in base.")
    cash_left: MoneyType = strawberry.field(description="Cash left after the trades (never negative).")
    targets_set: bool = strawberry.field(
        description="False when the portfolio has no instrument targets yet (set them with portfolioTargetsSet)."
    )
    unpriced: list[strawberry.ID] = strawberry.field(
        description="Targeted instruments left out for want of a price to trade at."
    )


async def rebalancing(
    info: strawberry.Info[Context, None], portfolio: PortfolioRow, options: RebalancingInput
) -> RebalancePlan:
    inputs = await info.context.inputs(portfolio, today())
    _, valued = inputs.value(inputs.today)
    async with info.context.runtime.sessionmaker() as session:
        targets = await targets_of(session=session, portfolio_id=portfolio.id, dimension="instrument")
    positions = []
    unpriced: list[strawberry.ID] = []
    for key, target in targets.items():
        held = valued.holdings.get(key)
        row = inputs.instruments.get(key)
        if held is not None:
            price, quantity = held.price * held.fx_rate, held.quantity
        else:
            quote = inputs.prices(key, inputs.today)
            rate = inputs.fx(quote[1], portfolio.base_currency, inputs.today) if quote else None
            if quote is None or rate is None:
                unpriced.append(strawberry.ID(key))
                continue
            price, quantity = quote[0] * rate, Decimal(0)
        fractional = options.fractional or (row is not None and row.asset_class == "crypto")
        positions.append(Position(key=key, price=price, quantity=quantity, target=target, fractional=fractional))
    cash = valued.cash_base + options.cash
    try:
        plan = rebalance(positions, cash=cash, band=options.band, sell=options.sell, min_trade=options.min_trade)
    except RebalanceError as exc:
        raise UserInputError(str(exc), field=exc.field) from None
    base = portfolio.base_currency
    by_key = {trade.key: trade for trade in plan.trades}
    return RebalancePlan(
        trades=[
            RebalanceTrade(
                instrument_id=strawberry.ID(key),
                quantity=trade.quantity,
                amount=money(trade.amount, base),
                weight_before=float(plan.before[key]),
                weight_after=float(plan.after[key]),
                target=float(targets[key]),
            )
            for key, trade in sorted(by_key.items())
        ],
        cash_before=money(plan.cash_before, base),
        cash_left=money(plan.cash_left, base),
        targets_set=bool(targets),
        unpriced=unpriced,
    )
