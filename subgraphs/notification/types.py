"""Notification's GraphQL types."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from enum import Enum
from typing import Any

import httpx
import strawberry
from strawberry.federation.schema_directives import FieldSet, Key

from fincloud.constants import (
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_IMPORT_COMPLETED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_RECURRING_DUE,
    TOPIC_TRANSACTION_CREATED,
)
from fincloud.events import Event
from fincloud.graphql import Connection, MoneyType
from fincloud.money import Money
from subgraphs.notification.models import Channel as ChannelRow
from subgraphs.notification.models import Delivery as DeliveryRow
from subgraphs.notification.models import Notification as NotificationRow
from subgraphs.notification.models import UserSettings as UserSettingsRow
from subgraphs.notification.services.channels import KIND_LABELS


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)], description="A budget transaction.")
class Transaction:
    id: strawberry.ID = strawberry.field(description="Transaction id.")


@strawberry.type(description="A transaction was recorded in one of the viewer's households.")
class TransactionCreatedEvent:
    event_id: strawberry.ID = strawberry.field(description="Unique id of this event (deliveries may repeat).")
    household_id: strawberry.ID = strawberry.field(description="The household the transaction belongs to.")
    occurred_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    account_id: strawberry.ID = strawberry.field(description="The account it was recorded on.")
    date: dt.date = strawberry.field(description="The transaction's calendar date.")
    amount: MoneyType = strawberry.field(description="The amount, exact.")
    payee: str | None = strawberry.field(description="Who was paid or who paid.")
    transaction: Transaction = strawberry.field(description="The transaction itself (resolved by budget).")

    @classmethod
    def from_event(cls, event: Event) -> TransactionCreatedEvent:
        data = event.payload
        return cls(
            event_id=strawberry.ID(str(event.id)),
            household_id=strawberry.ID(str(event.household_id)),
            occurred_at=event.occurred_at,
            account_id=strawberry.ID(str(data["account_id"])),
            date=dt.date.fromisoformat(data["date"]),
            amount=MoneyType.of(Money(decimal.Decimal(data["amount"]), data["currency"])),
            payee=data.get("payee"),
            transaction=Transaction(id=strawberry.ID(str(data["transaction_id"]))),
        )


@strawberry.enum(description="What a notification is about (the event type it was made from).")
class NotificationEventType(Enum):
    TRANSACTION_CREATED = strawberry.enum_value(
        TOPIC_TRANSACTION_CREATED, description="A transaction was recorded in the household. Default: the inbox only."
    )
    BUDGET_THRESHOLD_EXCEEDED = strawberry.enum_value(
        TOPIC_BUDGET_THRESHOLD_EXCEEDED,
        description="A category's spending crossed 80 % or 100 % of its budget. Default: the inbox and every channel.",
    )
    IMPORT_COMPLETED = strawberry.enum_value(
        TOPIC_IMPORT_COMPLETED, description="A statement import was committed. Default: the inbox only."
    )
    RECURRING_DUE = strawberry.enum_value(
        TOPIC_RECURRING_DUE,
        description="A recurring transaction is due (or could not be posted). Default: the inbox and every channel.",
    )
    PRICE_ALERT = strawberry.enum_value(
        TOPIC_PRICE_ALERT,
        description="One of the viewer's price alerts fired (only they are told). Default: the inbox and every channel.",
    )
    PORTFOLIO_ALERT = strawberry.enum_value(
        TOPIC_PORTFOLIO_ALERT,
        description="One of the viewer's portfolio alerts fired (only they are told). Default: the inbox and every"
        " channel.",
    )


@strawberry.enum(description="Where a delivery stands.")
class DeliveryStatus(Enum):
    PENDING = strawberry.enum_value("pending", description="Waiting for its first try (or a replay).")
    SENT = strawberry.enum_value("sent", description="The channel's service accepted it.")
    FAILED = strawberry.enum_value("failed", description="A try failed; it is tried again at `nextAttemptAt`.")
    DEAD = strawberry.enum_value(
        "dead", description="Given up: refused for good, or every try failed. `deliveryReplay` sends it again."
    )
    HELD = strawberry.enum_value(
        "held", description="Held for a digest: quiet hours, or the channel's hourly cap was reached."
    )
    DIGESTED = strawberry.enum_value("digested", description="Sent as part of a digest.")
    SKIPPED = strawberry.enum_value(
        "skipped", description="Not sent: the channel was switched off, or its kind is not installed on this server."
    )


@strawberry.enum(description="A kind of channel that can be added.")
class ChannelKind(Enum):
    EMAIL = strawberry.enum_value("email", description="An email address (`address`).")
    TELEGRAM = strawberry.enum_value("telegram", description="A Telegram chat, linked by opening `linkUrl`.")
    WEBPUSH = strawberry.enum_value("webpush", description="This browser (`subscription`).")
    WEBHOOK = strawberry.enum_value("webhook", description="An HTTPS endpoint of the viewer's (`url`).")


def _event_type(value: str) -> NotificationEventType:
    return NotificationEventType(value)


def topic_of(event_type: NotificationEventType) -> str:
    """The event topic an event type stands for (``budget.transaction_created``)."""
    return str(event_type.value)


@strawberry.type(description="Something that happened, as one user reads it in the inbox.")
class Notification:
    id: strawberry.ID = strawberry.field(description="Notification id.")
    household_id: strawberry.ID = strawberry.field(description="The household it happened in.")
    event_type: NotificationEventType = strawberry.field(description="What happened.")
    kind: str = strawberry.field(
        description="What happened, as a lower-case name such as `transaction_created` (the event type's last part)."
    )
    title: str = strawberry.field(description="One-line summary, in the viewer's locale.")
    body: str = strawberry.field(description="Details; the first line is a summary.")
    url: str | None = strawberry.field(description="Where in the app to look, if anywhere.")
    created_at: dt.datetime = strawberry.field(description="When it arrived (UTC).")
    read_at: dt.datetime | None = strawberry.field(description="When it was marked read; null while unread.")

    @classmethod
    def from_row(cls, row: NotificationRow) -> Notification:
        data: Mapping[str, Any] = row.data or {}
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            event_type=_event_type(row.event_type),
            kind=row.event_type.partition(".")[2],
            title=row.title,
            body=row.body,
            url=data.get("url"),
            created_at=row.created_at,
            read_at=row.read_at,
        )

    @classmethod
    def from_event(cls, event: Event) -> Notification:
        """From a ``notification.notification_created`` event: a notification just made, so unread."""
        data = event.payload
        return cls(
            id=strawberry.ID(str(data["notification_id"])),
            household_id=strawberry.ID(str(event.household_id)),
            event_type=_event_type(str(data["event_type"])),
            kind=str(data["event_type"]).partition(".")[2],
            title=str(data["title"]),
            body=str(data["body"]),
            url=data.get("url"),
            created_at=dt.datetime.fromisoformat(str(data["created_at"])),
            read_at=None,
        )


@strawberry.type(description="A page of the viewer's inbox, newest first, with the number unread.")
class InboxConnection(Connection[Notification]):
    unread_count: int = strawberry.field(
        description="How many notifications are unread in the inbox asked for (all pages, not just this one)."
    )


def _target(row: ChannelRow) -> str | None:
    config: Mapping[str, Any] = row.config or {}
    if row.kind == "email":
        return str(config.get("address") or "") or None
    if row.kind == "webhook":
        return str(config.get("url") or "") or None
    if row.kind == "webpush":
        endpoint = config.get("endpoint")
        return httpx.URL(endpoint).host if isinstance(endpoint, str) else None
    if row.kind == "telegram":
        return "Telegram chat" if config.get("chat_id") is not None else None
    return None


@strawberry.type(description="A way of reaching the viewer: an email address, a Telegram chat, a browser, a webhook.")
class NotificationChannel:
    id: strawberry.ID = strawberry.field(description="Channel id.")
    household_id: strawberry.ID = strawberry.field(description="The household whose notifications it receives.")
    kind: str = strawberry.field(
        description="The channel plugin that sends: `email`, `telegram`, `webpush`, `webhook`, or an installed"
        " plugin's name."
    )
    label: str = strawberry.field(description="The kind, in words.")
    name: str = strawberry.field(description="The viewer's name for it.")
    target: str | None = strawberry.field(
        description="Where it goes: the address, the webhook URL, the push service's host; null while a Telegram"
        " chat is not linked."
    )
    verified: bool = strawberry.field(
        description="Whether it was proven to reach the viewer (an emailed code, a linked chat); only verified"
        " channels receive notifications."
    )
    active: bool = strawberry.field(
        description="Whether it receives notifications; switched off by the viewer, or by FinCloud when the"
        " receiver said it is gone for good."
    )
    created_at: dt.datetime = strawberry.field(description="When it was added (UTC).")

    @classmethod
    def from_row(cls, row: ChannelRow) -> NotificationChannel:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            kind=row.kind,
            label=KIND_LABELS.get(row.kind, row.kind),
            name=row.name,
            target=_target(row),
            verified=row.verified,
            active=row.active,
            created_at=row.created_at,
        )


@strawberry.type(description="One notification on one channel, with its record: the delivery log.")
class NotificationDelivery:
    id: strawberry.ID = strawberry.field(description="Delivery id.")
    status: DeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="How many times it was tried.")
    last_error: str | None = strawberry.field(
        description="Why the last try failed, or why it is held or skipped; null when nothing went wrong."
    )
    latency_ms: int | None = strawberry.field(
        description="Milliseconds from the event to the channel's acceptance, once sent."
    )
    created_at: dt.datetime = strawberry.field(description="When it was made (UTC).")
    next_attempt_at: dt.datetime | None = strawberry.field(
        description="When it is tried again (failed), or when its digest is due (held), if known."
    )
    delivered_at: dt.datetime | None = strawberry.field(description="When the channel accepted it (sent, digested).")
    channel: NotificationChannel = strawberry.field(description="The channel it went to.")
    notification: Notification = strawberry.field(description="What it delivered.")

    @classmethod
    def from_rows(
        cls, delivery: DeliveryRow, notification: NotificationRow, channel: ChannelRow
    ) -> NotificationDelivery:
        return cls(
            id=strawberry.ID(str(delivery.id)),
            status=DeliveryStatus(delivery.status),
            attempts=delivery.attempts,
            last_error=delivery.last_error or None,
            latency_ms=delivery.latency_ms,
            created_at=delivery.created_at,
            next_attempt_at=delivery.next_attempt_at,
            delivered_at=delivery.delivered_at,
            channel=NotificationChannel.from_row(channel),
            notification=Notification.from_row(notification),
        )


@strawberry.type(description="Where the viewer wants one event type of one household to go.")
class NotificationPreference:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    event_type: NotificationEventType = strawberry.field(description="The event type.")
    is_default: bool = strawberry.field(
        description="True when the viewer chose nothing and the event type's default applies."
    )
    inbox: bool = strawberry.field(description="Whether it is kept in the inbox.")
    channel_ids: list[strawberry.ID] = strawberry.field(
        description="The channels it goes to (for a default: the viewer's active, verified channels now, or none)."
    )
    channels: list[NotificationChannel] = strawberry.field(description="The same channels.")


@strawberry.type(description="The viewer's delivery settings, for every household.")
class NotificationSettings:
    time_zone: str = strawberry.field(description="IANA time zone of the quiet hours and of times in messages.")
    locale: str = strawberry.field(description="Locale of amounts and dates in messages, such as `de-DE`.")
    quiet_start: str | None = strawberry.field(
        description="Start of the quiet hours, local time as `HH:MM`: deliveries wait for a digest until `quietEnd`."
    )
    quiet_end: str | None = strawberry.field(description="End of the quiet hours, local time as `HH:MM`.")
    hourly_cap: int = strawberry.field(
        description="At most this many deliveries per channel and hour; the rest wait for the next digest."
    )
    web_push_key: str | None = strawberry.field(
        description="The server's VAPID public key, the `applicationServerKey` a browser subscribes with; null when"
        " browser notifications are not set up on this server."
    )

    @classmethod
    def from_row(cls, row: UserSettingsRow, *, web_push_key: str | None) -> NotificationSettings:
        return cls(
            time_zone=row.time_zone,
            locale=row.locale,
            quiet_start=row.quiet_start.strftime("%H:%M") if row.quiet_start is not None else None,
            quiet_end=row.quiet_end.strftime("%H:%M") if row.quiet_end is not None else None,
            hourly_cap=row.hourly_cap,
            web_push_key=web_push_key,
        )


def ids_of(values: list[uuid.UUID]) -> list[strawberry.ID]:
    return [strawberry.ID(str(v)) for v in values]
