"""One round of news fetching for a set of held instruments: every feed URL fetched (a few at a time), each feed's
items normalised and linked to instruments, and the same story from several feeds kept once.

A per-instrument feed's items are linked to the instruments it was read for, and to any other held instrument they
mention; a general feed's items only to the instruments they mention, and are dropped when they mention none. One
feed failing does not stop the others: its ``FeedOutcome`` carries the ``FeedError``.

The caller keeps each URL's validators (``FeedOutcome.validators``) between rounds and passes them back, so feeds
that have not changed answer ``304 Not Modified`` and contribute no items.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from subgraphs.portfolio.news.feeds import FeedTemplate, HeldInstrument, urls_for
from subgraphs.portfolio.news.fetch import MAX_FEED_BYTES, FeedError, FetchResult, fetch_feed
from subgraphs.portfolio.news.items import NewsItem, dedupe, link_instruments, normalise_entries

__all__ = ["DEFAULT_CONCURRENCY", "FeedOutcome", "NewsBatch", "Validators", "gather_news"]

DEFAULT_CONCURRENCY = 4
"""Feeds fetched at the same time. Per-instrument feeds are often on one host (Yahoo), which should not be hammered."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What to send for a conditional GET of one URL next time: the ``ETag`` and ``Last-Modified`` last received."""

    etag: str | None = None
    modified: str | None = None


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What happened to one feed URL: ``result`` when it was fetched (perhaps not modified, perhaps with a
    ``warning``), ``error`` when it was not. ``items`` counts the items it contributed before de-duplication."""

    url: str
    instruments: frozenset[str]
    result: FetchResult | None = None
    error: FeedError | None = None
    items: int = 0

    @property
    def validators(self) -> Validators | None:
        """The validators to keep for this URL; ``None`` when the fetch failed (keep the old ones)."""
        if self.result is None:
            return None
        return Validators(etag=self.result.etag, modified=self.result.modified)


@dataclass(frozen=True, slots=True)
class NewsBatch:
    """A round's stories, newest first (undated ones last, in the order read), and what happened to each feed."""

    items: tuple[NewsItem, ...]
    feeds: tuple[FeedOutcome, ...]


async def gather_news(
    client: httpx.AsyncClient,
    *,
    instruments: Iterable[HeldInstrument],
    templates: Sequence[FeedTemplate],
    validators: Mapping[str, Validators] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_bytes: int = MAX_FEED_BYTES,
) -> NewsBatch:
    """Fetch every feed ``templates`` give for ``instruments`` with ``client`` and return the stories about them.

    ``validators`` are the ones kept from the last round, by URL. Feed errors are reported in ``NewsBatch.feeds``,
    never raised.
    """
    held = list(instruments)
    urls = urls_for(held, templates=templates)
    known = validators or {}
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(url: str, keys: set[str]) -> tuple[FeedOutcome, list[NewsItem]]:
        sent = known.get(url, Validators())
        async with gate:
            try:
                result = await fetch_feed(client, url, etag=sent.etag, modified=sent.modified, max_bytes=max_bytes)
            except FeedError as exc:
                return FeedOutcome(url=url, instruments=frozenset(keys), error=exc), []
        items: list[NewsItem] = []
        if result.feed is not None:
            read = normalise_entries(result.feed, feed_url=url)
            items = [
                item for item in link_instruments(read, feed_instruments=keys, instruments=held) if item.instruments
            ]
        return FeedOutcome(url=url, instruments=frozenset(keys), result=result, items=len(items)), items

    done = await asyncio.gather(*(one(url, keys) for url, keys in urls.items()))
    # Per-instrument feeds first, so their copy of a story shared with a general feed is the one kept.
    ordered = sorted(done, key=lambda pair: not pair[0].instruments)
    stories = dedupe(item for _, items in ordered for item in items)
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    stories.sort(key=lambda item: (item.published_at is not None, item.published_at or oldest), reverse=True)
    return NewsBatch(items=tuple(stories), feeds=tuple(outcome for outcome, _ in done))
