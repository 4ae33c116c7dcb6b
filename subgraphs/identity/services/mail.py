"""Emails identity needs sent (verification, password reset, invitations). They leave through the outbox as
``identity.email_requested`` events for the notification subgraph's email channel to deliver; in dev the link is
also logged, so a local user can follow it without a mail server."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_EMAIL_REQUESTED
from fincloud.events import write_event
from subgraphs.identity.models import outbox

__all__ = ["request_email"]

logger = logging.getLogger(__name__)


async def request_email(
    session: AsyncSession,
    *,
    to: str,
    template: str,
    token: str,
    household_id: uuid.UUID | None = None,
    dev: bool = False,
) -> None:
    """Queue an email carrying a single-use ``token`` (in the caller's transaction)."""
    await write_event(
        session,
        outbox,
        topic=TOPIC_EMAIL_REQUESTED,
        household_id=household_id,
        payload={"to": to, "template": template, "token": token},
    )
    if dev:
        logger.warning("email to %s (%s): token %s", to, template, token)
