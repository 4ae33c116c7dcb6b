"""Notification's tables, in PostgreSQL schema ``notification``. Every row carries ``household_id``."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fincloud.db import new_id, schema_metadata, utcnow
from fincloud.events import outbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("notification")
    type_annotation_map = {datetime: DateTime(timezone=True)}


outbox = outbox_table(Base.metadata)


class Member(Base):
    """What notification knows of a household's members: a replica kept from identity's ``identity.member_changed``
    events (notification never reads identity's tables). ``changed_at`` is the ``occurred_at`` of the event applied
    last; an older one is ignored. A removed member keeps a row (``removed``) so a late event cannot revive them."""

    __tablename__ = "members"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(320))
    email_verified: Mapped[bool] = mapped_column()
    name: Mapped[str] = mapped_column(String(200), server_default="", default="")
    removed: Mapped[bool] = mapped_column(server_default="false", default=False)
    changed_at: Mapped[datetime] = mapped_column()

    __table_args__ = (Index("ix_members_user", "user_id"),)


class Channel(Base):
    """Where one user receives notifications: an email address, a Telegram chat, a browser (WebPush subscription)
    or a webhook. ``config`` holds what the channel plugin needs (address, chat id, endpoint and keys, URL);
    ``secret`` a webhook's signing secret. A channel is ``verified`` once its owner proved it reaches them."""

    __tablename__ = "channels"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    user_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), server_default="", default="")
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}", default=dict)
    secret: Mapped[str | None] = mapped_column(String(200))
    verified: Mapped[bool] = mapped_column(server_default="false", default=False)
    active: Mapped[bool] = mapped_column(server_default="true", default=True)
    link_token: Mapped[str | None] = mapped_column(String(100), unique=True)
    """A single-use token linking the channel (Telegram's ``/start <token>``), until it is linked."""
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (Index("ix_channels_household_user", "household_id", "user_id", "created_at"),)


class Preference(Base):
    """Which channels one user wants for one event type in one household. No row: the default of the event type."""

    __tablename__ = "preferences"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()), server_default="{}", default=list)
    inbox: Mapped[bool] = mapped_column(server_default="true", default=True)
    """Whether it also goes to the in-app inbox."""


class UserSettings(Base):
    """One user's delivery settings: quiet hours (in their time zone) during which notifications wait for a digest,
    locale for amounts and dates, and per-channel rate caps."""

    __tablename__ = "user_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(60), server_default="UTC", default="UTC")
    locale: Mapped[str] = mapped_column(String(20), server_default="en", default="en")
    quiet_start: Mapped[time | None] = mapped_column(Time())
    quiet_end: Mapped[time | None] = mapped_column(Time())
    hourly_cap: Mapped[int] = mapped_column(server_default="20", default=20)
    """At most this many notifications per channel and hour; more are gathered into the next digest."""


class Notification(Base):
    """One event as one user will read it: rendered once, delivered on each channel (``deliveries``). The in-app
    inbox shows these. ``(event_id, user_id)`` is unique: a redelivered event notifies nobody twice."""

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    event_id: Mapped[uuid.UUID] = mapped_column()
    household_id: Mapped[uuid.UUID] = mapped_column()
    user_id: Mapped[uuid.UUID] = mapped_column()
    event_type: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}", default=dict)
    in_inbox: Mapped[bool] = mapped_column(server_default="true", default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_notifications_event_user"),
        Index("ix_notifications_user_created", "user_id", "household_id", "created_at", "id"),
    )


class Delivery(Base):
    """One notification on one channel, with its record: ``pending`` → ``sent``, or ``failed`` attempts retried
    with backoff until ``dead`` (the dead-letter list, replayable by hand); ``held`` while quiet hours or a rate cap
    hold it for the digest, ``digested`` once the digest carried it."""

    __tablename__ = "deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    channel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    household_id: Mapped[uuid.UUID] = mapped_column()
    user_id: Mapped[uuid.UUID] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), server_default="pending", default="pending")
    attempts: Mapped[int] = mapped_column(server_default="0", default=0)
    last_error: Mapped[str] = mapped_column(String(1000), server_default="", default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()
    latency_ms: Mapped[int | None] = mapped_column()
    """From the event's ``occurred_at`` to the channel's acceptance."""

    __table_args__ = (
        UniqueConstraint("notification_id", "channel_id", name="uq_deliveries_notification_channel"),
        Index("ix_deliveries_user_created", "user_id", "created_at", "id"),
        Index("ix_deliveries_status", "status", "next_attempt_at"),
        CheckConstraint("status IN ('pending','sent','failed','dead','held','digested','skipped')", name="status"),
    )
