"""Stooq's CSV quotes: many symbols a request, Warsaw times, the instrument's own currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from subgraphs.portfolio.prices import source_stooq
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote
from subgraphs.portfolio.prices.source_stooq import StooqSource, parse_stooq_csv, stooq_symbol
from tests.subgraphs.portfolio.prices.support import (
    AAPL,
    EXOTIC,
    MARCH_13,
    MSFT,
    NOW,
    STOOQ_DAILY,
    STOOQ_LATEST,
    PriceServer,
    Reply,
    instrument,
)


async def test_latest_asks_for_every_symbol_in_one_request(
    stooq: StooqSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))

    quotes = await stooq.latest(http, [AAPL, MSFT, EXOTIC])

    # 22:00:09 in Warsaw (CET) is 21:00:09 UTC; ZZZZ.US came back "N/D" and is missing. Stooq names no currency:
    # the instrument's is used.
    as_of = dt.datetime(2024, 3, 13, 21, 0, 9, tzinfo=dt.UTC)
    assert quotes == [
        Quote("aapl", MARCH_13, Decimal("171.13"), "USD", "stooq", as_of),
        Quote("msft", MARCH_13, Decimal("415.1"), "USD", "stooq", as_of),
    ]
    assert price_server.requests == ["/stooq/q/l/?s=aapl.us+msft.us+zzzz.us&f=sd2t2ohlcv&h&e=csv"]


async def test_latest_splits_long_lists_into_batches(
    stooq: StooqSource, price_server: PriceServer, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source_stooq, "BATCH_SIZE", 2)
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))
    quotes = await stooq.latest(http, [AAPL, MSFT, EXOTIC, instrument("aapl-again", "AAPL")])
    assert sorted(q.instrument_key for q in quotes) == ["aapl", "aapl-again", "msft"]
    assert len(price_server.requests) == 2  # aapl.us+msft.us, zzzz.us: a repeated symbol is asked for once


async def test_history_is_the_daily_closes_from_since(
    stooq: StooqSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(STOOQ_DAILY, Reply.file("stooq-daily-aapl.us-2024-03-07.csv"))

    quotes = await stooq.history(http, AAPL, since=dt.date(2024, 3, 8))

    assert [(q.date.day, q.price) for q in quotes] == [
        (8, Decimal("170.73")),
        (11, Decimal("172.75")),
        (12, Decimal("173.23")),
        (13, Decimal("171.13")),
    ]
    # No times in a history: each close is as of the end of its day, today's as of now.
    assert quotes[0].as_of == dt.datetime(2024, 3, 9, tzinfo=dt.UTC)
    assert quotes[-1].as_of == NOW
    assert price_server.requests == ["/stooq/q/d/l/?s=aapl.us&i=d&d1=20240308&d2=20240313"]


@pytest.mark.parametrize("answer", ["stooq-no-data.txt", "stooq-hits-limit.txt"])
async def test_an_answer_that_is_not_a_csv_is_an_error(
    answer: str, stooq: StooqSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(STOOQ_DAILY, Reply.file(answer))
    price_server.serve(STOOQ_LATEST, Reply.file(answer))
    with pytest.raises(PriceSourceError, match="not a quotes CSV"):
        await stooq.history(http, AAPL, since=MARCH_13)
    with pytest.raises(PriceSourceError, match="not a quotes CSV"):
        await stooq.latest(http, [AAPL])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"Symbol,Date,Time,Open,High,Low,Close,Volume\r\nAAPL.US,2024-03-13,22:00:09,1,1,1,0,1\r\n", "not a positive"),
        (b"Symbol,Date,Time,Open,High,Low,Close,Volume\r\nAAPL.US,13.03.2024,22:00:09,1,1,1,2,1\r\n", "not a date"),
        (b"Date,Open,High,Low,Close,Volume\r\n2024-03-13,1,1,1,1;5,1\r\n", "not a number"),
    ],
)
def test_a_malformed_row_is_an_error(document: bytes, message: str) -> None:
    with pytest.raises(PriceSourceError, match=message):
        parse_stooq_csv(document, what="stooq")


@pytest.mark.parametrize(
    ("ref", "symbol"),
    [
        (instrument("a", "AAPL", exchange="NYSE"), "aapl.us"),
        (instrument("a", "SAP", exchange="XETRA", currency="EUR"), "sap.de"),
        (instrument("a", "PKN", exchange="XWAR", currency="PLN"), "pkn"),
        (instrument("a", "VOD", exchange="LSE", currency="GBP"), None),  # Stooq quotes London in pence
        (instrument("a", "AAPL", exchange=None), None),
        (instrument("a", "VWCE", exchange="XETRA", currency="EUR", codes={"stooq": "VWCE.DE"}), "vwce.de"),
        (instrument("a", "BTC", asset_class="crypto", exchange=None), None),
    ],
)
def test_the_stooq_symbol_comes_from_the_code_or_a_known_exchange(ref: InstrumentRef, symbol: str | None) -> None:
    assert stooq_symbol(ref) == symbol
