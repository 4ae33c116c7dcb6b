"""What the notification tests share: members and channels made directly in the tables, events to notify,
plugin doubles that record or fail on cue, and a GraphQL runner."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from arq import ArqRedis
from sqlalchemy import select

from fincloud.auth import Role, Viewer
from fincloud.config import Settings
from fincloud.constants import ARQ_QUEUE, TOPIC_PRICE_ALERT, TOPIC_TRANSACTION_CREATED
from fincloud.db import utcnow
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.notification.channels.base import Message, PermanentError, Target, TemporaryError
from subgraphs.notification.context import Context
from subgraphs.notification.models import Channel, Delivery, Member, Notification, UserSettings
from subgraphs.notification.schema import schema
from subgraphs.notification.services.dispatch import notify

ERRORS = "errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }"


@dataclass
class Home:
    """A household with members known to notification's replica."""

    runtime: Runtime
    household_id: uuid.UUID = field(default_factory=uuid.uuid4)
    users: list[uuid.UUID] = field(default_factory=list)

    async def member(
        self,
        *,
        user_id: uuid.UUID | None = None,
        email: str | None = None,
        verified: bool = True,
        role: str = "owner",
        removed: bool = False,
    ) -> uuid.UUID:
        user_id = user_id or uuid.uuid4()
        async with self.runtime.sessionmaker() as session, session.begin():
            session.add(
                Member(
                    household_id=self.household_id,
                    user_id=user_id,
                    role=role,
                    email=email or f"{user_id.hex[:8]}@example.org",
                    email_verified=verified,
                    name=f"User {user_id.hex[:4]}",
                    removed=removed,
                    changed_at=utcnow(),
                )
            )
        if not removed:
            self.users.append(user_id)
        return user_id

    async def channel(
        self,
        user_id: uuid.UUID,
        *,
        kind: str = "webhook",
        verified: bool = True,
        active: bool = True,
        config: Mapping[str, Any] | None = None,
        secret: str | None = "whsec_test",
        name: str = "",
    ) -> uuid.UUID:
        async with self.runtime.sessionmaker() as session, session.begin():
            channel = Channel(
                household_id=self.household_id,
                user_id=user_id,
                kind=kind,
                name=name or kind,
                config=dict(config if config is not None else {"url": "http://127.0.0.1:9/hook"}),
                secret=secret,
                verified=verified,
                active=active,
                created_at=utcnow(),
            )
            session.add(channel)
        return channel.id

    def viewer(self, user_id: uuid.UUID, role: Role = Role.OWNER, **extra: Any) -> Viewer:
        return Viewer(user_id=user_id, households={self.household_id: role}, **extra)

    async def run(self, viewer: Viewer, query: str, *, jobs: ArqRedis | None = None, **variables: Any) -> Any:
        """The operation's data; fails on GraphQL errors."""
        runtime = dataclasses.replace(self.runtime, jobs=jobs) if jobs is not None else self.runtime
        result = await schema.execute(
            query, variable_values=variables, context_value=Context(runtime=runtime, viewer=viewer)
        )
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data


async def run_notify(
    runtime: Runtime, ev: Event, *, now: dt.datetime | None = None, kinds: set[str] | None = None
) -> Any:
    """``notify`` in a transaction of its own, with every built-in kind installed unless told otherwise."""
    async with runtime.sessionmaker() as session, session.begin():
        return await notify(
            session=session, event=ev, channels_available=kinds or {"webhook", "email", "telegram", "webpush"}, now=now
        )


async def settings_for(runtime: Runtime, user_id: uuid.UUID, **values: Any) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        session.add(UserSettings(user_id=user_id, **values))


def event(
    topic: str = TOPIC_TRANSACTION_CREATED,
    household_id: uuid.UUID | None = None,
    *,
    occurred_at: dt.datetime | None = None,
    **payload: Any,
) -> Event:
    """An event as the relay hands it to the jobs (through JSON, as they get it)."""
    if topic == TOPIC_TRANSACTION_CREATED and not payload:
        payload = {
            "transaction_id": str(uuid.uuid4()),
            "account_id": str(uuid.uuid4()),
            "account_name": "Joint",
            "date": "2026-11-28",
            "amount": "-4.20",
            "currency": "EUR",
            "payee": "Café",
        }
    return Event.from_json(
        Event(
            id=uuid.uuid4(),
            topic=topic,
            household_id=household_id,
            occurred_at=occurred_at or utcnow(),
            payload=payload,
        ).to_json()
    )


def price_alert(household_id: uuid.UUID, user_id: uuid.UUID, **extra: Any) -> Event:
    return event(
        TOPIC_PRICE_ALERT,
        household_id,
        alert_id=str(uuid.uuid4()),
        kind="price_above",
        threshold="100",
        value="101.5",
        currency="USD",
        user_id=str(user_id),
        note="",
        instrument_id=str(uuid.uuid4()),
        symbol="AAPL",
        date="2026-11-27",
        price="101.5",
        **extra,
    )


@dataclass
class FakeChannel:
    """A channel plugin that records what it sends; ``failures`` are raised first, one per send, in order."""

    kind: str = "webhook"
    label: str = "Fake"
    sent: list[tuple[Message, Target]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((message, target))


def temporary(message: str = "receiver down", retry_after: float | None = None) -> TemporaryError:
    return TemporaryError(message, retry_after=retry_after)


def permanent(message: str = "gone", deactivate: bool = False) -> PermanentError:
    return PermanentError(message, deactivate=deactivate)


async def deliveries(runtime: Runtime) -> list[Delivery]:
    async with runtime.sessionmaker() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.created_at, Delivery.id)))


async def notifications(runtime: Runtime) -> list[Notification]:
    async with runtime.sessionmaker() as session:
        return list(await session.scalars(select(Notification).order_by(Notification.created_at, Notification.id)))


async def queued(pool: ArqRedis) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """The queued jobs: ``{job id: (function, args)}``."""
    return {job.job_id or "": (job.function, tuple(job.args)) for job in await pool.queued_jobs(queue_name=ARQ_QUEUE)}


def job_ctx(runtime: Runtime, pool: ArqRedis, *, settings: Settings | None = None, **extra: Any) -> dict[str, Any]:
    """What the worker gives a job."""
    return {"sessionmaker": runtime.sessionmaker, "redis": pool, "settings": settings or runtime.settings, **extra}
