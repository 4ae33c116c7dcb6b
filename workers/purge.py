"""A deleted household's data goes from every subgraph, each through its own service."""

from __future__ import annotations

import logging
from typing import Any

from fincloud.events import Event
from subgraphs.budget.imports.service import purge_import_files
from subgraphs.budget.services.purge import purge_household as purge_budget
from subgraphs.notification.services.purge import purge_household as purge_notification
from subgraphs.portfolio.services.purge import purge_household as purge_portfolio

logger = logging.getLogger(__name__)


async def purge_household(ctx: dict[str, Any], event_json: str) -> int:
    event = Event.from_json(event_json)
    if event.household_id is None:
        return 0
    async with ctx["sessionmaker"]() as session, session.begin():
        deleted = 0
        for purge in (purge_notification, purge_portfolio, purge_budget):
            deleted += await purge(session=session, household_id=event.household_id)
    logger.info("household purged", extra={"household_id": str(event.household_id), "rows": deleted})
    # The raw statements its imports kept in object storage (after the rows: a retry finds them again if this fails).
    store = ctx.get("store")
    if store is not None:
        await purge_import_files(store=store, household_id=event.household_id)
    return deleted
