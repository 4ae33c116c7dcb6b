"""Statement imports: the commit of a dry run, requested through the outbox (``budget.import_commit_requested``)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fincloud.config import Settings, get_settings
from fincloud.constants import import_progress_channel
from fincloud.events import Event
from fincloud.storage import ObjectStore, store_from_settings
from subgraphs.budget.imports.progress import Progress
from subgraphs.budget.imports.service import run_commit

__all__ = ["import_commit"]

logger = logging.getLogger(__name__)


def _store(ctx: dict[str, Any]) -> ObjectStore:
    """The worker's object store; ``ctx["store"]`` (a test, a one-off run) takes precedence."""
    store = ctx.get("store")
    if store is None:
        settings = ctx.get("settings")
        store = ctx["store"] = store_from_settings(settings if isinstance(settings, Settings) else get_settings())
    return store


async def import_commit(ctx: dict[str, Any], event_json: str) -> str | None:
    """Commit the import named by the event, publishing progress on its Redis channel; returns its status.
    A repeated delivery finds the batch no longer queued and does nothing."""
    event = Event.from_json(event_json)
    import_id = uuid.UUID(str(event.payload["import_id"]))
    redis = ctx.get("redis")

    async def publish(progress: Progress) -> None:
        if redis is not None:
            await redis.publish(import_progress_channel(import_id), progress.to_json())

    batch = await run_commit(sessionmaker=ctx["sessionmaker"], store=_store(ctx), import_id=import_id, publish=publish)
    status = batch.status if batch is not None else "failed"
    logger.info("import commit", extra={"import_id": str(import_id), "status": status})
    return status
