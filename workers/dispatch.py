"""Notification jobs fed by events."""

from __future__ import annotations

import logging
from typing import Any

from fincloud.events import Event
from subgraphs.notification.services.inbox import record_transaction_created

logger = logging.getLogger(__name__)


async def inbox_on_transaction_created(ctx: dict[str, Any], event_json: str) -> bool:
    """Put a recorded transaction in its household's inbox (idempotent by event id)."""
    event = Event.from_json(event_json)
    async with ctx["sessionmaker"]() as session, session.begin():
        added = await record_transaction_created(session=session, event=event)
    logger.info("inbox item", extra={"event_id": str(event.id), "added": added})
    return added
