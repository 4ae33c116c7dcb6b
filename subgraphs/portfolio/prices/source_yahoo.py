"""Yahoo Finance's chart API: listed securities worldwide (stocks, ETFs, funds), and crypto as ``BTC-USD``.

``GET /v8/finance/chart/{symbol}?range=5d&interval=1d`` (or ``period1=&period2=`` in Unix seconds) answers::

    {"chart": {"result": [{"meta": {"currency": "USD", "symbol": "AAPL", "exchangeTimezoneName": "America/New_York",
        "regularMarketPrice": 171.13, "regularMarketTime": 1710360001, "currentTradingPeriod": {...}, ...},
      "timestamp": [1709821800, ...], "indicators": {"quote": [{"close": [169.0, null, ...], ...}]}}],
      "error": null}}

and an unknown symbol with HTTP 404 and ``{"chart": {"result": null, "error": {"code": "Not Found", ...}}}``.
Numbers are JSON numbers, read straight into ``Decimal`` from their text. The closes in ``indicators`` are single-
precision values printed in full (``170.72999572753906``); they are kept exactly as printed, the noise included,
because that is what Yahoo published (``meta.regularMarketPrice`` is printed cleanly). ``timestamp`` is each
daily bar's start, in UTC; its date in the exchange's time zone is the trading day.

London quotes most securities in pence (currency ``GBp``), Johannesburg in cents (``ZAc``), Tel Aviv in agorot
(``ILA``): such prices are divided by 100, exactly, and quoted in GBP, ZAR and ILS.

The chart API has no batch form: ``latest`` asks once per instrument, a few at a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote as quote_path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from fincloud.config import Settings
from subgraphs.portfolio.prices._http import fetch
from subgraphs.portfolio.prices._parse import (
    currency_or_none,
    epoch_seconds,
    from_timestamp,
    is_missing,
    load_json,
    parse_price,
    utcnow,
)
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote

__all__ = ["EXCHANGE_SUFFIXES", "YahooChart", "YahooSource", "parse_yahoo_chart", "yahoo_symbol"]

logger = logging.getLogger(__name__)

EXCHANGE_SUFFIXES: Mapping[str, str] = {
    **dict.fromkeys(("XNAS", "XNYS", "ARCX", "BATS", "NASDAQ", "NYSE", "NYSEARCA", "AMEX"), ""),
    **dict.fromkeys(("XETR", "XETRA"), ".DE"),
    **dict.fromkeys(("XFRA", "FRA"), ".F"),
    **dict.fromkeys(("XLON", "LSE"), ".L"),
    **dict.fromkeys(("XPAR", "EPA"), ".PA"),
    **dict.fromkeys(("XAMS", "AMS"), ".AS"),
    **dict.fromkeys(("XMIL", "BIT"), ".MI"),
    **dict.fromkeys(("XSWX", "SIX"), ".SW"),
    **dict.fromkeys(("XMAD", "BME"), ".MC"),
    **dict.fromkeys(("XTSE", "TSX"), ".TO"),
    **dict.fromkeys(("XASX", "ASX"), ".AX"),
    **dict.fromkeys(("XHKG", "HKEX"), ".HK"),
    **dict.fromkeys(("XTKS", "TYO"), ".T"),
}
"""Yahoo's suffix for an exchange (by MIC or common name): ``VWCE`` on ``XETRA`` is ``VWCE.DE``. United States
listings have none, and an instrument without an exchange is asked for by its bare symbol, as a US listing.
Deliberately short: an instrument on any other market needs a ``yahoo`` code, rather than a guess that could
price another market's security of the same name."""

MINOR_UNITS: Mapping[str, str] = {"GBp": "GBP", "GBX": "GBP", "ZAc": "ZAR", "ZAC": "ZAR", "ILA": "ILS"}
"""Currencies Yahoo reports in hundredths, and the ISO 4217 currency they are hundredths of."""

LATEST_RANGE = "5d"
"""Days asked for with ``latest``: the answer's ``meta`` holds the price; the bars are a fallback when it does not."""

CONCURRENT_REQUESTS = 4
"""How many chart requests ``latest`` keeps in flight at once."""


def yahoo_symbol(instrument: InstrumentRef) -> str | None:
    """The instrument's Yahoo symbol: its ``yahoo`` code, else ``BTC-USD`` for crypto, else its symbol with the
    exchange's suffix (``EXCHANGE_SUFFIXES``). ``None`` for cash (currency pairs are the ``ecb`` source's job) and
    for an exchange the table does not know."""
    code = instrument.code_for("yahoo")
    if code:
        return code
    if instrument.asset_class == "cash":
        return None
    symbol = instrument.symbol.strip().upper()
    if instrument.asset_class == "crypto":
        return f"{symbol}-{instrument.currency}"
    exchange = (instrument.exchange or "").strip().upper()
    suffix = EXCHANGE_SUFFIXES.get(exchange) if exchange else ""
    return None if suffix is None else symbol + suffix


@dataclass(frozen=True, slots=True)
class YahooChart:
    """One chart answer, read: prices already in the major unit of ``currency``."""

    symbol: str
    currency: str
    timezone: dt.tzinfo
    market_price: Decimal | None
    market_time: dt.datetime | None
    session: dt.timedelta | None
    """Length of the regular session (``currentTradingPeriod.regular``), to date a bar's close."""
    closes: tuple[tuple[dt.datetime, Decimal], ...]
    """(bar start, close) in order, bars without a close left out."""

    def trading_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.timezone).date()


def _shift(price: Decimal, places: int) -> Decimal:
    """``price`` / 10**places, exactly (no context rounding)."""
    sign, digits, exponent = price.as_tuple()
    assert isinstance(exponent, int)  # parse_price only lets finite numbers through
    return Decimal((sign, digits, exponent - places))


def _timezone(meta: Mapping[str, Any]) -> dt.tzinfo:
    name = meta.get("exchangeTimezoneName")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = meta.get("gmtoffset")
    if isinstance(offset, int) and not isinstance(offset, bool) and abs(offset) < 86_400:
        return dt.timezone(dt.timedelta(seconds=offset))
    return dt.UTC


def _session(meta: Mapping[str, Any]) -> dt.timedelta | None:
    regular = (meta.get("currentTradingPeriod") or {}).get("regular") or {}
    start, end = regular.get("start"), regular.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 < end - start <= 86_400:
        return dt.timedelta(seconds=end - start)
    return None


def parse_yahoo_chart(data: bytes, *, what: str, fallback_currency: str) -> YahooChart:
    """A chart answer, read. ``fallback_currency`` is used when Yahoo names none (some funds).

    Raises ``PriceSourceError`` for ``chart.error`` (an unknown symbol), an answer without a result, or a
    malformed price, time or currency."""
    document = load_json(data, what=what)
    chart = document.get("chart") if isinstance(document, dict) else None
    if not isinstance(chart, dict):
        raise PriceSourceError(f"{what}: not a chart answer")
    error = chart.get("error")
    if error:
        detail = error if not isinstance(error, dict) else f"{error.get('code')}: {error.get('description')}"
        raise PriceSourceError(f"{what}: {detail}")
    results = chart.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise PriceSourceError(f"{what}: the answer holds no result")
    result: dict[str, Any] = results[0]
    meta: dict[str, Any] = result.get("meta") or {}

    reported = meta.get("currency")
    places = 2 if isinstance(reported, str) and reported in MINOR_UNITS else 0
    currency = MINOR_UNITS.get(reported, reported) if isinstance(reported, str) else None
    currency = currency_or_none(currency) if currency else fallback_currency
    if currency is None:
        raise PriceSourceError(f"{what}: unknown currency {reported!r}")

    def price(value: object, where: str) -> Decimal:
        return _shift(parse_price(value, what=f"{what} {where}"), places)

    market_price = None if is_missing(meta.get("regularMarketPrice")) else price(meta["regularMarketPrice"], "price")
    market_time = None
    if not is_missing(meta.get("regularMarketTime")):
        market_time = from_timestamp(meta["regularMarketTime"], what=f"{what} regularMarketTime")

    stamps = result.get("timestamp") or []
    series = (result.get("indicators") or {}).get("quote") or [{}]
    closes = (series[0].get("close") if isinstance(series[0], dict) else None) or []
    if not isinstance(stamps, list) or not isinstance(closes, list) or len(stamps) != len(closes):
        raise PriceSourceError(f"{what}: timestamps and closes do not pair up")
    bars = tuple(
        (from_timestamp(stamp, what=f"{what} timestamp"), price(close, f"close at {stamp}"))
        for stamp, close in zip(stamps, closes, strict=True)
        if not is_missing(close)
    )
    return YahooChart(
        symbol=str(meta.get("symbol") or ""),
        currency=currency,
        timezone=_timezone(meta),
        market_price=market_price,
        market_time=market_time,
        session=_session(meta),
        closes=bars,
    )


class YahooSource:
    """``yahoo``: Yahoo Finance's chart API, one request per instrument."""

    name = "yahoo"
    label = "Yahoo Finance"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.PRICE_YAHOO_URL.rstrip("/")
        self.clock: Callable[[], dt.datetime] = utcnow

    def supports(self, instrument: InstrumentRef) -> bool:
        return yahoo_symbol(instrument) is not None

    def _url(self, symbol: str) -> str:
        return f"{self.base_url}/v8/finance/chart/{quote_path(symbol, safe='')}"

    async def _chart(
        self, client: httpx.AsyncClient, instrument: InstrumentRef, params: Mapping[str, str]
    ) -> YahooChart:
        symbol = yahoo_symbol(instrument)
        if symbol is None:
            raise PriceSourceError(f"{self.name}: no Yahoo symbol for {instrument.symbol!r}")
        data = await fetch(client, self._url(symbol), params=params, accept=(404,))
        return parse_yahoo_chart(data, what=f"{self.name} {symbol}", fallback_currency=instrument.currency)

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        """Each instrument's ``meta.regularMarketPrice`` at ``meta.regularMarketTime`` (else its newest bar's
        close). An instrument Yahoo does not know is missing; ``PriceSourceError`` only when every request failed."""
        wanted = [instrument for instrument in instruments if self.supports(instrument)]
        limit = asyncio.Semaphore(CONCURRENT_REQUESTS)

        async def one(instrument: InstrumentRef) -> Quote | PriceSourceError:
            async with limit:
                try:
                    chart = await self._chart(client, instrument, {"range": LATEST_RANGE, "interval": "1d"})
                    return self._latest_quote(instrument, chart)
                except PriceSourceError as exc:
                    logger.info("yahoo could not price an instrument", extra={"key": instrument.key, "error": str(exc)})
                    return exc

        answers = await asyncio.gather(*(one(instrument) for instrument in wanted))
        quotes = [answer for answer in answers if isinstance(answer, Quote)]
        if wanted and not quotes:
            first = next(answer for answer in answers if isinstance(answer, PriceSourceError))
            raise PriceSourceError(f"every request failed; the first: {first}")
        return quotes

    def _latest_quote(self, instrument: InstrumentRef, chart: YahooChart) -> Quote:
        if chart.market_price is not None and chart.market_time is not None:
            price, as_of = chart.market_price, chart.market_time
        elif chart.closes:
            start, price = chart.closes[-1]
            as_of = min(start + (chart.session or dt.timedelta(0)), self.clock())
        else:
            raise PriceSourceError(f"{self.name}: no price for {chart.symbol or instrument.symbol}")
        return Quote(instrument.key, chart.trading_day(as_of), price, chart.currency, self.name, as_of)

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        """One quote per trading day from ``since``: the day's close, ``as_of`` the bar's start plus the regular
        session's length (when the close was set), never later than ``meta.regularMarketTime`` or now. Bars
        without a close (``null``) are left out; when two bars fall on one day, the later one wins."""
        now = self.clock()
        params = {"period1": str(epoch_seconds(since)), "period2": str(int(now.timestamp())), "interval": "1d"}
        chart = await self._chart(client, instrument, params)
        by_day: dict[dt.date, Quote] = {}
        for start, close in chart.closes:
            day = chart.trading_day(start)
            if day < since:
                continue
            as_of = min(start + (chart.session or dt.timedelta(0)), chart.market_time or now, now)
            by_day[day] = Quote(instrument.key, day, close, chart.currency, self.name, max(as_of, start))
        return [by_day[day] for day in sorted(by_day)]
