"""A portfolio's figures through GraphQL, each checked against a hand-computed value: holdings by FIFO and average
cost, a full exit (never -100 %), a foreign-currency holding with its price and currency effects, dividends,
allocation against targets and rebalancing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fincloud.service import Runtime
from tests.factories import make_viewer
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, new_portfolio, ok, prices, rates, run

HOLDINGS = """
query($id: ID!, $asOf: Date, $closed: Boolean!) {
  portfolio(id: $id) {
    holdings(asOf: $asOf, includeClosed: $closed) {
      instrument { symbol } quantity
      price { amount currency } value { amount } valueBase { amount currency }
      costBasis { amount } costBasisBase { amount } unrealisedGain { amount } unrealisedGainBase { amount }
      priceEffect { amount } currencyEffect { amount } realisedGain { amount } realisedGainBase { amount }
      lots { date quantity }
    }
  }
}
"""

PERFORMANCE = """
query($id: ID!, $from: Date, $to: Date, $periods: [PerformancePeriod!]) {
  portfolio(id: $id) {
    performance(from: $from, to: $to, periods: $periods) {
      period start end startValue { amount } endValue { amount } netFlows { amount } absoluteGain { amount }
      simpleRoi { value reason } moneyWeighted { value reason } moneyWeightedAnnualised { value reason }
      timeWeighted { value reason } timeWeightedMethod modifiedDietz { value reason } benchmark { value reason }
    }
  }
}
"""


def amount(money: dict[str, str] | None) -> Decimal | None:
    return Decimal(money["amount"]) if money is not None else None


@pytest.mark.parametrize(
    ("method", "realised", "cost_left", "lots"),
    [
        # Bought 10 at 100, then 10 at 200; sold 10 at 180. FIFO sells the first lot: 1,800 - 1,000 = 800, and the
        # second lot (2,000) is left. Average cost sells at 150: 1,800 - 1,500 = 300, and 1,500 is left.
        ("FIFO", "800.00", "2000.00", [{"date": "2026-02-02", "quantity": "10"}]),
        ("AVERAGE", "300.00", "1500.00", [{"date": "2026-01-05", "quantity": "10"}]),
    ],
)
async def test_cost_methods(
    runtime: Runtime, method: str, realised: str, cost_left: str, lots: list[dict[str, str]]
) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, method=method)
    acme = await new_instrument(runtime, viewer, "ACME")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="10", price="100")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-02-02", instrumentId=acme, quantity="10", price="200")
    await ok(runtime, viewer, portfolio, kind="SELL", date="2026-03-02", instrumentId=acme, quantity="10", price="180")
    await prices(runtime, acme, "EUR", ("2026-03-02", "180"))
    data = await run(runtime, viewer, HOLDINGS, id=portfolio, asOf="2026-03-02", closed=False)
    [holding] = data["portfolio"]["holdings"]
    assert holding["realisedGain"]["amount"] == realised
    assert holding["costBasis"]["amount"] == cost_left
    assert holding["value"]["amount"] == "1800.00"
    assert amount(holding["unrealisedGain"]) == Decimal("1800.00") - Decimal(cost_left)
    assert [{"date": lot["date"], "quantity": format(Decimal(lot["quantity"]), "f")} for lot in holding["lots"]] == lots


async def test_a_full_exit_keeps_its_gain(runtime: Runtime) -> None:
    """Bought 10 at 100 with a fee of 5 (funded from outside: 1,005 in), sold all at 150 less a fee of 5 (1,495
    kept as cash). The simple and time-weighted returns are 1,495 / 1,005 - 1 = 48.756 %, never -100 %; the
    money-weighted return annualised over 176 days (Jan 4 to Jun 30, the flow on Jan 5) it is
    (1,495 / 1,005)^(365/176) - 1. Modified Dietz, an approximation, differs slightly (see below)."""
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    acme = await new_instrument(runtime, viewer, "ACME")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="10", price="100",
             fee="5")  # fmt: skip
    await prices(runtime, acme, "EUR", ("2026-01-05", "100"), ("2026-03-02", "120"), ("2026-06-01", "150"))
    await ok(runtime, viewer, portfolio, kind="SELL", date="2026-06-01", instrumentId=acme, quantity="10", price="150",
             fee="5")  # fmt: skip

    data = await run(runtime, viewer, HOLDINGS, id=portfolio, asOf="2026-03-02", closed=False)
    [holding] = data["portfolio"]["holdings"]
    assert (amount(holding["value"]), amount(holding["costBasis"]), amount(holding["unrealisedGain"])) == (
        Decimal("1200.00"), Decimal("1005.00"), Decimal("195.00")
    )  # fmt: skip
    after = await run(runtime, viewer, HOLDINGS, id=portfolio, asOf="2026-07-01", closed=True)
    [closed] = after["portfolio"]["holdings"]
    assert (closed["quantity"], closed["realisedGain"]["amount"], closed["value"]) == ("0", "490.00", None)

    data = await run(runtime, viewer, PERFORMANCE, id=portfolio, **{"from": "2026-01-05", "to": "2026-06-30"},
                     periods=[])  # fmt: skip
    [row] = data["portfolio"]["performance"]
    expected = 1495 / 1005 - 1
    assert (row["period"], row["start"], row["end"]) == ("CUSTOM", "2026-01-04", "2026-06-30")
    assert (amount(row["startValue"]), amount(row["endValue"]), amount(row["netFlows"])) == (
        Decimal("0.00"), Decimal("1495.00"), Decimal("1005.00")
    )  # fmt: skip
    assert amount(row["absoluteGain"]) == Decimal("490.00")
    for figure in ("simpleRoi", "timeWeighted"):
        assert row[figure]["value"] == pytest.approx(expected, rel=1e-9), figure
    # The money-weighted return for the period compounds the annual rate over the period's 177 days, one more
    # than the money was invested.
    assert row["moneyWeighted"]["value"] == pytest.approx((1495 / 1005) ** (177 / 176) - 1, rel=1e-7)
    # Modified Dietz weighs the 1,005 by the share of the 177-day period after its day: 176/177.
    assert row["modifiedDietz"]["value"] == pytest.approx(490 / (1005 * 176 / 177), rel=1e-9)
    assert row["moneyWeightedAnnualised"]["value"] == pytest.approx((1495 / 1005) ** (365 / 176) - 1, rel=1e-7)
    assert row["timeWeightedMethod"] == "DAILY"
    assert row["benchmark"] is None


async def test_undefined_figures_say_why(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    data = await run(runtime, viewer, PERFORMANCE, id=portfolio, periods=["ONE_YEAR"])
    [row] = data["portfolio"]["performance"]
    assert row["simpleRoi"] == {"value": None, "reason": "NO_FLOWS"}
    assert row["moneyWeightedAnnualised"] == {"value": None, "reason": "NO_FLOWS"}
    assert row["timeWeighted"] == {"value": None, "reason": "NO_VALUE_HELD"}


async def test_a_foreign_holding_separates_price_and_currency_effects(runtime: Runtime) -> None:
    """Base EUR. Bought 10 USCO at 100 USD when 1 USD was 0.90 EUR: cost 1,000 USD, 900 EUR. On Mar 2 the price
    is 110 USD and 1 EUR buys 1.25 USD (1 USD = 0.80 EUR): worth 1,100 USD, 880 EUR. The price made
    (110 - 100) x 10 x 0.90 = +90 EUR, the currency 110 x 10 x (0.80 - 0.90) = -110 EUR: -20 EUR in all, while
    the gain in dollars is +100."""
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    usco = await new_instrument(runtime, viewer, "USCO", currency="USD")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=usco, quantity="10", price="100",
             fxRate="0.9")  # fmt: skip
    await prices(runtime, usco, "USD", ("2026-03-02", "110"))
    await rates(runtime, "USD", ("2026-03-02", "1.25"))
    data = await run(runtime, viewer, HOLDINGS, id=portfolio, asOf="2026-03-02", closed=False)
    [holding] = data["portfolio"]["holdings"]
    assert holding["value"]["amount"] == "1100.00"
    assert holding["valueBase"] == {"amount": "880.00", "currency": "EUR"}
    assert holding["costBasisBase"]["amount"] == "900.00"
    assert holding["unrealisedGain"]["amount"] == "100.00"
    assert holding["unrealisedGainBase"]["amount"] == "-20.00"
    assert holding["priceEffect"]["amount"] == "90.00"
    assert holding["currencyEffect"]["amount"] == "-110.00"


async def test_dividends_income_and_projection(runtime: Runtime) -> None:
    """100 DIVCO bought at 10; a dividend of 50 with 7.50 withheld: 42.50 net, 0.425 per unit. Yield on cost
    42.50 / 1,000 = 4.25 %; the same payment next year on 100 units is 42.50, in the same month."""
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    divco = await new_instrument(runtime, viewer, "DIVCO")
    today = dt.datetime.now(dt.UTC).date()
    bought, paid = today - dt.timedelta(days=200), today - dt.timedelta(days=100)
    await ok(runtime, viewer, portfolio, kind="BUY", date=bought.isoformat(), instrumentId=divco, quantity="100",
             price="10")  # fmt: skip
    await ok(runtime, viewer, portfolio, kind="DIVIDEND", date=paid.isoformat(), instrumentId=divco, amount="50",
             tax="7.5")  # fmt: skip
    data = await run(
        runtime,
        viewer,
        "query($id: ID!) { portfolio(id: $id) { dividends { payments { date gross { amount } tax { amount }"
        " netBase { amount } reinvested } trailingTwelveMonths { amount } yieldOnCost"
        " projectedAnnualIncome { amount } calendar { month amount { amount } } } } }",
        id=portfolio,
    )
    dividends = data["portfolio"]["dividends"]
    assert dividends["payments"] == [
        {"date": paid.isoformat(), "gross": {"amount": "50.00"}, "tax": {"amount": "7.50"},
         "netBase": {"amount": "42.50"}, "reinvested": False}
    ]  # fmt: skip
    assert dividends["trailingTwelveMonths"]["amount"] == "42.50"
    assert dividends["yieldOnCost"] == pytest.approx(0.0425)
    assert dividends["projectedAnnualIncome"]["amount"] == "42.50"
    month = paid.replace(year=paid.year + 1, day=1)
    assert dividends["calendar"] == [{"month": month.isoformat(), "amount": {"amount": "42.50"}}]


async def test_allocation_against_targets_and_rebalancing(runtime: Runtime) -> None:
    """1,000 deposited; 6 EQ at 100 (600) and 2 BND at 100 (200) bought, 200 cash left. Targets by instrument:
    EQ 50 %, BND 40 %. Selling allowed: sell 1 EQ (100 in), buy 2 BND (200 out): EQ 500, BND 400, cash 100."""
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    eq = await new_instrument(runtime, viewer, "EQ")
    bnd = await new_instrument(runtime, viewer, "BND", asset_class="BOND")
    today = dt.datetime.now(dt.UTC).date()
    day = (today - dt.timedelta(days=10)).isoformat()
    await ok(runtime, viewer, portfolio, kind="DEPOSIT", date=day, amount="1000")
    await ok(runtime, viewer, portfolio, kind="BUY", date=day, instrumentId=eq, quantity="6", price="100")
    await ok(runtime, viewer, portfolio, kind="BUY", date=day, instrumentId=bnd, quantity="2", price="100")
    await prices(runtime, eq, "EUR", (day, "100"))
    await prices(runtime, bnd, "EUR", (day, "100"))
    set_targets = f"""mutation($input: PortfolioTargetsSetInput!) {{
      portfolioTargetsSet(input: $input) {{ targets {{ key weight }} {ERRORS} }} }}"""
    done = await run(runtime, viewer, set_targets, input={"portfolioId": portfolio, "dimension": "ASSET_CLASS",
                     "targets": [{"key": "equity", "weight": "0.7"}, {"key": "bond", "weight": "0.3"}]})  # fmt: skip
    assert done["portfolioTargetsSet"]["errors"] == []
    too_much = await run(runtime, viewer, set_targets, input={"portfolioId": portfolio, "dimension": "CURRENCY",
                         "targets": [{"key": "EUR", "weight": "0.7"}, {"key": "USD", "weight": "0.4"}]})  # fmt: skip
    assert too_much["portfolioTargetsSet"]["errors"][0]["field"] == "targets"

    data = await run(
        runtime,
        viewer,
        "query($id: ID!) { portfolio(id: $id) { allocation(dimension: ASSET_CLASS) { key value { amount } weight"
        " target drift } } }",
        id=portfolio,
    )
    slices = {s["key"]: s for s in data["portfolio"]["allocation"]}
    assert slices["equity"]["value"]["amount"] == "600.00"
    assert slices["equity"]["weight"] == pytest.approx(0.6)
    assert slices["equity"]["drift"] == pytest.approx(-0.1)
    assert slices["bond"]["weight"] == pytest.approx(0.2)
    assert slices["bond"]["target"] == pytest.approx(0.3)
    assert slices["cash"]["value"]["amount"] == "200.00"
    assert slices["cash"]["target"] is None

    await run(runtime, viewer, set_targets, input={"portfolioId": portfolio, "dimension": "INSTRUMENT",
              "targets": [{"key": eq, "weight": "0.5"}, {"key": bnd, "weight": "0.4"}]})  # fmt: skip
    plan = await run(
        runtime,
        viewer,
        "query($id: ID!) { portfolio(id: $id) { rebalancing { trades { instrumentId quantity amount { amount }"
        " weightBefore weightAfter } cashBefore { amount } cashLeft { amount } } } }",
        id=portfolio,
    )
    rebalanced = plan["portfolio"]["rebalancing"]
    trades = {t["instrumentId"]: t for t in rebalanced["trades"]}
    assert (trades[eq]["quantity"], trades[eq]["amount"]["amount"]) == ("-1", "-100.00")
    assert (trades[bnd]["quantity"], trades[bnd]["amount"]["amount"]) == ("2", "200.00")
    assert trades[bnd]["weightAfter"] == pytest.approx(0.4)
    assert (rebalanced["cashBefore"]["amount"], rebalanced["cashLeft"]["amount"]) == ("200.00", "100.00")


async def test_valuation_of_a_past_date_ignores_later_activity(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    acme = await new_instrument(runtime, viewer, "ACME")
    await ok(runtime, viewer, portfolio, kind="DEPOSIT", date="2026-01-02", amount="500")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="2", price="100")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-02-05", instrumentId=acme, quantity="1", price="100")
    await prices(runtime, acme, "EUR", ("2026-01-05", "100"), ("2026-01-20", "110"))
    data = await run(
        runtime,
        viewer,
        'query($id: ID!) { portfolio(id: $id) { valuation(asOf: "2026-01-31") { total { amount } securities'
        " { amount } cashTotal { amount } complete missingPrices } } }",
        id=portfolio,
    )
    assert data["portfolio"]["valuation"] == {
        "total": {"amount": "520.00"}, "securities": {"amount": "220.00"}, "cashTotal": {"amount": "300.00"},
        "complete": True, "missingPrices": [],
    }  # fmt: skip


async def test_rebalancing_without_targets_suggests_nothing(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    data = await run(
        runtime,
        viewer,
        "query($id: ID!) { portfolio(id: $id) { rebalancing { trades { instrumentId } targetsSet unpriced } } }",
        id=portfolio,
    )
    assert data["portfolio"]["rebalancing"] == {"trades": [], "targetsSet": False, "unpriced": []}
