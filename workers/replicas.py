"""Jobs that keep one subgraph's replica of another's data, fed by events."""

from __future__ import annotations

import logging
from typing import Any

from fincloud.events import Event
from subgraphs.notification.services.members import apply_member_changed
from subgraphs.portfolio.services.budget_accounts import apply_account_changed

logger = logging.getLogger(__name__)


async def portfolio_on_account_changed(ctx: dict[str, Any], event_json: str) -> bool:
    """Bring portfolio's replica of a budget account up to the event; a replayed or older event changes nothing."""
    event = Event.from_json(event_json)
    async with ctx["sessionmaker"]() as session, session.begin():
        applied = await apply_account_changed(session=session, event=event)
    logger.info(
        "budget account replicated",
        extra={"event_id": str(event.id), "account_id": str(event.payload.get("account_id")), "applied": applied},
    )
    return applied


async def notification_on_member_changed(ctx: dict[str, Any], event_json: str) -> bool:
    """Bring notification's replica of a household member up to the event; a replayed or older event changes
    nothing."""
    event = Event.from_json(event_json)
    async with ctx["sessionmaker"]() as session, session.begin():
        applied = await apply_member_changed(session=session, event=event)
    logger.info(
        "household member replicated",
        extra={
            "event_id": str(event.id),
            "household_id": str(event.payload.get("household_id")),
            "user_id": str(event.payload.get("user_id")),
            "applied": applied,
        },
    )
    return applied
