"""``accountBalanceChanged`` in-process, on the real Redis hub: which events reach whom, and the token
cut-off. (Through the router over WebSocket: tests/federation/test_ledger.py and test_access.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from fincloud.auth import Viewer
from fincloud.broadcast import Hub
from fincloud.constants import TOPIC_ACCOUNT_CHANGED, TOPIC_TRANSACTION_UPDATED, event_channel
from fincloud.db import utcnow
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from subgraphs.budget.subscriptions import accounts_touched
from tests.subgraphs.budget.ledger_support import household

SUBSCRIBE = "subscription($h: ID) { accountBalanceChanged(householdId: $h) { id name balance { amount } } }"


@pytest.fixture
async def hub(runtime: Runtime) -> AsyncIterator[Hub]:
    broadcast = Hub(runtime.settings.REDIS_URL or "")
    await broadcast.connect()
    runtime.broadcast = broadcast
    try:
        yield broadcast
    finally:
        runtime.broadcast = None
        await broadcast.disconnect()


def event(topic: str, household_id: uuid.UUID, account_id: uuid.UUID, **payload: Any) -> Event:
    return Event(uuid.uuid4(), topic, household_id, utcnow(), {"account_id": str(account_id), **payload})


async def publish(hub: Hub, *events: Event) -> None:
    for item in events:
        await hub.publish(event_channel(item.topic), item.to_json())


class Answers:
    """A subscription's answers, waited for without cancelling it (a cancelled ``anext`` ends the stream)."""

    def __init__(self, results: Any) -> None:
        self.results = results
        self.pending: asyncio.Future[Any] | None = None

    async def next(self, hub: Hub, *, probe: Event | None = None, timeout: float = 10) -> Any:
        """The next answer; with ``probe``, publish it until the subscription is live (there is no
        acknowledgement). ``TimeoutError`` when nothing comes, the stream still open."""
        if self.pending is None:
            self.pending = asyncio.ensure_future(anext(self.results))
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if probe is not None:
                await publish(hub, probe)
            done, _ = await asyncio.wait([self.pending], timeout=0.1)
            if done:
                answer, self.pending = self.pending.result(), None
                return answer
        raise TimeoutError

    async def drain(self, hub: Hub) -> None:
        with contextlib.suppress(TimeoutError):
            while True:
                await self.next(hub, timeout=0.3)

    async def close(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await self.pending
        await self.results.aclose()


async def subscribe(runtime: Runtime, viewer: Viewer, **variables: Any) -> Answers:
    results = await schema.subscribe(SUBSCRIBE, variable_values=variables, context_value=Context(runtime, viewer))
    assert hasattr(results, "__anext__"), results
    return Answers(results)


async def test_the_viewers_accounts_come_with_their_balance_now_and_others_never(runtime: Runtime, hub: Hub) -> None:
    home, stranger = await household(runtime), await household(runtime)
    wallet = await home.account("Wallet", opening="5.00")
    theirs = await stranger.account("Theirs")
    answers = await subscribe(runtime, home.viewer)
    try:
        first = await answers.next(hub, probe=event(TOPIC_ACCOUNT_CHANGED, home.id, wallet.id))
        assert first.data == {
            "accountBalanceChanged": {"id": str(wallet.id), "name": "Wallet", "balance": {"amount": "5.00"}}
        }
        await answers.drain(hub)  # the answers to the other probes
        await publish(hub, event(TOPIC_TRANSACTION_UPDATED, stranger.id, theirs.id))
        await home.transaction(wallet, "-1.25")
        await publish(hub, event(TOPIC_TRANSACTION_UPDATED, home.id, wallet.id))
        answer = await answers.next(hub)
        assert answer.data["accountBalanceChanged"] == {
            "id": str(wallet.id),
            "name": "Wallet",
            "balance": {"amount": "3.75"},  # read afresh: no loader kept from the first answer
        }
    finally:
        await answers.close()


async def test_a_household_filter_another_households_id_hears_nothing(runtime: Runtime, hub: Hub) -> None:
    home, stranger = await household(runtime), await household(runtime)
    mine = await home.account("Mine")
    theirs = await stranger.account("Theirs")
    spy = await subscribe(runtime, home.viewer, h=str(stranger.id))
    own = await subscribe(runtime, home.viewer, h=str(home.id))
    try:
        await own.next(hub, probe=event(TOPIC_ACCOUNT_CHANGED, home.id, mine.id))  # both are live now
        await publish(hub, event(TOPIC_ACCOUNT_CHANGED, stranger.id, theirs.id))
        with pytest.raises(TimeoutError):
            await spy.next(hub, timeout=1.0)
    finally:
        await spy.close()
        await own.close()


async def test_the_subscription_ends_when_the_token_expires(runtime: Runtime, hub: Hub) -> None:
    home = await household(runtime)
    short = Viewer(home.viewer.user_id, home.viewer.households, expires_at=utcnow() + dt.timedelta(seconds=1))
    answers = await subscribe(runtime, short)
    try:
        ended = await answers.next(hub, timeout=5)
        assert ended.errors is not None
        assert ended.errors[0].extensions == {"code": "UNAUTHENTICATED"}
    finally:
        await answers.close()


def test_the_accounts_an_event_touches() -> None:
    household_id, moved_from, moved_to = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    moved = event(
        TOPIC_TRANSACTION_UPDATED,
        household_id,
        moved_to,
        changes={"account_id": {"before": str(moved_from), "after": str(moved_to)}},
    )
    assert accounts_touched(moved) == [moved_to, moved_from]
    deleted = event(TOPIC_ACCOUNT_CHANGED, household_id, moved_to, deleted=True)
    assert accounts_touched(deleted) == []
