"""Notification jobs: from an event to delivered notifications (``services/dispatch.py`` says who gets what, where).

- ``notify_on_event`` (every notifiable topic, ``workers/routes.py``): the event's notifications and deliveries in one
  transaction, then one ``deliver`` job per pending delivery, enqueued after the commit with job id
  ``deliver:<delivery id>``: a job run again (arq retries, the relay delivers an event twice) creates nothing and
  enqueues nothing twice.
- ``deliver``: one try of one delivery. The outcome is recorded in the delivery's row (status, attempts, last error,
  delivery time, latency); a failed try is tried again after an exponential backoff with full jitter (2 s doubling
  up to 10 minutes, longer if the receiver asked) by a new job deferred that long, until ``NOTIFY_MAX_ATTEMPTS``
  tries, then the delivery is dead. The count of tries lives in the row, not in arq. A delivery recorded as sent is
  never sent again; but a crash after the receiver accepted it and before the commit sends it again: delivery is at
  least once, and webhooks carry stable ids (``X-FinCloud-Delivery``) for receivers to drop duplicates.
- ``notify_sweep`` (every minute): enqueues deliveries whose job was lost (a crash between commit and enqueue, a
  flushed Redis), under the same job ids, so a job still queued is not doubled.
- ``notify_digest`` (hourly): one message per user and channel listing what quiet hours or a rate cap held, once
  the user's quiet hours are over.
- ``notify_telegram_link`` (every 10 seconds, with a bot configured): reads ``/start <token>`` messages from
  Telegram and links each chat to its channel; the update offset is kept in Redis.
- ``notify_channel_verification``: mails the code that proves a new email channel.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import uuid
from typing import Any

import httpx
from arq import ArqRedis, Retry

from fincloud.config import Settings, get_settings
from fincloud.constants import NOTIFY_TELEGRAM_OFFSET_KEY, TOPIC_CHANNEL_VERIFICATION_REQUESTED
from fincloud.events import Event
from subgraphs.notification.channels.base import Message, NotificationChannel, PermanentError, TemporaryError
from subgraphs.notification.channels.email import EmailChannel
from subgraphs.notification.channels.registry import load_channels
from subgraphs.notification.channels.telegram import send_html, telegram_updates
from subgraphs.notification.services.channels import CODE_TTL, issue_verification_code, link_telegram_chat
from subgraphs.notification.services.dispatch import (
    DELIVER_JOB,
    RecipientsUnknownError,
    deliver_job_id,
    digest_groups,
    lost_deliveries,
    notify,
    pending_deliveries_of_event,
    send_delivery,
    send_digest,
)

__all__ = [
    "deliver",
    "notify_channel_verification",
    "notify_close",
    "notify_digest",
    "notify_on_event",
    "notify_sweep",
    "notify_telegram_link",
]

logger = logging.getLogger(__name__)

RECIPIENT_TRIES = 5
"""How many times ``notify_on_event`` looks for the household's members in the replica (waiting 2 s, 4 s, 6 s and
8 s between)."""
VERIFICATION_RETRY_SECONDS = 30
RESCUE_AFTER = dt.timedelta(minutes=3)
"""A delivery due this long whose job id arq still holds gets a rescue job (``notify_sweep``)."""


def _settings(ctx: dict[str, Any]) -> Settings:
    settings: Settings = ctx.get("settings") or get_settings()
    return settings


def channels_of(ctx: dict[str, Any]) -> dict[str, NotificationChannel]:
    """The installed channel plugins, loaded once per worker (tests put their own in ``ctx["channels"]``)."""
    if "channels" not in ctx:
        ctx["channels"] = load_channels(_settings(ctx))
    channels: dict[str, NotificationChannel] = ctx["channels"]
    return channels


def http_of(ctx: dict[str, Any]) -> httpx.AsyncClient:
    """The worker's HTTP client for channel plugins (Telegram, and any plugin that uses the one given)."""
    client: httpx.AsyncClient | None = ctx.get("notify_http")
    if client is None or client.is_closed:
        client = httpx.AsyncClient(timeout=_settings(ctx).NOTIFY_HTTP_TIMEOUT_SECONDS, trust_env=False)
        ctx["notify_http"] = client
    return client


async def notify_close(ctx: dict[str, Any]) -> None:
    """Close the HTTP client (worker shutdown)."""
    client: httpx.AsyncClient | None = ctx.pop("notify_http", None)
    if client is not None:
        await client.aclose()


async def _enqueue_first_tries(pool: ArqRedis, delivery_ids: list[uuid.UUID]) -> None:
    for delivery_id in delivery_ids:
        await pool.enqueue_job(DELIVER_JOB, str(delivery_id), _job_id=deliver_job_id(delivery_id))


async def notify_on_event(ctx: dict[str, Any], event_json: str, waited: int = 0) -> int:
    """Notify whom the event concerns; returns the deliveries created (0 when the event was handled before).

    When the member replica has not heard of the household yet (the event overtook identity's), the job comes back
    after 2, 4, 6, 8 seconds (``waited`` counts the waits), then gives up with a warning. Run outside the worker
    with only a ``sessionmaker`` (a test, a script), it records the notifications and leaves sending to the worker:
    every kind of channel counts as installed, and the sweep enqueues the deliveries."""
    event = Event.from_json(event_json)
    facts = {"event_id": str(event.id), "topic": event.topic}
    in_worker = "settings" in ctx or "channels" in ctx
    pool: ArqRedis | None = ctx.get("redis")
    try:
        async with ctx["sessionmaker"]() as session, session.begin():
            created = await notify(
                session=session,
                event=event,
                channels_available=set(channels_of(ctx)) if in_worker else None,
                app_url=_settings(ctx).public_url if "settings" in ctx else None,
            )
    except RecipientsUnknownError as exc:
        if pool is not None and waited + 1 < RECIPIENT_TRIES:
            await pool.enqueue_job(
                "notify_on_event",
                event_json,
                waited + 1,
                _job_id=f"notify_on_event:{event.id}:wait{waited + 1}",
                _defer_by=2 * (waited + 1),
            )
            logger.info("members not known yet; notified later", extra={**facts, "waited": waited})
        else:
            logger.warning("nobody to notify: the household's members are unknown", extra={**facts, "error": str(exc)})
        return 0
    if pool is not None:
        # Also the pending deliveries of an earlier run that crashed before enqueueing: their job ids are the same.
        async with ctx["sessionmaker"]() as session:
            pending = await pending_deliveries_of_event(session=session, event_id=event.id)
        await _enqueue_first_tries(pool, pending)
    statuses: dict[str, int] = {}
    for delivery in created:
        statuses[delivery.status] = statuses.get(delivery.status, 0) + 1
    logger.info("notified", extra={**facts, "deliveries": statuses})
    return len(created)


async def deliver(ctx: dict[str, Any], delivery_id: str) -> str:
    """One try of one delivery; returns its status afterwards (``busy`` when another job holds it)."""
    settings = _settings(ctx)
    async with ctx["sessionmaker"]() as session, session.begin():
        attempt = await send_delivery(
            session=session,
            delivery_id=uuid.UUID(delivery_id),
            channels=channels_of(ctx),
            client=http_of(ctx),
            max_attempts=settings.NOTIFY_MAX_ATTEMPTS,
        )
    facts = {"delivery_id": delivery_id, "status": attempt.status, "attempts": attempt.attempts}
    if attempt.tried and attempt.status == "failed" and attempt.retry_in is not None:
        await ctx["redis"].enqueue_job(
            DELIVER_JOB,
            delivery_id,
            _job_id=deliver_job_id(delivery_id, attempt.attempts),
            _defer_by=attempt.retry_in,
        )
        logger.info(
            "delivery failed; tried again later", extra={**facts, "error": attempt.error, "in": attempt.retry_in}
        )
    elif attempt.status == "dead":
        logger.warning("delivery given up", extra={**facts, "error": attempt.error})
    else:
        logger.info("delivery", extra=facts)
    return attempt.status


async def notify_sweep(ctx: dict[str, Any]) -> int:
    """Enqueue deliveries due for a try whose job was lost; returns how many were looked at.

    Each is enqueued under its usual job id, which arq refuses while that job exists: a job still queued (or running,
    or held by the lease of a killed worker, ``workers/runner.py``) is not doubled. But a finished job's id is kept
    with its result for an hour (a try that crashed on an error, not on a failed send); a delivery still due
    ``RESCUE_AFTER`` later gets one more job under a rescue id. A rescue that meets the original is harmless: the
    row is locked while sent, and a sent delivery is never sent again."""
    now = dt.datetime.now(dt.UTC)
    async with ctx["sessionmaker"]() as session:
        lost = await lost_deliveries(session=session, now=now)
    pool: ArqRedis = ctx["redis"]
    rescued = 0
    for delivery_id, attempts, due_since in lost:
        job_id = deliver_job_id(delivery_id, attempts)
        job = await pool.enqueue_job(DELIVER_JOB, str(delivery_id), _job_id=job_id)
        if job is None and due_since <= now - RESCUE_AFTER:
            rescue = await pool.enqueue_job(DELIVER_JOB, str(delivery_id), _job_id=f"{job_id}:rescue")
            rescued += rescue is not None
    if lost:
        logger.info("deliveries swept", extra={"count": len(lost), "rescued": rescued})
    return len(lost)


async def notify_digest(ctx: dict[str, Any]) -> int:
    """Send each user outside quiet hours one digest per channel of what was held; returns digests sent."""
    async with ctx["sessionmaker"]() as session:
        groups = await digest_groups(session=session)
    sent = 0
    for user_id, channel_id in groups:
        async with ctx["sessionmaker"]() as session, session.begin():
            attempt = await send_digest(
                session=session, user_id=user_id, channel_id=channel_id, channels=channels_of(ctx), client=http_of(ctx)
            )
        facts = {"user_id": str(user_id), "channel_id": str(channel_id), "status": attempt.status}
        if attempt.status == "digested":
            sent += 1
            logger.info("digest sent", extra={**facts, "deliveries": attempt.attempts})
        elif attempt.error:
            logger.warning("digest not sent", extra={**facts, "error": attempt.error})
    return sent


async def notify_telegram_link(ctx: dict[str, Any]) -> int:
    """Link the Telegram chats that sent the bot ``/start <token>``; returns how many were linked."""
    settings = _settings(ctx)
    if not settings.TELEGRAM_BOT_TOKEN.get_secret_value():
        return 0
    redis: ArqRedis = ctx["redis"]
    client = http_of(ctx)
    offset = int(await redis.get(NOTIFY_TELEGRAM_OFFSET_KEY) or 0)
    try:
        updates = await telegram_updates(client, settings, offset)
    except TemporaryError as exc:
        logger.warning("Telegram updates not read", extra={"error": str(exc)})
        return 0
    linked: list[int] = []
    unknown: list[int] = []
    async with ctx["sessionmaker"]() as session, session.begin():
        for request in updates:
            channel = await link_telegram_chat(session=session, token=request.token, chat_id=request.chat_id)
            (linked if channel is not None else unknown).append(request.chat_id)
    # Stored after the commit: read again after a crash, a used token links nothing.
    await redis.set(NOTIFY_TELEGRAM_OFFSET_KEY, updates.next_offset)
    replies = [(chat, "FinCloud will send your notifications to this chat.") for chat in linked] + [
        (chat, "This link was used already or is not known. Add the Telegram channel in FinCloud again.")
        for chat in unknown
    ]
    for chat_id, text in replies:
        try:
            await send_html(client, settings, chat_id=chat_id, text=html.escape(text, quote=False))
        except (TemporaryError, PermanentError) as exc:
            logger.info("Telegram reply not sent", extra={"error": str(exc)})
    if linked:
        logger.info("Telegram chats linked", extra={"count": len(linked)})
    return len(linked)


async def notify_channel_verification(ctx: dict[str, Any], event_json: str) -> bool:
    """Mail a fresh code to a new email channel's address; ``True`` when it left. Each run makes a new code (the
    previous one stops working), so a retried job mails a code that works."""
    event = Event.from_json(event_json)
    settings = _settings(ctx)
    email = EmailChannel(settings)
    async with ctx["sessionmaker"]() as session, session.begin():
        issued = await issue_verification_code(session=session, channel_id=uuid.UUID(str(event.payload["channel_id"])))
    if issued is None:
        return False
    channel, code = issued
    address = str((channel.config or {}).get("address") or "")
    if not email.configured:
        if settings.ENV == "dev":
            logger.warning("no SMTP server: the code for %s is %s", address, code)
        else:
            logger.warning("no SMTP server is configured (FINCLOUD_SMTP_HOST); channel code not sent")
        return False
    hours = int(CODE_TTL.total_seconds() // 3600)
    body = (
        f"Your code is {code}.\nEnter it in FinCloud to receive notifications at this address. It works for "
        f"{hours} hours. If you did not ask for it, ignore this email."
    )
    message = Message(
        notification_id=str(event.id),
        event_id=str(event.id),
        event_type=TOPIC_CHANNEL_VERIFICATION_REQUESTED,
        household_id=str(channel.household_id),
        occurred_at=event.occurred_at,
        title=f"Your FinCloud code: {code}",
        body=body,
        html="".join(f"<p>{html.escape(line)}</p>" for line in body.split("\n")),
        url=None,
        locale="en",
    )
    try:
        await email.deliver(message, address, unsubscribe=False)
    except TemporaryError as exc:
        raise Retry(defer=exc.retry_after or VERIFICATION_RETRY_SECONDS * int(ctx.get("job_try") or 1)) from exc
    except PermanentError as exc:
        logger.warning("channel code refused by the mail server", extra={"error": str(exc)})
        return False
    return True
