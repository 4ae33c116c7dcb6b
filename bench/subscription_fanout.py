"""Subscription fan-out through the real router: many subscribers, one event, how long until the last one hears it.

Starts the whole stack on a scratch database, registers a user with an account, then opens ``--subscribers``
WebSocket connections to the router (graphql-transport-ws), each with a ``transactionCreated`` subscription of the
household. The connections carry ``--tokens`` different access tokens, signed with the stack's own key for members
of the household (one token: one person with many tabs; many: a household of many members, each with their own
upstream connection from the router to the notification subgraph). Once every subscriber has heard a warm-up
event, it records ``--samples`` transactions one after another and measures, for each, from the moment the
mutation's answer arrived (the transaction is committed) to the moment each subscriber received the event: the
latency of the last subscriber (p50 / p99 over the samples) and of every delivery.

    uv run python bench/subscription_fanout.py [--subscribers 1000] [--tokens 1,100] [--samples 30]

Results go to ``bench/out/subscription-fanout.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.budget_reports import household_of, start_with_retries  # noqa: E402
from bench.run import SERVICE_TOKEN, machine, ports  # noqa: E402
from fincloud import devserver  # noqa: E402
from fincloud.auth import Role, load_or_create_signing_key  # noqa: E402
from fincloud.config import Settings  # noqa: E402
from fincloud.devserver import Stack  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402

OUT = ROOT / "bench" / "out"
REGISTER = """mutation R($input: RegisterInput!) { register(input: $input) { token errors { message } } }"""
ACCOUNT_CREATE = """mutation A($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } } }"""
TRANSACTION_CREATE = """mutation T($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { message } } }"""
SUBSCRIBE = "subscription($h: ID!) { transactionCreated(householdId: $h) { eventId payee } }"


class Subscriber:
    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.heard: dict[str, float] = {}
        self.errors: list[str] = []
        self.task: asyncio.Task[None] | None = None

    async def listen(self) -> None:
        async for raw in self.socket:
            received = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
            elif message.get("type") == "next" and message["payload"].get("data"):
                payee = message["payload"]["data"]["transactionCreated"]["payee"]
                self.heard.setdefault(payee, received)
            elif message.get("type") in ("next", "error", "complete"):
                self.errors.append(json.dumps(message)[:300])

    def state(self) -> str:
        """Why it may have stopped hearing: what it was sent besides events, or how its socket closed."""
        if self.errors:
            return self.errors[-1]
        if self.task is not None and self.task.done():
            failure = None if self.task.cancelled() else self.task.exception()
            return f"socket closed ({self.socket.close_code} {self.socket.close_reason!r}; {failure!r})"
        return "open, no error"


def missed_report(opened: list[Subscriber], payee: str) -> str:
    missed = [s for s in opened if payee not in s.heard]
    states: dict[str, int] = {}
    for subscriber in missed:
        states[subscriber.state()] = states.get(subscriber.state(), 0) + 1
    heard_before = sum(1 for s in missed if s.heard)
    return f"{len(missed)} of {len(opened)} missed it ({heard_before} had heard earlier events): {states}"


async def open_subscriber(router: str, token: str, household: str) -> Subscriber:
    socket = await websockets.connect(
        router.replace("http://", "ws://"),
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        max_queue=None,
        open_timeout=60,
    )
    await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
    ack = json.loads(await asyncio.wait_for(socket.recv(), 60))
    assert ack["type"] == "connection_ack", ack
    await socket.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"h": household}}})
    )
    subscriber = Subscriber(socket)
    subscriber.task = asyncio.create_task(subscriber.listen())
    return subscriber


async def measure(
    router: str, owner: str, tokens: list[str], household: str, account: str, subscribers: int, samples: int
) -> dict[str, Any]:
    opened: list[Subscriber] = []
    for start in range(0, subscribers, 50):  # 50 handshakes at a time
        opened += await asyncio.gather(
            *(
                open_subscriber(router, tokens[i % len(tokens)], household)
                for i in range(start, min(subscribers, start + 50))
            )
        )
    async with httpx.AsyncClient(timeout=60) as client:
        headers = {"authorization": f"Bearer {owner}"}

        async def record(payee: str) -> float:
            body = {"query": TRANSACTION_CREATE, "variables": {"input": {
                "accountId": account, "date": "2026-11-28", "amount": "-1.00", "payee": payee}}}  # fmt: skip
            answer = (await client.post(router, json=body, headers=headers)).json()
            assert not answer["data"]["transactionCreate"]["errors"], answer
            return time.perf_counter()

        async def everyone_heard(payee: str, within: float) -> bool:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                if all(payee in s.heard for s in opened):
                    return True
                await asyncio.sleep(0.01)
            return False

        live = False
        for attempt in range(60):  # until every subscription is live upstream
            payee = f"warm-{attempt}"
            await record(payee)
            if await everyone_heard(payee, 2.0):
                live = True
                break
        if not live:
            raise RuntimeError(f"not every subscriber went live: {missed_report(opened, payee)}")
        first: list[float] = []
        last: list[float] = []
        every: list[float] = []
        for sample in range(samples):
            payee = f"sample-{sample}"
            committed = await record(payee)
            if not await everyone_heard(payee, 30.0):
                raise RuntimeError(
                    f"{payee}: not heard by every subscriber within 30 s: {missed_report(opened, payee)}"
                )
            times = [(s.heard[payee] - committed) * 1000 for s in opened]
            first.append(min(times))
            last.append(max(times))
            every.extend(times)
            await asyncio.sleep(0.2)
    for subscriber in opened:
        await subscriber.socket.close()
        if subscriber.task is not None:
            subscriber.task.cancel()
    last.sort()
    every.sort()
    return {
        "subscribers": subscribers,
        "tokens": len(tokens),
        "samples": samples,
        "first_p50_ms": statistics.median(first),
        "last_p50_ms": statistics.median(last),
        "last_p99_ms": last[min(len(last) - 1, int(len(last) * 0.99))],
        "last_max_ms": last[-1],
        "every_p50_ms": statistics.median(every),
        "every_p99_ms": every[min(len(every) - 1, int(len(every) * 0.99))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--tokens", default="1,100", help="comma-separated counts of distinct tokens to try")
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"), "runs": []}
    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("FINCLOUD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    database_url = asyncio.run(create_database(server_url, "fincloud_bench_fanout"))
    port_map = ports()
    settings = Settings(
        ENV="test",
        DATA_DIR=Path(tempfile.mkdtemp()),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SERVICE_TOKEN=SERVICE_TOKEN,
        **{f"{k.upper()}_PORT": v for k, v in port_map.items()},  # type: ignore[arg-type]
    )
    # The router serves a copy of the supergraph taken now: it watches its file, and a `fincloud compose` in this
    # checkout during the run would reload it, which ends every open subscription (SCHEMA_RELOAD).
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    devserver.SUPERGRAPH = Path(shutil.copy(devserver.SUPERGRAPH, settings.DATA_DIR / "supergraph.graphql"))
    stack = Stack()
    try:
        stack = start_with_retries(settings)
        router = f"http://127.0.0.1:{port_map['router']}/graphql"
        with httpx.Client(timeout=60) as client:
            owner = client.post(router, json={"query": REGISTER, "variables": {"input": {
                "email": f"fanout-{time.time_ns()}@example.com", "password": "correct horse battery",
                "name": "Fan"}}}).json()["data"]["register"]["token"]  # fmt: skip
            household = household_of(owner)
            account = client.post(
                router,
                json={
                    "query": ACCOUNT_CREATE,
                    "variables": {"input": {"name": "Joint", "type": "CHECKING", "currency": "EUR"}},
                },
                headers={"authorization": f"Bearer {owner}"},
            ).json()["data"]["accountCreate"]["account"]["id"]
        key = load_or_create_signing_key(pem=None, path=settings.jwt_key_path, create=False)
        for count in (int(n) for n in args.tokens.split(",")):
            tokens = [owner] + [
                key.issue(
                    user_id=uuid.uuid4(), households=[(uuid.UUID(household), Role.VIEWER)], ttl=dt.timedelta(hours=1)
                )
                for _ in range(count - 1)
            ]
            run = asyncio.run(measure(router, owner, tokens, household, account, args.subscribers, args.samples))
            results["runs"].append(run)
            print(json.dumps(run), flush=True)
    finally:
        stack.stop()
        asyncio.run(drop_database(server_url, database_url))
    (OUT / "subscription-fanout.json").write_text(json.dumps(results, indent=2))
    lines = [
        f"Machine: {results['machine']}; date {results['date']}",
        "",
        "| subscribers | tokens | first subscriber p50 ms | last subscriber p50 ms | p99 ms | max ms "
        "| any delivery p50 ms | p99 ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in results["runs"]:
        lines.append(
            f"| {run['subscribers']} | {run['tokens']} | {run['first_p50_ms']:.0f} | {run['last_p50_ms']:.0f} | {run['last_p99_ms']:.0f} | "
            f"{run['last_max_ms']:.0f} | {run['every_p50_ms']:.0f} | {run['every_p99_ms']:.0f} |"
        )
    (OUT / "subscription-fanout.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
