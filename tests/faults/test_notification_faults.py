"""Killing the worker, Redis or the relay in the middle of notification dispatch loses nothing, and after recovery
sends nothing twice but the few requests in flight at a crash (delivery is at least once, and documented so).

The module starts a stack of its own: the four subgraphs, the router and the worker as child processes, on a
scratch database and a Redis server of its own (never the shared one other tests use), with
``WEBHOOK_ALLOW_PRIVATE`` on so that webhooks may go to loopback. A webhook receiver on loopback checks every
request's signature and counts each ``X-FinCloud-Delivery``. Each scenario registers a user who routes
``transaction created`` to the receiver (and keeps it in the inbox), records transactions through the router, and
meanwhile kills something. Every wait polls with a deadline; nothing sleeps to assert.

The worker (``workers/runner.py``) holds each running job on a 30-second lease and outlives a Redis outage;
without either, a killed worker's jobs waited half an hour and the worker exited with Redis. Redis coming back empty (a server without persistence, a lost volume, a ``FLUSHALL``) loses the jobs it held;
the worker notices (``workers/outbox.py``) and enqueues the recent events' jobs again: tested with jobs that the relay
had enqueued and no worker had started."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import redis.asyncio as aioredis
import websockets
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.typing import Subprotocol

from fincloud.constants import ARQ_QUEUE, SUBGRAPHS
from fincloud.db import create_engine
from fincloud.jobs import create_job_pool
from subgraphs.budget.models import outbox as budget_outbox
from subgraphs.notification.models import Delivery, Member, Notification
from tests.conftest import create_database, drop_database
from tests.faults.support import FaultStack, Hit, RedisServer, WebhookReceiver, eventually, start_fault_stack
from tests.federation.conftest import Client
from tests.federation.test_slice import TRANSACTION_CREATE, make_account
from workers.outbox import make_relay

pytestmark = pytest.mark.timeout(300)

N = 30
"""Transactions recorded while the worker is killed."""
K = 12
"""Transactions recorded while Redis, or the relay, is down."""
WITHIN = 60.0
"""The bound of every wait; each takes a few seconds on a busy two-core machine."""
RECOVERY = 45.0
"""How long after the worker's restart everything it was doing at the kill must be done."""
RECEIVER_DELAY = 0.2
"""Seconds the receiver holds each request in the worker-kill scenario, so that several are in flight."""

CHANNEL_CREATE = """mutation($input: ChannelCreateInput!) {
  channelCreate(input: $input) { channel { id } secret errors { message } } }"""
SETTINGS_UPDATE = """mutation($input: NotificationSettingsUpdateInput!) {
  notificationSettingsUpdate(input: $input) { settings { hourlyCap } errors { message } } }"""
PREFERENCES_SET = """mutation($input: NotificationPreferencesSetInput!) {
  notificationPreferencesSet(input: $input) { preference { channelIds inbox } errors { message } } }"""
INBOX = "query { inbox(first: 100) { nodes { id } unreadCount } }"
DELIVERIES = """query { deliveries(first: 100) {
  nodes { status attempts lastError latencyMs notification { id } } } }"""

# ---------------------------------------------------------------------------------------------------------------
# The stack, the user, and what the database says.


@pytest.fixture(scope="module")
async def faults(server_database_url: str, tmp_root: Path) -> AsyncIterator[FaultStack]:
    database_url = await create_database(server_database_url, "fincloud_faults")
    redis_server = RedisServer(tmp_root / "faults-redis")
    stack: FaultStack | None = None
    try:
        redis_server.start()
        stack = await asyncio.to_thread(
            start_fault_stack,
            database_url=database_url,
            data_dir=tmp_root / "faults",
            redis_server=redis_server,
            WEBHOOK_ALLOW_PRIVATE="true",
        )
        yield stack
    finally:
        if stack is not None:
            await asyncio.to_thread(stack.stop)
        redis_server.kill()
        await drop_database(server_database_url, database_url)


@pytest.fixture(autouse=True)
async def back_up(faults: FaultStack) -> AsyncIterator[None]:
    """Whatever a test killed runs again afterwards, even when the test failed half-way."""
    yield
    if not faults.redis.running:
        await asyncio.to_thread(faults.redis.start)
    if not faults.worker_alive():
        faults.start_worker()


@pytest.fixture(scope="module")
async def db(faults: FaultStack) -> AsyncIterator[AsyncEngine]:
    """The stack's database, to read what the services recorded."""
    engine = create_engine(faults.database_url, pool_size=2, application_name="fincloud-fault-test")
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


@pytest.fixture
def receivers() -> Iterator[Callable[[float], WebhookReceiver]]:
    """Starts webhook receivers (``delay`` seconds per request); all are stopped after the test."""
    started: list[WebhookReceiver] = []

    def start(delay: float = 0.0) -> WebhookReceiver:
        started.append(WebhookReceiver(delay=delay).start())
        return started[-1]

    yield start
    for receiver in started:
        receiver.stop()


@dataclass
class Household:
    """A user whose ``transaction created`` notifications go to a webhook and to the inbox."""

    client: Client
    user_id: str
    account_id: str
    receiver: WebhookReceiver

    async def record(self, payees: list[str]) -> list[str]:
        """One transaction per payee through the router, one after another; returns their ids."""
        ids = []
        for payee in payees:
            data = await self.client.run(
                TRANSACTION_CREATE,
                input={"accountId": self.account_id, "date": "2026-11-28", "amount": "-1.00", "payee": payee},
            )
            assert data["transactionCreate"]["errors"] == []
            ids.append(data["transactionCreate"]["transaction"]["id"])
        return ids

    async def inbox(self) -> list[str]:
        """The ids in the viewer's inbox; all of them unread."""
        inbox = (await self.client.run(INBOX))["inbox"]
        assert inbox["unreadCount"] == len(inbox["nodes"])
        return [node["id"] for node in inbox["nodes"]]

    async def delivery_log(self) -> list[dict[str, Any]]:
        return list((await self.client.run(DELIVERIES))["deliveries"]["nodes"])


async def sign_up(faults: FaultStack, http: httpx.AsyncClient, db: AsyncEngine, receiver: WebhookReceiver) -> Household:
    """Register a user, add ``receiver`` as their webhook channel (the secret goes to the receiver), lift the
    hourly cap, route ``transaction created`` to the channel and the inbox, and wait until notification's replica
    of the members knows the user (so that no event has to wait for it)."""
    client = Client(http, faults.router_url)
    user_id = (await client.register("Fault"))["user"]["id"]
    assert client.token is not None
    household_id = jwt.decode(client.token, options={"verify_signature": False})["households"][0]["id"]
    account_id = await make_account(client, name="Fault")
    created = await client.run(CHANNEL_CREATE, input={"kind": "WEBHOOK", "url": receiver.url, "name": "Receiver"})
    assert created["channelCreate"]["errors"] == []
    receiver.secret = created["channelCreate"]["secret"]
    channel_id = created["channelCreate"]["channel"]["id"]
    capped = await client.run(SETTINGS_UPDATE, input={"hourlyCap": 1000})
    assert capped["notificationSettingsUpdate"]["errors"] == []
    routed = await client.run(
        PREFERENCES_SET,
        input={"householdId": household_id, "eventType": "TRANSACTION_CREATED", "channelIds": [channel_id]},
    )
    assert routed["notificationPreferencesSet"]["errors"] == []

    async def known() -> int:
        async with db.connect() as conn:
            count = await conn.scalar(select(func.count()).select_from(Member).where(Member.user_id == user_id))
            return int(count or 0)

    await eventually(known, lambda n: n == 1, within=WITHIN, what="the member replica knows the user")
    return Household(client, user_id, account_id, receiver)


@dataclass(frozen=True)
class Row:
    """One notification of the user and its delivery to the webhook (``status`` ``None``: no delivery row)."""

    notification_id: str
    transaction_id: str
    delivery_id: str | None
    status: str | None
    attempts: int


async def rows_of(db: AsyncEngine, user_id: str) -> list[Row]:
    async with db.connect() as conn:
        result = await conn.execute(
            select(Notification.id, Notification.data, Delivery.id, Delivery.status, Delivery.attempts)
            .outerjoin(Delivery, Delivery.notification_id == Notification.id)
            .where(Notification.user_id == user_id)
        )
        return [
            Row(str(n_id), str(data["payload"]["transaction_id"]), d_id and str(d_id), status, attempts or 0)
            for n_id, data, d_id, status, attempts in result.all()
        ]


async def worker_sessions(db: AsyncEngine) -> int:
    """The worker's open database sessions: its engine's, and its relay's ``LISTEN`` connection."""
    async with db.connect() as conn:
        count = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND (application_name = 'fincloud-worker' OR query LIKE 'LISTEN %')"
            )
        )
        return int(count or 0)


async def unpublished(db: AsyncEngine, transaction_ids: list[str]) -> int:
    """How many of these transactions' ``budget.transaction_created`` events are still in budget's outbox."""
    async with db.connect() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(budget_outbox)
            .where(
                budget_outbox.c.published_at.is_(None),
                budget_outbox.c.topic == "budget.transaction_created",
                budget_outbox.c.payload["transaction_id"].as_string().in_(transaction_ids),
            )
        )
        return int(count or 0)


async def delivered_once(home: Household, db: AsyncEngine, transaction_ids: list[str]) -> None:
    """Wait until every transaction's notification reached the receiver and its delivery is recorded as sent; then
    check that each arrived exactly once, and that the inbox and the delivery log agree."""
    receiver = home.receiver

    async def state() -> tuple[Counter[str], list[Row]]:
        return receiver.counts(), await rows_of(db, home.user_id)

    counts, rows = await eventually(
        state,
        lambda s: (
            len(s[0]) >= len(transaction_ids)
            and len(s[1]) >= len(transaction_ids)
            and all(r.status == "sent" for r in s[1])
        ),
        within=WITHIN,
        what=f"{len(transaction_ids)} notifications delivered",
        every=0.2,
    )
    assert receiver.rejected == []
    assert sorted(counts.values()) == [1] * len(transaction_ids), counts
    assert sorted(r.transaction_id for r in rows) == sorted(transaction_ids)
    assert {r.notification_id for r in rows} == set(counts)
    assert {hit.body["data"]["transaction_id"] for hit in receiver.snapshot()} == set(transaction_ids)
    await check_inbox_and_log(home, set(counts))


async def check_inbox_and_log(home: Household, notification_ids: set[str]) -> None:
    """Through the router: the inbox holds each notification once, and the delivery log shows each sent once."""
    inbox = await home.inbox()
    assert sorted(inbox) == sorted(notification_ids)
    log = await home.delivery_log()
    assert sorted(d["notification"]["id"] for d in log) == sorted(notification_ids)
    assert {d["status"] for d in log} == {"SENT"}
    assert all(d["attempts"] >= 1 and d["latencyMs"] is not None and d["lastError"] is None for d in log), log


async def waiting_jobs(redis_url: str) -> int:
    """Jobs in the queue that no worker has started (not cron runs): none, and the worker is idle."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        queued = [job.decode() for job in await client.zrange(ARQ_QUEUE, 0, -1)]
        started = set(await running_jobs(redis_url))
        return sum(1 for job in queued if not job.startswith("cron:") and job not in started)
    finally:
        await client.aclose()


async def running_jobs(redis_url: str) -> list[str]:
    """The ids of the jobs (not cron runs) a worker had started and not finished: arq's in-progress keys."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        prefix = "arq:in-progress:"
        keys = [key.decode() async for key in client.scan_iter(match=f"{prefix}*")]
        return [key.removeprefix(prefix) for key in keys if not key.startswith(f"{prefix}cron:")]
    finally:
        await client.aclose()


# ---------------------------------------------------------------------------------------------------------------
# (a) The worker killed while deliveries are in flight.


@dataclass
class Kill:
    """What happened around the kill: what the receiver had seen, and what the worker was doing."""

    home: Household
    transaction_ids: list[str]
    restarted_at: float
    in_flight: set[str]
    """Notifications whose request the receiver was holding (read, not answered) at the kill."""
    at_risk: set[str]
    """Notifications the receiver had seen before the kill whose delivery the database did not record as sent
    once the worker's sessions were gone: the at-least-once window. These, and only these, may arrive twice."""
    killed_deliveries: set[str]
    """Notifications whose ``deliver`` job was running at the kill."""
    killed_events: set[str]
    """Transactions whose ``notify_on_event`` job was running at the kill."""


@pytest.fixture(scope="module")
async def kill(faults: FaultStack, http: httpx.AsyncClient, db: AsyncEngine) -> AsyncIterator[Kill]:
    """Record N transactions, SIGKILL the worker once several deliveries are in flight at the (slow) receiver,
    take stock, and start the worker again while the recording goes on."""
    receiver = WebhookReceiver(delay=RECEIVER_DELAY).start()
    try:
        home = await sign_up(faults, http, db, receiver)
        recording = asyncio.create_task(home.record([f"Kill {i}" for i in range(N)]))

        async def hits() -> list[Hit]:
            return receiver.snapshot()

        await eventually(
            hits,
            lambda seen: len(seen) >= 5 and sum(h.answered is None for h in seen) >= 2,
            within=WITHIN,
            what="deliveries in flight",
            every=0.005,
        )
        killed_at = faults.kill_worker()
        # Once the worker's sessions are gone, PostgreSQL has rolled back whatever it had not committed.
        await eventually(lambda: worker_sessions(db), lambda n: n == 0, within=WITHIN, what="worker sessions gone")
        in_flight = {hit.delivery_id for hit in receiver.in_flight_at(killed_at)}
        seen = {hit.delivery_id for hit in receiver.snapshot() if hit.arrived <= killed_at}
        rows = await rows_of(db, home.user_id)
        at_risk = seen - {r.notification_id for r in rows if r.status == "sent"}
        # Job ids are "<function>:<delivery or event id>[:<try>]".
        running = [job.split(":")[:2] for job in await running_jobs(faults.redis.url)]
        by_delivery = {r.delivery_id: r.notification_id for r in rows}
        killed_deliveries = {by_delivery[key] for name, key in running if name == "deliver" and key in by_delivery}
        killed_event_ids = [key for name, key in running if name == "notify_on_event"]
        async with db.connect() as conn:
            killed_events = set(
                await conn.scalars(
                    select(budget_outbox.c.payload["transaction_id"].as_string()).where(
                        budget_outbox.c.id.in_(killed_event_ids)
                    )
                )
            )
        faults.start_worker()
        restarted_at = time.monotonic()
        transaction_ids = await recording  # the mutations never needed the worker
        print(
            f"\nworker kill: {len(in_flight)} requests in flight at the receiver, {len(at_risk)} seen but not"
            f" recorded sent, {len(killed_deliveries)} deliver and {len(killed_events)} notify_on_event jobs running"
        )
        yield Kill(home, transaction_ids, restarted_at, in_flight, at_risk, killed_deliveries, killed_events)
    finally:
        receiver.stop()
        if not faults.worker_alive():
            faults.start_worker()


async def test_a_worker_killed_mid_dispatch_loses_nothing_it_was_not_doing_and_sends_nothing_twice(
    kill: Kill, db: AsyncEngine
) -> None:
    home, receiver = kill.home, kill.home.receiver
    # The kill happened mid-dispatch, and the receiver's view agrees with the worker's: whatever it had seen
    # unrecorded was being sent by a job that died.
    assert len(kill.in_flight) >= 1
    assert kill.in_flight <= kill.at_risk <= kill.killed_deliveries

    expected = set(kill.transaction_ids) - kill.killed_events

    def cut_short(row: Row) -> bool:
        return row.notification_id in kill.killed_deliveries or row.transaction_id in kill.killed_events

    async def state() -> list[Row]:
        return await rows_of(db, home.user_id)

    rows = await eventually(
        state,
        lambda rows: (
            {r.transaction_id for r in rows} >= expected and all(r.status == "sent" for r in rows if not cut_short(r))
        ),
        within=WITHIN,
        what="everything the worker was not doing at the kill delivered",
        every=0.2,
    )
    # Every notification of the recorded transactions exists once; every delivery not cut short is sent, once.
    assert len(rows) == len({r.notification_id for r in rows}) == len({r.transaction_id for r in rows})
    assert {r.transaction_id for r in rows} <= set(kill.transaction_ids)
    done = {r.notification_id for r in rows if not cut_short(r)}
    counts = receiver.counts()
    inbox = await home.inbox()
    existing = {r.notification_id for r in await rows_of(db, home.user_id)}
    assert receiver.rejected == []
    assert done <= set(counts) <= existing
    # Nothing that the database had recorded as sent was sent again.
    assert {nid for nid, n in counts.items() if n > 1} <= kill.at_risk
    assert len(inbox) == len(set(inbox))
    assert done <= set(inbox) <= existing


async def test_a_what_the_killed_worker_was_doing_is_done_after_recovery_and_only_that_arrives_twice(
    kill: Kill, db: AsyncEngine
) -> None:
    home, receiver = kill.home, kill.home.receiver

    async def state() -> tuple[Counter[str], list[Row]]:
        return receiver.counts(), await rows_of(db, home.user_id)

    counts, rows = await eventually(
        state,
        lambda s: len(s[0]) >= N and len(s[1]) >= N and all(r.status == "sent" for r in s[1]),
        within=max(5.0, RECOVERY - (time.monotonic() - kill.restarted_at)),
        what=f"all {N} notifications delivered after the restart",
        every=0.5,
    )
    assert len(counts) == N
    duplicates = {nid for nid, n in counts.items() if n > 1}
    assert max(counts.values()) == 2
    assert duplicates == kill.at_risk
    assert sorted(r.transaction_id for r in rows) == sorted(kill.transaction_ids)
    await check_inbox_and_log(home, set(counts))


# ---------------------------------------------------------------------------------------------------------------
# (b) Redis killed and started again, empty, while events are recorded.


async def test_b_events_recorded_while_redis_is_down_are_relayed_when_it_is_back_and_delivered_once(
    faults: FaultStack,
    http: httpx.AsyncClient,
    db: AsyncEngine,
    receivers: Callable[[float], WebhookReceiver],
) -> None:
    home = await sign_up(faults, http, db, receivers(0.0))
    first = await home.record(["Before the outage"])
    await delivered_once(home, db, first)
    # Queued jobs die with an empty Redis (see the module's notes); the outage starts with none waiting.
    await eventually(lambda: waiting_jobs(faults.redis.url), lambda n: n == 0, within=WITHIN, what="an idle queue")

    # Supervised as its container's restart policy would: the worker must not need it.
    async with faults.supervised() as exits:
        faults.redis.kill()
        during = await home.record([f"Outage {i}" for i in range(K)])  # the outbox is in PostgreSQL
        assert await unpublished(db, during) == K  # nothing takes them out while Redis is away
        await asyncio.to_thread(faults.redis.start)
        await delivered_once(home, db, first + during)
    assert await unpublished(db, during) == 0
    assert exits == [], f"the worker exited during the outage, with codes {exits}"


async def relay_once(db: AsyncEngine, redis_url: str) -> int:
    """What the worker's relay does, once: publish every pending event and enqueue its jobs; returns how many
    events went out."""
    pool = await create_job_pool(redis_url)
    try:
        relay = make_relay({"redis": pool, "engine": db})
        return sum([await relay.relay_schema(schema) for schema in SUBGRAPHS])
    finally:
        await pool.aclose()


async def test_b_jobs_lost_with_redis_data_are_enqueued_again_and_delivered_once(
    faults: FaultStack,
    http: httpx.AsyncClient,
    db: AsyncEngine,
    receivers: Callable[[float], WebhookReceiver],
) -> None:
    home = await sign_up(faults, http, db, receivers(0.0))
    first = await home.record(["Before the loss"])
    await delivered_once(home, db, first)
    await eventually(lambda: waiting_jobs(faults.redis.url), lambda n: n == 0, within=WITHIN, what="an idle queue")

    assert faults.worker is not None
    worker = faults.worker.process
    worker.send_signal(signal.SIGSTOP)  # frozen: it neither relays nor runs jobs
    try:
        lost = await home.record([f"Lost {i}" for i in range(K)])
        # The relay publishes them and enqueues their jobs, and marks them published; no worker starts the jobs.
        assert await relay_once(db, faults.redis.url) >= K
        assert await unpublished(db, lost) == 0
        assert await waiting_jobs(faults.redis.url) >= K
        faults.redis.kill()
        await asyncio.to_thread(faults.redis.start)  # empty: the queued jobs are gone
        assert await waiting_jobs(faults.redis.url) == 0
    finally:
        worker.send_signal(signal.SIGCONT)
    await delivered_once(home, db, first + lost)
    assert faults.worker_alive()


OUTAGE = 10.0
"""How long Redis stays away in the worker's outage test."""


async def test_b_the_worker_outlives_a_redis_outage_and_carries_on_after_it(
    faults: FaultStack,
    http: httpx.AsyncClient,
    db: AsyncEngine,
    receivers: Callable[[float], WebhookReceiver],
) -> None:
    home = await sign_up(faults, http, db, receivers(0.0))
    assert faults.worker is not None
    assert faults.worker_alive()
    pid = faults.worker.process.pid
    faults.redis.kill()
    try:
        deadline = time.monotonic() + OUTAGE
        while time.monotonic() < deadline and faults.worker_alive():
            await asyncio.sleep(0.1)
        assert faults.worker_alive(), f"the worker exited with code {faults.worker.process.returncode}"
    finally:
        await asyncio.to_thread(faults.redis.start)
    # The same process picks up the work recorded after the outage.
    after = await home.record(["After the outage"])
    await delivered_once(home, db, after)
    assert faults.worker.process.pid == pid
    assert faults.worker_alive()


# ---------------------------------------------------------------------------------------------------------------
# (c) No relay: the worker (which runs it) killed before it could relay, and started again between commits.


async def test_c_events_committed_while_no_relay_runs_are_delivered_once_after_it_comes_back(
    faults: FaultStack,
    http: httpx.AsyncClient,
    db: AsyncEngine,
    receivers: Callable[[float], WebhookReceiver],
) -> None:
    home = await sign_up(faults, http, db, receivers(0.0))
    first = await home.record(["Before the relay stops"])
    await delivered_once(home, db, first)

    faults.kill_worker()
    await eventually(lambda: worker_sessions(db), lambda n: n == 0, within=WITHIN, what="worker sessions gone")
    while_down = await home.record([f"No relay {i}" for i in range(K // 2)])
    assert await unpublished(db, while_down) == K // 2
    faults.start_worker()
    # Committed while the worker starts: before, during or after its relay begins to listen.
    meanwhile = await home.record([f"Relay starting {i}" for i in range(K - K // 2)])

    await delivered_once(home, db, first + while_down + meanwhile)
    assert await unpublished(db, while_down + meanwhile) == 0


# ---------------------------------------------------------------------------------------------------------------
# (d) Live subscriptions through a router restart and a subgraph restart: the client reconnects (or subscribes
# again) as the PWA does, and hears what happens next.

TRANSACTIONS_LIVE = "subscription($h: ID!) { transactionCreated(householdId: $h) { eventId payee } }"
BALANCES_LIVE = "subscription($h: ID) { accountBalanceChanged(householdId: $h) { id balance { amount } } }"


class LiveClient:
    """One graphql-transport-ws socket to the router with subscriptions by id: what each heard, and how each ended
    (``complete``, or ``error: …``). Reconnecting is the caller's, as it is the app's."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.replace("http://", "ws://")
        self.token = token
        self.heard: dict[str, list[dict[str, Any]]] = {}
        self.ended: dict[str, str] = {}
        self.closed = asyncio.Event()
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._socket = await websockets.connect(self.url, subprotocols=[Subprotocol("graphql-transport-ws")])
        await self._socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}})
        )
        ack = json.loads(await asyncio.wait_for(self._socket.recv(), 30))
        assert ack["type"] == "connection_ack", ack
        self.closed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any]) -> None:
        self.heard[op_id] = []
        self.ended.pop(op_id, None)
        payload = {"query": query, "variables": variables}
        await self._socket.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))

    async def _read(self) -> None:
        try:
            async for raw in self._socket:
                message = json.loads(raw)
                kind, op_id = message["type"], message.get("id")
                if kind == "ping":
                    await self._socket.send(json.dumps({"type": "pong"}))
                elif kind == "next" and op_id in self.heard:
                    self.heard[op_id].append(message["payload"])
                elif kind == "complete" and op_id:
                    self.ended[op_id] = "complete"
                elif kind == "error" and op_id:
                    self.ended[op_id] = f"error: {message.get('payload')}"
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed.set()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._socket is not None:
            await self._socket.close()


async def test_d_subscriptions_recover_after_a_router_restart_and_a_subgraph_restart(
    faults: FaultStack, http: httpx.AsyncClient
) -> None:
    client = Client(http, faults.router_url)
    await client.register("Live")
    assert client.token is not None
    household = jwt.decode(client.token, options={"verify_signature": False})["households"][0]["id"]
    account_id = await make_account(client, name="Live")
    probes = 0

    async def hears(live: LiveClient, transactions: str, balances: str) -> None:
        """Record probes until the ``transactions`` subscription hears one by payee and ``balances`` hears a new
        balance after it: both are live upstream."""
        nonlocal probes
        deadline = time.monotonic() + WITHIN
        while time.monotonic() < deadline:
            probes += 1
            payee = f"probe-{probes}"
            before = len(live.heard[balances])
            await client.run(
                TRANSACTION_CREATE,
                input={"accountId": account_id, "date": "2026-11-28", "amount": "-1.00", "payee": payee},
            )
            wait_until = time.monotonic() + 1.0
            while time.monotonic() < wait_until:
                payees = {p["data"]["transactionCreated"]["payee"] for p in live.heard[transactions] if p.get("data")}
                if payee in payees and len(live.heard[balances]) > before:
                    assert transactions not in live.ended
                    assert balances not in live.ended
                    return
                await asyncio.sleep(0.05)
        raise AssertionError(f"not live within {WITHIN} s: {live.ended}, {live.heard[balances][-1:]}")

    async def connected() -> LiveClient:
        """Connect and subscribe to both, as the app does after a reconnect."""
        assert client.token is not None
        live = LiveClient(faults.router_url, client.token)
        await live.connect()
        await live.subscribe("transactions", TRANSACTIONS_LIVE, {"h": household})
        await live.subscribe("balances", BALANCES_LIVE, {"h": household})
        return live

    live = await connected()
    try:
        await hears(live, "transactions", "balances")

        # The router goes away: the client's socket closes; once the router is back, a new socket works.
        faults.kill_service("router")
        await asyncio.wait_for(live.closed.wait(), WITHIN)
        await live.close()
        await asyncio.to_thread(faults.start_service, "router")
        live = await connected()
        await hears(live, "transactions", "balances")

        # The notification subgraph goes away: the client is told that subscription ended (so it can subscribe
        # again); the budget subgraph's subscription on the same socket goes on.
        faults.kill_service("notification")

        async def ended() -> dict[str, str]:
            return dict(live.ended)

        await eventually(ended, lambda e: "transactions" in e, within=WITHIN, what="the client told")
        assert "balances" not in live.ended
        assert not live.closed.is_set()
        await asyncio.to_thread(faults.start_service, "notification")
        await live.subscribe("transactions again", TRANSACTIONS_LIVE, {"h": household})
        await hears(live, "transactions again", "balances")

        # Redis goes away: events published meanwhile cannot be heard, so every open subscription is told
        # (LIVE_INTERRUPTED) instead of going silent; once Redis is back, subscribing again works.
        faults.redis.kill()
        await eventually(
            ended, lambda e: {"transactions again", "balances"} <= set(e), within=WITHIN, what="the client told"
        )
        for op_id in ("transactions again", "balances"):
            last = live.heard[op_id][-1] if live.heard[op_id] else {}
            codes = [(e.get("extensions") or {}).get("code") for e in last.get("errors") or []]
            assert codes == ["LIVE_INTERRUPTED"] or "LIVE_INTERRUPTED" in live.ended[op_id], (live.ended, last)
        await asyncio.to_thread(faults.redis.start)
        for attempt in range(40):  # each subgraph reconnects on its own, within a few seconds
            await live.subscribe(f"transactions {attempt}", TRANSACTIONS_LIVE, {"h": household})
            await live.subscribe(f"balances {attempt}", BALANCES_LIVE, {"h": household})
            await asyncio.sleep(0.5)
            if not {f"transactions {attempt}", f"balances {attempt}"} & set(live.ended):
                break
        await hears(live, f"transactions {attempt}", f"balances {attempt}")
    finally:
        await live.close()
