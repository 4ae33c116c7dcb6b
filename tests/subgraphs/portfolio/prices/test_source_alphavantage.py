"""Alpha Vantage: only with a key; its rate-limit and error answers come with HTTP 200 and are errors all the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from fincloud.config import Settings
from subgraphs.portfolio.prices.base import PriceSourceError, Quote
from subgraphs.portfolio.prices.source_alphavantage import (
    AlphaVantageRateLimited,
    AlphaVantageSource,
    alphavantage_symbol,
    parse_global_quote,
)
from tests.subgraphs.portfolio.prices.support import (
    ALPHAVANTAGE,
    EXOTIC,
    IBM,
    MARCH_13,
    NOW,
    VOD,
    PriceServer,
    Reply,
    instrument,
    recorded,
)


def by_symbol(query: dict[str, list[str]]) -> Reply:
    """GLOBAL_QUOTE as Alpha Vantage answers it: IBM's quote, an empty quote for anything else."""
    assert query["apikey"] == ["test-key"]
    if query["function"] == ["GLOBAL_QUOTE"] and query["symbol"] == ["IBM"]:
        return Reply.file("alphavantage-global-quote-IBM-2024-03-13.json")
    if query["function"] == ["TIME_SERIES_DAILY"]:
        return Reply.file("alphavantage-daily-IBM-compact-2024-03-13.json")
    return Reply.file("alphavantage-global-quote-empty.json")


async def test_without_a_key_it_supports_nothing_and_asks_nothing(
    price_settings: Settings, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    source = AlphaVantageSource(price_settings.model_copy(update={"PRICE_ALPHAVANTAGE_API_KEY": SecretStr(" ")}))
    assert not source.supports(IBM)
    assert await source.latest(http, [IBM]) == []
    with pytest.raises(PriceSourceError, match="no API key"):
        await source.history(http, IBM, since=MARCH_13)
    assert price_server.requests == []


async def test_latest_is_the_global_quote_of_each_instrument_exact_as_printed(
    alphavantage: AlphaVantageSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ALPHAVANTAGE, by_symbol)

    quotes = await alphavantage.latest(http, [IBM, EXOTIC])

    # "193.4600", trailing zeros and all; a day without a time: as of the day's end, here now.
    assert quotes == [Quote("ibm", MARCH_13, Decimal("193.4600"), "USD", "alphavantage", NOW)]
    assert str(quotes[0].price) == "193.4600"
    assert price_server.requests == [
        "/alphavantage/query?function=GLOBAL_QUOTE&symbol=IBM&apikey=test-key",
        "/alphavantage/query?function=GLOBAL_QUOTE&symbol=ZZZZ&apikey=test-key",
    ]


@pytest.mark.parametrize("answer", ["alphavantage-note-rate-limit.json", "alphavantage-information-rate-limit.json"])
async def test_a_rate_limit_answer_stops_at_once(
    answer: str, alphavantage: AlphaVantageSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ALPHAVANTAGE, Reply.file(answer))
    with pytest.raises(AlphaVantageRateLimited, match="Thank you for using Alpha Vantage"):
        await alphavantage.latest(http, [IBM, EXOTIC])
    assert len(price_server.requests) == 1  # the second instrument is not asked for: it would be refused too
    with pytest.raises(PriceSourceError, match=r"rate limit|call frequency"):
        await alphavantage.history(http, IBM, since=MARCH_13)


async def test_an_error_message_is_an_error(
    alphavantage: AlphaVantageSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ALPHAVANTAGE, Reply.file("alphavantage-error-message.json"))
    with pytest.raises(PriceSourceError, match="Invalid API call"):
        await alphavantage.history(http, IBM, since=MARCH_13)
    with pytest.raises(PriceSourceError, match=r"every request failed; the first: .*Invalid API call"):
        await alphavantage.latest(http, [IBM])


async def test_history_asks_for_the_full_series_only_when_it_needs_it(
    alphavantage: AlphaVantageSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ALPHAVANTAGE, by_symbol)

    quotes = await alphavantage.history(http, IBM, since=dt.date(2024, 3, 11))
    assert [(q.date.day, str(q.price)) for q in quotes] == [(11, "191.7300"), (12, "197.7800"), (13, "193.4600")]
    await alphavantage.history(http, IBM, since=dt.date(2023, 1, 2))
    assert [target.split("outputsize=")[1].split("&")[0] for target in price_server.requests] == ["compact", "full"]


async def test_an_error_never_shows_the_api_key(
    alphavantage: AlphaVantageSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(ALPHAVANTAGE, Reply(500, b"oops", "text/plain"))
    with pytest.raises(PriceSourceError) as raised:
        await alphavantage.history(http, IBM, since=MARCH_13)
    assert "HTTP 500" in str(raised.value)
    assert "test-key" not in str(raised.value)


def test_an_empty_global_quote_is_no_price_not_an_error() -> None:
    assert parse_global_quote(recorded("alphavantage-global-quote-empty.json"), what="alphavantage") is None


def test_the_alphavantage_symbol_comes_from_the_code_or_a_known_exchange() -> None:
    assert alphavantage_symbol(IBM) == "IBM"
    assert alphavantage_symbol(instrument("sap", "SAP", exchange="XETRA", currency="EUR")) == "SAP.DEX"
    assert alphavantage_symbol(VOD) is None  # London quotes pence; Alpha Vantage does not say so
    assert alphavantage_symbol(instrument("btc", "BTC", asset_class="crypto", exchange=None)) is None
