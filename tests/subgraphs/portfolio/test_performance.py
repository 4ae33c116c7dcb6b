"""Return figures against published reference values and cases worked by hand: Microsoft's XIRR example, a
time-weighted return with a deposit, a full exit and a partial sale (never -100 %), a reinvested dividend,
Modified Dietz's textbook case, and every undefined figure with its reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from subgraphs.portfolio.performance import (
    Figure,
    Flow,
    Reason,
    modified_dietz,
    period_return,
    simple_roi,
    time_weighted_return,
    xirr,
)

D = Decimal
DAY0 = dt.date(2026, 3, 1)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def test_xirr_matches_microsofts_published_example() -> None:
    # https://support.microsoft.com/en-us/office/xirr-function: -10,000 on 2008-01-01, then 2,750 (2008-03-01),
    # 4,250 (2008-10-30), 3,250 (2009-02-15), 2,750 (2009-04-01): 0.373362535, 37.34 %.
    figure = xirr(
        start=dt.date(2008, 1, 1),
        end=dt.date(2009, 4, 1),
        start_value=D(10000),
        end_value=D(2750),
        flows=[Flow(dt.date(2008, 3, 1), D(-2750)), Flow(dt.date(2008, 10, 30), D(-4250)),
               Flow(dt.date(2009, 2, 15), D(-3250))],
    )  # fmt: skip
    # Excel stops iterating within 0.000001 %; the exact root is 0.37336253351.
    assert figure.value == pytest.approx(0.373362535, abs=1e-8)


def test_an_annual_rate_over_a_period() -> None:
    assert period_return(Figure(0.10), start=day(0), end=day(365)).value == pytest.approx(0.10)
    assert period_return(Figure(0.10), start=day(0), end=day(730)).value == pytest.approx(0.21)
    assert period_return(Figure.undefined(Reason.NO_ROOT), start=day(0), end=day(30)).reason is Reason.NO_ROOT


def test_time_weighted_return_is_not_moved_by_a_deposit() -> None:
    # +10 % on day 1; 50 deposited on day 2 and the whole grows 3.125 %; -9.09 % on day 3.
    values = {day(1): D(110), day(2): D(165), day(3): D(150)}
    figure = time_weighted_return(values=values, flows=[Flow(day(2), D(50))], start=day(0), end=day(3),
                                  start_value=D(100))  # fmt: skip
    assert figure.value == pytest.approx(1.1 * (165 / 160) * (150 / 165) - 1)
    assert figure.value == pytest.approx(0.03125)


def test_a_full_exit_is_the_return_the_sale_made_not_minus_100_percent() -> None:
    # 1,000 in on day 1, worth 1,100 on day 2, sold and the 1,100 taken out on day 3; nothing held after.
    values = {day(1): D(1000), day(2): D(1100), day(3): D(0), day(4): D(0)}
    flows = [Flow(day(1), D(1000)), Flow(day(3), D(-1100))]
    twr = time_weighted_return(values=values, flows=flows, start=day(0), end=day(4), start_value=D(0))
    assert twr.value == pytest.approx(0.10)
    roi = simple_roi(start_value=D(0), end_value=D(0), flows=flows)
    assert roi.value == pytest.approx(0.10)
    mwr = xirr(start=day(0), end=day(4), start_value=D(0), end_value=D(0), flows=flows)
    assert mwr.value is not None
    assert mwr.value > 0
    assert period_return(mwr, start=day(1), end=day(3)).value == pytest.approx(0.10, rel=1e-6)


def test_a_partial_sale() -> None:
    # 1,000 in; +20 %; half sold and 600 taken out; the rest +10 %.
    values = {day(1): D(1000), day(2): D(1200), day(3): D(600), day(4): D(660)}
    flows = [Flow(day(1), D(1000)), Flow(day(3), D(-600))]
    twr = time_weighted_return(values=values, flows=flows, start=day(0), end=day(4), start_value=D(0))
    assert twr.value == pytest.approx(1.2 * 1.1 - 1)
    roi = simple_roi(start_value=D(0), end_value=D(660), flows=flows)
    assert roi.value == pytest.approx((660 - 400) / 1000)


def test_a_reinvested_dividend_is_return_not_a_deposit() -> None:
    # 100 held; a dividend of 2 paid into the portfolio's cash on day 1 (no external flow), prices unchanged.
    twr = time_weighted_return(values={day(1): D(102)}, flows=[], start=day(0), end=day(1), start_value=D(100))
    assert twr.value == pytest.approx(0.02)


def test_modified_dietz_textbook_case() -> None:
    # 100 at the start, 10 put in halfway through a 30-day period, 120 at the end: 10 / 105.
    figure = modified_dietz(start=day(0), end=day(30), start_value=D(100), end_value=D(120),
                            flows=[Flow(day(15), D(10))])  # fmt: skip
    assert figure.value == pytest.approx(10 / 105)


def test_undefined_figures_say_why() -> None:
    assert simple_roi(start_value=D(0), end_value=D(0), flows=[]) == Figure(None, Reason.NO_FLOWS)
    assert xirr(start=day(0), end=day(0), start_value=D(1), end_value=D(1), flows=[]).reason is Reason.TOO_SHORT
    assert xirr(start=day(0), end=day(9), start_value=D(0), end_value=D(0), flows=[]).reason is Reason.NO_FLOWS
    # Only money taken out, nothing ever put in.
    only_out = xirr(start=day(0), end=day(9), start_value=D(0), end_value=D(0), flows=[Flow(day(3), D(-5))])
    assert only_out.reason is Reason.NOTHING_INVESTED
    # Money put in and nothing ever comes back: no rate solves it.
    lost = xirr(start=day(0), end=day(9), start_value=D(0), end_value=D(0), flows=[Flow(day(3), D(5))])
    assert lost.reason is Reason.NO_ROOT
    nothing_held = time_weighted_return(values={}, flows=[], start=day(0), end=day(5), start_value=D(0))
    assert nothing_held.reason is Reason.NO_VALUE_HELD
    assert modified_dietz(start=day(0), end=day(5), start_value=D(0), end_value=D(0), flows=[]).reason is (
        Reason.NO_FLOWS
    )
