"""Yahoo's chart API: the meta price for the latest quote, the bars for a history, exact as printed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote
from subgraphs.portfolio.prices.source_yahoo import YahooSource, parse_yahoo_chart, yahoo_symbol
from tests.subgraphs.portfolio.prices.support import (
    AAPL,
    BTC,
    EXOTIC,
    MARCH_13,
    NOW,
    VOD,
    VWCE,
    YAHOO_AAPL,
    PriceServer,
    Reply,
    instrument,
    recorded,
)

UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


async def test_latest_is_the_meta_price_at_the_meta_time_one_request_each(
    yahoo: YahooSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    price_server.serve("/yahoo/v8/finance/chart/VWCE.DE", Reply.file("yahoo-chart-VWCE.DE-5d-2024-03-13.json"))
    price_server.serve("/yahoo/v8/finance/chart/VOD.L", Reply.file("yahoo-chart-VOD.L-5d-2024-03-13.json"))

    quotes = await yahoo.latest(http, [AAPL, VWCE, VOD])

    assert sorted(quotes, key=lambda q: q.instrument_key) == [
        Quote("aapl", MARCH_13, Decimal("171.13"), "USD", "yahoo", utc(2024, 3, 13, 20, 0, 1)),
        # London quotes pence ("GBp"): 69.52 pence is 0.6952 pounds, divided exactly.
        Quote("vod", MARCH_13, Decimal("0.6952"), "GBP", "yahoo", utc(2024, 3, 13, 16, 35, 14)),
        Quote("vwce", MARCH_13, Decimal("113.3"), "EUR", "yahoo", utc(2024, 3, 13, 16, 35, 39)),
    ]
    assert sorted(price_server.requests) == [
        "/yahoo/v8/finance/chart/AAPL?range=5d&interval=1d",
        "/yahoo/v8/finance/chart/VOD.L?range=5d&interval=1d",
        "/yahoo/v8/finance/chart/VWCE.DE?range=5d&interval=1d",
    ]


async def test_history_is_each_bars_close_as_printed_without_the_null_ones(
    yahoo: YahooSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve("/yahoo/v8/finance/chart/VWCE.DE", Reply.file("yahoo-chart-VWCE.DE-5d-2024-03-13.json"))

    quotes = await yahoo.history(http, VWCE, since=dt.date(2024, 3, 8))

    # 7 March is before `since`; 11 March's close is null. The closes are Yahoo's single-precision values printed
    # in full, kept digit for digit; each is dated by the bar's day in Frankfurt and set at the session's end.
    assert [(q.date.day, str(q.price), q.as_of) for q in quotes] == [
        (8, "112.58000183105469", utc(2024, 3, 8, 16, 30)),
        (12, "113.4000015258789", utc(2024, 3, 12, 16, 30)),
        (13, "113.30000305175781", utc(2024, 3, 13, 16, 30)),
    ]
    assert {(q.currency, q.source) for q in quotes} == {("EUR", "yahoo")}
    period1, period2 = int(dt.datetime(2024, 3, 8, tzinfo=UTC).timestamp()), int(NOW.timestamp())
    assert price_server.requests == [f"/yahoo/v8/finance/chart/VWCE.DE?period1={period1}&period2={period2}&interval=1d"]


async def test_history_dates_follow_the_exchanges_daylight_saving_time(
    yahoo: YahooSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    quotes = await yahoo.history(http, AAPL, since=dt.date(2024, 3, 7))
    # New York moved to EDT on 10 March: the close is at 21:00 UTC before, 20:00 UTC after.
    assert [(q.date.day, q.as_of.hour) for q in quotes] == [(7, 21), (8, 21), (11, 20), (12, 20), (13, 20)]
    assert quotes[0].price == Decimal("169.0")


async def test_an_unknown_symbol_is_missing_from_latest_and_an_error_for_history(
    yahoo: YahooSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    price_server.serve("/yahoo/v8/finance/chart/ZZZZ", Reply.file("yahoo-chart-not-found.json", status=404))

    quotes = await yahoo.latest(http, [AAPL, EXOTIC])
    assert [q.instrument_key for q in quotes] == ["aapl"]
    with pytest.raises(PriceSourceError, match="Not Found: No data found, symbol may be delisted"):
        await yahoo.history(http, EXOTIC, since=MARCH_13)


async def test_latest_fails_as_a_whole_only_when_every_request_failed(
    yahoo: YahooSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply(503, b"busy", "text/plain"))
    with pytest.raises(PriceSourceError, match=r"every request failed; the first: .*/AAPL: HTTP 503"):
        await yahoo.latest(http, [AAPL, EXOTIC])
    assert await yahoo.latest(http, []) == []


async def test_crypto_is_asked_for_as_a_pair_with_its_currency(
    yahoo: YahooSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve("/yahoo/v8/finance/chart/BTC-USD", Reply.file("yahoo-chart-BTC-USD-5d-2024-03-13.json"))
    [quote] = await yahoo.latest(http, [BTC])
    assert (quote.price, quote.currency, quote.as_of) == (Decimal("73083.5"), "USD", utc(2024, 3, 13, 21, 54))


@pytest.mark.parametrize(
    ("ref", "symbol"),
    [
        (instrument("a", "AAPL"), "AAPL"),
        (instrument("a", "aapl", exchange=None), "AAPL"),
        (instrument("a", "VWCE", exchange="XETRA"), "VWCE.DE"),
        (instrument("a", "VWCE", exchange="xetr"), "VWCE.DE"),
        (instrument("a", "VOD", exchange="XLON"), "VOD.L"),
        (instrument("a", "VWRL", exchange="XAMS", codes={"yahoo": "VWRL.AS"}), "VWRL.AS"),
        (instrument("a", "VOLV-B", exchange="XSTO"), None),  # not in the table: needs a code
        (instrument("a", "ETH", currency="EUR", asset_class="crypto", exchange=None), "ETH-EUR"),
        (instrument("a", "EURUSD", currency="USD", asset_class="cash", exchange=None), None),
        (instrument("a", "EURUSD", asset_class="cash", exchange=None, codes={"yahoo": "EURUSD=X"}), "EURUSD=X"),
    ],
)
def test_the_yahoo_symbol_comes_from_the_code_or_the_exchange_suffix(ref: InstrumentRef, symbol: str | None) -> None:
    assert yahoo_symbol(ref) == symbol


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<html>Will be right back</html>", "not JSON"),
        (b'{"finance": {"error": {"code": "Unauthorized"}}}', "not a chart answer"),
        (b'{"chart": {"result": [], "error": null}}', "holds no result"),
        (recorded("yahoo-chart-AAPL-5d-2024-03-13.json").replace(b'"currency":"USD"', b'"currency":"XYZ"'), "XYZ"),
        (
            recorded("yahoo-chart-AAPL-5d-2024-03-13.json").replace(
                b'"regularMarketPrice":171.13', b'"regularMarketPrice":0'
            ),
            "not a positive price",
        ),
        (
            recorded("yahoo-chart-AAPL-5d-2024-03-13.json").replace(b"[169.0,", b"[169.0,1.0,"),
            "do not pair up",
        ),
    ],
)
def test_an_unreadable_chart_is_an_error_not_a_guess(document: bytes, message: str) -> None:
    with pytest.raises(PriceSourceError, match=message):
        parse_yahoo_chart(document, what="yahoo", fallback_currency="USD")


def test_a_chart_without_a_currency_uses_the_instruments() -> None:
    document = recorded("yahoo-chart-AAPL-5d-2024-03-13.json").replace(b'"currency":"USD"', b'"currency":null')
    assert parse_yahoo_chart(document, what="yahoo", fallback_currency="CHF").currency == "CHF"
