"""News: the instruments it is fetched for, and storing what a round of fetching found (``news.collect.NewsBatch``).
Keyword-only async functions; no GraphQL here. Callers own the transaction.

Only **listed** instruments get news. A household's own instrument (a house, a private fund) is private: its symbol,
name or ISIN is never put in a feed URL nor matched against a story, because ``instruments_for_news`` never returns
it and ``store_news`` never links a story to it.

Storing is idempotent. A story is stored once, under every key it is known by (``news_keys``; the
``news.items.NewsItem.identity_keys``): a story met again under any of them, in the same round or a later one,
from the same feed or another, is the stored one. It gains links to instruments it was not yet linked to; its text
is kept as first stored. Keys longer than the column (a very long link) are stored as ``long:<sha256 of the key>``.
Rounds are serialised by a transaction-scoped advisory lock, so two workers storing at once cannot store a story
twice under different keys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Uuid, exists, literal, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from subgraphs.portfolio.models import Activity, FeedState, Instrument, NewsKey, NewsLink, Portfolio
from subgraphs.portfolio.models import NewsItem as NewsItemRow
from subgraphs.portfolio.news.collect import NewsBatch, Validators
from subgraphs.portfolio.news.feeds import HeldInstrument
from subgraphs.portfolio.news.items import NewsItem
from subgraphs.portfolio.prices.base import InstrumentRef
from subgraphs.portfolio.prices.source_yahoo import yahoo_symbol

__all__ = ["StoredNews", "feed_validators", "instruments_for_news", "store_news", "stored_key"]

logger = logging.getLogger(__name__)

KEY_MAX = 500
"""Length of ``news_keys.key`` and ``news_items.dedupe_key``."""
_TITLE_MAX = 500
_SOURCE_MAX = 200
_URL_MAX = 2000
"""Length of ``news_items.url`` and ``feed_state.url``: a longer link is not stored (cut, it would lead nowhere)."""
_ETAG_MAX = 500
_MODIFIED_MAX = 100
_ERROR_MAX = 500
_LOCK_KEY = "portfolio.news"
"""The advisory lock that serialises ``store_news`` (hashed with ``hashtextextended``)."""
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class StoredNews:
    """What ``store_news`` changed: ``items`` stories added; ``links`` links of a story to an instrument added (the
    new stories' included); ``fetched`` feeds that answered (``not_modified`` of them with 304) and ``failed``
    feeds that did not, whose ``feed_state.last_error`` now says why."""

    items: int = 0
    links: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


async def instruments_for_news(*, session: AsyncSession) -> list[HeldInstrument]:
    """The listed instruments anyone holds or has traded (they appear in an activity) or benchmarks a portfolio
    against, as ``HeldInstrument``s keyed by their id (``str(uuid)``), ordered by symbol.

    Left out: every household's own instrument (never sent to a feed) and cash (a currency has no news, and its
    code would match every story about exchange rates). ``yahoo`` is the instrument's Yahoo Finance code as the
    ``yahoo`` price source derives it (``SAP`` on ``XETR`` is ``SAP.DE``); ``None`` when it cannot be derived.
    """
    used = or_(
        exists().where(Activity.instrument_id == Instrument.id),
        exists().where(Portfolio.benchmark_id == Instrument.id),
    )
    rows = await session.scalars(
        select(Instrument)
        .where(Instrument.household_id.is_(None), Instrument.asset_class != "cash", used)
        .order_by(Instrument.symbol, Instrument.exchange, Instrument.id)
    )
    return [_held(row) for row in rows]


def _held(row: Instrument) -> HeldInstrument:
    ref = InstrumentRef(
        key=str(row.id),
        symbol=row.symbol,
        exchange=row.exchange or None,
        isin=row.isin,
        currency=row.currency,
        asset_class=row.asset_class,
        codes=row.codes or {},
    )
    return HeldInstrument(key=str(row.id), symbol=row.symbol, isin=row.isin, name=row.name, yahoo=yahoo_symbol(ref))


async def feed_validators(*, session: AsyncSession) -> dict[str, Validators]:
    """The validators kept for each feed URL (``feed_state``), to pass to ``gather_news`` for conditional GETs."""
    rows = await session.execute(
        select(FeedState.url, FeedState.etag, FeedState.modified).where(
            or_(FeedState.etag.is_not(None), FeedState.modified.is_not(None))
        )
    )
    return {url: Validators(etag=etag, modified=modified) for url, etag, modified in rows}


def stored_key(key: str) -> str:
    """``key`` as stored in ``news_keys`` and ``news_items.dedupe_key``: itself, or ``long:<sha256 hex>`` when it
    is longer than the column."""
    if len(key) <= KEY_MAX:
        return key
    return "long:" + hashlib.sha256(key.encode()).hexdigest()


async def store_news(*, session: AsyncSession, batch: NewsBatch, now: dt.datetime | None = None) -> StoredNews:
    """Store a round's stories and what happened to each feed; returns the counts.

    Each story not yet stored under any of its keys is inserted (``ON CONFLICT DO NOTHING`` on ``dedupe_key``) with
    all its keys; a stored one gains the keys it was not yet known by. Either way it is linked to its instruments
    that are still listed (``ON CONFLICT DO NOTHING``). For each feed that answered, ``feed_state`` keeps its
    validators, ``fetched_at = now`` and an empty ``last_error``; for each that failed, ``last_error`` says why and
    the validators and ``fetched_at`` (the last success) are kept. ``now`` (default: the current time) is also the
    new stories' ``fetched_at``.
    """
    now = now or utcnow()
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": _LOCK_KEY})
    stories = [(item, _keys_of(item)) for item in batch.items]
    known = await _known_keys(session, sorted({key for _, keys in stories for key in keys}))
    items = links = 0
    for item, keys in stories:
        news_id = next((known[key] for key in keys if key in known), None)
        if news_id is None:
            news_id, created = await _insert_item(session, item, keys[0], now)
            items += created
        fresh = [key for key in keys if key not in known]
        if fresh:
            await session.execute(
                insert(NewsKey)
                .values([{"key": key, "news_id": news_id} for key in fresh])
                .on_conflict_do_nothing(index_elements=[NewsKey.key])
            )
            known.update(dict.fromkeys(fresh, news_id))
        links += await _link(session, news_id, item.instruments)
    fetched, not_modified, failed = await _save_feed_state(session, batch, now)
    return StoredNews(items=items, links=links, fetched=fetched, not_modified=not_modified, failed=failed)


def _keys_of(item: NewsItem) -> list[str]:
    """The item's stored keys, its ``dedupe_key`` first (the one a new row is stored under)."""
    first = stored_key(item.dedupe_key)
    return [first, *sorted({stored_key(key) for key in item.identity_keys} - {first})]


async def _known_keys(session: AsyncSession, keys: Sequence[str]) -> dict[str, uuid.UUID]:
    known: dict[str, uuid.UUID] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = await session.execute(
            select(NewsKey.key, NewsKey.news_id).where(NewsKey.key.in_(keys[start : start + _CHUNK]))
        )
        known.update({key: news_id for key, news_id in rows})
    return known


async def _insert_item(session: AsyncSession, item: NewsItem, key: str, now: dt.datetime) -> tuple[uuid.UUID, bool]:
    """The new row's id and ``True``; the id of the row already stored under ``key`` and ``False``."""
    url = item.url if item.url is not None and len(item.url) <= _URL_MAX else ""
    news_id = await session.scalar(
        insert(NewsItemRow)
        .values(
            id=uuid.uuid4(),
            dedupe_key=key,
            title=_cut(item.title, _TITLE_MAX),
            url=url,
            summary=item.summary,
            source=_cut(item.source, _SOURCE_MAX),
            published_at=item.published_at,
            fetched_at=now,
        )
        .on_conflict_do_nothing(index_elements=[NewsItemRow.dedupe_key])
        .returning(NewsItemRow.id)
    )
    if news_id is not None:
        return news_id, True
    existing = await session.scalar(select(NewsItemRow.id).where(NewsItemRow.dedupe_key == key))
    assert existing is not None, "a conflicting row is visible inside the lock"
    return existing, False


async def _link(session: AsyncSession, news_id: uuid.UUID, instruments: Iterable[str]) -> int:
    """Link the story to those of ``instruments`` (ids as strings) that exist and are listed; new links made."""
    ids = sorted({parsed for key in instruments if (parsed := _uuid(key)) is not None})
    if not ids:
        return 0
    added = await session.scalars(
        insert(NewsLink)
        .from_select(
            ["news_id", "instrument_id"],
            select(literal(news_id, Uuid()), Instrument.id).where(
                Instrument.id.in_(ids), Instrument.household_id.is_(None)
            ),
        )
        .on_conflict_do_nothing(index_elements=[NewsLink.news_id, NewsLink.instrument_id])
        .returning(NewsLink.instrument_id)
    )
    return len(added.all())


async def _save_feed_state(session: AsyncSession, batch: NewsBatch, now: dt.datetime) -> tuple[int, int, int]:
    answered: list[dict[str, object]] = []
    failures: list[dict[str, object]] = []
    not_modified = 0
    for outcome in batch.feeds:
        if len(outcome.url) > _URL_MAX:
            logger.warning("news feed URL too long to keep its state", extra={"url": outcome.url[:200]})
            continue
        validators = outcome.validators
        if outcome.error is not None or validators is None:
            detail = f"{outcome.error.kind}: {outcome.error.detail}" if outcome.error else "not fetched"
            failures.append({"url": outcome.url, "last_error": _cut(detail, _ERROR_MAX)})
            continue
        if outcome.result is not None and outcome.result.not_modified:
            not_modified += 1
        answered.append(
            {
                "url": outcome.url,
                "etag": _fits(validators.etag, _ETAG_MAX),
                "modified": _fits(validators.modified, _MODIFIED_MAX),
                "fetched_at": now,
                "last_error": "",
            }
        )
    if answered:
        statement = insert(FeedState).values(answered)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[FeedState.url],
                set_={
                    "etag": statement.excluded.etag,
                    "modified": statement.excluded.modified,
                    "fetched_at": statement.excluded.fetched_at,
                    "last_error": statement.excluded.last_error,
                },
            )
        )
    if failures:
        statement = insert(FeedState).values(failures)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[FeedState.url], set_={"last_error": statement.excluded.last_error}
            )
        )
    return len(answered), not_modified, len(failures)


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _fits(value: str | None, limit: int) -> str | None:
    """A validator that fits its column; a longer one is not kept (cut, it would never match)."""
    return value if value is not None and len(value) <= limit else None


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
