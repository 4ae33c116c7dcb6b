"""Many subscriptions of one person (tabs, scripts) through the router: every one of them hears every event.

The router multiplexes a token's subscriptions onto WebSockets to the notification subgraph, and Strawberry accepts at
most 100 operations on one socket (``max_subscriptions_per_connection``); the 101st used to be refused, and its
client read only "Unexpected error.". The router now opens another socket instead (router/src/ws-pool.ts)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import jwt
import websockets
from websockets.typing import Subprotocol

from tests.federation.conftest import Client, RunningStack
from tests.federation.test_slice import TRANSACTION_CREATE, make_account

SUBSCRIBERS = 150
"""More than one upstream socket holds (100)."""

SUBSCRIBE = "subscription($h: ID!) { transactionCreated(householdId: $h) { eventId payee } }"


class Listener:
    """One client WebSocket with one subscription, recording the payees it hears and anything else it is sent."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.heard: set[str] = set()
        self.other: list[dict[str, Any]] = []
        self.task = asyncio.create_task(self._listen())

    @classmethod
    async def open(cls, url: str, token: str, household: str) -> Listener:
        socket = await websockets.connect(
            url.replace("http://", "ws://"), subprotocols=[Subprotocol("graphql-transport-ws")], max_queue=None
        )
        await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), 30))
        assert ack["type"] == "connection_ack", ack
        payload = {"query": SUBSCRIBE, "variables": {"h": household}}
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
                *(Listener.open(stack.router_url, client.token, household) for _ in range(start, start + 50))
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
