"""The holdings engine against ledgers worked by hand: FIFO and average cost on the same sale, partial and full
sales (a full exit keeps its gain, never -100 %), reinvested and taxed dividends, a split and a reverse split,
transfers, a US holding in a euro portfolio (price effect + currency effect = the gain), implicit deposits, errors
that name the activity, valuation on a past date, missing prices, and the daily series against day-by-day
valuations.

Ledgers are written one activity a line: ``date kind [instrument] [quantity @ price] [amount] [fee N] [tax N]
[fx N] [to:from] currency``, the currency last and a ``#`` comment with the figure worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from subgraphs.portfolio.activities import Activity, Kind
from subgraphs.portfolio.holdings import (
    Book,
    CostMethod,
    Dividends,
    HoldingsError,
    PriceTable,
    RateTable,
    daily,
    holding_daily,
    replay,
    value,
)
from subgraphs.portfolio.performance import Flow, simple_roi, time_weighted_return, xirr

D = Decimal
FIFO, AVERAGE = CostMethod.FIFO, CostMethod.AVERAGE


def ledger(text: str) -> list[Activity]:
    activities = []
    for line in text.strip().splitlines():
        date, kind, *rest, currency = line.split("#")[0].split()
        fields: dict[str, object] = {}
        i = 0
        while i < len(rest):
            token = rest[i]
            if token in {"amount", "fee", "tax"}:
                fields[token] = D(rest[i + 1])
                i += 2
            elif token == "fx":
                fields["fx_rate"] = D(rest[i + 1])
                i += 2
            elif i + 1 < len(rest) and rest[i + 1] == "@":
                fields["quantity"], fields["price"] = D(rest[i]), D(rest[i + 2])
                i += 3
            elif ":" in token:
                fields["split_to"], fields["split_from"] = (D(part) for part in token.split(":"))
                i += 1
            elif token[0].isdigit():
                fields["amount"] = D(token)
                i += 1
            else:
                fields["instrument"] = token
                i += 1
        activities.append(Activity(kind=Kind(kind), date=dt.date.fromisoformat(date), currency=currency,
                                   **fields))  # type: ignore[arg-type]  # fmt: skip
    return activities


def price_table(text: str) -> PriceTable:
    """One instrument a line: ``instrument currency date price date price ...``."""
    series = {}
    for line in text.strip().splitlines():
        key, currency, *points = line.split()
        series[key] = (
            currency,
            [(dt.date.fromisoformat(d), D(p)) for d, p in zip(points[::2], points[1::2], strict=True)],
        )
    return PriceTable(series)


def rate_table(text: str) -> RateTable:
    """One pair a line: ``source target date rate date rate ...``."""
    series = {}
    for line in text.strip().splitlines():
        source, target, *points = line.split()
        series[(source, target)] = [
            (dt.date.fromisoformat(d), D(r)) for d, r in zip(points[::2], points[1::2], strict=True)
        ]
    return RateTable(series)


NO_RATES = rate_table("USD EUR 2000-01-01 1")


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def book(
    text: str, method: CostMethod = FIFO, *, until: dt.date | None = None, prices: PriceTable | None = None
) -> Book:
    return replay(ledger(text), base_currency="EUR", method=method, until=until, prices=prices)


# --- cost and realised gains -----------------------------------------------------------------------------------

TWO_BUYS_ONE_SALE = """
    2026-01-05  buy   ACME  10 @ 100  fee 2  EUR   # lot 1: 1,002.00 (100.20 a unit)
    2026-02-05  buy   ACME  10 @ 130  fee 2  EUR   # lot 2: 1,302.00 (130.20 a unit)
    2026-03-05  sell  ACME  15 @ 150  fee 3  EUR   # proceeds 2,250 - 3 = 2,247
"""


def test_fifo_and_average_cost_realise_different_gains_on_the_same_sale() -> None:
    # FIFO sells lot 1 and half of lot 2: cost 1,002 + 651 = 1,653, gain 2,247 - 1,653 = 594; 5 units left at 651.
    fifo = book(TWO_BUYS_ONE_SALE, FIFO).holdings["ACME"]
    assert (fifo.quantity, fifo.realised, fifo.cost) == (D(5), D(594), D(651))
    assert [(lot.date, lot.quantity, lot.unit_cost) for lot in fifo.lots] == [(date("2026-02-05"), D(5), D("130.2"))]
    # Average cost: 2,304 for 20 units, 115.20 each; 15 sold cost 1,728, gain 519; 5 units left at 576.
    average = book(TWO_BUYS_ONE_SALE, AVERAGE).holdings["ACME"]
    assert (average.quantity, average.realised, average.cost) == (D(5), D(519), D(576))
    assert [(lot.date, lot.quantity, lot.unit_cost) for lot in average.lots] == [(date("2026-01-05"), D(5), D("115.2"))]
    # What the method moves between realised and unrealised, the total gain keeps: at 160, 594 + 800 - 651 = 743.
    prices = price_table("ACME EUR 2026-03-05 160")
    for holding, method in ((fifo, FIFO), (average, AVERAGE)):
        valued = value(book(TWO_BUYS_ONE_SALE, method), prices=prices, fx=NO_RATES, date=date("2026-03-05"))
        assert holding.realised + valued.holdings["ACME"].gain == 743


def test_a_partial_sale() -> None:
    held = book("""
        2026-01-05  buy   ACME  10 @ 50  fee 5  EUR   # 505, 50.50 a unit
        2026-02-05  sell  ACME   4 @ 60  fee 2  EUR   # 240 - 2 = 238 for units that cost 4 x 50.50 = 202
    """)  # fmt: skip
    acme = held.holdings["ACME"]
    assert (acme.quantity, acme.cost, acme.realised, acme.fees) == (D(6), D(303), D(36), D(7))
    assert acme.lots[0].unit_cost == D("50.5")
    # 505 came in from outside to pay for the purchase; the sale's 238 stays as cash.
    assert held.cash == {"EUR": D(238)}
    assert held.implicit_deposits == (Flow(date("2026-01-05"), D(505)),)


def test_a_full_exit_keeps_its_gain_and_its_cash_never_minus_100_percent() -> None:
    activities = ledger("""
        2026-03-02  buy   ACME  10 @ 100  EUR   # 1,000 from outside
        2026-03-04  sell  ACME  10 @ 110  EUR   # 1,100 kept as cash
    """)  # fmt: skip
    held = replay(activities, base_currency="EUR", method=FIFO)
    acme = held.holdings["ACME"]
    assert (acme.quantity, acme.lots, acme.cost, acme.realised) == (D(0), (), D(0), D(100))
    assert held.cash == {"EUR": D(1100)}
    prices = price_table("ACME EUR  2026-03-02 100  2026-03-03 105  2026-03-04 110  2026-03-05 120")
    series = daily(activities, base_currency="EUR", method=FIFO, start=date("2026-03-01"), end=date("2026-03-06"),
                   prices=prices, fx=NO_RATES)  # fmt: skip
    # The price after the sale (120) no longer matters: the portfolio holds 1,100 in cash.
    assert series.start_value == 0
    assert list(series.values.values()) == [D(1000), D(1050), D(1100), D(1100), D(1100)]
    assert series.flows == (Flow(date("2026-03-02"), D(1000)),)
    twr = time_weighted_return(values=series.values, flows=series.flows, start=series.start, end=series.end,
                               start_value=series.start_value)  # fmt: skip
    assert twr.value == pytest.approx(0.10)
    assert simple_roi(start_value=D(0), end_value=series.end_value, flows=series.flows).value == pytest.approx(0.10)
    mwr = xirr(start=series.start, end=series.end, start_value=series.start_value, end_value=series.end_value,
               flows=series.flows)  # fmt: skip
    assert mwr.value is not None
    assert mwr.value > 0


# --- income ----------------------------------------------------------------------------------------------------


def test_a_reinvested_dividend_is_income_and_a_new_lot_not_a_flow() -> None:
    held = book("""
        2026-01-05  buy                ACME  10 @ 100                 EUR   # 1,000
        2026-06-15  dividend_reinvest  ACME  0.5 @ 96  amount 60 tax 12  EUR   # 60 less 12 withheld buys 0.5 at 96
    """)  # fmt: skip
    acme = held.holdings["ACME"]
    assert acme.quantity == D("10.5")
    assert [(lot.quantity, lot.cost) for lot in acme.lots] == [(D(10), D(1000)), (D("0.5"), D(48))]
    assert acme.dividends == Dividends(gross=D(60), tax=D(12), net=D(48))
    assert acme.taxes == 0  # the withholding is counted once, in the dividend
    assert held.cash == {"EUR": D(0)}
    assert held.flows == (Flow(date("2026-01-05"), D(1000)),)  # the purchase's implicit deposit only
    assert acme.flows == (Flow(date("2026-01-05"), D(1000)),)  # the dividend stays in the holding
    # At 110: 10.5 x 110 = 1,155 for a cost of 1,048.
    valued = value(held, prices=price_table("ACME EUR 2026-06-15 110"), fx=NO_RATES, date=date("2026-06-15"))
    assert valued.holdings["ACME"].gain == D(107)


def test_a_cash_dividend_with_tax_withheld_in_a_foreign_currency() -> None:
    held = book("""
        2026-01-05  buy       ACME  10 @ 100                  fx 0.90  USD   # 1,000 USD = 900 EUR
        2026-04-01  dividend  ACME  amount 25  tax 3.75       fx 0.80  USD   # 15 % withheld; 1 USD = 0.80 EUR
    """)  # fmt: skip
    acme = held.holdings["ACME"]
    assert acme.dividends == Dividends(gross=D(25), tax=D("3.75"), net=D("21.25"))
    assert acme.dividends_base == Dividends(gross=D(20), tax=D(3), net=D(17))
    assert held.cash == {"USD": D("21.25")}
    assert held.flows == (Flow(date("2026-01-05"), D(900)),)  # a dividend is return, not a flow
    assert acme.flows == (Flow(date("2026-01-05"), D(900)), Flow(date("2026-04-01"), D(-17)))


# --- splits and transfers --------------------------------------------------------------------------------------


SPLITS = """
    2026-01-05  buy    ACME  10 @ 100  EUR   # 1,000 (100 a unit)
    2026-02-02  split  ACME  2:1       EUR   # 20 units at 50
    2026-02-03  sell   ACME  5 @ 60    EUR   # 300 - 5 x 50 = 50
    2026-03-02  split  ACME  1:10      EUR   # 15 units become 1.5 at 500
    2026-03-03  sell   ACME  1.5 @ 600 EUR   # 900 - 750 = 150
"""


def test_a_split_and_a_reverse_split_keep_the_cost_and_change_the_units() -> None:
    before = book(SPLITS, until=date("2026-03-02")).holdings["ACME"]
    assert (before.quantity, before.cost, before.lots[0].unit_cost, before.realised) == (D("1.5"), D(750), D(500),
                                                                                         D(50))  # fmt: skip
    after = book(SPLITS).holdings["ACME"]
    assert (after.quantity, after.cost, after.realised) == (D(0), D(0), D(200))


def test_a_split_rounds_each_lot_to_ten_decimals_and_leaves_its_cost() -> None:
    acme = book("""
        2026-01-05  buy    ACME  1 @ 10  EUR
        2026-01-05  buy    ACME  1 @ 20  EUR
        2026-02-02  split  ACME  2:3     EUR   # each lot 0.6666666666... rounds half-even to 0.6666666667
    """).holdings["ACME"]  # fmt: skip
    assert [(lot.quantity, lot.cost) for lot in acme.lots] == [(D("0.6666666667"), D(10)), (D("0.6666666667"), D(20))]
    # The residue: 1.3333333334 held where 1.3333333333... would be exact.
    assert acme.quantity == D("1.3333333334")


def test_a_split_recorded_before_a_same_day_purchase_applies_to_it() -> None:
    # Within a day purchases come before splits, whatever the input's order.
    acme = book("""
        2026-02-02  split  ACME  2:1       EUR
        2026-02-02  buy    ACME  10 @ 100  EUR
    """).holdings["ACME"]  # fmt: skip
    assert (acme.quantity, acme.cost) == (D(20), D(1000))


def test_transfers_move_units_at_their_cost_basis_and_flow_at_market_value() -> None:
    text = """
        2026-01-05  transfer_in   ACME  10 @ 80  EUR   # cost basis 800; 1,000 at that day's 100
        2026-02-02  transfer_out  ACME   4 @ 80  EUR   # 4 x 120 = 480 out; nothing realised
    """
    prices = price_table("ACME EUR  2026-01-05 100  2026-02-02 120")
    held = book(text, prices=prices)
    acme = held.holdings["ACME"]
    assert (acme.quantity, acme.cost, acme.realised) == (D(6), D(480), D(0))
    assert held.flows == (Flow(date("2026-01-05"), D(1000)), Flow(date("2026-02-02"), D(-480)))
    # Without a market price, at the transfer's own price.
    assert book(text).flows == (Flow(date("2026-01-05"), D(800)), Flow(date("2026-02-02"), D(-320)))
    # 1,000 in, then 720 held and 480 out on the day it went from 100 to 120: +20 %.
    series = daily(ledger(text), base_currency="EUR", method=FIFO, start=date("2026-01-04"), end=date("2026-02-02"),
                   prices=prices, fx=NO_RATES)  # fmt: skip
    assert series.end_value == D(720)
    twr = time_weighted_return(values=series.values, flows=series.flows, start=series.start, end=series.end,
                               start_value=series.start_value)  # fmt: skip
    assert twr.value == pytest.approx(0.20)


# --- currencies ------------------------------------------------------------------------------------------------

US_HOLDING = """
    2026-01-05  buy  ACME  10 @ 100  fx 0.90  USD   # 1,000 USD = 900.00 EUR
    2026-02-02  buy  ACME   5 @ 110  fx 0.95  USD   #   550 USD = 522.50 EUR
"""


def test_a_us_holding_in_a_euro_portfolio_splits_its_gain_into_price_and_currency() -> None:
    # On 2026-03-02 ACME is at 120 USD and 1 USD is 0.80 EUR.
    valued = value(book(US_HOLDING), prices=price_table("ACME USD 2026-03-02 120"),
                   fx=rate_table("USD EUR 2026-03-02 0.80"), date=date("2026-03-02"))  # fmt: skip
    acme = valued.holdings["ACME"]
    first, second = acme.lots
    # Lot 1: 1,200 USD = 960 EUR for 900: +60 = price (120 - 100) x 10 x 0.90 = 180, currency 120 x 10 x -0.10 = -120.
    assert (first.value_base, first.gain_base, first.price_effect, first.currency_effect) == (D(960), D(60), D(180),
                                                                                              D(-120))  # fmt: skip
    # Lot 2: 600 USD = 480 EUR for 522.50: -42.50 = price (120 - 110) x 5 x 0.95 = 47.50, currency 120 x 5 x -0.15 = -90.
    assert (second.gain_base, second.price_effect, second.currency_effect) == (D("-42.5"), D("47.5"), D(-90))
    assert (acme.value, acme.value_base, acme.gain, acme.gain_base) == (D(1800), D(1440), D(250), D("17.5"))
    assert (acme.price_effect, acme.currency_effect) == (D("227.5"), D(-210))
    assert valued.total_base == D(1440)  # the implicit deposits paid for both, no cash left


def test_average_cost_splits_the_gain_at_its_pooled_rate_and_still_adds_up() -> None:
    valued = value(book(US_HOLDING, AVERAGE), prices=price_table("ACME USD 2026-03-02 120"),
                   fx=rate_table("USD EUR 2026-03-02 0.80"), date=date("2026-03-02"))  # fmt: skip
    acme = valued.holdings["ACME"]
    # One lot of 15 at 1,550 USD = 1,422.50 EUR: a rate of 0.91774193548...; the gain is the same 17.50, split
    # into (120 - 1,550 / 15) x 15 x 0.9177 = 1,800 x 0.9177 - 1,422.50 = 229.44 and 1,440 - 1,800 x 0.9177 = -211.94.
    assert round(acme.lots[0].lot.fx_rate, 11) == D("0.91774193548")
    assert acme.gain_base == D("17.5")
    assert (round(acme.price_effect, 2), round(acme.currency_effect, 2)) == (D("229.44"), D("-211.94"))
    assert acme.price_effect + acme.currency_effect == acme.gain_base


# --- implicit deposits and returns -----------------------------------------------------------------------------


def test_without_deposits_purchases_are_funded_from_outside_and_returns_are_right() -> None:
    activities = ledger("""
        2026-03-02  buy   ACME  10 @ 100  EUR   # 1,000 from outside
        2026-03-04  buy   ACME   5 @ 110  EUR   # 550 from outside
        2026-03-06  sell  ACME  15 @ 121  EUR   # 1,815 ...
        2026-03-06  buy   BETA  10 @ 150  EUR   # ... pays for 1,500 the same day: nothing from outside, 315 left
    """)  # fmt: skip
    prices = price_table("""
        ACME EUR  2026-03-02 100  2026-03-03 110  2026-03-05 121
        BETA EUR  2026-03-06 150  2026-03-07 165
    """)
    series = daily(activities, base_currency="EUR", method=FIFO, start=date("2026-03-01"), end=date("2026-03-07"),
                   prices=prices, fx=NO_RATES)  # fmt: skip
    assert series.flows == (Flow(date("2026-03-02"), D(1000)), Flow(date("2026-03-04"), D(550)))
    # 1,000 | 1,100 | 15 x 110 = 1,650 | 15 x 121 = 1,815 | 1,500 + 315 | 1,650 + 315
    assert list(series.values.values()) == [D(1000), D(1100), D(1650), D(1815), D(1815), D(1965)]
    twr = time_weighted_return(values=series.values, flows=series.flows, start=series.start, end=series.end,
                               start_value=series.start_value)  # fmt: skip
    # Day by day: 1.10, then 1,650 / (1,100 + 550) = 1, 1.10, 1, 1,965 / 1,815 = 131 / 121: 1.21 x 131 / 121 = 1.31.
    assert twr.value == pytest.approx(0.31)
    roi = simple_roi(start_value=D(0), end_value=series.end_value, flows=series.flows)
    assert roi.value == pytest.approx(415 / 1550)


def test_deposits_withdrawals_fees_and_interest() -> None:
    held = book("""
        2026-03-02  deposit     1000 EUR
        2026-03-03  fee         amount 10 EUR   # an account fee
        2026-03-04  interest    amount 4 tax 1 EUR
        2026-03-05  withdrawal  1200 EUR        # 1,000 - 10 + 4 - 1 = 993 held: 207 comes from outside first
    """)  # fmt: skip
    assert held.cash == {"EUR": D(0)}
    assert held.flows == (Flow(date("2026-03-02"), D(1000)), Flow(date("2026-03-05"), D(-1200)),
                          Flow(date("2026-03-05"), D(207)))  # fmt: skip
    assert (held.fees, held.taxes, held.interest) == ({"EUR": D(10)}, {"EUR": D(1)}, {"EUR": D(4)})


# --- errors ----------------------------------------------------------------------------------------------------


def test_selling_more_than_held_names_the_sale_in_the_input() -> None:
    activities = ledger("""
        2026-03-10  sell  ACME  11 @ 100  EUR   # input position 0, replayed last
        2026-03-01  buy   ACME  10 @ 90   EUR
    """)  # fmt: skip
    with pytest.raises(HoldingsError, match="takes out 11 units but 10 are held") as raised:
        replay(activities, base_currency="EUR", method=FIFO)
    assert raised.value.index == 0


def test_a_sale_may_exceed_the_holding_by_a_ten_billionth() -> None:
    exact = "2026-03-01 buy ACME 10 @ 90 EUR\n2026-03-02 sell ACME 10.0000000001 @ 100 EUR"
    assert book(exact).holdings["ACME"].quantity == 0
    with pytest.raises(HoldingsError) as raised:
        book("2026-03-01 buy ACME 10 @ 90 EUR\n2026-03-02 sell ACME 10.0000000002 @ 100 EUR")
    assert raised.value.index == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-03-02 buy ACME 1 @ 9 EUR\n2026-03-03 split ACME 0:1 EUR", "split ratio 0:1 must be positive"),
        ("2026-03-02 buy ACME 1 @ 9 EUR\n2026-03-03 buy ACME 1 @ -9 EUR", "cannot be negative"),
        ("2026-03-02 buy ACME 1 @ 9 EUR\n2026-03-03 buy 1 @ 9 EUR", "needs an instrument"),
        ("2026-03-02 buy ACME 1 @ 9 EUR\n2026-03-03 buy ACME 1 @ 9 fx 0.9 USD", "ACME's earlier activities are in EUR"),
        ("2026-03-02 buy ACME 1 @ 9 EUR\n2026-03-03 buy ACME 1 @ 9 USD", "no exchange rate from USD to EUR"),
        ("2026-03-02 buy ACME 1 @ 9 EUR\n2026-03-03 buy ACME 0 @ 9 EUR", "needs a quantity"),
    ],
)
def test_an_activity_that_cannot_be_replayed_is_named(text: str, message: str) -> None:
    with pytest.raises(HoldingsError, match=message) as raised:
        book(text)
    assert raised.value.index == 1
    assert str(raised.value).startswith("activity 1 (")


# --- valuation -------------------------------------------------------------------------------------------------

LATER_ACTIVITY = """
    2026-01-05  buy   ACME  10 @ 100  EUR
    2026-03-02  buy   ACME   5 @ 120  EUR
    2026-04-01  sell  ACME  15 @ 130  EUR
"""


def test_a_valuation_on_a_past_date_ignores_later_activities() -> None:
    prices = price_table("ACME EUR  2026-01-05 100  2026-02-02 110  2026-03-02 120")
    then = value(book(LATER_ACTIVITY, until=date("2026-02-02")), prices=prices, fx=NO_RATES, date=date("2026-02-02"))
    assert (then.holdings["ACME"].quantity, then.total_base, then.holdings["ACME"].gain) == (D(10), D(1100), D(100))
    with pytest.raises(ValueError, match="replay it until 2026-02-02"):
        value(book(LATER_ACTIVITY), prices=prices, fx=NO_RATES, date=date("2026-02-02"))


def test_missing_prices_are_listed_not_valued_at_zero() -> None:
    held = book("""
        2026-01-05  deposit  2000 EUR
        2026-01-05  buy      ACME  10 @ 100  EUR
        2026-01-05  buy      BETA   5 @ 100  EUR   # no price anywhere
    """)  # fmt: skip
    valued = value(held, prices=price_table("ACME EUR 2026-01-05 110"), fx=NO_RATES, date=date("2026-01-06"))
    assert valued.missing_prices == ("BETA",)
    assert not valued.complete
    assert list(valued.holdings) == ["ACME"]
    assert (valued.securities_base, valued.cash_base, valued.total_base) == (D(1100), D(500), D(1600))


# --- daily series ----------------------------------------------------------------------------------------------

MIXED = """
    2026-03-02  deposit     5000 EUR
    2026-03-02  buy         ACME  20 @ 100  fee 4    EUR
    2026-03-03  buy         WIDG  10 @ 50   fee 1    fx 0.90  USD   # 501 USD from outside: 450.90 EUR
    2026-03-04  dividend    ACME  amount 30 tax 4.5  EUR
    2026-03-05  split       ACME  2:1                EUR
    2026-03-06  sell        ACME  15 @ 52   fee 2    EUR
    2026-03-06  fee         amount 10                EUR
    2026-03-07  interest    amount 3                 EUR
    2026-03-08  withdrawal  1000                     EUR
    2026-03-09  sell        WIDG  4 @ 55             fx 0.92  USD
"""
MIXED_PRICES = """
    ACME EUR  2026-03-01 99  2026-03-02 101  2026-03-03 102  2026-03-04 103  2026-03-05 51  2026-03-06 52.5
    WIDG USD  2026-03-01 49  2026-03-03 50.5  2026-03-06 52  2026-03-09 55
"""
MIXED_RATES = "USD EUR  2026-03-01 0.90  2026-03-04 0.91  2026-03-08 0.92"


@pytest.mark.parametrize("method", [FIFO, AVERAGE])
def test_the_daily_series_is_each_days_valuation(method: CostMethod) -> None:
    activities = ledger(MIXED)
    prices, fx = price_table(MIXED_PRICES), rate_table(MIXED_RATES)
    start, end = date("2026-03-01"), date("2026-03-10")
    series = daily(activities, base_currency="EUR", method=method, start=start, end=end, prices=prices, fx=fx)
    assert len(series.values) == 9
    for day, worth in series.values.items():
        held = replay(activities, base_currency="EUR", method=method, until=day)
        assert worth == value(held, prices=prices, fx=fx, date=day).total_base, day
    assert series.start_value == 0
    assert series.flows == (Flow(date("2026-03-02"), D(5000)), Flow(date("2026-03-03"), D("450.90")),
                            Flow(date("2026-03-08"), D(-1000)))  # fmt: skip
    assert (series.estimated_prices, series.estimated_rates) == ((), ())
    # Generic lookups give the same series as the tables, slower.
    generic = daily(activities, base_currency="EUR", method=method, start=start, end=end,
                    prices=lambda key, day: prices(key, day), fx=lambda s, t, day: fx(s, t, day))  # fmt: skip
    assert generic == series


def test_a_holdings_own_series_has_its_purchases_in_and_its_income_and_sales_out() -> None:
    activities = ledger("""
        2026-03-02  deposit   5000 EUR                       # the portfolio's, not the holding's
        2026-03-02  buy       ACME  10 @ 100  fee 1  EUR     # 1,001 in
        2026-03-02  buy       BETA   1 @ 500         EUR
        2026-03-04  dividend  ACME  amount 20        EUR     # 20 out
        2026-03-06  sell      ACME  10 @ 110  fee 1  EUR     # 1,099 out
    """)  # fmt: skip
    prices = price_table("""
        ACME EUR  2026-03-02 100  2026-03-03 105  2026-03-04 104  2026-03-05 108  2026-03-06 110
        BETA EUR  2026-03-02 500
    """)
    series = holding_daily(activities, instrument="ACME", base_currency="EUR", method=FIFO, start=date("2026-03-01"),
                           end=date("2026-03-07"), prices=prices, fx=NO_RATES)  # fmt: skip
    assert series.flows == (Flow(date("2026-03-02"), D(1001)), Flow(date("2026-03-04"), D(-20)),
                            Flow(date("2026-03-06"), D(-1099)))  # fmt: skip
    assert list(series.values.values()) == [D(1000), D(1050), D(1040), D(1080), D(0), D(0)]
    twr = time_weighted_return(values=series.values, flows=series.flows, start=series.start, end=series.end,
                               start_value=series.start_value)  # fmt: skip
    # 1,000 / 1,001, 1,050 / 1,000, (1,040 + 20) / 1,050, 1,080 / 1,040, 1,099 / 1,080, then nothing held.
    assert twr.value == pytest.approx((1060 * 1099) / (1001 * 1040) - 1)


def test_a_holding_without_a_market_price_is_valued_at_its_last_trade() -> None:
    activities = ledger("""
        2026-03-02  buy  FUND  10 @ 20    EUR
        2026-03-04  buy  FUND  10 @ 22    EUR
    """)  # fmt: skip
    series = daily(activities, base_currency="EUR", method=FIFO, start=date("2026-03-01"), end=date("2026-03-05"),
                   prices=price_table("ACME EUR 2026-03-01 1"), fx=NO_RATES)  # fmt: skip
    assert list(series.values.values()) == [D(200), D(200), D(440), D(440)]
    assert series.estimated_prices == ("FUND",)


def test_before_the_first_market_rate_a_currency_is_converted_at_its_activitys_rate() -> None:
    activities = ledger("""
        2026-03-02  buy       ACME  10 @ 100  fx 0.90  USD   # 900 EUR
        2026-03-03  dividend  ACME  amount 5  fx 0.90  USD   # 5 USD of cash, 4.50 EUR
    """)  # fmt: skip
    series = daily(activities, base_currency="EUR", method=FIFO, start=date("2026-03-01"), end=date("2026-03-05"),
                   prices=price_table("ACME USD  2026-03-01 100  2026-03-04 110"),
                   fx=rate_table("USD EUR 2026-03-04 0.80"))  # fmt: skip
    # 900 | 900 + 4.50 | (1,100 + 5) x 0.80 | the same
    assert list(series.values.values()) == [D(900), D("904.5"), D(884), D(884)]
    assert (series.estimated_prices, series.estimated_rates) == (("ACME",), ("USD",))


# --- lookups ---------------------------------------------------------------------------------------------------


def test_tables_fill_forward_and_invert_rates() -> None:
    prices = price_table("ACME USD  2026-03-02 10  2026-03-05 11")
    assert prices("ACME", date("2026-03-01")) is None
    assert prices("ACME", date("2026-03-04")) == (D(10), "USD")
    assert prices("ACME", date("2030-01-01")) == (D(11), "USD")
    assert prices("BETA", date("2026-03-04")) is None
    assert prices.window("ACME", date("2026-03-01"), 6) == ("USD", [None, D(10), D(10), D(10), D(11), D(11)])
    rates = rate_table("USD EUR  2026-03-02 0.8")
    assert rates("EUR", "USD", date("2026-03-03")) == D("1.25")
    assert rates("EUR", "EUR", date("2026-03-03")) == 1
    assert rates("GBP", "EUR", date("2026-03-03")) is None
