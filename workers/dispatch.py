"""Notification jobs fed by events."""

from __future__ import annotations

import logging
from typing import Any

from arq import Retry

from fincloud.config import Settings
from fincloud.constants import TOPIC_EMAIL_REQUESTED
from fincloud.events import Event
from subgraphs.notification.channels.base import Message, PermanentError, TemporaryError
from subgraphs.notification.channels.email import EmailChannel
from subgraphs.notification.templates import render

logger = logging.getLogger(__name__)


IDENTITY_EMAIL_RETRY_SECONDS = 30
"""A temporary failure (the mail server down) is retried after this long times the attempt number, unless the
server said how long to wait; arq gives up after ``WorkerSettings.max_tries``."""


async def email_on_identity_request(ctx: dict[str, Any], event_json: str) -> bool:
    """Send the account email (address verification, password reset, invitation) an ``identity.email_requested``
    event asks for (payload ``to``, ``template``, ``token``), through the email channel; ``True`` when it was sent.

    Without ``SMTP_HOST`` it is logged and skipped (in dev, identity has logged the link already). Delivery is at
    least once: the relay enqueues this job once per event, but a retry after the server accepted the email and
    before the job finished sends it again, with the same ``Message-ID`` (the event id), so that the mail system can
    recognise the duplicate; no record of sent events is kept."""
    event = Event.from_json(event_json)
    settings: Settings = ctx["settings"]
    template = str(event.payload.get("template"))
    facts = {"event_id": str(event.id), "template": template}
    channel = EmailChannel(settings)
    if not channel.configured:
        (logger.warning if settings.ENV == "production" else logger.info)(
            "no SMTP server is configured (FINCLOUD_SMTP_HOST); account email not sent", extra=facts
        )
        return False
    rendered = render(
        TOPIC_EMAIL_REQUESTED,
        event.payload,
        locale="en",
        time_zone="UTC",
        app_url=settings.public_url,
        occurred_at=event.occurred_at,
    )
    message = Message(
        notification_id=str(event.id),
        event_id=str(event.id),
        event_type=event.topic,
        household_id=str(event.household_id or ""),
        occurred_at=event.occurred_at,
        title=rendered.title,
        body=rendered.body,
        html=rendered.html,
        url=None,  # the link carries the token; it is in the body only
        locale="en",
    )
    try:
        await channel.deliver(message, str(event.payload.get("to") or ""), unsubscribe=False)
    except TemporaryError as exc:
        defer = exc.retry_after or IDENTITY_EMAIL_RETRY_SECONDS * int(ctx.get("job_try", 1))
        logger.warning("account email not sent; retried later", extra={**facts, "error": str(exc), "defer": defer})
        raise Retry(defer=defer) from exc
    except PermanentError as exc:
        logger.error("account email refused", extra={**facts, "error": str(exc)})
        return False
    logger.info("account email sent", extra=facts)
    return True
