"""``Subscription.notificationReceived``: the viewer's own new notifications, as the relay publishes them."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from arq.connections import ArqRedis

from fincloud.broadcast import Hub
from fincloud.service import Runtime
from subgraphs.notification.context import Context
from subgraphs.notification.schema import schema
from tests.subgraphs.notification.support import Home, event, price_alert, run_notify
from workers.outbox import make_relay

SUBSCRIPTION = "subscription { notificationReceived { id householdId eventType title readAt } }"


@pytest.fixture
async def live(runtime: Runtime) -> AsyncIterator[Runtime]:
    hub = Hub(runtime.settings.REDIS_URL or "")
    await hub.connect()
    yield dataclasses.replace(runtime, broadcast=hub)
    await hub.disconnect()


async def test_each_member_hears_only_their_own_notifications(live: Runtime, pool: ArqRedis) -> None:
    home = Home(live)
    ada, bob = await home.member(), await home.member()
    streams = {
        who: await schema.subscribe(SUBSCRIPTION, context_value=Context(runtime=live, viewer=home.viewer(who)))
        for who in (ada, bob)
    }
    nexts = {who: asyncio.ensure_future(anext(stream)) for who, stream in streams.items()}
    await asyncio.sleep(0.3)  # let them subscribe
    relay = make_relay({"redis": pool, "engine": live.engine})

    await run_notify(live, price_alert(home.household_id, bob))  # Bob's alert: only Bob
    await relay.relay_schema("notification")
    heard = await asyncio.wait_for(nexts[bob], 5)
    assert heard.data is not None
    assert heard.data["notificationReceived"]["eventType"] == "PRICE_ALERT"
    assert heard.data["notificationReceived"]["readAt"] is None
    assert not nexts[ada].done()

    await run_notify(live, event(household_id=home.household_id))  # a transaction: both, each their own copy
    await relay.relay_schema("notification")
    for_ada = await asyncio.wait_for(nexts[ada], 5)
    for_bob = await asyncio.wait_for(anext(streams[bob]), 5)
    assert for_ada.data is not None
    assert for_bob.data is not None
    assert for_ada.data["notificationReceived"]["eventType"] == "TRANSACTION_CREATED"
    assert for_ada.data["notificationReceived"]["id"] != for_bob.data["notificationReceived"]["id"]
    for stream in streams.values():
        await stream.aclose()
