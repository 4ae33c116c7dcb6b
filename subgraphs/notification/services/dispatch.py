"""From an event to notifications and their deliveries, and from a delivery to a channel. Keyword-only async
functions; no GraphQL here. Callers own the transaction.

Who is told, and where
----------------------
A notifiable event (``NOTIFIABLE_TOPICS``) becomes one ``Notification`` per recipient: price and portfolio alerts
name theirs in the payload (``user_id``, who set the alert up); every other event goes to each current member of
its household, as far as notification's replica of the members knows them (``services.members``). A member removed
since is told nothing. Each notification is rendered once, in the recipient's locale and time zone
(``UserSettings``; English and UTC when they never chose), and ``(event_id, user_id)`` is unique: an event
delivered twice notifies nobody twice.

The channels of a notification are the recipient's ``Preference`` for the event type in that household when they
set one (the channels listed there that are still theirs, active and verified), else the default of the event type:

==================================  =====================================================================
event type                          default
==================================  =====================================================================
budget threshold exceeded           the inbox and every active, verified channel of the user
price alert, portfolio alert        the inbox and every active, verified channel of the user
recurring transaction due           the inbox and every active, verified channel of the user
transaction created                 the inbox only (one per transaction: too many for a phone)
import completed                    the inbox only (the user started it and watches it in the app)
==================================  =====================================================================

A preference can also keep an event type out of the inbox; a recipient who wants it nowhere gets no notification.

Holding for a digest
--------------------
During the recipient's quiet hours (``quiet_start`` to ``quiet_end`` in their time zone, across midnight when the
start is later) a delivery is created ``held``, with ``next_attempt_at`` at the end of the window. Outside them, a
channel that already took ``hourly_cap`` deliveries in the last 60 minutes gets the next one ``held`` too (until the
next full hour). The count is made in SQL, over the ``deliveries`` of the last hour (the rows are the record anyway,
and the channels' rows are locked while counting, so two workers cannot both take the last place); held, digested
and skipped deliveries do not count. The digest cron (``digest_groups`` and ``send_digest``) sends each user one
message per channel listing what was held, once they are outside quiet hours, and marks those deliveries
``digested``.

Sending
-------
``send_delivery`` sends one pending delivery through its channel's plugin with the row locked, and records the
outcome: ``sent`` (with ``delivered_at`` and ``latency_ms`` from the event's ``occurred_at``), ``failed`` with a
``next_attempt_at`` after ``retry_delay`` (exponential backoff with full jitter), ``dead`` after the last attempt
or on a ``PermanentError``. The attempt count lives in the row. A delivery recorded as sent is never sent again;
the send and the record are not atomic, so a crash between the receiver's acceptance and the commit sends it once
more (at least once: webhooks carry the notification's and the channel's stable ids so receivers de-duplicate).

What a notification keeps
-------------------------
``Notification.data`` holds ``payload`` (the event's payload, for channels that send structured data), ``html`` and
``url`` (the rendered message's), ``locale``, ``time_zone`` and ``occurred_at`` (the event's, for latency).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import logging
import secrets
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import (
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_IMPORT_COMPLETED,
    TOPIC_NOTIFICATION_CREATED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_RECURRING_DUE,
    TOPIC_TRANSACTION_CREATED,
)
from fincloud.db import utcnow
from fincloud.events import Event, dumps, write_event
from subgraphs.notification import templates
from subgraphs.notification.channels.base import (
    Message,
    NotificationChannel,
    PermanentError,
    Target,
    TemporaryError,
)
from subgraphs.notification.models import Channel, Delivery, Member, Notification, Preference, UserSettings, outbox
from subgraphs.notification.services.members import member, members_of

__all__ = [
    "DEFAULT_HOURLY_CAP",
    "DEFAULT_TO_ALL_CHANNELS",
    "DELIVER_JOB",
    "NOTIFIABLE_TOPICS",
    "RETRY_BASE_SECONDS",
    "RETRY_CAP_SECONDS",
    "Attempt",
    "DeliveryNotReplayableError",
    "RecipientsUnknownError",
    "deliver_job_id",
    "digest_groups",
    "effective_settings",
    "lost_deliveries",
    "notify",
    "pending_deliveries_of_event",
    "quiet_until",
    "replay_delivery",
    "retry_delay",
    "send_delivery",
    "send_digest",
]

logger = logging.getLogger(__name__)

NOTIFIABLE_TOPICS: frozenset[str] = frozenset(
    {
        TOPIC_BUDGET_THRESHOLD_EXCEEDED,
        TOPIC_TRANSACTION_CREATED,
        TOPIC_IMPORT_COMPLETED,
        TOPIC_RECURRING_DUE,
        TOPIC_PRICE_ALERT,
        TOPIC_PORTFOLIO_ALERT,
    }
)
"""The event topics that notify someone."""

PERSONAL_TOPICS: frozenset[str] = frozenset({TOPIC_PRICE_ALERT, TOPIC_PORTFOLIO_ALERT})
"""Topics whose payload names the one user to notify (``user_id``); the others notify the whole household."""

DEFAULT_TO_ALL_CHANNELS: frozenset[str] = frozenset(
    {TOPIC_BUDGET_THRESHOLD_EXCEEDED, TOPIC_PRICE_ALERT, TOPIC_PORTFOLIO_ALERT, TOPIC_RECURRING_DUE}
)
"""Without a preference, these go to every active, verified channel of the user; the rest to the inbox only."""

DEFAULT_HOURLY_CAP = 20
RETRY_BASE_SECONDS = 2.0
RETRY_CAP_SECONDS = 600.0
RETRY_AFTER_LIMIT_SECONDS = 86_400.0
"""A receiver's ``Retry-After`` is honoured up to a day."""
SEND_DEADLINE_SECONDS = 120.0
"""One send may take this long in all (a plugin has its own, shorter timeouts); longer counts as a failed try."""
EARLY_SLACK = dt.timedelta(seconds=5)
"""A delivery job that runs this much before the row's ``next_attempt_at`` leaves it to the job scheduled then."""
COUNTED_STATUSES = ("pending", "sent", "failed", "dead")
"""Deliveries that count against a channel's hourly cap."""
ERROR_LIMIT = 1000

_random = secrets.SystemRandom()

DELIVER_JOB = "deliver"
"""The worker job that sends one delivery (``workers/notify.py``)."""


def deliver_job_id(delivery_id: uuid.UUID | str, attempts: int = 0, *, replay: str | None = None) -> str:
    """The arq job id of a delivery's next try: ``deliver:<id>`` for the first, ``deliver:<id>:<n>`` after ``n``
    failed tries, ``deliver:<id>:replay:<nonce>`` for a replay. arq refuses a job id it still knows (queued, or its
    result kept), so enqueueing the same try twice sends it once."""
    if replay is not None:
        return f"{DELIVER_JOB}:{delivery_id}:replay:{replay}"
    return f"{DELIVER_JOB}:{delivery_id}" if attempts == 0 else f"{DELIVER_JOB}:{delivery_id}:{attempts}"


class RecipientsUnknownError(Exception):
    """The replica of the household's members has not heard of the household (or of the alert's owner) yet: the
    event may have overtaken identity's, so try again shortly."""


class DeliveryNotReplayableError(Exception):
    """Only a dead or failed delivery can be sent again by hand."""


# ---------------------------------------------------------------------------------------------------------------
# Settings and quiet hours.


def effective_settings(row: UserSettings | None, user_id: uuid.UUID) -> UserSettings:
    """The user's delivery settings, or the defaults (not added to any session) when they never chose."""
    if row is not None:
        return row
    return UserSettings(
        user_id=user_id, time_zone="UTC", locale="en", quiet_start=None, quiet_end=None, hourly_cap=DEFAULT_HOURLY_CAP
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(settings: UserSettings, now: dt.datetime) -> dt.datetime | None:
    """When the user's quiet hours end (UTC), if ``now`` is inside them; ``None`` outside them or without any.

    The window is ``[quiet_start, quiet_end)`` in the user's time zone; a start later than the end spans midnight
    (22:00 to 07:00). Equal times mean no quiet hours."""
    start, end = settings.quiet_start, settings.quiet_end
    if start is None or end is None or start == end:
        return None
    zone = _zone(settings.time_zone)
    local = now.astimezone(zone)
    moment = local.time().replace(tzinfo=None)
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    day = local.date() if moment < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)


def _next_hour(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


# ---------------------------------------------------------------------------------------------------------------
# From an event to notifications and deliveries.


@dataclass
class _Recipient:
    user_id: uuid.UUID
    settings: UserSettings
    preference: Preference | None
    channels: list[Channel] = field(default_factory=list)


async def _recipients(session: AsyncSession, event: Event) -> list[uuid.UUID]:
    assert event.household_id is not None
    if event.topic in PERSONAL_TOPICS:
        try:
            user_id = uuid.UUID(str(event.payload["user_id"]))
        except (KeyError, ValueError):
            logger.warning("alert event without a user", extra={"event_id": str(event.id), "topic": event.topic})
            return []
        if await member(session=session, household_id=event.household_id, user_id=user_id) is not None:
            return [user_id]
        known = await session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.household_id == event.household_id, Member.user_id == user_id)
        )
        if not known:
            raise RecipientsUnknownError(f"user {user_id} of household {event.household_id}")
        return []  # a member who set up the alert and has left the household since: nobody to tell
    members = await members_of(session=session, household_id=event.household_id)
    if members:
        return [m.user_id for m in members]
    known = await session.scalar(
        select(func.count()).select_from(Member).where(Member.household_id == event.household_id)
    )
    if not known:
        raise RecipientsUnknownError(f"household {event.household_id}")
    return []


def _render(event: Event, settings: UserSettings, app_url: str | None) -> templates.Rendered:
    try:
        return templates.render(
            event.topic,
            event.payload,
            locale=settings.locale,
            time_zone=settings.time_zone,
            app_url=app_url,
            occurred_at=event.occurred_at,
        )
    except Exception:
        # A template that cannot read this payload must not cost the user the notification.
        logger.exception("template failed; generic text used", extra={"event_id": str(event.id), "topic": event.topic})
        title = event.topic.partition(".")[2].replace("_", " ").capitalize()
        body = "\n".join(f"{key}: {value}" for key, value in sorted(event.payload.items()))
        return templates.Rendered(title=title, body=body, html=f"<pre>{html.escape(body)}</pre>")


async def notify(
    *,
    session: AsyncSession,
    event: Event,
    channels_available: Collection[str] | None,
    app_url: str | None = None,
    now: dt.datetime | None = None,
) -> list[Delivery]:
    """Record the event's notifications and their deliveries (see the module's docstring for who and where), and a
    ``notification.notification_created`` event for each notification shown in the inbox. Returns the new
    deliveries: ``pending`` ones are for the caller to enqueue after commit; ``held`` ones wait for the digest;
    ``skipped`` ones name a channel kind that no installed plugin sends (``channels_available``; ``None``: any kind
    counts as installed). An event notified before creates nothing and returns ``[]``. Raises
    ``RecipientsUnknownError`` when the member replica has not heard of the household yet. ``app_url`` makes the
    messages' links absolute (``Settings.public_url``)."""
    if event.topic not in NOTIFIABLE_TOPICS or event.household_id is None:
        return []
    household_id = event.household_id
    now = now or utcnow()
    user_ids = await _recipients(session, event)
    if not user_ids:
        return []
    settings_rows = {
        row.user_id: row
        for row in await session.scalars(select(UserSettings).where(UserSettings.user_id.in_(user_ids)))
    }
    preferences = {
        row.user_id: row
        for row in await session.scalars(
            select(Preference).where(
                Preference.household_id == household_id,
                Preference.user_id.in_(user_ids),
                Preference.event_type == event.topic,
            )
        )
    }
    recipients = {
        user_id: _Recipient(user_id, effective_settings(settings_rows.get(user_id), user_id), preferences.get(user_id))
        for user_id in user_ids
    }
    # Locked in id order (no deadlock between workers) while the hourly counts are taken and extended.
    channels = (
        await session.scalars(
            select(Channel)
            .where(
                Channel.household_id == household_id,
                Channel.user_id.in_(user_ids),
                Channel.active.is_(True),
                Channel.verified.is_(True),
            )
            .order_by(Channel.id)
            .with_for_update()
        )
    ).all()
    for channel in channels:
        recipients[channel.user_id].channels.append(channel)
    counts: dict[uuid.UUID, int] = defaultdict(int)
    if channels:
        counted = await session.execute(
            select(Delivery.channel_id, func.count())
            .where(
                Delivery.user_id.in_(user_ids),
                Delivery.created_at > now - dt.timedelta(hours=1),
                Delivery.channel_id.in_([c.id for c in channels]),
                Delivery.status.in_(COUNTED_STATUSES),
            )
            .group_by(Delivery.channel_id)
        )
        counts.update({channel_id: int(n) for channel_id, n in counted.all()})

    occurred_at = event.occurred_at.isoformat()
    payload = json.loads(dumps(dict(event.payload)))
    created: list[Delivery] = []
    for user_id in user_ids:
        recipient = recipients[user_id]
        if recipient.preference is not None:
            wanted = set(recipient.preference.channel_ids or ())
            chosen = [c for c in recipient.channels if c.id in wanted]
            in_inbox = recipient.preference.inbox
        else:
            chosen = recipient.channels if event.topic in DEFAULT_TO_ALL_CHANNELS else []
            in_inbox = True
        if not chosen and not in_inbox:
            continue
        settings = recipient.settings
        rendered = _render(event, settings, app_url)
        notification_id = await session.scalar(
            insert(Notification)
            .values(
                event_id=event.id,
                household_id=household_id,
                user_id=user_id,
                event_type=event.topic,
                title=rendered.title[:300],
                body=rendered.body,
                data={
                    "payload": payload,
                    "html": rendered.html,
                    "url": rendered.url,
                    "locale": settings.locale,
                    "time_zone": settings.time_zone,
                    "occurred_at": occurred_at,
                },
                in_inbox=in_inbox,
                created_at=now,
            )
            .on_conflict_do_nothing(constraint="uq_notifications_event_user")
            .returning(Notification.id)
        )
        if notification_id is None:
            continue  # notified before: a redelivered event
        if in_inbox:
            await write_event(
                session,
                outbox,
                topic=TOPIC_NOTIFICATION_CREATED,
                household_id=household_id,
                payload={
                    "notification_id": notification_id,
                    "user_id": user_id,
                    "event_id": event.id,
                    "event_type": event.topic,
                    "title": rendered.title[:300],
                    "body": rendered.body,
                    "url": rendered.url,
                    "created_at": now,
                },
            )
        held_until = quiet_until(settings, now)
        for channel in chosen:
            delivery = Delivery(
                notification_id=notification_id,
                channel_id=channel.id,
                household_id=household_id,
                user_id=user_id,
                status="pending",
                attempts=0,
                last_error="",
                created_at=now,
            )
            if channels_available is not None and channel.kind not in channels_available:
                delivery.status = "skipped"
                delivery.last_error = f"no channel plugin of kind {channel.kind!r} is installed"
            elif held_until is not None:
                delivery.status = "held"
                delivery.next_attempt_at = held_until
                delivery.last_error = "quiet hours"
            elif counts[channel.id] >= settings.hourly_cap:
                delivery.status = "held"
                delivery.next_attempt_at = _next_hour(now)
                delivery.last_error = f"more than {settings.hourly_cap} in an hour"
            else:
                counts[channel.id] += 1
            session.add(delivery)
            created.append(delivery)
    await session.flush()
    return created


async def pending_deliveries_of_event(*, session: AsyncSession, event_id: uuid.UUID) -> list[uuid.UUID]:
    """The deliveries of an event's notifications still waiting for their first try (so that a job run again after
    a crash between its commit and its enqueueing still enqueues them)."""
    rows = await session.scalars(
        select(Delivery.id)
        .join(Notification, Notification.id == Delivery.notification_id)
        .where(Notification.event_id == event_id, Delivery.status == "pending", Delivery.attempts == 0)
        .order_by(Delivery.created_at, Delivery.id)
    )
    return list(rows.all())


# ---------------------------------------------------------------------------------------------------------------
# Sending.


def retry_delay(attempts: int, *, retry_after: float | None = None, random: Any = None) -> float:
    """Seconds to wait before the next try, after ``attempts`` tries failed: exponential backoff with full jitter
    (a random wait between 0 and ``min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempts - 1))``: 2 s, 4 s,
    8 s ... 10 minutes), so that receivers coming back are not hit by every sender at once; never less than the
    receiver's ``retry_after`` (up to a day)."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))
    delay = (random or _random).uniform(0, ceiling)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(float(retry_after), RETRY_AFTER_LIMIT_SECONDS))
    return float(delay)


@dataclass(frozen=True)
class Attempt:
    """What ``send_delivery`` (or ``send_digest``) did: the status afterwards, the delivery's attempts so far
    (for a digest: how many deliveries it carried), whether a send was tried, and for a failed try, when to try
    again (``retry_in`` seconds)."""

    status: str
    attempts: int = 0
    tried: bool = False
    retry_in: float | None = None
    error: str = ""


def _trim(message: str) -> str:
    return message if len(message) <= ERROR_LIMIT else message[: ERROR_LIMIT - 1] + "…"


def message_of(notification: Notification) -> Message:
    """The channel-neutral message of a notification."""
    data: Mapping[str, Any] = notification.data or {}
    occurred = data.get("occurred_at")
    return Message(
        notification_id=str(notification.id),
        event_id=str(notification.event_id),
        event_type=notification.event_type,
        household_id=str(notification.household_id),
        occurred_at=dt.datetime.fromisoformat(occurred) if occurred else notification.created_at,
        title=notification.title,
        body=notification.body,
        html=str(data.get("html") or f"<p>{html.escape(notification.body)}</p>"),
        url=data.get("url"),
        locale=str(data.get("locale") or "en"),
        data=dict(data.get("payload") or {}),
    )


def target_of(channel: Channel) -> Target:
    return Target(
        channel_id=str(channel.id), kind=channel.kind, config=dict(channel.config or {}), secret=channel.secret
    )


async def _send(plugin: NotificationChannel, message: Message, target: Target, client: httpx.AsyncClient) -> None:
    """The plugin's send, with failures it should not raise turned into temporary ones."""
    try:
        async with asyncio.timeout(SEND_DEADLINE_SECONDS):
            await plugin.send(message, target, client=client)
    except (TemporaryError, PermanentError):
        raise
    except TimeoutError:
        raise TemporaryError(f"no answer within {SEND_DEADLINE_SECONDS:.0f} s") from None
    except Exception as exc:
        logger.exception("channel plugin failed", extra={"kind": target.kind, "channel_id": target.channel_id})
        raise TemporaryError(f"{type(exc).__name__}: {exc}") from exc


async def send_delivery(
    *,
    session: AsyncSession,
    delivery_id: uuid.UUID,
    channels: Mapping[str, NotificationChannel],
    client: httpx.AsyncClient,
    max_attempts: int,
    now: dt.datetime | None = None,
    random: Any = None,
) -> Attempt:
    """Try to send one delivery and record the outcome, with the delivery's row locked for the whole try (another
    worker holding it means it is being sent: ``busy``). Only ``pending`` and ``failed`` deliveries are sent; any
    other status is returned as it is (a sent delivery is never sent again). The caller commits, and enqueues the
    next try after ``retry_in`` seconds for a ``failed`` one."""
    row = (
        await session.execute(
            select(Delivery, Notification, Channel)
            .join(Notification, Notification.id == Delivery.notification_id)
            .join(Channel, Channel.id == Delivery.channel_id)
            .where(Delivery.id == delivery_id)
            .with_for_update(of=Delivery, skip_locked=True)
        )
    ).first()
    if row is None:
        exists = await session.scalar(select(func.count()).select_from(Delivery).where(Delivery.id == delivery_id))
        return Attempt(status="busy" if exists else "missing")
    delivery, notification, channel = row
    if delivery.status not in ("pending", "failed"):
        return Attempt(status=delivery.status, attempts=delivery.attempts)
    now = now or utcnow()
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now + EARLY_SLACK:
        return Attempt(
            status=delivery.status,
            attempts=delivery.attempts,
            retry_in=(delivery.next_attempt_at - now).total_seconds(),
        )
    if not channel.active or not channel.verified:
        delivery.status = "skipped"
        delivery.last_error = "the channel was switched off" if not channel.active else "the channel is not verified"
        delivery.next_attempt_at = None
        return Attempt(status="skipped", attempts=delivery.attempts, error=delivery.last_error)
    plugin = channels.get(channel.kind)
    if plugin is None:
        delivery.status = "dead"
        delivery.last_error = f"no channel plugin of kind {channel.kind!r} is installed"
        delivery.next_attempt_at = None
        return Attempt(status="dead", attempts=delivery.attempts, error=delivery.last_error)

    delivery.attempts += 1
    try:
        await _send(plugin, message_of(notification), target_of(channel), client)
    except PermanentError as exc:
        delivery.status = "dead"
        delivery.last_error = _trim(str(exc) or type(exc).__name__)
        delivery.next_attempt_at = None
        if exc.deactivate:
            channel.active = False
        return Attempt(status="dead", attempts=delivery.attempts, tried=True, error=delivery.last_error)
    except TemporaryError as exc:
        delivery.last_error = _trim(str(exc) or type(exc).__name__)
        if delivery.attempts >= max_attempts:
            delivery.status = "dead"
            delivery.next_attempt_at = None
            return Attempt(status="dead", attempts=delivery.attempts, tried=True, error=delivery.last_error)
        delay = retry_delay(delivery.attempts, retry_after=exc.retry_after, random=random)
        delivery.status = "failed"
        delivery.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
        return Attempt(
            status="failed", attempts=delivery.attempts, tried=True, retry_in=delay, error=delivery.last_error
        )
    accepted = utcnow()
    delivery.status = "sent"
    delivery.delivered_at = accepted
    delivery.next_attempt_at = None
    occurred = message_of(notification).occurred_at
    delivery.latency_ms = max(0, int((accepted - occurred).total_seconds() * 1000))
    return Attempt(status="sent", attempts=delivery.attempts, tried=True)


async def lost_deliveries(
    *, session: AsyncSession, now: dt.datetime | None = None, grace: dt.timedelta = dt.timedelta(minutes=1)
) -> list[tuple[uuid.UUID, int, dt.datetime]]:
    """Deliveries due for a try for longer than ``grace`` (their job was lost: a Redis flush, a crash between commit
    and enqueue, a worker killed while running it): ``(id, attempts, due since)``, oldest first, at most 1000 at a
    time."""
    now = now or utcnow()
    due = now - grace
    since = func.coalesce(Delivery.next_attempt_at, Delivery.created_at)
    rows = await session.execute(
        select(Delivery.id, Delivery.attempts, since)
        .where(
            or_(
                and_(
                    Delivery.status == "pending",
                    Delivery.created_at <= due,
                    or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= due),
                ),
                and_(Delivery.status == "failed", Delivery.next_attempt_at <= due),
            )
        )
        .order_by(Delivery.created_at, Delivery.id)
        .limit(1000)
    )
    return [(delivery_id, attempts, due_since) for delivery_id, attempts, due_since in rows.all()]


async def replay_delivery(
    *, session: AsyncSession, delivery_id: uuid.UUID, user_id: uuid.UUID, household_ids: Sequence[uuid.UUID]
) -> Delivery | None:
    """Put a dead or failed delivery of the user back to ``pending`` with its attempts reset (``None`` when it is
    not theirs; ``DeliveryNotReplayableError`` for any other status). The caller commits and enqueues it."""
    delivery = await session.scalar(
        select(Delivery)
        .where(Delivery.id == delivery_id, Delivery.user_id == user_id, Delivery.household_id.in_(household_ids))
        .with_for_update()
    )
    if delivery is None:
        return None
    if delivery.status not in ("dead", "failed"):
        raise DeliveryNotReplayableError(f"a {delivery.status} delivery cannot be replayed")
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = None
    await session.flush()
    return delivery


# ---------------------------------------------------------------------------------------------------------------
# Digests.


async def digest_groups(*, session: AsyncSession, now: dt.datetime | None = None) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """``(user_id, channel_id)`` pairs with held deliveries whose user is outside quiet hours now."""
    now = now or utcnow()
    pairs = (
        await session.execute(
            select(Delivery.user_id, Delivery.channel_id)
            .where(Delivery.status == "held")
            .group_by(Delivery.user_id, Delivery.channel_id)
            .order_by(Delivery.user_id, Delivery.channel_id)
        )
    ).all()
    if not pairs:
        return []
    users = {user_id for user_id, _ in pairs}
    rows = {
        row.user_id: row for row in await session.scalars(select(UserSettings).where(UserSettings.user_id.in_(users)))
    }
    return [
        (user_id, channel_id)
        for user_id, channel_id in pairs
        if quiet_until(effective_settings(rows.get(user_id), user_id), now) is None
    ]


def _digest_message(channel: Channel, notifications: Sequence[Notification], ids: Sequence[uuid.UUID]) -> Message:
    count = len(notifications)
    title = f"{count} notification{'s' if count != 1 else ''} held for you"
    lines = []
    items = []
    for n in notifications:
        lines.append(f"• {n.title}")
        items.append(f"<li><strong>{html.escape(n.title)}</strong><br>{html.escape(n.body)}</li>")
    first = notifications[0]
    data = first.data or {}
    # The same deliveries always make the same digest id: a digest sent again is recognisable as such.
    digest_id = uuid.uuid5(uuid.NAMESPACE_URL, "fincloud:digest:" + ",".join(sorted(str(i) for i in ids)))
    return Message(
        notification_id=str(digest_id),
        event_id=str(digest_id),
        event_type="notification.digest",
        household_id=str(channel.household_id),
        occurred_at=min(n.created_at for n in notifications),
        title=title,
        body="\n".join(lines),
        html=f"<p>{html.escape(title)}</p><ul>{''.join(items)}</ul>",
        url=None,
        locale=str(data.get("locale") or "en"),
        data={
            "notifications": [
                {
                    "id": str(n.id),
                    "event_id": str(n.event_id),
                    "event_type": n.event_type,
                    "title": n.title,
                    "body": n.body,
                    "created_at": n.created_at.isoformat(),
                    "payload": (n.data or {}).get("payload", {}),
                }
                for n in notifications
            ]
        },
    )


async def send_digest(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    channel_id: uuid.UUID,
    channels: Mapping[str, NotificationChannel],
    client: httpx.AsyncClient,
    now: dt.datetime | None = None,
) -> Attempt:
    """Send one message listing the user's held deliveries on one channel, oldest first, and mark them
    ``digested`` (rows locked meanwhile; none left: ``empty``). A temporary failure leaves them held for the next
    run, with the error recorded; a permanent one makes them dead (and switches the channel off if asked). The
    caller commits."""
    rows = (
        await session.execute(
            select(Delivery, Notification)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(Delivery.user_id == user_id, Delivery.channel_id == channel_id, Delivery.status == "held")
            .order_by(Notification.created_at, Notification.id)
            .with_for_update(of=Delivery, skip_locked=True)
        )
    ).all()
    if not rows:
        return Attempt(status="empty")
    deliveries = [r[0] for r in rows]
    channel = await session.get(Channel, channel_id, with_for_update=True)
    if channel is None:
        return Attempt(status="missing")
    ids = [d.id for d in deliveries]
    if not channel.active or not channel.verified:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(status="skipped", last_error="the channel was switched off", next_attempt_at=None)
        )
        return Attempt(status="skipped")
    plugin = channels.get(channel.kind)
    if plugin is None:
        return Attempt(status="held", error=f"no channel plugin of kind {channel.kind!r} is installed")
    message = _digest_message(channel, [r[1] for r in rows], ids)
    try:
        await _send(plugin, message, target_of(channel), client)
    except PermanentError as exc:
        error = _trim(str(exc) or type(exc).__name__)
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(status="dead", attempts=Delivery.attempts + 1, last_error=error, next_attempt_at=None)
        )
        if exc.deactivate:
            channel.active = False
        return Attempt(status="dead", tried=True, error=error)
    except TemporaryError as exc:
        error = _trim(str(exc) or type(exc).__name__)
        await session.execute(
            update(Delivery).where(Delivery.id.in_(ids)).values(attempts=Delivery.attempts + 1, last_error=error)
        )
        return Attempt(status="held", tried=True, error=error)
    accepted = now or utcnow()
    await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(status="digested", attempts=Delivery.attempts + 1, delivered_at=accepted, next_attempt_at=None)
    )
    return Attempt(status="digested", attempts=len(ids), tried=True)
