"""CoinGecko: every coin in one request, JSON numbers read as exact decimals, a history's last point per day."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest

from subgraphs.portfolio.prices.base import PriceSourceError, Quote
from subgraphs.portfolio.prices.source_coingecko import CoinGeckoSource, coingecko_id, daily_closes
from tests.subgraphs.portfolio.prices.support import (
    AAPL,
    BTC,
    COINGECKO_PRICE,
    ETH_EUR,
    MARCH_13,
    SHIB,
    PriceServer,
    Reply,
    instrument,
    recorded,
)

UTC = dt.UTC


async def test_latest_prices_every_coin_in_its_own_currency_in_one_request(
    coingecko: CoinGeckoSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(COINGECKO_PRICE, Reply.file("coingecko-simple-price-2024-03-13.json"))
    unknown = instrument("nope", "NOPE", asset_class="crypto", exchange=None, codes={"coingecko": "no-such-coin"})

    quotes = await coingecko.latest(http, [BTC, ETH_EUR, SHIB, unknown])

    assert quotes == [
        Quote("btc", MARCH_13, Decimal("73097.42658290587"), "USD", "coingecko", dt.datetime(2024, 3, 13, 21, 49, 22, tzinfo=UTC)),
        Quote("eth", MARCH_13, Decimal("3660.52"), "EUR", "coingecko", dt.datetime(2024, 3, 13, 21, 49, 34, tzinfo=UTC)),
        Quote("shib", MARCH_13, Decimal("0.00003268"), "USD", "coingecko", dt.datetime(2024, 3, 13, 21, 49, 11, tzinfo=UTC)),
    ]  # fmt: skip
    # Every digit CoinGecko printed, none a float would have added or lost.
    assert [str(q.price) for q in quotes] == ["73097.42658290587", "3660.52", "0.00003268"]
    assert price_server.requests == [
        "/coingecko/api/v3/simple/price?ids=bitcoin%2Cethereum%2Cshiba-inu%2Cno-such-coin"
        "&vs_currencies=eur%2Cusd&include_last_updated_at=true"
    ]


async def test_history_is_the_last_point_of_each_utc_day(
    coingecko: CoinGeckoSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    document = recorded("coingecko-market-chart-range-bitcoin-usd-2024-03-10.json")
    price_server.serve("/coingecko/api/v3/coins/bitcoin/market_chart/range", Reply(200, document, "application/json"))

    quotes = await coingecko.history(http, BTC, since=dt.date(2024, 3, 11))

    # Worked out independently from the recorded points: the one with the greatest time on each day, its price
    # as the text says.
    last: dict[dt.date, tuple[dt.datetime, Decimal]] = {}
    for stamp, price in json.loads(document, parse_float=Decimal)["prices"]:
        moment = dt.datetime.fromtimestamp(stamp // 1000, UTC) + dt.timedelta(milliseconds=stamp % 1000)
        if moment.date() not in last or last[moment.date()][0] < moment:
            last[moment.date()] = (moment, price)
    assert [q.date for q in quotes] == [dt.date(2024, 3, d) for d in (11, 12, 13)]
    assert [(q.as_of, q.price) for q in quotes] == [last[q.date] for q in quotes]
    assert [q.as_of.hour for q in quotes] == [23, 23, 22]  # today's so far: the newest point
    text = document.decode()
    assert all(f",{q.price}]" in text for q in quotes)
    assert price_server.requests[0].startswith("/coingecko/api/v3/coins/bitcoin/market_chart/range?vs_currency=usd&")


def test_a_point_at_midnight_closes_the_day_before() -> None:
    # CoinGecko's daily spacing (ranges over 90 days): one point at 00:00:00.000 UTC, the price as the day turned.
    points = json.loads(
        b'{"prices": [[1710028800000, 68313.27], [1710115200000, 69010.6], [1710201600000, 72123.91],'
        b" [1710365000000, 73083.5]]}",
        parse_float=Decimal,
    )["prices"]
    closes = daily_closes(points, what="coingecko")
    assert {day.day: str(price) for day, (_, price) in closes.items()} == {
        9: "68313.27",
        10: "69010.6",
        11: "72123.91",
        13: "73083.5",
    }


async def test_a_rate_limited_answer_is_an_error(
    coingecko: CoinGeckoSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(COINGECKO_PRICE, Reply.file("coingecko-rate-limit.json", status=429))
    with pytest.raises(PriceSourceError, match="HTTP 429"):
        await coingecko.latest(http, [BTC])
    price_server.serve(COINGECKO_PRICE, Reply.file("coingecko-rate-limit.json"))
    with pytest.raises(PriceSourceError, match="429: You've exceeded the Rate Limit"):
        await coingecko.latest(http, [BTC])


def test_only_crypto_with_a_known_id_is_supported() -> None:
    assert coingecko_id(BTC) == "bitcoin"
    assert coingecko_id(SHIB) == "shiba-inu"
    assert coingecko_id(instrument("x", "XYZ", asset_class="crypto", exchange=None)) is None  # tickers collide
    assert coingecko_id(AAPL) is None
    assert coingecko_id(instrument("x", "AAPL", codes={"coingecko": "bitcoin"})) is None
