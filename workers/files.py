"""Object storage upkeep for the budget's files: expired exports go, and every queued object is removed."""

from __future__ import annotations

import logging
from typing import Any

from fincloud.config import get_settings
from fincloud.db import utcnow
from fincloud.storage import ObjectStore, store_from_settings
from subgraphs.budget.files.objects import expire_exports, remove_queued_objects

logger = logging.getLogger(__name__)


async def files_sweep(ctx: dict[str, Any]) -> int:
    """Delete exports past their retention, then remove every queued object (deleted exports and attachments, purged
    households) from storage. Returns how many objects or prefixes were removed. Safe to run concurrently."""
    store: ObjectStore = ctx.get("store") or store_from_settings(get_settings())
    async with ctx["sessionmaker"]() as session, session.begin():
        expired = await expire_exports(session=session, now=utcnow())
    removed = await remove_queued_objects(sessionmaker=ctx["sessionmaker"], store=store)
    if expired or removed:
        logger.info("stored files swept", extra={"exports_expired": expired, "objects_removed": removed})
    return removed
