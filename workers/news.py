"""News: read the configured feeds (``FINCLOUD_PORTFOLIO_NEWS_FEEDS``) for the listed instruments anyone holds, has
traded or benchmarks against, and store the stories once each.

``news_cron`` runs at twenty past every hour (not at start-up: a restarted worker need not hit every feed again),
and only when ``FINCLOUD_PORTFOLIO_NEWS_AUTO_FETCH`` allows it (not in a test stack). ``news_fetch`` is the job
itself, to enqueue by hand. Feeds are fetched conditionally with the validators kept in ``feed_state``, so an hour
without news costs a 304 per feed. No database connection is held while the feeds are read.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from fincloud.config import Settings, get_settings
from fincloud.db import utcnow
from subgraphs.portfolio.news.collect import gather_news
from subgraphs.portfolio.news.feeds import parse_feed_config
from subgraphs.portfolio.services.news import feed_validators, instruments_for_news, store_news

__all__ = ["USER_AGENT", "news_cron", "news_fetch"]

logger = logging.getLogger(__name__)

USER_AGENT = "Mozilla/5.0 (compatible; FinCloud news reader)"
"""Sent with every feed request. Some feed hosts refuse clients that do not look like a browser or a feed reader."""


def _settings(ctx: dict[str, Any]) -> Settings:
    """The worker's settings; ``ctx["settings"]`` (a test, a one-off run) takes precedence."""
    settings = ctx.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


async def news_fetch(ctx: dict[str, Any]) -> dict[str, Any]:
    """One round: every feed for every instrument with news, the new stories and links stored, each feed's
    validators or error kept. Returns the counts (``StoredNews``) and the instruments read for; a failing feed is
    counted and recorded, never raised. ``FeedConfigError`` when the setting holds an unusable template."""
    settings = _settings(ctx)
    templates = parse_feed_config(settings.PORTFOLIO_NEWS_FEEDS)
    if not templates:
        return {"skipped": "no news feeds configured"}
    sessionmaker = ctx["sessionmaker"]
    async with sessionmaker() as session:
        instruments = await instruments_for_news(session=session)
        validators = await feed_validators(session=session) if instruments else {}
    if not instruments:
        return {"instruments": 0}
    async with httpx.AsyncClient(
        timeout=settings.PORTFOLIO_NEWS_HTTP_TIMEOUT_SECONDS, headers={"user-agent": USER_AGENT}
    ) as client:
        batch = await gather_news(client, instruments=instruments, templates=templates, validators=validators)
    async with sessionmaker() as session, session.begin():
        stored = await store_news(session=session, batch=batch, now=utcnow())
    report = {"instruments": len(instruments), **stored.as_dict()}
    logger.info("news fetched", extra=report)
    for outcome in batch.feeds:
        if outcome.error is not None:
            logger.info("news feed failed", extra={"url": outcome.url, "error": str(outcome.error.detail)})
    return report


async def news_cron(ctx: dict[str, Any]) -> dict[str, Any] | None:
    """The scheduled round: a no-op unless automatic fetching is on and feeds are configured."""
    settings = _settings(ctx)
    if not settings.news_auto_fetch or not settings.PORTFOLIO_NEWS_FEEDS.strip(" ,"):
        return None
    return await news_fetch(ctx)
