"""The outbox relay inside the worker: a LISTEN loop for immediate delivery, and a cron sweep as safety net.

The sweep also notices when Redis has lost its data (restarted without persistence, a lost volume, ``FLUSHALL``):
the jobs it held are gone, and for events the relay had already published nothing would run them. A marker key
lives in Redis for as long as its data does; when the sweep finds it missing (at the worker's start too), it sets it
again and enqueues the jobs of every event published in the last ``REDRIVE_WINDOW`` once more. Jobs are idempotent
by event id, so those that had run do nothing; ``routes.NOT_REDRIVEN`` ones are left out. Several workers may notice
at once: only the one that sets the marker re-enqueues."""

from __future__ import annotations

import logging
from typing import Any

from arq import ArqRedis

from fincloud.constants import SUBGRAPHS
from fincloud.events import Event, OutboxRelay
from workers.routes import EVENT_JOBS, NOT_REDRIVEN

logger = logging.getLogger(__name__)

REDIS_MARKER = "fincloud:redis-marker"
REDRIVE_WINDOW_SECONDS = 15 * 60
"""How far back the jobs of published events are enqueued again when Redis lost its data: longer than any queue
backlog FinCloud expects."""


async def enqueue_event_jobs(pool: ArqRedis, event: Event, *, skip: frozenset[str] = frozenset()) -> None:
    """Enqueue the jobs that consume ``event`` (``routes.EVENT_JOBS``), once each: job id = name + event id."""
    for job in EVENT_JOBS.get(event.topic, ()):
        if job not in skip:
            await pool.enqueue_job(job, event.to_json(), _job_id=f"{job}:{event.id}")


def make_relay(ctx: dict[str, Any]) -> OutboxRelay:
    pool: ArqRedis = ctx["redis"]

    async def dispatch(event: Event) -> None:
        await enqueue_event_jobs(pool, event)

    async def publish(channel: str, message: str) -> None:
        await pool.publish(channel, message)

    return OutboxRelay(engine=ctx["engine"], schemas=SUBGRAPHS, publish=publish, dispatch=dispatch)


async def redrive_if_redis_lost(ctx: dict[str, Any]) -> int:
    """Enqueue the recent events' jobs again when Redis has lost its data; returns how many events (0: nothing lost)."""
    pool: ArqRedis = ctx["redis"]
    if not await pool.set(REDIS_MARKER, "1", nx=True):
        return 0
    relay: OutboxRelay = ctx["relay"]

    async def enqueue(event: Event) -> None:
        await enqueue_event_jobs(pool, event, skip=NOT_REDRIVEN)

    count = await relay.redispatch(within_seconds=REDRIVE_WINDOW_SECONDS, dispatch=enqueue)
    logger.warning(
        "Redis holds no FinCloud data (it restarted empty, or this is its first use): the jobs of recent events are "
        "enqueued again",
        extra={"events": count, "window_seconds": REDRIVE_WINDOW_SECONDS},
    )
    return count


async def outbox_sweep(ctx: dict[str, Any]) -> int:
    """Publish events the live relay missed (it was down, or a NOTIFY was lost), after re-enqueueing recent events'
    jobs if Redis lost them."""
    await redrive_if_redis_lost(ctx)
    relay: OutboxRelay = ctx["relay"]
    return await relay.sweep()
