"""CoinGecko (https://www.coingecko.com): crypto prices in most fiat currencies, no key needed.

``GET /api/v3/simple/price?ids=bitcoin,ethereum&vs_currencies=usd,eur&include_last_updated_at=true`` answers every
coin at once::

    {"bitcoin": {"usd": 73097.42658290587, "eur": 66834.14, "last_updated_at": 1710362962}, ...}

leaving out coins it does not know. ``GET /api/v3/coins/{id}/market_chart/range?vs_currency=usd&from=&to=``
(Unix seconds) answers ``{"prices": [[1710028800000, 68313.27], ...], "market_caps": ..., "total_volumes": ...}``,
each point a time in milliseconds and a price; the spacing is CoinGecko's choice (5 minutes for a day, hourly up to
90 days, daily beyond). Prices are JSON numbers (``3.268e-05`` included), read into ``Decimal`` from their text
with ``parse_float``: a float would change their digits.

Coins are named by CoinGecko id (``bitcoin``), not ticker: an instrument's ``coingecko`` code, else ``COIN_IDS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from fincloud.config import Settings
from subgraphs.portfolio.prices._http import fetch
from subgraphs.portfolio.prices._parse import epoch_seconds, from_timestamp, is_missing, load_json, parse_price, utcnow
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote

__all__ = ["COIN_IDS", "CoinGeckoSource", "coingecko_id", "daily_closes", "parse_simple_price"]

COIN_IDS: Mapping[str, str] = {
    "BTC": "bitcoin",
    "ETH": "ethereum",
    "USDT": "tether",
    "USDC": "usd-coin",
    "BNB": "binancecoin",
    "SOL": "solana",
    "XRP": "ripple",
    "ADA": "cardano",
    "DOGE": "dogecoin",
    "DOT": "polkadot",
    "LTC": "litecoin",
    "XMR": "monero",
}
"""CoinGecko ids of the best-known tickers. Tickers are not unique among coins, so no id is guessed beyond these:
any other coin needs a ``coingecko`` code."""

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
"""Coin ids per simple-price request."""


def coingecko_id(instrument: InstrumentRef) -> str | None:
    """The instrument's CoinGecko id: its ``coingecko`` code, else ``COIN_IDS`` by symbol; ``None`` for anything
    but crypto."""
    if instrument.asset_class != "crypto":
        return None
    return instrument.code_for("coingecko") or COIN_IDS.get(instrument.symbol.strip().upper())


def _document(data: bytes, *, what: str) -> dict[str, Any]:
    document = load_json(data, what=what)
    if not isinstance(document, dict):
        raise PriceSourceError(f"{what}: not a CoinGecko answer")
    status = document.get("status")
    if isinstance(status, dict) and "error_code" in status:
        raise PriceSourceError(f"{what}: {status.get('error_code')}: {status.get('error_message')}")
    if "error" in document and isinstance(document["error"], str):
        raise PriceSourceError(f"{what}: {document['error']}")
    return document


def parse_simple_price(data: bytes, *, what: str) -> dict[str, dict[str, Any]]:
    """The ``simple/price`` answer by coin id: ``{"bitcoin": {"usd": Decimal(...), "last_updated_at": 1710362962}}``.
    Prices stay as parsed (``Decimal`` or ``int``); ``parse_price`` checks each when it is used."""
    document = _document(data, what=what)
    return {coin: entry for coin, entry in document.items() if isinstance(entry, dict)}


def daily_closes(points: object, *, what: str) -> dict[dt.date, tuple[dt.datetime, Decimal]]:
    """The last point of each UTC day of a ``market_chart`` price list, by day: (its time, its price).

    A day runs from just after midnight to midnight included: a point stamped exactly 00:00:00.000 UTC (the daily
    spacing CoinGecko uses beyond 90 days) closes the day before, rather than opening its own day."""
    if not isinstance(points, list):
        raise PriceSourceError(f"{what}: the answer holds no prices")
    closes: dict[dt.date, tuple[dt.datetime, Decimal]] = {}
    for point in points:
        if not isinstance(point, list) or len(point) != 2:
            raise PriceSourceError(f"{what}: {point!r} is not a [time, price] pair")
        stamp, value = point
        if is_missing(value):
            continue
        moment = from_timestamp(stamp, what=what, milliseconds=True)
        day = (moment - dt.timedelta(microseconds=1)).date()
        if day not in closes or closes[day][0] <= moment:
            closes[day] = (moment, parse_price(value, what=f"{what} at {moment.isoformat()}"))
    return closes


class CoinGeckoSource:
    """``coingecko``: CoinGecko's public API, every coin of a currency in one request."""

    name = "coingecko"
    label = "CoinGecko"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.PRICE_COINGECKO_URL.rstrip("/")
        self.clock: Callable[[], dt.datetime] = utcnow

    def supports(self, instrument: InstrumentRef) -> bool:
        return coingecko_id(instrument) is not None

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        """Every instrument's price in its own currency from one ``simple/price`` request (per ``BATCH_SIZE``
        coins), ``as_of`` its ``last_updated_at`` (UTC), dated that UTC day. A coin, or a currency, CoinGecko does
        not price leaves the instrument missing."""
        by_id: dict[str, list[InstrumentRef]] = {}
        for instrument in instruments:
            coin = coingecko_id(instrument)
            if coin is not None:
                by_id.setdefault(coin, []).append(instrument)
        coins = list(by_id)
        now = self.clock()
        quotes: list[Quote] = []
        for start in range(0, len(coins), BATCH_SIZE):
            batch = coins[start : start + BATCH_SIZE]
            currencies = sorted({i.currency.lower() for coin in batch for i in by_id[coin]})
            params = {"ids": ",".join(batch), "vs_currencies": ",".join(currencies), "include_last_updated_at": "true"}
            answer = parse_simple_price(
                await fetch(client, f"{self.base_url}/api/v3/simple/price", params=params), what=self.name
            )
            for coin in batch:
                entry = answer.get(coin, {})
                for instrument in by_id[coin]:
                    value = entry.get(instrument.currency.lower())
                    if is_missing(value):
                        continue
                    what = f"{self.name} {coin} in {instrument.currency}"
                    try:  # one coin's odd value must not cost the others theirs
                        price = parse_price(value, what=what)
                        updated = entry.get("last_updated_at")
                        as_of = now if is_missing(updated) else from_timestamp(updated, what=what)
                    except PriceSourceError as exc:
                        logger.warning("coingecko published an unreadable price", extra={"error": str(exc)})
                        continue
                    quotes.append(Quote(instrument.key, as_of.date(), price, instrument.currency, self.name, as_of))
        return quotes

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        """One quote per UTC day from ``since``: the day's last point (``daily_closes``), ``as_of`` its time. Today,
        if in range, is priced by its latest point so far."""
        coin = coingecko_id(instrument)
        if coin is None:
            raise PriceSourceError(f"{self.name}: no CoinGecko id for {instrument.symbol!r}")
        params = {
            "vs_currency": instrument.currency.lower(),
            "from": str(epoch_seconds(since)),
            "to": str(int(self.clock().timestamp())),
        }
        url = f"{self.base_url}/api/v3/coins/{quote(coin, safe='')}/market_chart/range"
        what = f"{self.name} {coin}"
        document = _document(await fetch(client, url, params=params), what=what)
        closes = daily_closes(document.get("prices"), what=what)
        return [
            Quote(instrument.key, day, price, instrument.currency, self.name, moment)
            for day, (moment, price) in sorted(closes.items())
            if day >= since
        ]
