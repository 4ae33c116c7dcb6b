"""Holdings: what a portfolio holds, what it cost, what it earned and what it is worth, replayed from its
activities. Pure: activities, a base currency and a cost method in; a ``Book``, a ``Valuation`` or a daily
``Series`` (ready for ``performance``) out. No database, no clock.

**Order.** Activities may come in any order. They are replayed by date and, within one day, in this order (an
activity records a day, not a time, so the day's order is a convention): deposits and transfers in; purchases;
splits; dividends, reinvested dividends, interest, fees and taxes; sales, withdrawals and transfers out. Ties keep
the input's order. So units bought and sold on the same day are held in between, and a split on the day of a
purchase applies to the units bought that day.

**Cash**, per currency: deposits, sale proceeds, dividends and interest add to it; purchases, fees, taxes and
withdrawals take from it. The ``fee`` and ``tax`` of *every* activity are paid from cash; on a dividend (cash or
reinvested) ``tax`` is the tax withheld from it, on a purchase they are part of the cost, on a sale they come off
the proceeds, on a transfer, deposit or withdrawal they are expenses.

**Implicit deposits.** Cash never ends a day below zero. When a day's activities need more cash in a currency
than the portfolio held, the shortfall is money put in from outside that day: an *implicit deposit*, recorded as an
external flow (at the rate of the day's last activity in that currency) and in ``Book.implicit_deposits``. A user
who records only purchases and sales therefore gets the right returns (each purchase is funded from outside when it
is made), and a full exit leaves the proceeds as cash, so the portfolio keeps its value: never -100 %. The shortfall
is settled over the whole day, not activity by activity, so a sale funds a purchase made the same day (a switch
needs no money from outside) even though purchases are replayed first.

**External flows** (``performance.Flow``, base currency, positive into the portfolio): deposits, withdrawals
(negative), implicit deposits, and securities transferred in or out at their market value that day (the ``prices``
lookup; the activity's price when there is none). Dividends and interest are return, not flows.

**Cost.** A lot's cost is ``quantity * price + fee + tax`` of its purchase in the activity's currency, and that
times the activity's rate in base. A transfer in is a lot at its ``price`` (its cost basis; a fee on it is an
expense); a reinvested dividend is a lot of ``quantity`` at ``price`` plus its ``fee``, and income of ``amount``
(any difference between ``amount - tax - fee`` and ``quantity * price`` stays in, or comes from, cash).
``CostMethod.FIFO`` sells the oldest lots first; ``CostMethod.AVERAGE`` keeps one pooled lot (dated from its first
purchase since the holding was last empty, its rate the cost-weighted rate of its purchases). A sale realises its
proceeds net of fee and tax less the cost of the units it removes, in the instrument's currency and in base (the
base figure includes the currency's move since purchase); a transfer out removes units the same way and realises
nothing. Selling a part of a lot takes that share of its cost: ``cost * sold / held``.

**Splits** multiply every open lot's quantity by ``split_to / split_from``, rounded to ten decimals
(``ROUND_HALF_EVEN``) lot by lot; cost is unchanged, so the unit cost absorbs the rounding. The residue, under
0.5e-10 units per lot either way (a 1-for-3 reverse split of 1 unit leaves 0.3333333333, a 2-for-3 0.6666666667),
is not kept anywhere: the rounded quantity is what is held, sold and valued.

**Precision.** Money is ``Decimal`` and is never rounded here: every figure is computed in a 34-digit context
(IEEE decimal128, ``ROUND_HALF_EVEN``) and returned unrounded. Rounding to a currency's minor unit is for the
boundary that shows or stores a figure (the GraphQL types), not for this module. Quantities are rounded only by
splits, as above.

**Errors.** ``HoldingsError(message, index)``, ``index`` the offending activity's position in the input: selling or
transferring out more units than held that day (beyond 1e-10), a split ratio that is not positive, a negative
quantity, price, amount, fee or tax, a rate that is not positive, a trade, split or dividend without an instrument,
a trade without a quantity, an activity in another currency than the instrument's earlier ones (splits excepted),
or a foreign-currency activity with no rate. Nothing is returned when one is raised.

**Valuation.** ``value`` prices every open holding on a date: market value and unrealised gain in its currency and
in base, and the base gain split per lot into a *price effect* ``(P1 - P0) * Q * FX0`` and a *currency effect*
``P1 * Q * (FX1 - FX0)`` (``P0``/``FX0`` at purchase, ``P1``/``FX1`` on the date), which add up to it exactly. A
holding with no price is listed in ``missing_prices`` and left out of the total (unknown, not zero).

**Daily series.** ``daily`` and ``holding_daily`` replay once, day by day, and value each day from per-day price
and rate arrays; with a ``PriceTable`` and a ``RateTable`` these are slices of arrays built once, so ten years of
fifty instruments and 5,000 activities take about 50 ms. A holding held before its first market price (or its
currency's first market rate) is valued at the price of its own latest activity (a trade is an observed price) and
named in ``Series.estimated_prices``; cash in a currency before its first market rate is converted at the latest
activity's rate and the currency named in ``Series.estimated_rates``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from enum import StrEnum
from itertools import groupby, pairwise, repeat
from operator import add, mul

from subgraphs.portfolio.activities import QUANTITY_PLACES, TRADES, Activity, Kind
from subgraphs.portfolio.performance import Flow

__all__ = [
    "Book",
    "CostMethod",
    "Dividends",
    "FilledSeries",
    "FxLookup",
    "Holding",
    "HoldingValue",
    "HoldingsError",
    "Lot",
    "LotValue",
    "PriceLookup",
    "PriceTable",
    "RateTable",
    "Series",
    "Valuation",
    "daily",
    "holding_daily",
    "replay",
    "value",
]

PriceLookup = Callable[[str, dt.date], tuple[Decimal, str] | None]
"""``prices(instrument, date)``: the instrument's price on ``date`` and its currency, or ``None``."""
FxLookup = Callable[[str, str, dt.date], Decimal | None]
"""``fx(source, target, date)``: units of ``target`` for one unit of ``source`` on ``date``, or ``None``."""

ZERO = Decimal(0)
ONE = Decimal(1)
TOLERANCE = Decimal("1e-10")
"""How far a sale or transfer out may exceed the units held (quantities have ten decimals)."""

_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])

_RANK = {
    Kind.DEPOSIT: 0,
    Kind.TRANSFER_IN: 0,
    Kind.BUY: 1,
    Kind.SPLIT: 2,
    Kind.DIVIDEND: 3,
    Kind.DIVIDEND_REINVEST: 3,
    Kind.INTEREST: 3,
    Kind.FEE: 3,
    Kind.TAX: 3,
    Kind.SELL: 4,
    Kind.WITHDRAWAL: 4,
    Kind.TRANSFER_OUT: 4,
}
"""The order of a day's activities (see the module's docstring)."""
_NEEDS_INSTRUMENT = TRADES | {Kind.SPLIT, Kind.DIVIDEND}
_PORTFOLIO_CASH = frozenset({Kind.DEPOSIT, Kind.WITHDRAWAL})


class CostMethod(StrEnum):
    FIFO = "fifo"
    """Sales take the oldest lots first."""
    AVERAGE = "average"
    """One pooled lot at the average cost of the units held."""


class HoldingsError(ValueError):
    """An activity that cannot be replayed; ``index`` is its position in the input."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lot:
    """Units bought together (FIFO) or the pooled units of a holding (average cost)."""

    date: dt.date
    quantity: Decimal
    cost: Decimal
    """What the units cost in the instrument's currency, the purchase's fee and tax included."""
    cost_base: Decimal
    """The same in base currency, at the purchase's rate."""
    fx_rate: Decimal
    """The purchase's rate (instrument currency to base); cost-weighted for a pooled lot."""

    @property
    def unit_cost(self) -> Decimal:
        return self.cost / self.quantity if self.quantity else ZERO

    @property
    def unit_cost_base(self) -> Decimal:
        return self.cost_base / self.quantity if self.quantity else ZERO


@dataclass(frozen=True, slots=True)
class Dividends:
    gross: Decimal
    tax: Decimal
    """Tax withheld."""
    net: Decimal
    """``gross - tax`` (a fee charged on a dividend is counted with the holding's fees)."""


@dataclass(frozen=True, slots=True)
class Holding:
    """One instrument, open or closed; figures in its currency and in base (``_base``)."""

    instrument: str
    currency: str
    quantity: Decimal
    lots: tuple[Lot, ...]
    """Open lots, oldest first (one at most with average cost)."""
    cost: Decimal
    cost_base: Decimal
    realised: Decimal
    """Sale proceeds net of fee and tax less the cost of the units sold."""
    realised_base: Decimal
    dividends: Dividends
    dividends_base: Dividends
    interest: Decimal
    """Interest paid by the instrument (a bond's coupons), gross."""
    interest_base: Decimal
    fees: Decimal
    """Fees on its trades, dividends and transfers, and fee activities naming it."""
    fees_base: Decimal
    taxes: Decimal
    """Taxes on its trades and tax activities naming it (tax withheld from dividends is in ``dividends``)."""
    taxes_base: Decimal
    flows: tuple[Flow, ...]
    """The holding's own external flows, in base, for per-holding returns: purchases and fees in (positive),
    sale proceeds, dividends and interest out (negative), transfers at market value."""


@dataclass(frozen=True, slots=True)
class Book:
    """The state after every activity up to and including ``as_of``."""

    base_currency: str
    method: CostMethod
    as_of: dt.date | None
    """``until``, or the last activity's date; ``None`` when there was none."""
    holdings: Mapping[str, Holding]
    cash: Mapping[str, Decimal]
    """Cash per currency, never negative."""
    flows: tuple[Flow, ...]
    """External flows in base currency, by date (implicit deposits included)."""
    implicit_deposits: tuple[Flow, ...]
    interest: Mapping[str, Decimal]
    """Interest not paid by an instrument, gross, per currency."""
    fees: Mapping[str, Decimal]
    """Fees not attached to an instrument, per currency."""
    taxes: Mapping[str, Decimal]
    """Taxes not attached to an instrument (interest withholding included), per currency."""


@dataclass(frozen=True, slots=True)
class LotValue:
    lot: Lot
    value: Decimal
    value_base: Decimal
    gain: Decimal
    gain_base: Decimal
    price_effect: Decimal
    """``(P1 - P0) * Q * FX0``: the base gain the price made."""
    currency_effect: Decimal
    """``P1 * Q * (FX1 - FX0)``: the base gain the currency made; ``price_effect + currency_effect == gain_base``."""


@dataclass(frozen=True, slots=True)
class HoldingValue:
    instrument: str
    currency: str
    quantity: Decimal
    price: Decimal
    """``P1``, in the instrument's currency."""
    fx_rate: Decimal
    """``FX1``, instrument currency to base."""
    value: Decimal
    value_base: Decimal
    cost: Decimal
    cost_base: Decimal
    gain: Decimal
    """Unrealised."""
    gain_base: Decimal
    price_effect: Decimal
    currency_effect: Decimal
    lots: tuple[LotValue, ...]


@dataclass(frozen=True, slots=True)
class Valuation:
    date: dt.date
    base_currency: str
    holdings: Mapping[str, HoldingValue]
    """Open holdings with a price and a rate."""
    cash: Mapping[str, Decimal]
    cash_base: Decimal
    securities_base: Decimal
    total_base: Decimal
    """Securities and cash in base; holdings or cash named in ``missing_*`` are not in it."""
    missing_prices: tuple[str, ...]
    """Open holdings with no price on the date: their value is unknown, not zero."""
    missing_rates: tuple[str, ...]
    """Currencies (of holdings or cash) with no rate to base on the date."""

    @property
    def complete(self) -> bool:
        return not self.missing_prices and not self.missing_rates


@dataclass(frozen=True, slots=True)
class Series:
    """End-of-day values in base for each day in (``start``, ``end``], the value at the end of ``start`` and the
    external flows dated in (``start``, ``end``]: the inputs of ``performance``'s functions."""

    start: dt.date
    end: dt.date
    start_value: Decimal
    values: Mapping[dt.date, Decimal]
    flows: tuple[Flow, ...]
    estimated_prices: tuple[str, ...] = ()
    """Instruments valued on some day at their latest activity's price, for want of a market price."""
    estimated_rates: tuple[str, ...] = ()
    """Currencies converted on some day at their latest activity's rate, for want of a market rate."""

    @property
    def end_value(self) -> Decimal:
        return self.values.get(self.end, self.start_value)


# --- lookups ---------------------------------------------------------------------------------------------------


class _Filled:
    """One key's values, one per day from its first point to its last, forward filled."""

    __slots__ = ("origin", "values")

    def __init__(self, points: Iterable[tuple[dt.date, Decimal]]) -> None:
        ordered = sorted(dict(points).items())
        if not ordered:
            raise ValueError("a series needs at least one point")
        self.origin = ordered[0][0].toordinal()
        values: list[Decimal] = []
        for (date, price), (following, _) in pairwise(ordered):
            values.extend(repeat(price, following.toordinal() - date.toordinal()))
        values.append(ordered[-1][1])
        self.values = values

    def at(self, date: dt.date) -> Decimal | None:
        k = date.toordinal() - self.origin
        if k < 0:
            return None
        return self.values[k] if k < len(self.values) else self.values[-1]

    def window(self, first: dt.date, n: int) -> list[Decimal | None]:
        k = first.toordinal() - self.origin
        values = self.values
        out: list[Decimal | None] = [None] * min(-k, n) if k < 0 else []
        out.extend(values[max(k, 0) : max(k + n, 0)])
        if len(out) < n:
            out.extend(repeat(values[-1], n - len(out)))
        return out


FilledSeries = _Filled
"""One key's daily values, forward filled: build it once and hand it to ``PriceTable`` as many times as needed."""


class PriceTable:
    """Prices by instrument, forward filled from lists of ``(date, price)``: a ``PriceLookup`` (call it) that
    ``daily`` also reads by slices. Each instrument is quoted in one currency.

    ``PriceTable({"ACME": ("EUR", [(dt.date(2026, 1, 5), Decimal("101.5")), ...])})``. A price holds until the
    next one, and the last one for ever; before the first there is none."""

    def __init__(self, series: Mapping[str, tuple[str, Iterable[tuple[dt.date, Decimal]] | FilledSeries]]) -> None:
        self._series = {
            key: (currency, points if isinstance(points, _Filled) else _Filled(points))
            for key, (currency, points) in series.items()
        }

    def __call__(self, instrument: str, date: dt.date) -> tuple[Decimal, str] | None:
        found = self._series.get(instrument)
        if found is None:
            return None
        price = found[1].at(date)
        return None if price is None else (price, found[0])

    def window(self, instrument: str, first: dt.date, n: int) -> tuple[str, list[Decimal | None]] | None:
        """The prices of ``n`` days from ``first``: leading ``None`` before the first price, then no gaps."""
        found = self._series.get(instrument)
        return None if found is None else (found[0], found[1].window(first, n))


class RateTable:
    """Exchange rates by currency pair, forward filled from lists of ``(date, rate)``: an ``FxLookup``.

    ``RateTable({("USD", "EUR"): [(dt.date(2026, 1, 5), Decimal("0.92")), ...]})``: one USD is 0.92 EUR. A pair
    that is missing is the inverse of its reverse when that is known; a currency to itself is 1."""

    def __init__(self, series: Mapping[tuple[str, str], Iterable[tuple[dt.date, Decimal]]]) -> None:
        self._series = {pair: _Filled(points) for pair, points in series.items()}

    def __call__(self, source: str, target: str, date: dt.date) -> Decimal | None:
        if source == target:
            return ONE
        found = self._series.get((source, target))
        if found is not None:
            return found.at(date)
        reverse = self._series.get((target, source))
        rate = None if reverse is None else reverse.at(date)
        if rate is None:
            return None
        with localcontext(_CONTEXT):
            return ONE / rate

    def window(self, source: str, target: str, first: dt.date, n: int) -> list[Decimal | None] | None:
        if source == target:
            return [ONE] * n
        found = self._series.get((source, target))
        if found is not None:
            return found.window(first, n)
        reverse = self._series.get((target, source))
        if reverse is None:
            return None
        with localcontext(_CONTEXT):
            return [None if r is None else ONE / r for r in reverse.window(first, n)]


# --- replay ----------------------------------------------------------------------------------------------------


class _Lot:
    __slots__ = ("cost", "cost_base", "date", "fx_rate", "quantity")

    def __init__(self, date: dt.date, quantity: Decimal, cost: Decimal, cost_base: Decimal, fx_rate: Decimal) -> None:
        self.date = date
        self.quantity = quantity
        self.cost = cost
        self.cost_base = cost_base
        self.fx_rate = fx_rate


class _Position:
    __slots__ = (
        "currency",
        "div_gross",
        "div_gross_base",
        "div_tax",
        "div_tax_base",
        "fees",
        "fees_base",
        "flows",
        "instrument",
        "interest",
        "interest_base",
        "last_price",
        "lots",
        "quantity",
        "realised",
        "realised_base",
        "taxes",
        "taxes_base",
    )

    def __init__(self, instrument: str, currency: str) -> None:
        self.instrument = instrument
        self.currency = currency
        self.lots: deque[_Lot] = deque()
        self.quantity = ZERO
        self.realised = self.realised_base = ZERO
        self.div_gross = self.div_tax = self.div_gross_base = self.div_tax_base = ZERO
        self.interest = self.interest_base = ZERO
        self.fees = self.fees_base = self.taxes = self.taxes_base = ZERO
        self.flows: list[tuple[dt.date, Decimal]] = []
        """The holding's own flows, made ``Flow`` when they are handed out."""
        self.last_price: Decimal | None = None
        """The latest activity's price, split-adjusted: the daily series' price before a market price exists."""


def _error(index: int, a: Activity, text: str) -> HoldingsError:
    what = f"{a.kind} {a.instrument}" if a.instrument else str(a.kind)
    return HoldingsError(f"activity {index} ({what} on {a.date.isoformat()}): {text}", index)


def _ordered(activities: Iterable[Activity]) -> list[tuple[int, Activity]]:
    return sorted(enumerate(activities), key=lambda item: (item[1].date, _RANK[item[1].kind], item[0]))


class _Ledger:
    """The mutable state of a replay; ``apply`` one activity at a time and ``settle`` each day after its last."""

    def __init__(
        self, *, base_currency: str, method: CostMethod, prices: PriceLookup | None, fx: FxLookup | None
    ) -> None:
        self.base = base_currency
        self.average = method is CostMethod.AVERAGE
        self.method = method
        self.prices = prices
        self.fx = fx
        self.positions: dict[str, _Position] = {}
        self.cash: dict[str, Decimal] = {}
        self.rates: dict[str, Decimal] = {}
        """The latest activity's rate per currency."""
        self.flows: list[Flow] = []
        self.implicit: list[Flow] = []
        self.interest: dict[str, Decimal] = {}
        self.fees: dict[str, Decimal] = {}
        self.taxes: dict[str, Decimal] = {}
        self.touched_positions: set[str] = set()
        self.touched_currencies: set[str] = set()
        self._today: dict[str, Decimal] = {}

    def apply(self, index: int, a: Activity) -> None:
        kind = a.kind
        if a.quantity < ZERO or a.price < ZERO or a.amount < ZERO or a.fee < ZERO or a.tax < ZERO:
            raise _error(index, a, "quantity, price, amount, fee and tax cannot be negative")
        if a.fx_rate is not None and a.fx_rate <= 0:
            raise _error(index, a, f"the exchange rate must be positive, not {a.fx_rate}")
        key = a.instrument
        if key is None and kind in _NEEDS_INSTRUMENT:
            raise _error(index, a, "needs an instrument")
        if kind is Kind.SPLIT:
            self._split(index, a)
            return
        if kind in TRADES and not a.quantity:
            raise _error(index, a, "needs a quantity")
        currency = a.currency
        rate = self._rate(index, a)
        # Deposits and withdrawals are the portfolio's, whatever instrument they name.
        pos = self._position(index, a) if key is not None and kind not in _PORTFOLIO_CASH else None
        fee, tax = a.fee, a.tax
        delta = -fee - tax
        moved = ZERO  # securities moved in (positive) or out, at market value in base
        fees_paid, taxes_paid = fee, tax
        if pos is not None:
            if kind is Kind.BUY:
                gross = a.quantity * a.price
                self._add(pos, a.date, a.quantity, gross + fee + tax, rate)
                pos.last_price = a.price
                delta -= gross
            elif kind is Kind.SELL:
                gross = a.quantity * a.price
                cost, cost_base = self._remove(index, a, pos)
                proceeds = gross - fee - tax
                pos.realised += proceeds - cost
                pos.realised_base += proceeds * rate - cost_base
                pos.last_price = a.price
                delta += gross
            elif kind is Kind.DIVIDEND or kind is Kind.DIVIDEND_REINVEST:
                pos.div_gross += a.amount
                pos.div_gross_base += a.amount * rate
                pos.div_tax += tax
                pos.div_tax_base += tax * rate
                taxes_paid = ZERO
                delta += a.amount
                if kind is Kind.DIVIDEND_REINVEST:
                    gross = a.quantity * a.price
                    self._add(pos, a.date, a.quantity, gross + fee, rate)
                    pos.last_price = a.price
                    delta -= gross
            elif kind is Kind.TRANSFER_IN:
                self._add(pos, a.date, a.quantity, a.quantity * a.price, rate)
                pos.last_price = a.price
                moved = self._market(a, rate)
                self.flows.append(Flow(a.date, moved))
            elif kind is Kind.TRANSFER_OUT:
                self._remove(index, a, pos)
                pos.last_price = a.price
                moved = -self._market(a, rate)
                self.flows.append(Flow(a.date, moved))
            elif kind is Kind.INTEREST:
                pos.interest += a.amount
                pos.interest_base += a.amount * rate
                delta += a.amount
            elif kind is Kind.FEE:
                fees_paid += a.amount
                delta -= a.amount
            elif kind is Kind.TAX:
                taxes_paid += a.amount
                delta -= a.amount
            if fees_paid:
                pos.fees += fees_paid
                pos.fees_base += fees_paid * rate
            if taxes_paid:
                pos.taxes += taxes_paid
                pos.taxes_base += taxes_paid * rate
            own = moved - delta * rate
            if own:
                pos.flows.append((a.date, own))
            self.touched_positions.add(pos.instrument)
        else:
            if kind is Kind.INTEREST:
                self.interest[currency] = self.interest.get(currency, ZERO) + a.amount
                delta += a.amount
            elif kind is Kind.FEE:
                fees_paid += a.amount
                delta -= a.amount
            elif kind is Kind.TAX:
                taxes_paid += a.amount
                delta -= a.amount
            else:
                delta += self._cash_flow(kind, a, rate)
            if fees_paid:
                self.fees[currency] = self.fees.get(currency, ZERO) + fees_paid
            if taxes_paid:
                self.taxes[currency] = self.taxes.get(currency, ZERO) + taxes_paid
        self.cash[currency] = self.cash.get(currency, ZERO) + delta
        self.rates[currency] = rate
        self._today[currency] = rate
        self.touched_currencies.add(currency)

    def settle(self, date: dt.date) -> None:
        """End the day: a currency's cash below zero is topped up by an implicit deposit."""
        for currency, rate in self._today.items():
            balance = self.cash[currency]
            if balance < 0:
                flow = Flow(date, -balance * rate)
                self.flows.append(flow)
                self.implicit.append(flow)
                self.cash[currency] = ZERO
        self._today.clear()

    def _cash_flow(self, kind: Kind, a: Activity, rate: Decimal) -> Decimal:
        if kind is Kind.DEPOSIT:
            self.flows.append(Flow(a.date, a.amount * rate))
            return a.amount
        # Kind.WITHDRAWAL: every other kind is handled before ``_cash_flow`` is called.
        self.flows.append(Flow(a.date, -a.amount * rate))
        return -a.amount

    def _rate(self, index: int, a: Activity) -> Decimal:
        if a.currency == self.base:
            return ONE
        if a.fx_rate is not None:
            return a.fx_rate
        if self.fx is not None:
            rate = self.fx(a.currency, self.base, a.date)
            if rate is not None and rate > 0:
                return rate
        raise _error(index, a, f"no exchange rate from {a.currency} to {self.base}")

    def _position(self, index: int, a: Activity) -> _Position:
        assert a.instrument is not None
        pos = self.positions.get(a.instrument)
        if pos is None:
            pos = self.positions[a.instrument] = _Position(a.instrument, a.currency)
        elif pos.currency != a.currency:
            raise _error(index, a, f"is in {a.currency}, but {a.instrument}'s earlier activities are in {pos.currency}")
        return pos

    def _add(self, pos: _Position, date: dt.date, quantity: Decimal, cost: Decimal, rate: Decimal) -> None:
        pos.quantity += quantity
        if self.average and pos.lots:
            pool = pos.lots[0]
            pool.quantity += quantity
            pool.cost += cost
            pool.cost_base += cost * rate
            pool.fx_rate = pool.cost_base / pool.cost if pool.cost else rate
        else:
            pos.lots.append(_Lot(date, quantity, cost, cost * rate, rate))

    def _remove(self, index: int, a: Activity, pos: _Position) -> tuple[Decimal, Decimal]:
        """Take ``a.quantity`` units out, oldest lots first; the cost they carried, in currency and in base."""
        quantity, held = a.quantity, pos.quantity
        if quantity > held + TOLERANCE:
            raise _error(index, a, f"takes out {quantity} units but {held} are held")
        lots = pos.lots
        cost = cost_base = ZERO
        if quantity >= held:
            for lot in lots:
                cost += lot.cost
                cost_base += lot.cost_base
            lots.clear()
            pos.quantity = ZERO
            return cost, cost_base
        pos.quantity = held - quantity
        remaining = quantity
        while remaining:
            lot = lots[0]
            if lot.quantity <= remaining:
                remaining -= lot.quantity
                cost += lot.cost
                cost_base += lot.cost_base
                lots.popleft()
            else:
                part, part_base = lot.cost * remaining / lot.quantity, lot.cost_base * remaining / lot.quantity
                lot.quantity -= remaining
                lot.cost -= part
                lot.cost_base -= part_base
                cost += part
                cost_base += part_base
                remaining = ZERO
        return cost, cost_base

    def _split(self, index: int, a: Activity) -> None:
        if a.split_from <= 0 or a.split_to <= 0:
            raise _error(index, a, f"the split ratio {a.split_to}:{a.split_from} must be positive")
        assert a.instrument is not None
        pos = self.positions.get(a.instrument)
        if pos is None:
            return
        total = ZERO
        for lot in pos.lots:
            lot.quantity = (lot.quantity * a.split_to / a.split_from).quantize(QUANTITY_PLACES, ROUND_HALF_EVEN)
            total += lot.quantity
        pos.quantity = total
        if pos.last_price is not None:
            pos.last_price = pos.last_price * a.split_from / a.split_to
        self.touched_positions.add(pos.instrument)

    def _market(self, a: Activity, rate: Decimal) -> Decimal:
        """The units' market value in base that day: the ``prices`` lookup, else the activity's price."""
        assert a.instrument is not None
        quote = self.prices(a.instrument, a.date) if self.prices is not None else None
        if quote is not None:
            price, currency = quote
            if currency == a.currency:
                return a.quantity * price * rate
            if currency == self.base:
                return a.quantity * price
            converted = self.fx(currency, self.base, a.date) if self.fx is not None else None
            if converted is not None:
                return a.quantity * price * converted
        return a.quantity * a.price * rate

    def book(self, as_of: dt.date | None) -> Book:
        holdings = {key: _holding(pos) for key, pos in self.positions.items()}
        return Book(
            base_currency=self.base,
            method=self.method,
            as_of=as_of,
            holdings=holdings,
            cash=dict(self.cash),
            flows=tuple(self.flows),
            implicit_deposits=tuple(self.implicit),
            interest=dict(self.interest),
            fees=dict(self.fees),
            taxes=dict(self.taxes),
        )


def _holding(pos: _Position) -> Holding:
    lots = tuple(Lot(lot.date, lot.quantity, lot.cost, lot.cost_base, lot.fx_rate) for lot in pos.lots)
    return Holding(
        instrument=pos.instrument,
        currency=pos.currency,
        quantity=pos.quantity,
        lots=lots,
        cost=sum((lot.cost for lot in lots), ZERO),
        cost_base=sum((lot.cost_base for lot in lots), ZERO),
        realised=pos.realised,
        realised_base=pos.realised_base,
        dividends=Dividends(pos.div_gross, pos.div_tax, pos.div_gross - pos.div_tax),
        dividends_base=Dividends(pos.div_gross_base, pos.div_tax_base, pos.div_gross_base - pos.div_tax_base),
        interest=pos.interest,
        interest_base=pos.interest_base,
        fees=pos.fees,
        fees_base=pos.fees_base,
        taxes=pos.taxes,
        taxes_base=pos.taxes_base,
        flows=tuple(Flow(date, amount) for date, amount in pos.flows),
    )


def replay(
    activities: Iterable[Activity],
    *,
    base_currency: str,
    method: CostMethod,
    until: dt.date | None = None,
    prices: PriceLookup | None = None,
    fx: FxLookup | None = None,
) -> Book:
    """The book after every activity dated on or before ``until`` (all of them when ``None``); later activities
    are not read. ``prices`` values transfers at market (else at their own price); ``fx`` supplies the rate of a
    foreign-currency activity without ``fx_rate``. Raises ``HoldingsError``."""
    with localcontext(_CONTEXT):
        ledger = _Ledger(base_currency=base_currency, method=method, prices=prices, fx=fx)
        day: dt.date | None = None
        for index, activity in _ordered(activities):
            if until is not None and activity.date > until:
                break
            if activity.date != day:
                if day is not None:
                    ledger.settle(day)
                day = activity.date
            ledger.apply(index, activity)
        if day is not None:
            ledger.settle(day)
        return ledger.book(until if until is not None else day)


# --- valuation -------------------------------------------------------------------------------------------------


def _rate_on(fx: FxLookup, source: str, target: str, date: dt.date) -> Decimal | None:
    return ONE if source == target else fx(source, target, date)


def value(book: Book, *, prices: PriceLookup, fx: FxLookup, date: dt.date) -> Valuation:
    """Every open holding and the cash of ``book`` priced on ``date`` (not before ``book.as_of``: replay with
    ``until=date`` to value a past date). A price quoted in another currency than the instrument's is converted
    with ``fx``."""
    if book.as_of is not None and date < book.as_of:
        raise ValueError(f"the book includes activities up to {book.as_of}; replay it until {date} to value it then")
    base = book.base_currency
    with localcontext(_CONTEXT):
        valued: dict[str, HoldingValue] = {}
        missing_prices: list[str] = []
        missing_rates: set[str] = set()
        securities = ZERO
        for key, holding in book.holdings.items():
            if not holding.quantity and not holding.lots:
                continue
            quote = prices(key, date)
            price: Decimal | None = None
            if quote is not None:
                converted = _rate_on(fx, quote[1], holding.currency, date)
                price = None if converted is None else quote[0] * converted
            if price is None:
                missing_prices.append(key)
                continue
            rate = _rate_on(fx, holding.currency, base, date)
            if rate is None:
                missing_rates.add(holding.currency)
                continue
            valued[key] = _value_holding(holding, price, rate)
            securities += valued[key].value_base
        cash_base = ZERO
        for currency, amount in book.cash.items():
            rate = _rate_on(fx, currency, base, date)
            if rate is None:
                if amount:
                    missing_rates.add(currency)
                continue
            cash_base += amount * rate
        return Valuation(
            date=date,
            base_currency=base,
            holdings=valued,
            cash=dict(book.cash),
            cash_base=cash_base,
            securities_base=securities,
            total_base=securities + cash_base,
            missing_prices=tuple(missing_prices),
            missing_rates=tuple(sorted(missing_rates)),
        )


def _value_holding(holding: Holding, price: Decimal, rate: Decimal) -> HoldingValue:
    lots: list[LotValue] = []
    for lot in holding.lots:
        worth = price * lot.quantity
        worth_base = worth * rate
        at_purchase_rate = worth * lot.fx_rate
        lots.append(
            LotValue(
                lot=lot,
                value=worth,
                value_base=worth_base,
                gain=worth - lot.cost,
                gain_base=worth_base - lot.cost_base,
                # (P1 - P0) * Q * FX0, with P0 * Q * FX0 the lot's cost in base.
                price_effect=at_purchase_rate - lot.cost_base,
                # P1 * Q * (FX1 - FX0).
                currency_effect=worth_base - at_purchase_rate,
            )
        )
    worth = price * holding.quantity
    return HoldingValue(
        instrument=holding.instrument,
        currency=holding.currency,
        quantity=holding.quantity,
        price=price,
        fx_rate=rate,
        value=worth,
        value_base=worth * rate,
        cost=holding.cost,
        cost_base=holding.cost_base,
        gain=worth - holding.cost,
        gain_base=worth * rate - holding.cost_base,
        price_effect=sum((lot.price_effect for lot in lots), ZERO),
        currency_effect=sum((lot.currency_effect for lot in lots), ZERO),
        lots=tuple(lots),
    )


# --- daily series ----------------------------------------------------------------------------------------------


_Run = tuple[int, Decimal, Decimal | None]
"""From day ``k`` on: a quantity (or cash) and the latest activity's price (or rate)."""


class _Days:
    """One replay over ``start``..``end``, remembering on which days each holding and each currency's cash changed;
    then, per currency, the sum of each day's values built from slices of the price and rate arrays."""

    def __init__(
        self,
        ordered: Sequence[tuple[int, Activity]],
        *,
        base_currency: str,
        method: CostMethod,
        start: dt.date,
        end: dt.date,
        prices: PriceLookup,
        fx: FxLookup,
    ) -> None:
        if end < start:
            raise ValueError(f"the series ends ({end}) before it starts ({start})")
        self.base = base_currency
        self.start = start
        self.n = (end - start).days + 1
        self.prices = prices
        self.fx = fx
        self.estimated_prices: set[str] = set()
        self.estimated_rates: set[str] = set()
        self._price_windows: dict[str, tuple[str, list[Decimal | None]] | None] = {}
        self._rate_windows: dict[str, list[Decimal | None]] = {}
        self._filled: dict[str, list[Decimal]] = {}
        self.sums: dict[str, list[Decimal]] = {}
        """Per currency, the day's value of the holdings priced in it and of its cash."""
        self.extra = [ZERO] * self.n
        """In base, the value of holdings on days they had no market price."""
        ledger = self.ledger = _Ledger(base_currency=base_currency, method=method, prices=prices, fx=fx)
        self.positions: dict[str, list[_Run]] = {}
        self.currencies: dict[str, list[_Run]] = {}
        origin = start.toordinal()
        began = False
        for date, group in groupby(ordered, key=lambda item: item[1].date):
            if date > end:
                break
            if date > start and not began:
                self._record(0, ledger.positions, ledger.cash)
                began = True
            for index, activity in group:
                ledger.apply(index, activity)
            ledger.settle(date)
            if began:
                k = date.toordinal() - origin
                self._record(k, ledger.touched_positions, ledger.touched_currencies)
            ledger.touched_positions.clear()
            ledger.touched_currencies.clear()
        if not began:
            self._record(0, ledger.positions, ledger.cash)

    def _record(self, k: int, positions: Iterable[str], currencies: Iterable[str]) -> None:
        ledger = self.ledger
        for key in positions:
            pos = ledger.positions[key]
            self.positions.setdefault(key, []).append((k, pos.quantity, pos.last_price))
        for currency in currencies:
            self.currencies.setdefault(currency, []).append((k, ledger.cash[currency], ledger.rates.get(currency)))

    def flows(self, flows: Iterable[Flow]) -> tuple[Flow, ...]:
        return tuple(flow for flow in flows if flow.date > self.start)

    def series(self, totals: Sequence[Decimal], flows: tuple[Flow, ...]) -> Series:
        origin = self.start.toordinal()
        dates = map(dt.date.fromordinal, range(origin + 1, origin + self.n))
        return Series(
            start=self.start,
            end=self.start + dt.timedelta(days=self.n - 1),
            start_value=totals[0],
            values=dict(zip(dates, totals[1:], strict=True)),
            flows=flows,
            estimated_prices=tuple(sorted(self.estimated_prices)),
            estimated_rates=tuple(sorted(self.estimated_rates)),
        )

    # Windows: n values from ``start``, leading ``None`` before the first, then no gaps.

    def price_window(self, key: str) -> tuple[str, list[Decimal | None]] | None:
        if key not in self._price_windows:
            if isinstance(self.prices, PriceTable):
                found = self.prices.window(key, self.start, self.n)
            else:
                found = self._call_prices(key)
            self._price_windows[key] = found
        return self._price_windows[key]

    def _call_prices(self, key: str) -> tuple[str, list[Decimal | None]] | None:
        currency: str | None = None
        out: list[Decimal | None] = []
        last: Decimal | None = None
        for k in range(self.n):
            date = self.start + dt.timedelta(days=k)
            quote = self.prices(key, date)
            if quote is not None:
                if currency is None:
                    currency = quote[1]
                rate = _rate_on(self.fx, quote[1], currency, date)
                if rate is not None:
                    last = quote[0] * rate
            out.append(last)
        return None if currency is None else (currency, out)

    def rate_window(self, currency: str) -> list[Decimal | None]:
        if currency not in self._rate_windows:
            found: list[Decimal | None] | None
            if currency == self.base:
                found = [ONE] * self.n
            elif isinstance(self.fx, RateTable):
                found = self.fx.window(currency, self.base, self.start, self.n)
            else:
                found, last = [], None
                for k in range(self.n):
                    last = self.fx(currency, self.base, self.start + dt.timedelta(days=k)) or last
                    found.append(last)
            self._rate_windows[currency] = found if found is not None else [None] * self.n
        return self._rate_windows[currency]

    def filled_rates(self, currency: str) -> list[Decimal]:
        """The rate window with the days before the first market rate at the latest activity's rate."""
        if currency not in self._filled:
            window = self.rate_window(currency)
            first = _leading_none(window)
            head: list[Decimal] = []
            runs = self.currencies.get(currency, [])
            for j, (k, _, rate) in enumerate(runs):
                stop = min(runs[j + 1][0] if j + 1 < len(runs) else self.n, first)
                if k >= stop:
                    break
                if len(head) < k:
                    head.extend(repeat(ZERO, k - len(head)))
                head.extend(repeat(rate or ZERO, stop - k))
            head.extend(repeat(ZERO, first - len(head)))
            tail: list[Decimal] = window[first:]  # type: ignore[assignment]  # no None after the first rate
            self._filled[currency] = head + tail
        return self._filled[currency]

    def _sum(self, currency: str) -> list[Decimal]:
        found = self.sums.get(currency)
        if found is None:
            found = self.sums[currency] = [ZERO] * self.n
        return found

    def add_holding(self, key: str) -> None:
        """Add the holding's value each day to its price currency's sums (the days before its first market price
        at its latest activity's price, in base, to ``extra``)."""
        runs = self.positions.get(key)
        if not runs or not any(q for _, q, _ in runs):
            return
        window = self.price_window(key)
        currency, prices = window if window is not None else (self.ledger.positions[key].currency, None)
        first = self.n
        if prices is not None:
            first = _leading_none(prices)
            if currency != self.base:
                first = max(first, _leading_none(self.rate_window(currency)))
        sums = self._sum(currency)
        for j, (k0, quantity, last_price) in enumerate(runs):
            if not quantity:
                continue
            k1 = runs[j + 1][0] if j + 1 < len(runs) else self.n
            market = min(max(first, k0), k1)
            if market > k0:
                self._fallback(key, quantity, last_price or ZERO, k0, market)
            if k1 > market:
                assert prices is not None
                worth = map(quantity.__mul__, prices[market:k1])  # type: ignore[arg-type]
                sums[market:k1] = map(add, sums[market:k1], worth)

    def _fallback(self, key: str, quantity: Decimal, price: Decimal, k0: int, k1: int) -> None:
        self.estimated_prices.add(key)
        currency = self.ledger.positions[key].currency
        rates = self.filled_rates(currency)
        if price and k0 < _leading_none(self.rate_window(currency)):
            self.estimated_rates.add(currency)
        worth = quantity * price
        extra = self.extra
        for k in range(k0, k1):
            extra[k] += worth * rates[k]

    def add_cash(self, currency: str) -> None:
        runs = self.currencies.get(currency, [])
        if not any(cash for _, cash, _ in runs):
            return
        sums = self._sum(currency)
        for j, (k0, cash, _) in enumerate(runs):
            if cash:
                k1 = runs[j + 1][0] if j + 1 < len(runs) else self.n
                sums[k0:k1] = map(cash.__add__, sums[k0:k1])

    def totals(self) -> list[Decimal]:
        """Each currency's sums in base, added up with ``extra``."""
        parts: list[list[Decimal]] = []
        for currency, sums in self.sums.items():
            if currency == self.base:
                parts.append(sums)
                continue
            if any(sums[: _leading_none(self.rate_window(currency))]):
                self.estimated_rates.add(currency)
            parts.append(list(map(mul, sums, self.filled_rates(currency))))
        if self.estimated_prices:
            parts.append(self.extra)
        if not parts:
            return [ZERO] * self.n
        return parts[0] if len(parts) == 1 else list(map(sum, zip(*parts, strict=True), repeat(ZERO)))


def _leading_none(window: Sequence[Decimal | None]) -> int:
    """How many days a window starts without a value (it has no gap after its first value)."""
    return bisect_left(window, True, key=lambda v: v is not None)


def daily(
    activities: Iterable[Activity],
    *,
    base_currency: str,
    method: CostMethod,
    start: dt.date,
    end: dt.date,
    prices: PriceLookup,
    fx: FxLookup,
) -> Series:
    """The portfolio's end-of-day value in base (securities and cash) for each day in (``start``, ``end``], its
    value at the end of ``start``, and its external flows in (``start``, ``end``]: pass them to
    ``performance.time_weighted_return`` (``values``, ``flows``, ``start_value``), ``xirr``, ``simple_roi`` and
    ``modified_dietz`` (``start_value``, ``end_value``, ``flows``). Activities after ``end`` are not read.

    Fast with a ``PriceTable`` and a ``RateTable``; any other lookup is called once per instrument and day (and
    forward filled). Raises ``HoldingsError`` like ``replay``. ``method`` changes no value (a value is market value,
    not cost)."""
    with localcontext(_CONTEXT):
        days = _Days(_ordered(activities), base_currency=base_currency, method=method, start=start, end=end,
                     prices=prices, fx=fx)  # fmt: skip
        for key in days.positions:
            days.add_holding(key)
        for currency in days.currencies:
            days.add_cash(currency)
        return days.series(days.totals(), days.flows(days.ledger.flows))


def holding_daily(
    activities: Iterable[Activity],
    *,
    instrument: str,
    base_currency: str,
    method: CostMethod,
    start: dt.date,
    end: dt.date,
    prices: PriceLookup,
    fx: FxLookup,
) -> Series:
    """One holding's end-of-day value in base and its own flows (purchases and fees in; sale proceeds,
    dividends and interest out; transfers at market value; a reinvested dividend stays in and is no flow): the
    inputs of per-holding returns. Only the activities naming ``instrument`` are read (errors name their position
    in the whole input)."""
    with localcontext(_CONTEXT):
        ordered = [item for item in _ordered(activities) if item[1].instrument == instrument]
        days = _Days(ordered, base_currency=base_currency, method=method, start=start, end=end, prices=prices, fx=fx)
        days.add_holding(instrument)
        pos = days.ledger.positions.get(instrument)
        flows = (Flow(date, amount) for date, amount in pos.flows) if pos is not None else ()
        return days.series(days.totals(), days.flows(flows))
