"""The outbox relay inside the worker: a LISTEN loop for immediate delivery, and a cron sweep as safety net."""

from __future__ import annotations

import logging
from typing import Any

from arq import ArqRedis

from fincloud.constants import SUBGRAPHS
from fincloud.events import Event, OutboxRelay
from workers.routes import EVENT_JOBS

logger = logging.getLogger(__name__)


def make_relay(ctx: dict[str, Any]) -> OutboxRelay:
    pool: ArqRedis = ctx["redis"]

    async def dispatch(event: Event) -> None:
        for job in EVENT_JOBS.get(event.topic, ()):
            await pool.enqueue_job(job, event.to_json(), _job_id=f"{job}:{event.id}")

    async def publish(channel: str, message: str) -> None:
        await pool.publish(channel, message)

    return OutboxRelay(engine=ctx["engine"], schemas=SUBGRAPHS, publish=publish, dispatch=dispatch)


async def outbox_sweep(ctx: dict[str, Any]) -> int:
    """Publish events the live relay missed (it was down, or a NOTIFY was lost)."""
    relay: OutboxRelay = ctx["relay"]
    return await relay.sweep()
