"""The budget's files in the worker: large exports are written, expired exports go, queued objects are removed."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fincloud.config import get_settings
from fincloud.db import utcnow
from fincloud.events import Event
from fincloud.storage import ObjectStore, store_from_settings
from subgraphs.budget.files.exports import complete_export
from subgraphs.budget.files.objects import expire_exports, remove_queued_objects

logger = logging.getLogger(__name__)


def _store(ctx: dict[str, Any]) -> ObjectStore:
    store: ObjectStore | None = ctx.get("store")
    return store if store is not None else store_from_settings(get_settings())


async def files_export(ctx: dict[str, Any], event_json: str) -> str | None:
    """Write a large export the user asked for (event ``budget.export_requested``); idempotent."""
    event = Event.from_json(event_json)
    export = await complete_export(
        sessionmaker=ctx["sessionmaker"],
        store=_store(ctx),
        export_id=uuid.UUID(str(event.payload["export_id"])),
        now=utcnow(),
    )
    return export.status if export is not None else None


async def files_sweep(ctx: dict[str, Any]) -> int:
    """Delete exports past their retention, then remove every queued object (deleted exports and attachments, purged
    households) from storage. Returns how many objects or prefixes were removed. Safe to run concurrently."""
    store = _store(ctx)
    async with ctx["sessionmaker"]() as session, session.begin():
        expired = await expire_exports(session=session, now=utcnow())
    removed = await remove_queued_objects(sessionmaker=ctx["sessionmaker"], store=store)
    if expired or removed:
        logger.info("stored files swept", extra={"exports_expired": expired, "objects_removed": removed})
    return removed
