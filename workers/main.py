"""arq ``WorkerSettings``: run with ``fincloud worker``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from arq import cron
from arq.connections import RedisSettings

from fincloud.config import get_settings
from fincloud.constants import ARQ_QUEUE
from fincloud.db import create_engine, make_sessionmaker
from fincloud.jobs import deserialize_job, serialize_job
from fincloud.storage import store_from_settings
from subgraphs.portfolio.news.feeds import parse_feed_config
from workers.budgets import budget_on_transaction_event, budget_receipts_prune
from workers.dispatch import email_on_identity_request
from workers.files import files_export, files_sweep
from workers.fx import fx_rates_cron, fx_rates_fetch
from workers.imports import import_commit
from workers.news import news_cron, news_fetch
from workers.notify import (
    channels_of,
    deliver,
    http_of,
    notify_channel_verification,
    notify_close,
    notify_digest,
    notify_on_event,
    notify_sweep,
    notify_telegram_link,
)
from workers.outbox import make_relay, outbox_sweep
from workers.prices import prices_cron, prices_update
from workers.purge import purge_household
from workers.recurring import recurring_cron, recurring_materialize
from workers.replicas import notification_on_member_changed, portfolio_on_account_changed

logger = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    if not settings.DATABASE_URL:
        raise RuntimeError("FINCLOUD_DATABASE_URL must be set")
    parse_feed_config(settings.PORTFOLIO_NEWS_FEEDS)  # a misconfigured news feed is refused at start-up
    # A connection for most running jobs, without holding one per job: a job waits a moment for one instead.
    pool_size = max(5, min(20, settings.WORKER_CONCURRENCY // 3))
    ctx["engine"] = create_engine(settings.DATABASE_URL, pool_size=pool_size, application_name="fincloud-worker")
    ctx["sessionmaker"] = make_sessionmaker(ctx["engine"])
    ctx["settings"] = settings
    ctx["store"] = store_from_settings(settings)
    # Loaded here, in the context every job's own copy starts from: set inside a job, they would be lost with it.
    channels_of(ctx)
    http_of(ctx)
    ctx["relay"] = make_relay(ctx)
    listening = asyncio.Event()
    ctx["relay_task"] = asyncio.create_task(ctx["relay"].run(ready=listening), name="outbox-relay")
    await asyncio.wait_for(listening.wait(), timeout=30)
    logger.info("outbox relay listening")


async def shutdown(ctx: dict[str, Any]) -> None:
    task: asyncio.Task[None] | None = ctx.get("relay_task")
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await notify_close(ctx)
    if "engine" in ctx:
        await ctx["engine"].dispose()


def redis_settings() -> RedisSettings:
    url = get_settings().REDIS_URL
    if not url:
        raise RuntimeError("FINCLOUD_REDIS_URL must be set")
    return RedisSettings.from_dsn(url)


class WorkerSettings:
    functions: list[Callable[..., Any]] = [
        email_on_identity_request,
        portfolio_on_account_changed,
        notification_on_member_changed,
        purge_household,
        fx_rates_fetch,
        budget_on_transaction_event,
        recurring_materialize,
        files_export,
        import_commit,
        news_fetch,
        prices_update,
        notify_on_event,
        deliver,
        notify_channel_verification,
    ]
    cron_jobs = [
        cron(outbox_sweep, second={0, 15, 30, 45}, run_at_startup=True, unique=True, timeout=60),
        # At half past every hour: fetches once the ECB has published (16:00 CET), a cheap check otherwise.
        cron(fx_rates_cron, minute={30}, run_at_startup=True, unique=True, timeout=300),
        # Recurring transactions due today, just after midnight UTC (and at start-up, to catch up after downtime).
        cron(recurring_cron, hour={0}, minute={5}, run_at_startup=True, unique=True, timeout=1800),
        cron(budget_receipts_prune, hour={3}, minute={15}, unique=True, timeout=300),
        # Expired exports and objects of deleted rows (and purged households) leave object storage.
        cron(files_sweep, second={5}, run_at_startup=True, unique=True, timeout=600),
        # News at twenty past every hour; unchanged feeds answer 304.
        cron(news_cron, minute={20}, run_at_startup=False, unique=True, timeout=600),
        # Prices at the top of every hour (and at start-up); a quote fetched within the hour is reused from Redis.
        cron(prices_cron, minute={0}, run_at_startup=True, unique=True, timeout=1800),
        # Notifications: deliveries whose job was lost, every minute; digests of what quiet hours or a rate cap held,
        # hourly; Telegram chats asking to be linked, every 10 seconds (nothing without a bot token).
        cron(notify_sweep, second={40}, run_at_startup=True, unique=True, timeout=120),
        cron(notify_digest, minute={0}, second={10}, run_at_startup=True, unique=True, timeout=1800),
        cron(notify_telegram_link, second={0, 10, 20, 30, 40, 50}, unique=True, timeout=60),
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = ARQ_QUEUE
    job_serializer = staticmethod(serialize_job)
    job_deserializer = staticmethod(deserialize_job)
    max_tries = 5
    poll_delay = 0.1
    keep_result = 3600
    health_check_interval = 10

    @classmethod
    def with_redis(cls) -> type[WorkerSettings]:
        cls.redis_settings = redis_settings()  # type: ignore[attr-defined]
        cls.max_jobs = get_settings().WORKER_CONCURRENCY  # type: ignore[attr-defined]
        return cls
