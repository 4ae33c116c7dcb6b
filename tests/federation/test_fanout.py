"""Many subscriptions of one person (tabs, scripts) through the router: every one of them hears every event.

The router multiplexes a token's subscriptions onto WebSockets to the notification subgraph, and Strawberry accepts at
most 100 operations on one socket (``max_subscriptions_per_connection``); the 101st used to be refused, and its
client read only "Unexpected error.". The router now opens another socket instead (router/src/ws-pool.ts). Identical
subscriptions of one token share one upstream operation (router/src/multicast.ts): each still hears every event,
leaving does not end the others', and another person's identical subscription never shares theirs."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import websockets
from websockets.typing import Subprotocol

from tests.federation.conftest import Client, RunningStack
from tests.federation.test_slice import TRANSACTION_CREATE, make_account

SUBSCRIBERS = 150
"""More than one upstream socket holds (100)."""

SUBSCRIBE = "subscription($h: ID!) { transactionCreated(householdId: $h) { eventId payee } }"

EVERY_HOUSEHOLD = "subscription { transactionCreated { eventId payee } }"


def named(name: str) -> str:
    """The same subscription under an operation name of its own: a distinct upstream operation."""
    return SUBSCRIBE.replace("subscription(", f"subscription {name}(", 1)


class Listener:
    """One client WebSocket with one subscription, recording the payees it hears and anything else it is sent."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.heard: set[str] = set()
        self.other: list[dict[str, Any]] = []
        self.task = asyncio.create_task(self._listen())

    @classmethod
    async def open(
        cls, url: str, token: str, household: str | None, *, query: str = SUBSCRIBE, name: str | None = None
    ) -> Listener:
        socket = await websockets.connect(
            url.replace("http://", "ws://"), subprotocols=[Subprotocol("graphql-transport-ws")], max_queue=None
        )
        await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), 30))
        assert ack["type"] == "connection_ack", ack
        payload: dict[str, Any] = {"query": query, "variables": {} if household is None else {"h": household}}
        if name is not None:
            payload["operationName"] = name
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        return cls(socket)

    async def _listen(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
            elif message["type"] == "next" and (message.get("payload") or {}).get("data"):
                self.heard.add(message["payload"]["data"]["transactionCreated"]["payee"])
            else:
                self.other.append(message)

    async def close(self) -> None:
        self.task.cancel()
        await self.socket.close()


async def test_every_one_of_many_subscriptions_with_one_token_hears_the_event(
    stack: RunningStack, client: Client
) -> None:
    await client.register("Fan")
    assert client.token is not None
    household = jwt.decode(client.token, options={"verify_signature": False})["households"][0]["id"]
    account_id = await make_account(client, name="Tabs")
    listeners: list[Listener] = []
    try:
        for start in range(0, SUBSCRIBERS, 50):  # 50 handshakes at a time, as a busy start-up would
            listeners += await asyncio.gather(
                *(
                    Listener.open(stack.router_url, client.token, household, query=named(f"Tab{i}"), name=f"Tab{i}")
                    for i in range(start, start + 50)
                )
            )

        async def record(payee: str) -> None:
            await client.run(
                TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "0", "payee": payee}
            )

        async def heard_by_all(payee: str, within: float) -> bool:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                if all(payee in listener.heard for listener in listeners):
                    return True
                if any(listener.other for listener in listeners):
                    return False
                await asyncio.sleep(0.05)
            return False

        # A subscription goes live a moment after it is sent (router → subgraph → Redis), with no acknowledgement:
        # probe until every subscriber heard one probe, or one of them was refused.
        live = False
        deadline = time.monotonic() + 30
        probe = 0
        while not live and time.monotonic() < deadline and not any(listener.other for listener in listeners):
            probe += 1
            await record(f"probe-{probe}")
            live = await heard_by_all(f"probe-{probe}", 1.0)
        refused = [listener.other for listener in listeners if listener.other]
        assert not refused, f"{len(refused)} of {SUBSCRIBERS} subscriptions were refused: {refused[0]}"
        assert live, f"only {sum(1 for s in listeners if s.heard)} of {SUBSCRIBERS} subscriptions went live"

        await record("Fan-out")
        assert await heard_by_all("Fan-out", 10.0), (
            f"{sum(1 for s in listeners if 'Fan-out' not in s.heard)} of {SUBSCRIBERS} subscribers missed the event"
        )
        assert not any(listener.other for listener in listeners)
    finally:
        await asyncio.gather(*(listener.close() for listener in listeners), return_exceptions=True)


async def test_identical_subscriptions_share_upstream_but_never_across_people_and_outlive_each_other(
    stack: RunningStack, new_client: Callable[[], Client]
) -> None:
    alice, mallory = new_client(), new_client()
    await alice.register("Alice")
    await mallory.register("Mallory")
    assert alice.token is not None
    assert mallory.token is not None
    household = jwt.decode(alice.token, options={"verify_signature": False})["households"][0]["id"]
    account_id = await make_account(alice, name="Shared")
    url = stack.router_url
    tabs = await asyncio.gather(*(Listener.open(url, alice.token, household) for _ in range(20)))
    # Another selection of the same field: an operation of its own.
    every_household = await Listener.open(url, alice.token, None, query=EVERY_HOUSEHOLD)
    # Mallory sends exactly Alice's subscription (her household's id): same operation, another person.
    intruder = await Listener.open(url, mallory.token, household)
    opened = [*tabs, every_household, intruder]
    try:

        async def record(payee: str) -> None:
            data = await alice.run(
                TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "0", "payee": payee}
            )
            assert data["transactionCreate"]["errors"] == []

        async def heard(listeners: list[Listener], payee: str, within: float = 10.0) -> bool:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                if all(payee in listener.heard for listener in listeners):
                    return True
                await asyncio.sleep(0.05)
            return False

        live = False
        for probe in range(60):  # until every subscription is live upstream
            await record(f"probe-{probe}")
            if await heard([*tabs, every_household], f"probe-{probe}", 1.0):
                live = True
                break
        assert live, f"{sum(1 for t in tabs if t.heard)} of 20 tabs went live"

        await record("Everyone")
        assert await heard([*tabs, every_household], "Everyone")
        # Mallory's copy of the operation was never shared with Alice's: she heard nothing of Alice's household.
        assert intruder.heard == set()

        # Nineteen tabs close; the last one still hears.
        await asyncio.gather(*(tab.close() for tab in tabs[:19]))
        await record("One tab left")
        assert await heard([tabs[19], every_household], "One tab left")

        # The last closes too (the upstream operation ends); a new tab starts it again and hears what comes next.
        await tabs[19].close()
        reopened = await Listener.open(url, alice.token, household)
        opened.append(reopened)
        live = False
        for probe in range(60):
            await record(f"again-{probe}")
            if await heard([reopened], f"again-{probe}", 1.0):
                live = True
                break
        assert live, "a subscription opened after the others closed never went live"
        assert intruder.heard == set()
        assert not any(listener.other for listener in opened)
    finally:
        await asyncio.gather(*(listener.close() for listener in opened), return_exceptions=True)
