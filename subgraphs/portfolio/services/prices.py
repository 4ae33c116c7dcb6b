"""Stored prices and exchange rates. Keyword-only async functions; no GraphQL here. Callers own the transaction.

One price per instrument and day. A fetched quote replaces an earlier fetched one for the same day (the close
replaces the intraday price), but never a price a person entered (``manual``) or uploaded (``upload``): those
are the user's word. Manual prices and uploads are for a household's own instruments; a listed instrument is
shared by every household, so only the sources price it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, null, or_, select, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from subgraphs.portfolio.holdings import FilledSeries
from subgraphs.portfolio.models import Activity, Alert, FxRate, Instrument, Portfolio, Price, PriceVersion

__all__ = [
    "MANUAL",
    "UPLOAD",
    "PriceHistory",
    "StoredQuote",
    "fx_rates",
    "instruments_to_price",
    "price_history",
    "price_series",
    "series_cache",
    "store_fx",
    "store_prices",
]

MANUAL = "manual"
UPLOAD = "upload"
_USERS = (MANUAL, UPLOAD)


@dataclass(frozen=True, slots=True)
class StoredQuote:
    instrument_id: uuid.UUID
    date: dt.date
    price: Decimal
    currency: str
    source: str
    as_of: dt.datetime


async def store_prices(*, session: AsyncSession, quotes: Iterable[StoredQuote], user: bool = False) -> set[uuid.UUID]:
    """Upsert ``quotes``; returns the instruments whose stored prices changed. ``user`` marks prices entered or
    uploaded by a person: they replace anything; fetched ones replace only fetched ones."""
    rows = [
        {
            "instrument_id": q.instrument_id,
            "date": q.date,
            "price": q.price,
            "currency": q.currency,
            "source": q.source,
            "as_of": q.as_of,
            "fetched_at": utcnow(),
        }
        for q in quotes
    ]
    changed: set[uuid.UUID] = set()
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        statement = insert(Price).values(chunk)
        excluded = statement.excluded
        upsert = statement.on_conflict_do_update(
            index_elements=[Price.instrument_id, Price.date],
            set_={
                "price": excluded.price,
                "currency": excluded.currency,
                "source": excluded.source,
                "as_of": excluded.as_of,
                "fetched_at": excluded.fetched_at,
            },
            where=(
                None
                if user
                else and_(
                    Price.source.not_in(_USERS),
                    or_(Price.price != excluded.price, Price.source != excluded.source, Price.as_of < excluded.as_of),
                )
            ),
        ).returning(Price.instrument_id)
        changed.update(await session.scalars(upsert))
    return changed


async def store_fx(*, session: AsyncSession, rates: Iterable[tuple[str, str, dt.date, Decimal, str]]) -> int:
    """Upsert published exchange rates ``(base, quote, date, rate, source)``; returns rows written."""
    rows = [{"base": b, "quote": q, "date": d, "rate": r, "source": s} for b, q, d, r, s in rates if b != q]
    written = 0
    for start in range(0, len(rows), 2000):
        statement = insert(FxRate).values(rows[start : start + 2000])
        result = await session.execute(
            statement.on_conflict_do_update(
                index_elements=[FxRate.base, FxRate.quote, FxRate.date],
                set_={"rate": statement.excluded.rate, "source": statement.excluded.source},
                where=FxRate.rate != statement.excluded.rate,
            )
        )
        written += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return written


async def price_history(
    *, session: AsyncSession, instrument_ids: Sequence[uuid.UUID], until: dt.date, since: dt.date | None = None
) -> dict[uuid.UUID, list[tuple[dt.date, Decimal]]]:
    """Each instrument's prices, oldest first, up to ``until``; from the last price on or before ``since`` (so a
    period's first day has a value to carry forward)."""
    if not instrument_ids:
        return {}
    query = select(Price.instrument_id, Price.date, Price.price).where(
        Price.instrument_id.in_(instrument_ids), Price.date <= until
    )
    if since is not None:
        floor = (
            select(Price.instrument_id, func.max(Price.date).label("date"))
            .where(Price.instrument_id.in_(instrument_ids), Price.date <= since)
            .group_by(Price.instrument_id)
            .subquery()
        )
        query = query.where(
            or_(
                Price.date > since,
                tuple_(Price.instrument_id, Price.date).in_(select(floor.c.instrument_id, floor.c.date)),
            )
        )
    result: dict[uuid.UUID, list[tuple[dt.date, Decimal]]] = {i: [] for i in instrument_ids}
    for instrument_id, date, price in await session.execute(query.order_by(Price.instrument_id, Price.date)):
        result[instrument_id].append((date, price))
    return result


class PriceHistory:
    """An instrument's prices, oldest first, and (built on first use, then kept) the same forward filled."""

    __slots__ = ("_filled", "points")

    def __init__(self, points: list[tuple[dt.date, Decimal]]) -> None:
        self.points = points
        self._filled: FilledSeries | None = None

    def filled(self) -> FilledSeries:
        if self._filled is None:
            self._filled = FilledSeries(self.points)
        return self._filled


class _SeriesCache:
    """Each instrument's whole price history, kept in this process under its ``price_versions`` number: a reader
    checks the numbers (one small query) and reloads only the instruments whose prices changed since. Bounded:
    the least recently used histories are dropped first."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._entries: OrderedDict[uuid.UUID, tuple[int, PriceHistory]] = OrderedDict()

    def get(self, instrument_id: uuid.UUID, version: int) -> PriceHistory | None:
        entry = self._entries.get(instrument_id)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(instrument_id)
        return entry[1]

    def put(self, instrument_id: uuid.UUID, version: int, history: PriceHistory) -> None:
        self._entries[instrument_id] = (version, history)
        self._entries.move_to_end(instrument_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


series_cache = _SeriesCache()


async def price_series(
    *, session: AsyncSession, instrument_ids: Sequence[uuid.UUID], until: dt.date
) -> dict[uuid.UUID, PriceHistory]:
    """Each instrument's prices up to ``until``, oldest first, from this process's cache where the stored prices
    have not changed (see ``_SeriesCache``); the rest in one query of one row per instrument."""
    if not instrument_ids:
        return {}
    versions = {
        instrument_id: version
        for instrument_id, version in await session.execute(
            select(PriceVersion.instrument_id, PriceVersion.version).where(
                PriceVersion.instrument_id.in_(instrument_ids)
            )
        )
    }
    found: dict[uuid.UUID, PriceHistory] = {}
    stale = []
    for instrument_id, version in versions.items():
        cached = series_cache.get(instrument_id, version)
        if cached is None:
            stale.append(instrument_id)
        else:
            found[instrument_id] = cached
    if stale:
        rows = await session.execute(
            select(
                Price.instrument_id,
                func.array_agg(aggregate_order_by(Price.date, Price.date)),
                func.array_agg(aggregate_order_by(Price.price, Price.date)),
            )
            .where(Price.instrument_id.in_(stale))
            .group_by(Price.instrument_id)
        )
        for instrument_id, dates, amounts in rows:
            history = PriceHistory(list(zip(dates, amounts, strict=True)))
            series_cache.put(instrument_id, versions[instrument_id], history)
            found[instrument_id] = history
    result: dict[uuid.UUID, PriceHistory] = {}
    for instrument_id in instrument_ids:
        history = found.get(instrument_id) or PriceHistory([])
        cut = bisect_right(history.points, until, key=lambda point: point[0])
        result[instrument_id] = history if cut == len(history.points) else PriceHistory(history.points[:cut])
    return result


async def fx_rates(
    *, session: AsyncSession, currencies: Iterable[str], until: dt.date
) -> dict[tuple[str, str], list[tuple[dt.date, Decimal]]]:
    """Every stored rate between the given currencies (and EUR, the ECB's base for crossing), oldest first."""
    wanted = set(currencies) | {"EUR"}
    connection = await session.connection()  # Core and one row per pair: ten years of two pairs in milliseconds
    rows = await connection.execute(
        select(
            FxRate.base,
            FxRate.quote,
            func.array_agg(aggregate_order_by(FxRate.date, FxRate.date)),
            func.array_agg(aggregate_order_by(FxRate.rate, FxRate.date)),
        )
        .where(FxRate.base.in_(wanted), FxRate.quote.in_(wanted), FxRate.date <= until)
        .group_by(FxRate.base, FxRate.quote)
    )
    return {(base, quote): list(zip(dates, rates, strict=True)) for base, quote, dates, rates in rows}


async def instruments_to_price(*, session: AsyncSession) -> list[tuple[Instrument, dt.date | None, dt.date | None]]:
    """Listed instruments anyone holds, has held, benchmarks against or watches with an alert, each with the date
    of its first activity (how far back history is wanted) and of its newest stored price (``None``: never
    priced, so its history is back-filled)."""
    used = (
        select(Activity.instrument_id.label("id"), func.min(Activity.date).label("first"))
        .where(Activity.instrument_id.is_not(None))
        .group_by(Activity.instrument_id)
        .union_all(
            select(Portfolio.benchmark_id, null().cast(Activity.date.type)).where(Portfolio.benchmark_id.is_not(None)),
            select(Alert.instrument_id, null().cast(Activity.date.type)).where(Alert.instrument_id.is_not(None)),
        )
        .subquery()
    )
    firsts = select(used.c.id, func.min(used.c.first).label("first")).group_by(used.c.id).subquery()
    newest = select(Price.instrument_id, func.max(Price.date).label("newest")).group_by(Price.instrument_id).subquery()
    rows = await session.execute(
        select(Instrument, firsts.c.first, newest.c.newest)
        .join(firsts, firsts.c.id == Instrument.id)
        .outerjoin(newest, newest.c.instrument_id == Instrument.id)
        .where(Instrument.household_id.is_(None))
        .order_by(Instrument.symbol, Instrument.id)
    )
    return [(instrument, first, latest) for instrument, first, latest in rows]
