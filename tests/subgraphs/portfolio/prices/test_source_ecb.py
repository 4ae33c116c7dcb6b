"""Currency pairs priced from the ECB's reference rates: direct rates exact, inverse and cross rates rounded once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError
from subgraphs.portfolio.prices.source_ecb import EcbPriceSource, currency_pair, pair_rate
from tests.subgraphs.budget.fx.support import recorded as budget_recorded
from tests.subgraphs.portfolio.prices.support import (
    AAPL,
    ECB_DAILY,
    ECB_HISTORY,
    ECB_HISTORY_90D,
    MARCH_13,
    PriceServer,
    Reply,
    instrument,
)


def pair(symbol: str) -> InstrumentRef:
    return instrument(symbol, symbol, asset_class="cash", exchange=None, currency=symbol[-3:])


def ecb_file(name: str) -> Reply:
    """The budget's recorded ECB documents: the same files, the same figures."""
    return Reply(200, budget_recorded(name), "text/xml")


async def test_pairs_are_priced_from_one_daily_document_exactly(
    ecb: EcbPriceSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ECB_DAILY, ecb_file("ecb-daily-2024-03-13.xml"))
    symbols = ["EURUSD", "USD/EUR", "USDGBP", "GBP-USD", "USD JPY", "JPYEUR", "CHFGBP", "EURUSD=X", "USDARS"]

    quotes = await ecb.latest(http, [pair(s) for s in symbols])

    assert {q.instrument_key: (str(q.price), q.currency) for q in quotes} == {
        "EURUSD": ("1.0939", "USD"),  # as published
        "EURUSD=X": ("1.0939", "USD"),
        "USD/EUR": ("0.9141603437", "EUR"),  # 1 / 1.0939 = 0.91416034372428...
        "USDGBP": ("0.7811591553", "GBP"),  # 0.85451 / 1.0939 = 0.78115915531584...
        "GBP-USD": ("1.2801488572", "USD"),  # 1.0939 / 0.85451 = 1.28014885723982...
        "USD JPY": ("147.9385684249", "JPY"),  # 161.83 / 1.0939 = 147.93856842490172...
        "JPYEUR": ("0.0061793240", "EUR"),  # 1 / 161.83 = 0.00617932398195...
        "CHFGBP": ("0.8902073133", "GBP"),  # 0.85451 / 0.9599 = 0.89020731326179...
    }  # USDARS: the ECB publishes no peso rate, so it is missing
    assert {q.date for q in quotes} == {MARCH_13}
    assert {q.as_of for q in quotes} == {dt.datetime(2024, 3, 13, 15, 0, tzinfo=dt.UTC)}  # 16:00 in Frankfurt
    assert price_server.requests == [ECB_DAILY]


def test_an_inverse_or_cross_rate_is_rounded_once_half_to_even() -> None:
    per_euro = {"USD": Decimal(1), "JPY": Decimal("0.00000000025"), "GBP": Decimal("0.00000000035")}
    assert pair_rate("USD", "JPY", per_euro) == Decimal("0.0000000002")  # a tie: to the even digit
    assert pair_rate("USD", "GBP", per_euro) == Decimal("0.0000000004")
    assert pair_rate("USD", "CHF", per_euro) is None
    assert pair_rate("JPY", "USD", {"JPY": Decimal("3")}) is None  # no USD leg
    assert pair_rate("USD", "EUR", {"USD": Decimal("3")}) == Decimal("0.3333333333")


async def test_history_reads_the_90_day_file_or_the_whole_history(
    ecb: EcbPriceSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ECB_HISTORY_90D, ecb_file("ecb-hist-90d-2024-03-13.xml"))
    price_server.serve(ECB_HISTORY, ecb_file("ecb-hist-90d-2024-03-13.xml"))

    recent = await ecb.history(http, pair("EURUSD"), since=dt.date(2024, 3, 11))
    assert [(q.date.day, str(q.price)) for q in recent][-1] == (13, "1.0939")
    assert [q.date.day for q in recent] == [11, 12, 13]
    older = await ecb.history(http, pair("USDEUR"), since=dt.date(2023, 12, 1))
    assert [q.date.day for q in older] == [6, 7, 8, 11, 12, 13]
    assert price_server.requests == [ECB_HISTORY_90D, ECB_HISTORY]


async def test_an_unreadable_document_is_an_error(
    ecb: EcbPriceSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ECB_DAILY, Reply(200, b"<html>maintenance</html>", "text/html"))
    with pytest.raises(PriceSourceError, match="holds no dated rates"):
        await ecb.latest(http, [pair("EURUSD")])
    assert await ecb.latest(http, [AAPL]) == []  # nothing to price, nothing asked
    assert len(price_server.requests) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EURUSD", ("EUR", "USD")),
        ("usd/eur", ("USD", "EUR")),
        ("GBP-JPY", ("GBP", "JPY")),
        ("EURUSD=X", ("EUR", "USD")),
        ("EUREUR", None),
        ("EURXYZ", None),
        ("EUR/US", None),
        ("BTCUSD", None),
    ],
)
def test_a_currency_pair_is_two_different_iso_codes(text: str, expected: tuple[str, str] | None) -> None:
    assert currency_pair(text) == expected


def test_only_cash_instruments_named_as_pairs_are_supported(ecb: EcbPriceSource) -> None:
    assert ecb.supports(pair("EURUSD"))
    assert not ecb.supports(AAPL)
    assert not ecb.supports(instrument("c", "Savings", asset_class="cash", exchange=None))
    assert ecb.supports(instrument("c", "Savings", asset_class="cash", exchange=None, codes={"ecb": "CHF/EUR"}))
