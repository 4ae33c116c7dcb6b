from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from arq.connections import ArqRedis
from sqlalchemy import func, select

from fincloud.constants import ARQ_QUEUE, TOPIC_EMAIL_REQUESTED, TOPIC_HOUSEHOLD_DELETED
from fincloud.events import Event, write_event
from fincloud.service import Runtime
from subgraphs.budget.models import Account, Transaction
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from subgraphs.identity.models import outbox as identity_outbox
from subgraphs.notification.models import Member, Notification
from subgraphs.portfolio.models import BudgetAccount
from tests.factories import deliver_events, make_account
from workers.notify import notify_on_event
from workers.outbox import make_relay, redrive_if_redis_lost
from workers.purge import purge_household


async def record_one(runtime: Runtime) -> uuid.UUID:
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, name="Joint")
        async with session.begin():
            await create_transaction(
                session=session,
                household_ids=[household],
                data=NewTransaction(account.id, dt.date(2026, 11, 28), Decimal("-4.20"), "Café", None),
            )
    return household


async def test_a_transaction_event_enqueues_its_job_once_and_the_job_notifies_each_member_once(
    runtime: Runtime, pool: ArqRedis
) -> None:
    household = await record_one(runtime)
    relay = make_relay({"redis": pool, "engine": runtime.engine})
    assert await relay.relay_schema("budget") == 2  # the account's event, then the transaction's

    jobs = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    assert sorted(job.function for job in jobs) == [
        "budget_on_transaction_event",
        "notify_on_event",
        "portfolio_on_account_changed",
    ]
    [job] = [job for job in jobs if job.function == "notify_on_event"]

    # Redelivery of the same event (a relay crash after enqueueing) must not double the job or the inbox item.
    [event_json] = job.args
    await relay._dispatch(Event.from_json(event_json))
    assert len(await pool.queued_jobs(queue_name=ARQ_QUEUE)) == 3

    async with runtime.sessionmaker() as session, session.begin():
        session.add(
            Member(
                household_id=household,
                user_id=uuid.uuid4(),
                role="owner",
                email="ada@example.org",
                email_verified=True,
                changed_at=dt.datetime.now(dt.UTC),
            )
        )
    ctx = {"sessionmaker": runtime.sessionmaker}
    await notify_on_event(ctx, event_json)
    await notify_on_event(ctx, event_json)
    async with runtime.sessionmaker() as session:
        [item] = (await session.scalars(select(Notification))).all()
    assert item.household_id == household
    assert item.in_inbox is True
    assert "Café" in item.title


async def test_a_deleted_household_loses_its_data_in_every_subgraph(runtime: Runtime, pool: ArqRedis) -> None:
    doomed, kept = await record_one(runtime), await record_one(runtime)
    assert (
        sorted(await deliver_events(runtime, pool))
        == ["budget_on_transaction_event"] * 2 + ["notify_on_event"] * 2 + ["portfolio_on_account_changed"] * 2
    )
    relay = make_relay({"redis": pool, "engine": runtime.engine})
    async with runtime.sessionmaker() as session, session.begin():
        await write_event(
            session,
            identity_outbox,
            topic=TOPIC_HOUSEHOLD_DELETED,
            household_id=doomed,
            payload={"household_id": doomed},
        )
    await pool.flushdb()
    await relay.relay_schema("identity")
    [job] = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    assert job.function == "purge_household"
    ctx = {"sessionmaker": runtime.sessionmaker}
    assert await purge_household(ctx, job.args[0]) == 4  # account, payee, transaction, account replica
    assert await purge_household(ctx, job.args[0]) == 0
    async with runtime.sessionmaker() as session:
        for model in (Account, Transaction, BudgetAccount):
            households = set(await session.scalars(select(model.household_id)))
            assert households == {kept}, model
        assert await session.scalar(select(func.count()).select_from(Account)) == 1


async def test_when_redis_lost_its_data_the_recent_events_jobs_are_enqueued_again_but_not_account_emails(
    runtime: Runtime, pool: ArqRedis
) -> None:
    household = await record_one(runtime)
    async with runtime.sessionmaker() as session, session.begin():
        await write_event(
            session,
            identity_outbox,
            topic=TOPIC_EMAIL_REQUESTED,
            household_id=None,
            payload={"to": "ada@example.org", "template": "verify_email", "token": "t"},
        )
    ctx = {"redis": pool, "engine": runtime.engine}
    ctx["relay"] = relay = make_relay(ctx)
    assert await relay.relay_schema("budget") == 2
    assert await relay.relay_schema("identity") >= 1
    assert await redrive_if_redis_lost(ctx) >= 3  # the marker was missing: this Redis is new
    ours = [job for job in await pool.queued_jobs(queue_name=ARQ_QUEUE) if str(household) in job.args[0]]
    assert sorted(job.function for job in ours) == [
        "budget_on_transaction_event",
        "notify_on_event",
        "portfolio_on_account_changed",
    ]
    emails = [job for job in await pool.queued_jobs(queue_name=ARQ_QUEUE) if "ada@example.org" in job.args[0]]
    assert [job.function for job in emails] == ["email_on_identity_request"]  # from the relay, once

    # Redis lost everything: only the redrive brings the jobs back, the account email excepted.
    await pool.flushdb()
    assert await redrive_if_redis_lost(ctx) >= 3
    queued = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    assert sorted(job.function for job in queued if str(household) in job.args[0]) == [
        "budget_on_transaction_event",
        "notify_on_event",
        "portfolio_on_account_changed",
    ]
    assert not [job for job in queued if "ada@example.org" in job.args[0]]
    # With the marker in place, nothing is lost and nothing is enqueued.
    assert await redrive_if_redis_lost(ctx) == 0
