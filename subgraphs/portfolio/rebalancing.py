"""Rebalancing: the trades that bring a portfolio to its target weights, or as close as the user allows.

Pure: positions (price and quantity in the portfolio's base currency), target weights, a drift band, new cash,
whether selling is allowed, whole or fractional units per instrument, and a minimum trade size in; trades, the
weights before and after, and the cash left out. Money is ``Decimal``; weights are ``Decimal`` fractions too, so
that before/after figures add up exactly.

- **With selling**, every position outside its band is moved to its target: sales first (they free cash), then
  purchases, most underweight first, each limited by the cash there is.
- **Without selling**, the cash is spread over the underweight positions so that the most underweight are raised
  first, to one common level of "share of target reached" (water-filling): the closest the portfolio gets to its
  targets by buying alone.
- Whole units are rounded down (never more than the cash or the holding allows); trades under the minimum size are
  left out. The cash left is never negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

__all__ = ["Plan", "Position", "RebalanceError", "Trade", "rebalance"]

CENT = Decimal("0.01")
UNITS = Decimal("0.0000000001")
"""Fractional quantities have ten decimals, like the ledger of investment transactions."""


class RebalanceError(ValueError):
    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Position:
    key: str
    price: Decimal
    quantity: Decimal
    target: Decimal
    """Target weight, a fraction of the portfolio's value (cash included)."""
    fractional: bool = False

    @property
    def value(self) -> Decimal:
        return self.price * self.quantity


@dataclass(frozen=True, slots=True)
class Trade:
    key: str
    quantity: Decimal
    """Positive to buy, negative to sell."""
    amount: Decimal
    """What it costs (positive) or brings in (negative)."""


@dataclass(frozen=True, slots=True)
class Plan:
    trades: tuple[Trade, ...]
    before: dict[str, Decimal]
    after: dict[str, Decimal]
    cash_before: Decimal
    cash_left: Decimal


def _weights(values: dict[str, Decimal], cash: Decimal) -> dict[str, Decimal]:
    total = sum(values.values(), Decimal(0)) + cash
    if total <= 0:
        return {key: Decimal(0) for key in values}
    return {key: value / total for key, value in values.items()}


def _units(position: Position, amount: Decimal) -> Decimal:
    """Units for ``amount`` (of either sign), rounded toward zero."""
    quantity = amount / position.price
    step = UNITS if position.fractional else Decimal(1)
    return quantity.quantize(step, rounding=ROUND_DOWN)


def _check(positions: Sequence[Position], cash: Decimal, band: Decimal, min_trade: Decimal) -> None:
    if cash < 0:
        raise RebalanceError("new cash cannot be negative", field="cash")
    if not Decimal(0) <= band < 1:
        raise RebalanceError("the drift band is a fraction from 0 up to 1", field="band")
    if min_trade < 0:
        raise RebalanceError("the minimum trade size cannot be negative", field="minTrade")
    keys = [p.key for p in positions]
    if len(set(keys)) != len(keys):
        raise RebalanceError("each instrument may appear once", field="targets")
    for position in positions:
        if position.price <= 0:
            raise RebalanceError(f"{position.key} has no price to trade at", field="targets")
        if position.target < 0 or position.quantity < 0:
            raise RebalanceError(f"{position.key}: targets and holdings cannot be negative", field="targets")
    if sum((p.target for p in positions), Decimal(0)) > 1:
        raise RebalanceError("the target weights add up to more than 100 %", field="targets")


def _water_fill(positions: Sequence[Position], total: Decimal, cash: Decimal, allowed: set[str]) -> dict[str, Decimal]:
    """How much of ``cash`` each underweight position in ``allowed`` gets, raising the least-reached first to a
    common share of its target value."""
    goals = {p.key: p.target * total for p in positions if p.key in allowed and p.target > 0}
    values = {p.key: p.value for p in positions}
    if not goals:
        return {}
    # The positions by the share of their target they have reached, lowest first; the level L that ``cash``
    # raises the first k of them to solves sum(L * goal - value) = cash exactly, and holds while L stays under
    # the next one's share (and under 1: no position is bought past its target).
    ranked = sorted(goals, key=lambda k: (values[k] / goals[k], k))
    level = Decimal(1)
    spent_values, spent_goals = Decimal(0), Decimal(0)
    for position, key in enumerate(ranked):
        spent_values += values[key]
        spent_goals += goals[key]
        candidate = (cash + spent_values) / spent_goals
        following = values[ranked[position + 1]] / goals[ranked[position + 1]] if position + 1 < len(ranked) else None
        if following is None or candidate <= following:
            level = min(candidate, Decimal(1))
            break
    # To the cent: a level computed to 28 digits must not turn 1,000.00 into 999.999... and one unit less.
    return {k: max(Decimal(0), (level * goals[k] - values[k]).quantize(CENT)) for k in goals}


def rebalance(
    positions: Sequence[Position],
    *,
    cash: Decimal = Decimal(0),
    band: Decimal = Decimal(0),
    sell: bool = True,
    min_trade: Decimal = Decimal(0),
) -> Plan:
    """The trades toward the targets; see the module. ``band`` is an absolute drift in weight (0.05: five points)
    within which a position is left alone. Raises ``RebalanceError`` for inputs that cannot work."""
    _check(positions, cash, band, min_trade)
    by_key = {p.key: p for p in positions}
    values = {p.key: p.value for p in positions}
    total = sum(values.values(), Decimal(0)) + cash
    before = _weights(values, cash)
    drifted = {p.key for p in positions if abs(before[p.key] - p.target) > band}
    trades: dict[str, Decimal] = {}
    available = cash
    if sell:
        for key in sorted(drifted):
            position = by_key[key]
            excess = values[key] - position.target * total
            if excess > 0:
                units = min(_units(position, excess), position.quantity)
                if units and units * position.price >= min_trade:
                    trades[key] = -units
                    available += units * position.price
    wanted = (
        {k: max(Decimal(0), by_key[k].target * total - values[k]) for k in drifted}
        if sell
        else _water_fill(positions, total, cash, {p.key for p in positions if before[p.key] < p.target})
    )
    # Most underweight first, so the cash goes where it is most needed when it runs short.
    for key in sorted(wanted, key=lambda k: (before[k] - by_key[k].target, k)):
        position = by_key[key]
        amount = min(wanted[key], available)
        units = _units(position, amount)
        if units > 0 and units * position.price >= min_trade:
            trades[key] = units
            available -= units * position.price
    after_values = {k: values[k] + trades.get(k, Decimal(0)) * by_key[k].price for k in values}
    return Plan(
        trades=tuple(
            Trade(key, quantity, (quantity * by_key[key].price).quantize(CENT))
            for key, quantity in sorted(trades.items())
        ),
        before=before,
        after=_weights(after_values, available),
        cash_before=cash,
        cash_left=available,
    )
