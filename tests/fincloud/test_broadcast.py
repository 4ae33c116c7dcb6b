"""The publish/subscribe hub of a subgraph process (``fincloud/broadcast.py``), on a Redis server of the test's own
that is killed and started again: a subscription hears what is published, and when Redis goes away it ends with
``LIVE_INTERRUPTED`` instead of going silent; once Redis is back, new subscriptions hear again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fincloud.broadcast import Hub, Subscription
from fincloud.graphql import LiveInterruptedError
from tests.faults.support import RedisServer


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    await asyncio.to_thread(server.start)
    yield server
    server.kill()


@pytest.fixture
async def hub(redis_server: RedisServer) -> AsyncIterator[Hub]:
    hub = Hub(redis_server.url)
    await hub.connect()
    assert hub.up
    yield hub
    await hub.disconnect()


async def heard(hub: Hub, subscription: Subscription, channel: str, message: str) -> str:
    """Publish until the subscription hears (a subscription goes live a moment after it is opened)."""
    deadline = time.monotonic() + 10
    while True:
        await hub.publish(channel, message)
        try:
            return (await asyncio.wait_for(anext(subscription), 0.2)).message
        except TimeoutError:
            assert time.monotonic() < deadline, "never heard"


async def test_every_subscription_of_a_channel_hears_each_message_and_no_other_channels(hub: Hub) -> None:
    async with hub.subscribe("a") as first, hub.subscribe("a") as second, hub.subscribe("b") as other:
        assert await heard(hub, first, "a", "one") == "one"
        assert (await asyncio.wait_for(anext(second), 5)).message == "one"
        await hub.publish("a", "two")
        assert (await asyncio.wait_for(anext(first), 5)).message == "two"
        assert (await asyncio.wait_for(anext(second), 5)).message == "two"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(other), 0.3)


async def test_losing_redis_ends_open_subscriptions_refuses_new_ones_and_recovers(
    hub: Hub, redis_server: RedisServer
) -> None:
    async with hub.subscribe("prices") as subscription:
        assert await heard(hub, subscription, "prices", "before") == "before"
        redis_server.kill()
        with pytest.raises(LiveInterruptedError) as ended:
            await asyncio.wait_for(anext(subscription), 10)
        assert ended.value.extensions == {"code": "LIVE_INTERRUPTED"}

    with pytest.raises(LiveInterruptedError):
        async with hub.subscribe("prices"):
            pass

    await asyncio.to_thread(redis_server.start)
    deadline = time.monotonic() + 15
    while not hub.up:
        assert time.monotonic() < deadline, "the hub did not reconnect"
        await asyncio.sleep(0.05)
    async with hub.subscribe("prices") as again:
        assert await heard(hub, again, "prices", "after") == "after"
