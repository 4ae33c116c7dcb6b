"""Rebalancing toward target weights: sales and purchases, buying only with new cash, whole units, minimum trade
size, drift bands, and inputs that cannot work."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subgraphs.portfolio.rebalancing import Plan, Position, RebalanceError, rebalance

D = Decimal


def trades(plan: Plan) -> dict[str, Decimal]:
    return {t.key: t.quantity for t in plan.trades}


def test_a_drifted_60_40_goes_back_to_target() -> None:
    # Stocks rallied: 7,000 in stocks and 3,000 in bonds for a 60/40 target.
    plan = rebalance([
        Position("STOCKS", D(100), D(70), D("0.6")),
        Position("BONDS", D(50), D(60), D("0.4")),
    ])  # fmt: skip
    assert trades(plan) == {"STOCKS": D(-10), "BONDS": D(20)}
    assert plan.after == {"STOCKS": D("0.6"), "BONDS": D("0.4")}
    assert plan.cash_left == 0
    assert [t.amount for t in plan.trades] == [D("1000.00"), D("-1000.00")]


def test_inside_the_band_nothing_is_traded() -> None:
    plan = rebalance(
        [Position("STOCKS", D(100), D(62), D("0.6")), Position("BONDS", D(50), D(76), D("0.4"))], band=D("0.05")
    )
    assert plan.trades == ()


def test_new_cash_without_selling_lifts_the_most_underweight_first() -> None:
    # 7,000 / 3,000 for 60/40, and 1,000 to invest without selling: it all goes to bonds.
    plan = rebalance(
        [Position("STOCKS", D(100), D(70), D("0.6")), Position("BONDS", D(1), D(3000), D("0.4"))],
        cash=D(1000),
        sell=False,
    )
    assert trades(plan) == {"BONDS": D(1000)}
    assert plan.cash_left == 0
    # Enough cash for both: each reaches its target and the rest stays cash.
    plan = rebalance(
        [
            Position("A", D(1), D(100), D("0.5"), fractional=True),
            Position("B", D(1), D(100), D("0.5"), fractional=True),
        ],
        cash=D(200),
        sell=False,
    )
    assert trades(plan) == {"A": D(100), "B": D(100)}
    assert plan.cash_left == 0


def test_whole_units_never_spend_more_than_the_cash() -> None:
    plan = rebalance([Position("ETF", D("333.33"), D(0), D(1))], cash=D(1000), sell=False)
    assert trades(plan) == {"ETF": D(3)}
    assert plan.cash_left == D("0.01")
    fractional = rebalance([Position("ETF", D("333.33"), D(0), D(1), fractional=True)], cash=D(1000), sell=False)
    assert fractional.cash_left >= 0
    assert fractional.cash_left < D("0.00001")


def test_trades_under_the_minimum_are_left_out() -> None:
    plan = rebalance([Position("A", D(10), D(61), D("0.6")), Position("B", D(10), D(39), D("0.4"))], min_trade=D(50))
    assert plan.trades == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cash": D(-1)}, "cash"),
        ({"band": D(1)}, "band"),
        ({"min_trade": D(-5)}, "minTrade"),
    ],
)
def test_inputs_that_cannot_work_are_refused(kwargs: dict[str, Decimal], field: str) -> None:
    with pytest.raises(RebalanceError) as caught:
        rebalance([Position("A", D(10), D(1), D("0.5"))], **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_targets_over_100_percent_or_without_a_price_are_refused() -> None:
    with pytest.raises(RebalanceError, match="more than 100 %"):
        rebalance([Position("A", D(1), D(1), D("0.7")), Position("B", D(1), D(1), D("0.4"))])
    with pytest.raises(RebalanceError, match="no price"):
        rebalance([Position("A", D(0), D(1), D("0.5"))])
