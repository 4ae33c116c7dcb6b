"""Events that are never lost: the transactional outbox and its relay to Redis and the job queue.

A change and the event describing it are written in one database transaction (``write_event``); the relay
publishes committed events to Redis broadcast channels and enqueues the jobs that consume them, then marks them
published. PostgreSQL ``NOTIFY`` wakes the relay at commit; a cron sweep catches anything a crash or an outage
left behind. Delivery is at least once: consumers are idempotent by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, String, Table, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from fincloud.constants import OUTBOX_NOTIFY_CHANNEL, OUTBOX_SWEEP_AFTER_SECONDS, event_channel
from fincloud.db import async_url, new_id, utcnow

__all__ = [
    "Event",
    "OutboxRelay",
    "dumps",
    "outbox_table",
    "write_event",
]

logger = logging.getLogger(__name__)

OUTBOX = "outbox"


def outbox_table(metadata: MetaData) -> Table:
    """The outbox of one subgraph, in that subgraph's schema."""
    return Table(
        OUTBOX,
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("topic", String(200), nullable=False),
        Column("household_id", UUID(as_uuid=True), nullable=True),
        Column("payload", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Index("ix_outbox_unpublished", "occurred_at", postgresql_where=text("published_at IS NULL")),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    """What the relay publishes: ``topic`` such as ``budget.transaction_created``, and its payload."""

    id: uuid.UUID
    topic: str
    household_id: uuid.UUID | None
    occurred_at: datetime
    payload: Mapping[str, Any]

    def to_json(self) -> str:
        return dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes | Mapping[str, Any]) -> Event:
        data = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        return cls(
            id=uuid.UUID(data["id"]),
            topic=data["topic"],
            household_id=uuid.UUID(data["household_id"]) if data.get("household_id") else None,
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            payload=data["payload"],
        )


def _default(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    """JSON with ``Decimal`` and ``UUID`` as strings and dates in ISO 8601: never a float for money."""
    return json.dumps(value, default=_default, separators=(",", ":"))


async def write_event(
    session: AsyncSession,
    table: Table,
    *,
    topic: str,
    household_id: uuid.UUID | None,
    payload: Mapping[str, Any],
) -> Event:
    """Record an event in the caller's transaction: it exists exactly when the change it describes commits."""
    event = Event(id=new_id(), topic=topic, household_id=household_id, occurred_at=utcnow(), payload=payload)
    await session.execute(
        table.insert().values(
            id=event.id,
            topic=event.topic,
            household_id=event.household_id,
            payload=json.loads(dumps(event.payload)),
            occurred_at=event.occurred_at,
        )
    )
    # Delivered by PostgreSQL only when (and if) this transaction commits.
    await session.execute(
        text("SELECT pg_notify(:channel, :schema)"),
        {
            "channel": OUTBOX_NOTIFY_CHANNEL,
            "schema": table.schema,
        },
    )
    return event


Publish = Callable[[str, str], Awaitable[Any]]
Dispatch = Callable[[Event], Awaitable[None]]


RELAY_PAUSE_MAX = 5.0
"""The longest pause between the relay's tries while PostgreSQL or Redis is away."""


class OutboxRelay:
    """Moves committed outbox rows of the given schemas to Redis (``publish``) and the job queue (``dispatch``).

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several relays can run; a row is marked published only
    after both steps succeed, in the same transaction that claimed it, so a failure leaves it for the next pass.
    """

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        schemas: Sequence[str],
        publish: Publish,
        dispatch: Dispatch,
        batch_size: int = 200,
    ) -> None:
        self._engine = engine
        self._schemas = tuple(schemas)
        self._publish = publish
        self._dispatch = dispatch
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._pending: set[str] = set()

    async def relay_schema(self, schema: str, *, older_than_seconds: float = 0) -> int:
        """Publish every unpublished event of ``schema``; returns how many went out."""
        total = 0
        while True:
            sent = await self._relay_batch(schema, older_than_seconds)
            total += sent
            if sent < self._batch_size:
                return total

    async def _relay_batch(self, schema: str, older_than_seconds: float) -> int:
        claim = text(
            f"""
            SELECT id, topic, household_id, payload, occurred_at FROM "{schema}".{OUTBOX}
            WHERE published_at IS NULL AND occurred_at <= now() - make_interval(secs => :age)
            ORDER BY occurred_at, id
            LIMIT :limit
            FOR UPDATE SKIP LOCKED
            """
        )
        async with self._engine.begin() as conn:
            rows = (await conn.execute(claim, {"age": older_than_seconds, "limit": self._batch_size})).all()
            if not rows:
                return 0
            published: list[uuid.UUID] = []
            failure: Exception | None = None
            for row in rows:
                event = Event(
                    id=row.id,
                    topic=row.topic,
                    household_id=row.household_id,
                    occurred_at=row.occurred_at,
                    payload=row.payload,
                )
                try:
                    await self._dispatch(event)
                    await self._publish(event_channel(event.topic), event.to_json())
                except Exception as exc:
                    failure = exc
                    await conn.execute(
                        text(f'UPDATE "{schema}".{OUTBOX} SET attempts = attempts + 1 WHERE id = :id'),
                        {"id": event.id},
                    )
                    break
                published.append(event.id)
            if published:
                await conn.execute(
                    text(f'UPDATE "{schema}".{OUTBOX} SET published_at = now() WHERE id = ANY(:ids)'),
                    {"ids": published},
                )
        # Progress is committed above; the failed event stays unpublished for the next pass.
        if failure is not None:
            raise failure
        return len(published)

    async def redispatch(self, *, within_seconds: float, dispatch: Dispatch | None = None) -> int:
        """Enqueue the jobs of every event published in the last ``within_seconds`` again (not the Redis messages:
        subscriptions are live-only), through ``dispatch`` (default: the relay's own); returns how many events.
        For when Redis lost the jobs it held (``workers/outbox.py``): a rare, whole scan of the recent outbox."""
        send = dispatch or self._dispatch
        total = 0
        for schema in self._schemas:
            query = text(
                f"""
                SELECT id, topic, household_id, payload, occurred_at FROM "{schema}".{OUTBOX}
                WHERE published_at IS NOT NULL AND published_at >= now() - make_interval(secs => :within)
                ORDER BY occurred_at, id
                """
            )
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query, {"within": within_seconds})).all()
            for row in rows:
                await send(
                    Event(
                        id=row.id,
                        topic=row.topic,
                        household_id=row.household_id,
                        occurred_at=row.occurred_at,
                        payload=row.payload,
                    )
                )
            total += len(rows)
        return total

    async def sweep(self) -> int:
        """Publish events left behind for longer than the sweep age (the cron safety net)."""
        total = 0
        for schema in self._schemas:
            total += await self.relay_schema(schema, older_than_seconds=OUTBOX_SWEEP_AFTER_SECONDS)
        if total:
            logger.warning("outbox sweep published stragglers", extra={"count": total})
        return total

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload in self._schemas:
            self._pending.add(payload)
            self._wake.set()

    async def run(self, *, ready: asyncio.Event | None = None) -> None:
        """Relay at every commit until cancelled: LISTEN for outbox notifications, reconnecting on failure.

        A failure (PostgreSQL or Redis away) is logged with its traceback once; the relay tries again after a pause
        that grows from 0.5 s to ``RELAY_PAUSE_MAX`` while the failures last, and says when it is back."""
        dsn = async_url(self._engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
        failures = 0
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
                await conn.add_listener(OUTBOX_NOTIFY_CHANNEL, self._on_notify)
                # Anything committed while we were not listening.
                self._pending.update(self._schemas)
                self._wake.set()
                if ready is not None:
                    ready.set()
                while True:
                    await self._wake.wait()
                    self._wake.clear()
                    schemas, self._pending = self._pending, set()
                    for schema in schemas:
                        await self.relay_schema(schema)
                    if failures:
                        logger.info("outbox relay recovered", extra={"failed_passes": failures})
                        failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                if failures == 1:
                    logger.exception("outbox relay failed; trying again until it works")
                else:
                    logger.debug("outbox relay still failing", extra={"error": f"{type(exc).__name__}: {exc}"})
                await asyncio.sleep(min(RELAY_PAUSE_MAX, 0.5 * 2 ** min(failures - 1, 4)))
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close()
