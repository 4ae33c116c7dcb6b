"""The outbox relay against real PostgreSQL and Redis: nothing committed is lost, nothing uncommitted leaks."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta
from typing import Any

import pytest
import redis.asyncio as aioredis
from sqlalchemy import select, update

from fincloud.constants import event_channel
from fincloud.events import Event, OutboxRelay, write_event
from fincloud.service import Runtime
from subgraphs.budget.models import outbox

TOPIC = "budget.test_event"


class Recorder:
    def __init__(self, *, fail_on: int | None = None) -> None:
        self.dispatched: list[Event] = []
        self.published: list[tuple[str, str]] = []
        self.fail_on = fail_on

    async def dispatch(self, event: Event) -> None:
        if self.fail_on is not None and len(self.dispatched) == self.fail_on:
            raise ConnectionError("queue is down")
        self.dispatched.append(event)

    async def publish(self, channel: str, message: str) -> None:
        self.published.append((channel, message))


async def write(runtime: Runtime, n: int) -> list[uuid.UUID]:
    ids = []
    async with runtime.sessionmaker() as session, session.begin():
        for i in range(n):
            event = await write_event(session, outbox, topic=TOPIC, household_id=uuid.uuid4(), payload={"i": i})
            ids.append(event.id)
    return ids


def relay_for(runtime: Runtime, recorder: Recorder, **kwargs: Any) -> OutboxRelay:
    return OutboxRelay(
        engine=runtime.engine, schemas=["budget"], publish=recorder.publish, dispatch=recorder.dispatch, **kwargs
    )


async def test_relay_publishes_each_committed_event_once_in_order(runtime: Runtime) -> None:
    ids = await write(runtime, 5)
    recorder = Recorder()
    relay = relay_for(runtime, recorder, batch_size=2)
    assert await relay.relay_schema("budget") == 5
    assert [e.id for e in recorder.dispatched] == ids
    assert [c for c, _ in recorder.published] == [event_channel(TOPIC)] * 5
    assert Event.from_json(recorder.published[0][1]).payload == {"i": 0}
    assert await relay.relay_schema("budget") == 0  # marked published


async def test_a_failure_keeps_the_rest_for_the_next_pass(runtime: Runtime) -> None:
    ids = await write(runtime, 3)
    recorder = Recorder(fail_on=1)
    relay = relay_for(runtime, recorder)
    with pytest.raises(ConnectionError):
        await relay.relay_schema("budget")
    async with runtime.sessionmaker() as session:
        rows = {r.id: r for r in (await session.execute(select(outbox))).all()}
    assert rows[ids[0]].published_at is not None
    assert rows[ids[1]].published_at is None
    assert rows[ids[1]].attempts == 1
    assert rows[ids[2]].published_at is None
    recorder.fail_on = None
    assert await relay.relay_schema("budget") == 2
    assert [e.id for e in recorder.dispatched] == ids


async def test_the_sweep_only_takes_stragglers(runtime: Runtime) -> None:
    [fresh] = await write(runtime, 1)
    [old] = await write(runtime, 1)
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(
            update(outbox).where(outbox.c.id == old).values(occurred_at=outbox.c.occurred_at - timedelta(minutes=1))
        )
    recorder = Recorder()
    assert await relay_for(runtime, recorder).sweep() == 1
    assert [e.id for e in recorder.dispatched] == [old]
    assert fresh not in [e.id for e in recorder.dispatched]


async def test_uncommitted_events_are_invisible_to_the_relay(runtime: Runtime) -> None:
    recorder = Recorder()
    relay = relay_for(runtime, recorder)
    async with runtime.sessionmaker() as session, session.begin():
        await write_event(session, outbox, topic=TOPIC, household_id=None, payload={})
        assert await relay.relay_schema("budget") == 0
        await session.rollback()
    assert await relay.relay_schema("budget") == 0
    assert recorder.dispatched == []


async def test_the_live_relay_delivers_to_redis_subscribers_at_commit(runtime: Runtime) -> None:
    redis = aioredis.Redis.from_url(runtime.settings.REDIS_URL or "")
    pubsub = redis.pubsub()
    await pubsub.subscribe(event_channel(TOPIC))
    recorder = Recorder()

    async def publish(channel: str, message: str) -> None:
        await redis.publish(channel, message)

    relay = OutboxRelay(engine=runtime.engine, schemas=["budget"], publish=publish, dispatch=recorder.dispatch)
    ready = asyncio.Event()
    task = asyncio.create_task(relay.run(ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        [event_id] = await write(runtime, 1)

        async def first_message() -> dict[str, Any]:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is not None:
                    return message

        message = await asyncio.wait_for(first_message(), 5)
        assert Event.from_json(message["data"]).id == event_id
        assert [e.id for e in recorder.dispatched] == [event_id]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await pubsub.aclose()
        await redis.aclose()
