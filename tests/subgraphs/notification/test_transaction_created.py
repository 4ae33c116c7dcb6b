from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from fincloud.auth import Role, Viewer
from fincloud.broadcast import Hub
from fincloud.constants import TOPIC_TRANSACTION_CREATED, event_channel
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.notification.context import Context
from subgraphs.notification.schema import schema

SUBSCRIPTION = "subscription { transactionCreated { payee amount { amount currency } } }"


@pytest.fixture
async def live(runtime: Runtime) -> AsyncIterator[Runtime]:
    hub = Hub(runtime.settings.REDIS_URL or "")
    await hub.connect()
    yield dataclasses.replace(runtime, broadcast=hub)
    await hub.disconnect()


def event(household: uuid.UUID, payee: str) -> str:
    return Event(
        id=uuid.uuid4(),
        topic=TOPIC_TRANSACTION_CREATED,
        household_id=household,
        occurred_at=datetime.now(UTC),
        payload={
            "transaction_id": str(uuid.uuid4()),
            "account_id": str(uuid.uuid4()),
            "account_name": "Joint",
            "date": "2026-11-28",
            "amount": "-1.50",
            "currency": "EUR",
            "payee": payee,
        },
    ).to_json()


async def test_events_of_the_viewers_households_only_and_the_subscription_ends_with_the_token(live: Runtime) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    viewer = Viewer(
        user_id=uuid.uuid4(), households={mine: Role.VIEWER}, expires_at=datetime.now(UTC) + timedelta(seconds=3)
    )
    stream = await schema.subscribe(SUBSCRIPTION, context_value=Context(runtime=live, viewer=viewer))
    assert not hasattr(stream, "errors") or stream.errors is None
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.3)  # let it subscribe
    assert live.broadcast is not None
    await live.broadcast.publish(event_channel(TOPIC_TRANSACTION_CREATED), event(theirs, "Theirs"))
    await live.broadcast.publish(event_channel(TOPIC_TRANSACTION_CREATED), event(mine, "Mine"))
    result = await asyncio.wait_for(first, 5)
    assert result.data == {"transactionCreated": {"payee": "Mine", "amount": {"amount": "-1.50", "currency": "EUR"}}}

    started = time.monotonic()
    ended = await asyncio.wait_for(anext(stream), 10)
    assert ended.errors is not None
    assert ended.errors[0].message == "the access token expired; subscribe again with a fresh one"
    assert time.monotonic() - started < 5
