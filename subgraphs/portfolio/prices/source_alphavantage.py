"""Alpha Vantage (https://www.alphavantage.co): daily prices of US and some foreign listings, with an API key.

Everything is ``GET /query?function=...&symbol=...&apikey=...``:

- ``GLOBAL_QUOTE``: ``{"Global Quote": {"01. symbol": "IBM", "05. price": "193.4600", "07. latest trading day":
  "2024-03-13", ...}}``; ``{"Global Quote": {}}`` for a symbol it does not know.
- ``TIME_SERIES_DAILY``: ``{"Meta Data": {...}, "Time Series (Daily)": {"2024-03-13": {"4. close": "193.4600",
  ...}, ...}}``, the latest 100 days (``outputsize=compact``) or the whole history (``full``, which the free plan
  refuses with an ``Information`` answer).

Prices are JSON strings, read as decimals from their text. Failures come back as HTTP 200 too: ``{"Note": ...}``
or ``{"Information": ...}`` when the key's rate limit (25 requests a day on the free plan) is reached, ``{"Error
Message": ...}`` for an invalid call; all are ``PriceSourceError``. Alpha Vantage says neither a price's currency
nor its time of day: the instrument's currency is assumed (which is why London listings, quoted in pence, are not
derived), and ``as_of`` is the end of the trading day.

Without ``FINCLOUD_PRICE_ALPHAVANTAGE_API_KEY`` the source supports nothing and never sends a request.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import httpx

from fincloud.config import Settings
from subgraphs.portfolio.prices._http import fetch
from subgraphs.portfolio.prices._parse import day_end, load_json, parse_price, utcnow
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote

__all__ = [
    "EXCHANGE_SUFFIXES",
    "AlphaVantageRateLimited",
    "AlphaVantageSource",
    "alphavantage_symbol",
    "parse_daily_series",
    "parse_global_quote",
]

logger = logging.getLogger(__name__)

EXCHANGE_SUFFIXES: Mapping[str, str] = {
    **dict.fromkeys(("XNAS", "XNYS", "ARCX", "BATS", "NASDAQ", "NYSE", "NYSEARCA", "AMEX"), ""),
    **dict.fromkeys(("XETR", "XETRA"), ".DEX"),
    **dict.fromkeys(("XTSE", "TSX"), ".TRT"),
    **dict.fromkeys(("XTSX", "TSXV"), ".TRV"),
    **dict.fromkeys(("XBOM", "BSE"), ".BSE"),
    **dict.fromkeys(("XSHG", "SSE"), ".SHH"),
    **dict.fromkeys(("XSHE", "SZSE"), ".SHZ"),
}
"""Alpha Vantage's suffix for an exchange (by MIC or common name): ``SAP`` on ``XETRA`` is ``SAP.DEX``. US listings
and instruments without an exchange use the bare symbol; any other exchange needs an ``alphavantage`` code."""

ASSET_CLASSES = frozenset({"equity", "fund", "bond", "commodity", "real_estate"})

COMPACT_DAYS = 100
"""``outputsize=compact`` holds the latest 100 data points; a history reaching further back asks for ``full``."""

_SERIES = "Time Series (Daily)"


class AlphaVantageRateLimited(PriceSourceError):
    """The key's rate limit is reached: every further request would be refused too."""


def alphavantage_symbol(instrument: InstrumentRef) -> str | None:
    """The instrument's Alpha Vantage symbol: its ``alphavantage`` code, else its symbol with the exchange's suffix
    (``EXCHANGE_SUFFIXES``); ``None`` for other asset classes and exchanges."""
    code = instrument.code_for("alphavantage")
    if code:
        return code
    if instrument.asset_class not in ASSET_CLASSES:
        return None
    exchange = (instrument.exchange or "").strip().upper()
    suffix = EXCHANGE_SUFFIXES.get(exchange) if exchange else ""
    return None if suffix is None else instrument.symbol.strip().upper() + suffix


def _document(data: bytes, *, what: str) -> dict[str, Any]:
    document = load_json(data, what=what)
    if not isinstance(document, dict):
        raise PriceSourceError(f"{what}: not an Alpha Vantage answer")
    for key in ("Note", "Information"):
        if key in document:
            raise AlphaVantageRateLimited(f"{what}: {document[key]}")
    if "Error Message" in document:
        raise PriceSourceError(f"{what}: {document['Error Message']}")
    return document


def _date(value: object, *, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PriceSourceError(f"{what}: {value!r} is not a date") from None


def parse_global_quote(data: bytes, *, what: str) -> tuple[dt.date, Decimal] | None:
    """(latest trading day, price) of a ``GLOBAL_QUOTE`` answer; ``None`` for the empty quote of an unknown symbol.

    Raises ``AlphaVantageRateLimited`` for a ``Note``/``Information`` answer, ``PriceSourceError`` for an ``Error
    Message`` or a malformed price or date."""
    document = _document(data, what=what)
    quote = document.get("Global Quote")
    if not isinstance(quote, dict):
        raise PriceSourceError(f"{what}: the answer holds no quote")
    if not quote:
        return None
    return _date(quote.get("07. latest trading day"), what=what), parse_price(quote.get("05. price"), what=what)


def parse_daily_series(data: bytes, *, what: str) -> dict[dt.date, Decimal]:
    """Close by date of a ``TIME_SERIES_DAILY`` answer. Errors as ``parse_global_quote``."""
    document = _document(data, what=what)
    series = document.get(_SERIES)
    if not isinstance(series, dict):
        raise PriceSourceError(f"{what}: the answer holds no daily series")
    closes: dict[dt.date, Decimal] = {}
    for day, bar in series.items():
        date = _date(day, what=what)
        close = bar.get("4. close") if isinstance(bar, dict) else None
        closes[date] = parse_price(close, what=f"{what} {date}")
    return closes


class AlphaVantageSource:
    """``alphavantage``: Alpha Vantage's daily prices, one request per instrument, only with an API key."""

    name = "alphavantage"
    label = "Alpha Vantage"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.PRICE_ALPHAVANTAGE_URL.rstrip("/")
        self._api_key = settings.PRICE_ALPHAVANTAGE_API_KEY.get_secret_value().strip()
        self.clock: Callable[[], dt.datetime] = utcnow

    def supports(self, instrument: InstrumentRef) -> bool:
        return bool(self._api_key) and alphavantage_symbol(instrument) is not None

    async def _query(self, client: httpx.AsyncClient, function: str, symbol: str, **extra: str) -> bytes:
        # The key travels in the query string; fetch's errors name the URL without it.
        params = {"function": function, "symbol": symbol, **extra, "apikey": self._api_key}
        return await fetch(client, f"{self.base_url}/query", params=params)

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        """``GLOBAL_QUOTE`` of each instrument, one after the other. A symbol Alpha Vantage does not know, or one
        it answers with an ``Error Message``, leaves that instrument missing; a rate-limit answer stops at once and
        raises, as does every request failing."""
        wanted = [(instrument, alphavantage_symbol(instrument)) for instrument in instruments]
        now = self.clock()
        quotes: list[Quote] = []
        failures: list[PriceSourceError] = []
        for instrument, symbol in wanted:
            if symbol is None or not self._api_key:
                continue
            try:
                data = await self._query(client, "GLOBAL_QUOTE", symbol)
                found = parse_global_quote(data, what=f"{self.name} {symbol}")
            except AlphaVantageRateLimited:
                raise
            except PriceSourceError as exc:
                logger.info("alphavantage could not price an instrument", extra={"key": instrument.key})
                failures.append(exc)
                continue
            if found is not None:
                day, price = found
                quotes.append(Quote(instrument.key, day, price, instrument.currency, self.name, day_end(day, now=now)))
        if failures and not quotes:
            raise PriceSourceError(f"every request failed; the first: {failures[0]}")
        return quotes

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        """``TIME_SERIES_DAILY`` closes from ``since``, compact unless ``since`` is more than ``COMPACT_DAYS`` ago."""
        symbol = alphavantage_symbol(instrument)
        if symbol is None or not self._api_key:
            raise PriceSourceError(f"{self.name}: cannot price {instrument.symbol!r} (no API key or symbol)")
        now = self.clock()
        size = "full" if since < now.date() - dt.timedelta(days=COMPACT_DAYS) else "compact"
        data = await self._query(client, "TIME_SERIES_DAILY", symbol, outputsize=size)
        closes = parse_daily_series(data, what=f"{self.name} {symbol}")
        return [
            Quote(instrument.key, day, closes[day], instrument.currency, self.name, day_end(day, now=now))
            for day in sorted(closes)
            if day >= since
        ]
