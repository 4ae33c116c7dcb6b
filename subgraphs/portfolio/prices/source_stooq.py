"""Stooq (https://stooq.com): free CSV quotes for US, German, Japanese, Hong Kong, Hungarian and Polish listings.

``GET /q/l/?s=aapl.us+msft.us&f=sd2t2ohlcv&h&e=csv`` answers the latest quote of several symbols at once::

    Symbol,Date,Time,Open,High,Low,Close,Volume
    AAPL.US,2024-03-13,22:00:09,172.77,173.185,170.76,171.13,52488692
    ZZZZ.US,N/D,N/D,N/D,N/D,N/D,N/D,N/D

(``N/D``: no data, for a symbol Stooq does not know), with the time in Warsaw time (CET/CEST), Stooq's own.
``GET /q/d/l/?s=aapl.us&i=d&d1=20240307&d2=20240313`` answers the daily history as ``Date,Open,High,Low,Close,
Volume`` rows, or the text ``No data``. Numbers are read from the CSV's text.

Stooq never says a price's currency: the instrument's is assumed. That is why London listings are not derived
(``vod.uk`` is quoted in pence, and nothing in the answer says so); give an instrument an explicit ``stooq`` code
only when its currency is the one Stooq quotes it in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from fincloud.config import Settings
from subgraphs.portfolio.prices._http import fetch
from subgraphs.portfolio.prices._parse import day_end, is_missing, parse_price, utcnow
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote

__all__ = ["EXCHANGE_SUFFIXES", "StooqRow", "StooqSource", "parse_stooq_csv", "stooq_symbol"]

STOOQ_TIMEZONE = ZoneInfo("Europe/Warsaw")
"""The clock of the ``Time`` column."""

EXCHANGE_SUFFIXES: Mapping[str, str] = {
    **dict.fromkeys(("XNAS", "XNYS", "ARCX", "BATS", "NASDAQ", "NYSE", "NYSEARCA", "AMEX"), ".us"),
    **dict.fromkeys(("XETR", "XETRA"), ".de"),
    **dict.fromkeys(("XTKS", "TYO"), ".jp"),
    **dict.fromkeys(("XHKG", "HKEX"), ".hk"),
    **dict.fromkeys(("XBUD", "BET"), ".hu"),
    **dict.fromkeys(("XWAR", "WSE", "GPW"), ""),
}
"""Stooq's suffix for an exchange (by MIC or common name); Warsaw listings have none. An instrument on any other
exchange, or on none, is priced by Stooq only through an explicit ``stooq`` code: Stooq answers a wrong guess with
another market's security just as readily."""

ASSET_CLASSES = frozenset({"equity", "fund", "bond", "commodity", "real_estate"})

BATCH_SIZE = 50
"""Symbols per latest-quotes request."""


def stooq_symbol(instrument: InstrumentRef) -> str | None:
    """The instrument's Stooq symbol, lower case: its ``stooq`` code, else its symbol with the exchange's suffix
    (``EXCHANGE_SUFFIXES``); ``None`` when neither applies."""
    code = instrument.code_for("stooq")
    if code:
        return code.lower()
    if instrument.asset_class not in ASSET_CLASSES:
        return None
    suffix = EXCHANGE_SUFFIXES.get((instrument.exchange or "").strip().upper())
    return None if suffix is None else instrument.symbol.strip().lower() + suffix


@dataclass(frozen=True, slots=True)
class StooqRow:
    """One priced row: the symbol as Stooq prints it (upper case in latest quotes, empty in a history)."""

    symbol: str
    date: dt.date
    time: dt.time | None
    close: Decimal


def _date(text: str, *, what: str) -> dt.date:
    cleaned = text.strip()
    try:
        if len(cleaned) == 8 and cleaned.isdigit():
            return dt.datetime.strptime(cleaned, "%Y%m%d").date()
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        raise PriceSourceError(f"{what}: {text!r} is not a date") from None


def _time(text: str | None, *, what: str) -> dt.time | None:
    if text is None or is_missing(text):
        return None
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise PriceSourceError(f"{what}: {text!r} is not a time") from None


def parse_stooq_csv(data: bytes, *, what: str) -> list[StooqRow]:
    """The priced rows of a Stooq CSV answer (latest quotes or a daily history), in the file's order; ``N/D``
    rows are left out. ``PriceSourceError`` for anything that is not such a CSV (``No data``, ``Exceeded the
    daily hits limit``) or a malformed date or price."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PriceSourceError(f"{what}: not a CSV text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [name.strip().lower() for name in reader.fieldnames or ()]
    if "date" not in fields or "close" not in fields:
        first_line = text.strip().splitlines()[0][:80] if text.strip() else "an empty answer"
        raise PriceSourceError(f"{what}: not a quotes CSV ({first_line!r})")
    rows: list[StooqRow] = []
    for raw in reader:
        row = {key.strip().lower(): (value or "") for key, value in raw.items() if key is not None}
        symbol = row.get("symbol", "").strip().upper()
        where = f"{what} {symbol or row.get('date', '')}".rstrip()
        if is_missing(row.get("date")) or is_missing(row.get("close")):
            continue
        rows.append(
            StooqRow(
                symbol=symbol,
                date=_date(row["date"], what=where),
                time=_time(row.get("time"), what=where),
                close=parse_price(row["close"], what=where),
            )
        )
    return rows


class StooqSource:
    """``stooq``: Stooq's CSV quotes, up to ``BATCH_SIZE`` instruments a request."""

    name = "stooq"
    label = "Stooq"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.PRICE_STOOQ_URL.rstrip("/")
        self.clock: Callable[[], dt.datetime] = utcnow

    def supports(self, instrument: InstrumentRef) -> bool:
        return stooq_symbol(instrument) is not None

    def _as_of(self, row: StooqRow) -> dt.datetime:
        if row.time is None:
            return day_end(row.date, now=self.clock())
        return dt.datetime.combine(row.date, row.time, tzinfo=STOOQ_TIMEZONE).astimezone(dt.UTC)

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        """The latest quote of each instrument, ``as_of`` the Warsaw ``Time`` Stooq gives; in the instrument's
        currency. An ``N/D`` row (a symbol Stooq does not know) leaves the instrument missing."""
        by_symbol: dict[str, list[InstrumentRef]] = {}
        for instrument in instruments:
            symbol = stooq_symbol(instrument)
            if symbol is not None:
                by_symbol.setdefault(symbol, []).append(instrument)
        symbols = list(by_symbol)
        quotes: list[Quote] = []
        for start in range(0, len(symbols), BATCH_SIZE):
            batch = symbols[start : start + BATCH_SIZE]
            # Built by hand: Stooq wants the symbols joined by a literal "+", and a bare "h" (with a header).
            joined = "+".join(quote(symbol, safe=".^_-") for symbol in batch)
            data = await fetch(client, f"{self.base_url}/q/l/?s={joined}&f=sd2t2ohlcv&h&e=csv")
            asked = set(batch)
            for row in parse_stooq_csv(data, what=self.name):
                if row.symbol.lower() not in asked:
                    continue
                for instrument in by_symbol[row.symbol.lower()]:
                    quotes.append(
                        Quote(instrument.key, row.date, row.close, instrument.currency, self.name, self._as_of(row))
                    )
        return quotes

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        """Daily closes from ``since``, in the instrument's currency. The history has no times: ``as_of`` is the end
        of each day (UTC), or now for today's row."""
        symbol = stooq_symbol(instrument)
        if symbol is None:
            raise PriceSourceError(f"{self.name}: no Stooq symbol for {instrument.symbol!r}")
        now = self.clock()
        params = {"s": symbol, "i": "d", "d1": since.strftime("%Y%m%d"), "d2": now.date().strftime("%Y%m%d")}
        data = await fetch(client, f"{self.base_url}/q/d/l/", params=params)
        rows = parse_stooq_csv(data, what=f"{self.name} {symbol}")
        by_day = {row.date: row for row in rows if row.date >= since}
        return [
            Quote(instrument.key, day, by_day[day].close, instrument.currency, self.name, self._as_of(by_day[day]))
            for day in sorted(by_day)
        ]
