"""Failover through a chain of sources: the first fresh quote wins, every source that fell short is reported."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
import pytest

from subgraphs.portfolio.prices.base import InstrumentRef, PriceSource, PriceSourceError, Quote
from subgraphs.portfolio.prices.chain import SourceProblem, fetch_history, fetch_latest
from subgraphs.portfolio.prices.registry import chain_for
from subgraphs.portfolio.prices.source_alphavantage import AlphaVantageSource
from subgraphs.portfolio.prices.source_coingecko import CoinGeckoSource
from subgraphs.portfolio.prices.source_ecb import EcbPriceSource
from subgraphs.portfolio.prices.source_stooq import StooqSource
from subgraphs.portfolio.prices.source_yahoo import YahooSource
from tests.subgraphs.portfolio.prices.support import (
    AAPL,
    ALPHAVANTAGE,
    BTC,
    COINGECKO_PRICE,
    EXOTIC,
    MARCH_13,
    MSFT,
    NOW,
    STOOQ_DAILY,
    STOOQ_LATEST,
    YAHOO_AAPL,
    YAHOO_MSFT,
    PriceServer,
    Reply,
    instrument,
)

MAX_AGE = dt.timedelta(hours=96)


@pytest.fixture
def listed(yahoo: YahooSource, stooq: StooqSource, alphavantage: AlphaVantageSource) -> list[PriceSource]:
    """The default chain of an equity."""
    return [yahoo, stooq, alphavantage]


async def test_the_first_source_answering_fresh_is_the_only_one_asked(
    listed: list[PriceSource], price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    result = await fetch_latest(http, listed, [AAPL], now=NOW, max_age=MAX_AGE)
    assert (result.quotes["aapl"].source, result.quotes["aapl"].price) == ("yahoo", Decimal("171.13"))
    assert (result.problems, result.stale, result.unpriced) == ((), frozenset(), ())
    assert len(price_server.requests) == 1


async def test_a_source_that_errors_is_skipped_and_the_next_asks_for_all_its_instruments_at_once(
    listed: list[PriceSource], price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply(500, b"internal error", "text/plain"))
    price_server.serve(YAHOO_MSFT, Reply(500, b"internal error", "text/plain"))
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))

    result = await fetch_latest(http, listed, [AAPL, MSFT], now=NOW, max_age=MAX_AGE)

    assert {key: (q.source, q.price) for key, q in result.quotes.items()} == {
        "aapl": ("stooq", Decimal("171.13")),
        "msft": ("stooq", Decimal("415.1")),
    }
    [problem] = result.problems
    assert (problem.source, problem.instrument_key, problem.kind) == ("yahoo", None, "failed")
    assert "HTTP 500" in problem.detail
    assert len(price_server.asked("/yahoo/")) == 2  # Yahoo has no batch form: one request each
    assert price_server.asked("/stooq/") == ["/stooq/q/l/?s=aapl.us+msft.us&f=sd2t2ohlcv&h&e=csv"]  # one for both
    assert price_server.asked("/alphavantage/") == []


async def test_a_source_that_times_out_is_skipped(listed: list[PriceSource], price_server: PriceServer) -> None:
    slow = Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json")
    slow.delay = 1.0
    price_server.serve(YAHOO_AAPL, slow)
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))

    async with httpx.AsyncClient(timeout=0.2) as impatient:
        result = await fetch_latest(impatient, listed, [AAPL], now=NOW, max_age=MAX_AGE)

    assert result.quotes["aapl"].source == "stooq"
    [problem] = result.problems
    assert (problem.source, problem.kind) == ("yahoo", "failed")
    assert "ReadTimeout" in problem.detail


async def test_a_stale_quote_sends_the_chain_on_and_is_reported(
    listed: list[PriceSource], price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-07.json"))  # a week old
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))

    result = await fetch_latest(http, listed, [AAPL], now=NOW, max_age=MAX_AGE)

    assert (result.quotes["aapl"].source, result.quotes["aapl"].date, result.stale) == ("stooq", MARCH_13, frozenset())
    [problem] = result.problems
    assert (problem.source, problem.instrument_key, problem.kind) == ("yahoo", "aapl", "stale")
    assert "as of 2024-03-07T21:00:02+00:00" in problem.detail


async def test_when_every_quote_is_stale_the_freshest_is_kept_and_flagged(
    listed: list[PriceSource], price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-07.json"))
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-12.csv"))
    price_server.serve(ALPHAVANTAGE, Reply.file("alphavantage-global-quote-empty.json"))

    result = await fetch_latest(http, listed, [AAPL], now=NOW, max_age=dt.timedelta(hours=12))

    quote = result.quotes["aapl"]
    assert (quote.source, quote.date, quote.price) == ("stooq", dt.date(2024, 3, 12), Decimal("173.23"))
    assert result.stale == frozenset({"aapl"})
    assert [(p.source, p.kind) for p in result.problems] == [
        ("yahoo", "stale"),
        ("stooq", "stale"),
        ("alphavantage", "missing"),
    ]
    assert result.unpriced == ()


async def test_an_instrument_no_source_can_price_is_unpriced_with_every_reason(
    listed: list[PriceSource], price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    price_server.serve("/yahoo/v8/finance/chart/ZZZZ", Reply.file("yahoo-chart-not-found.json", status=404))
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))  # ZZZZ.US is "N/D"
    price_server.serve(ALPHAVANTAGE, Reply.file("alphavantage-global-quote-empty.json"))
    unlisted = instrument("house", "Flat in Lisbon", currency="EUR", asset_class="real_estate", exchange="none")

    result = await fetch_latest(http, listed, [AAPL, EXOTIC, unlisted], now=NOW, max_age=MAX_AGE)

    assert list(result.quotes) == ["aapl"]
    assert result.unpriced == ("zzzz", "house")  # the house: no source supports it, so none was asked
    assert result.problems == (
        SourceProblem("yahoo", "zzzz", "missing", "no price in the answer"),
        SourceProblem("stooq", "zzzz", "missing", "no price in the answer"),
        SourceProblem("alphavantage", "zzzz", "missing", "no price in the answer"),
    )


async def test_each_instrument_follows_its_own_chain(
    yahoo: YahooSource,
    stooq: StooqSource,
    alphavantage: AlphaVantageSource,
    coingecko: CoinGeckoSource,
    ecb: EcbPriceSource,
    price_server: PriceServer,
    http: httpx.AsyncClient,
) -> None:
    installed: dict[str, PriceSource] = {s.name: s for s in (yahoo, stooq, alphavantage, coingecko, ecb)}
    price_server.serve(COINGECKO_PRICE, Reply(503, b"", "text/plain"))
    price_server.serve("/yahoo/v8/finance/chart/BTC-USD", Reply.file("yahoo-chart-BTC-USD-5d-2024-03-13.json"))
    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))
    chains = {
        BTC.key: chain_for(BTC, None, installed),  # coingecko, yahoo
        AAPL.key: chain_for(AAPL, ["stooq", "yahoo"], installed),  # its own order
    }

    result = await fetch_latest(http, chains, [BTC, AAPL], now=NOW, max_age=MAX_AGE)

    assert {key: q.source for key, q in result.quotes.items()} == {"btc": "yahoo", "aapl": "stooq"}
    assert [(p.source, p.kind) for p in result.problems] == [("coingecko", "failed")]
    assert price_server.asked("/yahoo/") == ["/yahoo/v8/finance/chart/BTC-USD?range=5d&interval=1d"]


async def test_history_fails_over_per_instrument(
    listed: list[PriceSource], price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(YAHOO_AAPL, Reply(502, b"bad gateway", "text/plain"))
    price_server.serve(STOOQ_DAILY, Reply.file("stooq-daily-aapl.us-2024-03-07.csv"))
    price_server.serve("/yahoo/v8/finance/chart/ZZZZ", Reply.file("yahoo-chart-not-found.json", status=404))

    result = await fetch_history(http, listed, [AAPL], since=dt.date(2024, 3, 11))

    assert [(q.date.day, q.source, str(q.price)) for q in result.quotes["aapl"]] == [
        (11, "stooq", "172.75"),
        (12, "stooq", "173.23"),
        (13, "stooq", "171.13"),
    ]
    assert [(p.source, p.instrument_key, p.kind) for p in result.problems] == [("yahoo", "aapl", "failed")]
    assert result.unpriced == ()


# ---------------------------------------------------------------------------------------------------------------
# The chain's own rules, with sources that answer from memory.


@dataclass
class Canned:
    """A source that answers ``latest`` with ``prices`` (key → (price, as of)) or raises ``error``."""

    name: str
    prices: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    error: Exception | None = None
    history_quotes: list[Quote] = field(default_factory=list)
    label: str = "canned"
    calls: list[list[str]] = field(default_factory=list)

    def supports(self, instrument: InstrumentRef) -> bool:
        return instrument.asset_class != "cash"

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        self.calls.append([i.key for i in instruments])
        if self.error is not None:
            raise self.error
        return [
            Quote(i.key, at.date(), Decimal(price), i.currency, self.name, at)
            for i in instruments
            if i.key in self.prices
            for price, at in [self.prices[i.key]]
        ]

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        if self.error is not None:
            raise self.error
        return list(self.history_quotes)


HOUR = dt.timedelta(hours=1)


async def test_a_plugins_bug_is_logged_and_the_next_source_asked(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Canned("broken", error=ZeroDivisionError("division by zero"))
    good = Canned("good", {"aapl": ("171.13", NOW - HOUR)})
    with caplog.at_level(logging.ERROR):
        result = await fetch_latest(http, [broken, good], [AAPL], now=NOW, max_age=MAX_AGE)
    assert result.quotes["aapl"].source == "good"
    assert result.problems == (SourceProblem("broken", None, "failed", "ZeroDivisionError: division by zero"),)
    assert "unexpected error" in caplog.text


async def test_each_source_is_called_once_per_round_with_every_instrument_that_reached_it(
    http: httpx.AsyncClient,
) -> None:
    first = Canned("first", {"aapl": ("1", NOW)})
    second = Canned("second", {"msft": ("2", NOW), "zzzz": ("3", NOW - 10 * MAX_AGE)})
    third = Canned("third", {"zzzz": ("4", NOW - 2 * MAX_AGE)})
    result = await fetch_latest(http, [first, second, third], [AAPL, MSFT, EXOTIC, AAPL], now=NOW, max_age=MAX_AGE)
    assert (first.calls, second.calls, third.calls) == ([["aapl", "msft", "zzzz"]], [["msft", "zzzz"]], [["zzzz"]])
    assert {key: str(q.price) for key, q in result.quotes.items()} == {"aapl": "1", "msft": "2", "zzzz": "4"}
    assert result.stale == frozenset({"zzzz"})  # the fresher of two stale quotes, from the later source


async def test_a_stale_tie_goes_to_the_earlier_source(http: httpx.AsyncClient) -> None:
    old = NOW - 2 * MAX_AGE
    result = await fetch_latest(
        http, [Canned("a", {"aapl": ("1", old)}), Canned("b", {"aapl": ("2", old)})], [AAPL], now=NOW, max_age=MAX_AGE
    )
    assert result.quotes["aapl"].source == "a"


async def test_history_takes_the_first_source_with_any_prices(http: httpx.AsyncClient) -> None:
    since = dt.date(2024, 3, 12)
    quote = Quote("aapl", MARCH_13, Decimal("171.13"), "USD", "third", NOW)
    result = await fetch_history(
        http,
        {
            AAPL.key: [
                Canned("first", error=PriceSourceError("down")),
                Canned("second"),
                Canned("third", history_quotes=[quote]),
            ]
        },
        [AAPL, EXOTIC],
        since=since,
    )
    assert result.quotes == {"aapl": (quote,)}
    assert result.unpriced == ("zzzz",)  # no chain given for it
    assert [(p.source, p.kind, p.detail) for p in result.problems] == [
        ("first", "failed", "down"),
        ("second", "missing", "no prices since 2024-03-12"),
    ]


async def test_now_must_be_timezone_aware(http: httpx.AsyncClient) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await fetch_latest(http, [], [AAPL], now=NOW.replace(tzinfo=None), max_age=MAX_AGE)
