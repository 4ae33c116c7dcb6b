"""The notification jobs against real PostgreSQL and Redis: from the relay to a receiver on loopback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from pydantic import SecretStr
from sqlalchemy import select, update

from fincloud.config import Settings
from fincloud.constants import (
    ARQ_QUEUE,
    NOTIFY_TELEGRAM_OFFSET_KEY,
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_IMPORT_COMPLETED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_RECURRING_DUE,
    TOPIC_TRANSACTION_CREATED,
)
from fincloud.events import write_event
from fincloud.service import Runtime
from subgraphs.budget.models import outbox as budget_outbox
from subgraphs.notification.channels.webhook import DELIVERY_HEADER, WebhookChannel, verify_signature
from subgraphs.notification.models import Channel, Delivery, UserSettings, outbox
from subgraphs.notification.services.channels import create_telegram_channel
from subgraphs.notification.services.dispatch import NOTIFIABLE_TOPICS
from tests.subgraphs.notification.channels.support import HttpReceiver, Received, Reply
from tests.subgraphs.notification.support import (
    ERRORS,
    FakeChannel,
    Home,
    deliveries,
    event,
    job_ctx,
    notifications,
    permanent,
    price_alert,
    queued,
)
from workers.main import WorkerSettings
from workers.notify import (
    deliver,
    notify_digest,
    notify_on_event,
    notify_sweep,
    notify_telegram_link,
)
from workers.outbox import make_relay
from workers.routes import EVENT_JOBS

REPLAY = f"""
mutation($input: DeliveryReplayInput!) {{
  deliveryReplay(input: $input) {{ delivery {{ id status attempts lastError }} {ERRORS} }}
}}
"""


@dataclasses.dataclass
class Flaky:
    """A webhook receiver that answers 503 ``failures`` times, then 200."""

    failures: int
    receiver: HttpReceiver = dataclasses.field(default_factory=HttpReceiver)

    def answer(self, request: Received) -> Reply:
        if self.failures > 0:
            self.failures -= 1
            return Reply(503, b"busy")
        return Reply(200, b"ok")


@pytest.fixture
def flaky() -> Iterator[Flaky]:
    server = Flaky(failures=0)
    server.receiver.handler = server.answer
    server.receiver.start()
    try:
        yield server
    finally:
        server.receiver.stop()


def loopback_settings(runtime: Runtime, **overrides: Any) -> Settings:
    return runtime.settings.model_copy(update={"WEBHOOK_ALLOW_PRIVATE": True, **overrides})


async def run_queued(ctx: dict[str, Any], pool: ArqRedis, *, function: str = "deliver") -> list[Any]:
    """Run (and remove) the queued jobs of ``function``, deferred or not, as the worker would when they are due."""
    results = []
    for job in sorted(await pool.queued_jobs(queue_name=ARQ_QUEUE), key=lambda job: job.enqueue_time):
        if job.function != function:
            continue
        await pool.zrem(ARQ_QUEUE, job.job_id or "")
        await pool.delete(f"arq:job:{job.job_id}")
        results.append(await deliver(ctx, *job.args))
    return results


def test_every_notifiable_topic_is_routed_to_notify_on_event_and_every_job_is_registered() -> None:
    routed = {topic for topic, jobs in EVENT_JOBS.items() if "notify_on_event" in jobs}
    assert (
        routed
        == set(NOTIFIABLE_TOPICS)
        == {
            TOPIC_BUDGET_THRESHOLD_EXCEEDED,
            TOPIC_TRANSACTION_CREATED,
            TOPIC_IMPORT_COMPLETED,
            TOPIC_RECURRING_DUE,
            TOPIC_PRICE_ALERT,
            TOPIC_PORTFOLIO_ALERT,
        }
    )
    registered = {f.__name__ for f in WorkerSettings.functions}
    assert {job for jobs in EVENT_JOBS.values() for job in jobs} <= registered
    assert "deliver" in registered
    crons = {c.coroutine.__name__ for c in WorkerSettings.cron_jobs}  # type: ignore[attr-defined]
    assert {"notify_sweep", "notify_digest", "notify_telegram_link"} <= crons


async def test_deliveries_are_enqueued_after_commit_once_and_a_rerun_enqueues_nothing_twice(
    runtime: Runtime, pool: ArqRedis
) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    ev = price_alert(home.household_id, ada)
    ctx = job_ctx(runtime, pool, channels={"webhook": FakeChannel()})

    assert await notify_on_event(ctx, ev.to_json()) == 1
    [delivery] = await deliveries(runtime)
    assert (delivery.channel_id, delivery.status) == (hook, "pending")
    assert await queued(pool) == {f"deliver:{delivery.id}": ("deliver", (str(delivery.id),))}

    assert await notify_on_event(ctx, ev.to_json()) == 0  # the event again: nothing created, nothing doubled
    assert list(await queued(pool)) == [f"deliver:{delivery.id}"]
    # The notification is announced for the live inbox in the same transaction.
    async with runtime.sessionmaker() as session:
        topics = list(await session.scalars(select(outbox.c.topic)))
    assert topics == ["notification.notification_created"]


async def test_an_event_ahead_of_the_member_replica_comes_back_shortly(runtime: Runtime, pool: ArqRedis) -> None:
    home = Home(runtime)
    ev = event(TOPIC_TRANSACTION_CREATED, home.household_id)
    ctx = job_ctx(runtime, pool, channels={})
    assert await notify_on_event(ctx, ev.to_json()) == 0
    [(job_id, (function, args))] = (await queued(pool)).items()
    assert (job_id, function, args) == (f"notify_on_event:{ev.id}:wait1", "notify_on_event", (ev.to_json(), 1))
    score = await pool.zscore(ARQ_QUEUE, job_id)
    assert score is not None
    assert score > time.time() * 1000 + 1000  # two seconds later
    await pool.flushdb()
    await home.member()  # the replica heard of the household meanwhile
    await notify_on_event(ctx, *args)
    assert len(await notifications(runtime)) == 1
    # After the last wait, it gives up.
    stranger = event(TOPIC_TRANSACTION_CREATED, uuid.uuid4())
    assert await notify_on_event(ctx, stranger.to_json(), 4) == 0
    assert await queued(pool) == {}


async def test_outside_the_worker_it_records_and_leaves_sending_to_the_sweep(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada, kind="ntfy", config={})
    assert await notify_on_event({"sessionmaker": runtime.sessionmaker}, price_alert(home.household_id, ada).to_json())
    [delivery] = await deliveries(runtime)
    assert delivery.status == "pending"  # not skipped: which plugins are installed is the worker's to say


async def test_a_receiver_failing_twice_gets_one_delivery_recorded_as_three_attempts(
    runtime: Runtime, pool: ArqRedis, flaky: Flaky
) -> None:
    """The real webhook channel, to a loopback receiver (allowed by ``WEBHOOK_ALLOW_PRIVATE``)."""
    settings = loopback_settings(runtime)
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada, config={"url": f"{flaky.receiver.url}/hook"}, secret="whsec_flaky")
    flaky.failures = 2
    ctx = job_ctx(runtime, pool, settings=settings, channels={"webhook": WebhookChannel(settings)})
    await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    [delivery] = await deliveries(runtime)

    assert await run_queued(ctx, pool) == ["failed"]
    jobs = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    assert [job.job_id for job in jobs] == [f"deliver:{delivery.id}:1"]
    # Deferred: its score is in the future, within the first backoff step (0 to 2 s).
    score = await pool.zscore(ARQ_QUEUE, f"deliver:{delivery.id}:1")
    assert score is not None
    assert time.time() * 1000 - 100 <= score <= time.time() * 1000 + 2100
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "the webhook receiver answered 503")
    assert row.next_attempt_at is not None

    assert await run_queued(ctx, pool) == ["failed"]
    assert [job.job_id for job in await pool.queued_jobs(queue_name=ARQ_QUEUE)] == [f"deliver:{delivery.id}:2"]
    assert await run_queued(ctx, pool) == ["sent"]
    assert await pool.queued_jobs(queue_name=ARQ_QUEUE) == []

    [row] = await deliveries(runtime)
    assert (row.status, row.attempts) == ("sent", 3)
    assert row.delivered_at is not None
    assert row.latency_ms is not None
    requests = flaky.receiver.received
    assert len(requests) == 3
    assert {r.headers[DELIVERY_HEADER.lower()] for r in requests} == {str(row.notification_id)}  # one id to dedupe
    last = requests[-1]
    assert verify_signature("whsec_flaky", last.headers["x-fincloud-signature"], last.body)

    # Sent is final: the job again sends nothing.
    assert await deliver(ctx, str(row.id)) == "sent"
    assert len(flaky.receiver.received) == 3


async def test_dead_after_the_last_attempt_then_replayed_by_hand_and_delivered(
    runtime: Runtime, pool: ArqRedis, flaky: Flaky
) -> None:
    settings = loopback_settings(runtime, NOTIFY_MAX_ATTEMPTS=3)
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada, config={"url": f"{flaky.receiver.url}/hook"})
    flaky.failures = 3
    ctx = job_ctx(runtime, pool, settings=settings, channels={"webhook": WebhookChannel(settings)})
    await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    assert [*await run_queued(ctx, pool), *await run_queued(ctx, pool), *await run_queued(ctx, pool)] == [
        "failed",
        "failed",
        "dead",
    ]
    assert await pool.queued_jobs(queue_name=ARQ_QUEUE) == []
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts, row.next_attempt_at) == ("dead", 3, None)

    replayed = await home.run(home.viewer(ada), REPLAY, jobs=pool, input={"id": str(row.id)})
    assert replayed["deliveryReplay"] == {
        "delivery": {
            "id": str(row.id),
            "status": "PENDING",
            "attempts": 0,
            "lastError": "the webhook receiver answered 503",
        },
        "errors": [],
    }
    [job] = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    assert job.job_id is not None
    assert job.job_id.startswith(f"deliver:{row.id}:replay:")
    assert await run_queued(ctx, pool) == ["sent"]
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(flaky.receiver.received) == 4

    # A sent delivery is not replayable; another user's looks missing.
    again = await home.run(home.viewer(ada), REPLAY, jobs=pool, input={"id": str(row.id)})
    assert again["deliveryReplay"]["errors"] == [
        {"__typename": "ValidationError", "message": "a sent delivery cannot be replayed", "field": "id"}
    ]
    bob = await home.member()
    stranger = await home.run(home.viewer(bob), REPLAY, jobs=pool, input={"id": str(row.id)})
    assert stranger["deliveryReplay"] == {
        "delivery": None,
        "errors": [{"__typename": "NotFoundError", "message": "no such delivery", "field": "id"}],
    }


async def test_a_permanent_refusal_is_dead_at_once_and_can_switch_the_channel_off(
    runtime: Runtime, pool: ArqRedis, flaky: Flaky
) -> None:
    settings = loopback_settings(runtime)
    home = Home(runtime)
    ada = await home.member()
    gone = await home.channel(ada, config={"url": f"{flaky.receiver.url}/gone"})
    flaky.receiver.handler = lambda request: Reply(410, b"gone")
    ctx = job_ctx(runtime, pool, settings=settings, channels={"webhook": WebhookChannel(settings)})
    await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    assert await run_queued(ctx, pool) == ["dead"]
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts, row.last_error) == ("dead", 1, "the webhook receiver answered 410")
    async with runtime.sessionmaker() as session:
        channel = await session.get(Channel, gone)
        assert channel is not None
        assert channel.active is False
    # Switched off: the next alert does not go there.
    await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    assert len(await deliveries(runtime)) == 1

    # A permanent refusal that does not ask for it leaves the channel on.
    other = await home.channel(ada, kind="email", config={"address": "ada@example.org"})
    plugin = FakeChannel(kind="email", failures=[permanent("mailbox unknown")])
    await notify_on_event({**ctx, "channels": {"email": plugin}}, price_alert(home.household_id, ada).to_json())
    assert await run_queued({**ctx, "channels": {"email": plugin}}, pool) == ["dead"]
    async with runtime.sessionmaker() as session:
        channel = await session.get(Channel, other)
        assert channel is not None
        assert channel.active is True


async def test_the_sweep_enqueues_deliveries_whose_job_was_lost_and_only_those(
    runtime: Runtime, pool: ArqRedis
) -> None:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada)
    plugin = FakeChannel()
    ctx = job_ctx(runtime, pool, channels={"webhook": plugin})
    await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    first, second = await deliveries(runtime)
    assert await notify_sweep(ctx) == 0  # both new: their jobs are queued
    await pool.flushdb()  # Redis lost every job
    a_while_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(Delivery).values(created_at=a_while_ago))
        await session.execute(
            update(Delivery)
            .where(Delivery.id == second.id)
            .values(status="failed", attempts=1, next_attempt_at=a_while_ago)
        )
    assert await notify_sweep(ctx) == 2
    assert set(await queued(pool)) == {f"deliver:{first.id}", f"deliver:{second.id}:1"}
    assert await notify_sweep(ctx) == 2  # looked at again, but not enqueued twice
    assert len(await queued(pool)) == 2

    # A job that does not end (its worker was killed while running it) holds its id: a rescue job goes, once.
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(Delivery).where(Delivery.id == first.id).values(created_at=long_ago))
    for _ in range(2):
        await notify_sweep(ctx)
    assert set(await queued(pool)) == {f"deliver:{first.id}", f"deliver:{first.id}:rescue", f"deliver:{second.id}:1"}
    # Two jobs of one delivery send it once.
    assert await run_queued(ctx, pool) == ["sent", "sent", "sent"]
    assert len(plugin.sent) == 2
    assert {(d.status, d.attempts) for d in await deliveries(runtime)} == {("sent", 1), ("sent", 2)}


async def test_the_digest_job_sends_what_a_rate_cap_held(runtime: Runtime, pool: ArqRedis) -> None:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada)
    async with runtime.sessionmaker() as session, session.begin():
        session.add(UserSettings(user_id=ada, hourly_cap=1))
    plugin = FakeChannel()
    ctx = job_ctx(runtime, pool, channels={"webhook": plugin})
    for _ in range(3):
        await notify_on_event(ctx, price_alert(home.household_id, ada).to_json())
    assert sorted(d.status for d in await deliveries(runtime)) == ["held", "held", "pending"]
    assert await notify_digest(ctx) == 1
    assert await notify_digest(ctx) == 0
    [(message, _)] = plugin.sent
    assert message.title == "2 notifications held for you"
    assert sorted(d.status for d in await deliveries(runtime)) == ["digested", "digested", "pending"]


BOT_TOKEN = "4242:test-token"


@pytest.fixture
def telegram() -> Iterator[tuple[HttpReceiver, list[dict[str, Any]], list[dict[str, Any]]]]:
    """Telegram's Bot API on loopback: ``updates`` handed out by getUpdates, ``sent`` messages."""
    updates: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []

    def answer(request: Received) -> Reply:
        method = request.path.rpartition("/")[2]
        params = request.json()
        if method == "getUpdates":
            return Reply.json({"ok": True, "result": [u for u in updates if u["update_id"] >= params["offset"]]})
        if method == "sendMessage":
            sent.append(params)
            return Reply.json({"ok": True, "result": {"message_id": len(sent)}})
        return Reply.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    server = HttpReceiver(handler=answer).start()
    try:
        yield server, updates, sent
    finally:
        server.stop()


async def test_the_linking_cron_attaches_the_chat_that_sent_the_token(
    runtime: Runtime, pool: ArqRedis, telegram: tuple[HttpReceiver, list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    server, updates, sent = telegram
    settings = runtime.settings.model_copy(
        update={"TELEGRAM_BOT_TOKEN": SecretStr(BOT_TOKEN), "TELEGRAM_API_URL": server.url}
    )
    home = Home(runtime)
    ada = await home.member()
    async with runtime.sessionmaker() as session, session.begin():
        channel, token = await create_telegram_channel(session=session, household_id=home.household_id, user_id=ada)
    updates.extend(
        [
            {"update_id": 40, "message": {"chat": {"id": 555}, "text": "hello"}},
            {"update_id": 41, "message": {"chat": {"id": 777}, "text": f"/start {token}"}},
            {"update_id": 42, "message": {"chat": {"id": 999}, "text": "/start not-a-real-token"}},
        ]
    )
    ctx = job_ctx(runtime, pool, settings=settings)
    assert await notify_telegram_link(ctx) == 1
    async with runtime.sessionmaker() as session:
        linked = await session.get(Channel, channel.id)
        assert linked is not None
        assert (linked.verified, linked.link_token, linked.config) == (True, None, {"chat_id": 777})
    assert int(await pool.get(NOTIFY_TELEGRAM_OFFSET_KEY) or 0) == 43
    assert sorted(m["chat_id"] for m in sent) == [777, 999]  # a confirmation, and a word about the unknown link
    # The same updates are not read again; the used token links nothing more.
    assert await notify_telegram_link(ctx) == 0
    assert len(sent) == 2
    # Without a bot, the cron does nothing.
    assert await notify_telegram_link(job_ctx(runtime, pool)) == 0


async def test_a_job_for_a_vanished_delivery_does_nothing(runtime: Runtime, pool: ArqRedis) -> None:
    ctx = job_ctx(runtime, pool, channels={"webhook": FakeChannel()}, notify_http=httpx.AsyncClient())
    try:
        assert await deliver(ctx, str(uuid.uuid4())) == "missing"
    finally:
        await ctx["notify_http"].aclose()


async def test_the_relay_hands_a_notifiable_event_to_notify_on_event_once(runtime: Runtime, pool: ArqRedis) -> None:
    home = Home(runtime)
    await home.member()
    ev = event(TOPIC_TRANSACTION_CREATED, home.household_id)
    async with runtime.sessionmaker() as session, session.begin():
        written = await write_event(
            session, budget_outbox, topic=ev.topic, household_id=ev.household_id, payload=ev.payload
        )
    relay = make_relay({"redis": pool, "engine": runtime.engine})
    await relay.relay_schema("budget")
    jobs = await queued(pool)
    assert (f"notify_on_event:{written.id}") in jobs
    assert jobs[f"notify_on_event:{written.id}"][0] == "notify_on_event"
