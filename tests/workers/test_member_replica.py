"""Notification's replica of household members, fed by ``identity.member_changed`` through the relay."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from alembic import command
from arq.connections import ArqRedis
from sqlalchemy import delete, select

from fincloud.constants import ARQ_QUEUE, TOPIC_HOUSEHOLD_DELETED, TOPIC_MEMBER_CHANGED
from fincloud.events import Event, write_event
from fincloud.migrate import alembic_config
from fincloud.service import Runtime
from subgraphs.identity.models import outbox as identity_outbox
from subgraphs.identity.services.accounts import mark_email_verified
from subgraphs.notification.models import Member
from subgraphs.notification.services.members import member, members_of
from tests.subgraphs.identity.test_households import DELETE, PASSWORD, REMOVE, ROLE, person, run
from tests.subgraphs.identity.test_member_events import share, uid
from workers.main import WorkerSettings
from workers.outbox import make_relay
from workers.purge import purge_household
from workers.replicas import notification_on_member_changed

Row = tuple[uuid.UUID, uuid.UUID, str, str, bool, str, bool]

ROOT = Path(__file__).resolve().parents[2]

MEMBER_JOBS = ("notification_on_member_changed", "purge_household")


async def deliver_events(runtime: Runtime, pool: ArqRedis) -> list[str]:
    """``tests.factories.deliver_events`` for identity's outbox, running only the jobs that keep notification's
    members (identity's other events, such as emails, have consumers of their own, tested with them)."""
    await make_relay({"redis": pool, "engine": runtime.engine}).relay_schema("identity")
    functions = {function.__name__: function for function in WorkerSettings.functions}
    ran = []
    for job in sorted(await pool.queued_jobs(queue_name=ARQ_QUEUE), key=lambda job: job.enqueue_time):
        if job.function in MEMBER_JOBS:
            await functions[job.function]({"sessionmaker": runtime.sessionmaker}, *job.args)
            ran.append(job.function)
    await pool.flushdb()
    return ran


async def replica(runtime: Runtime) -> list[Row]:
    """Every row of the replica, removed ones included."""
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(select(Member).order_by(Member.household_id, Member.user_id))
        return [(r.household_id, r.user_id, r.role, r.email, r.email_verified, r.name, r.removed) for r in rows]


async def current(runtime: Runtime, household: uuid.UUID) -> list[tuple[str, str, bool]]:
    async with runtime.sessionmaker() as session:
        return [(m.email, m.role, m.email_verified) for m in await members_of(session=session, household_id=household)]


async def member_events(runtime: Runtime) -> list[Event]:
    async with runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(identity_outbox)
                .where(identity_outbox.c.topic == TOPIC_MEMBER_CHANGED)
                .order_by(identity_outbox.c.occurred_at, identity_outbox.c.id)
            )
        ).all()
    return [Event(row.id, row.topic, row.household_id, row.occurred_at, row.payload) for row in rows]


def ctx(runtime: Runtime) -> dict[str, object]:
    return {"sessionmaker": runtime.sessionmaker}


async def test_members_reach_notification_and_follow_every_change(runtime: Runtime, pool: ArqRedis) -> None:
    ada = await person(runtime, "ada@example.com")
    [household] = ada.household_ids
    assert await replica(runtime) == []  # nothing until the worker delivers the event
    assert await deliver_events(runtime, pool) == ["notification_on_member_changed"]
    assert await current(runtime, household) == [("ada@example.com", "owner", False)]

    bob = await share(runtime, ada, "bob@example.com", role="VIEWER")
    promote = {"householdId": str(household), "userId": str(bob.user_id), "role": "EDITOR"}
    assert (await run(runtime, ada, ROLE, input=promote))["memberRoleChange"]["ok"]
    async with runtime.sessionmaker() as session, session.begin():
        await mark_email_verified(session=session, user_id=uid(bob))
    # Bob registers (his own household), joins Ada's, is promoted, verifies his address in both.
    assert await deliver_events(runtime, pool) == ["notification_on_member_changed"] * 5
    assert await current(runtime, household) == [
        ("ada@example.com", "owner", False),
        ("bob@example.com", "editor", True),
    ]
    async with runtime.sessionmaker() as session:
        found = await member(session=session, household_id=household, user_id=uid(bob))
        assert found is not None
        assert (found.name, found.email) == ("bob", "bob@example.com")
        assert await member(session=session, household_id=household, user_id=uuid.uuid4()) is None

    removal = {"householdId": str(household), "userId": str(bob.user_id)}
    assert (await run(runtime, ada, REMOVE, input=removal))["memberRemove"]["ok"]
    assert await deliver_events(runtime, pool) == ["notification_on_member_changed"]
    assert await current(runtime, household) == [("ada@example.com", "owner", False)]
    async with runtime.sessionmaker() as session:
        assert await member(session=session, household_id=household, user_id=uid(bob)) is None
    # The removal is kept as a row, without the address or name.
    assert (household, bob.user_id, "editor", "", False, "", True) in await replica(runtime)


async def test_replays_and_older_events_change_nothing(runtime: Runtime, pool: ArqRedis) -> None:
    ada = await person(runtime, "ada@example.com")
    [household] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com")
    assert (await run(runtime, ada, REMOVE, input={"householdId": str(household), "userId": str(bob.user_id)}))[
        "memberRemove"
    ]["ok"]
    await deliver_events(runtime, pool)
    settled = await replica(runtime)
    assert (household, bob.user_id, "editor", "", False, "", True) in settled

    # At-least-once delivery: every event again, in any order, is a no-op; the late "joined" cannot revive Bob.
    events = await member_events(runtime)
    for event in [*events, *reversed(events)]:
        assert await notification_on_member_changed(ctx(runtime), event.to_json()) is False
    assert await replica(runtime) == settled


async def test_the_newest_event_wins_whatever_the_order_of_delivery(runtime: Runtime, pool: ArqRedis) -> None:
    ada = await person(runtime, "ada@example.com")
    [joined] = await member_events(runtime)

    def later(seconds: float, **payload: object) -> str:
        return dataclasses.replace(
            joined,
            id=uuid.uuid4(),
            occurred_at=joined.occurred_at + timedelta(seconds=seconds),
            payload={**joined.payload, **payload},
        ).to_json()

    # The newest is delivered first: the older ones after it are ignored.
    assert await notification_on_member_changed(ctx(runtime), later(2, email="ada@new.example", name="Ada L")) is True
    assert await notification_on_member_changed(ctx(runtime), later(1, role="viewer")) is False
    assert await notification_on_member_changed(ctx(runtime), joined.to_json()) is False
    assert await replica(runtime) == [
        (ada.household_ids[0], ada.user_id, "owner", "ada@new.example", False, "Ada L", False)
    ]
    # A removal sheds the address and name even if an event carried them.
    assert await notification_on_member_changed(ctx(runtime), later(3, removed=True)) is True
    assert await replica(runtime) == [(ada.household_ids[0], ada.user_id, "owner", "", False, "", True)]


async def test_a_purged_household_loses_its_members_and_others_keep_theirs(runtime: Runtime, pool: ArqRedis) -> None:
    ada = await person(runtime, "ada@example.com")
    [adas] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com")
    [bobs_own] = bob.household_ids
    await deliver_events(runtime, pool)
    assert {row[0] for row in await replica(runtime)} == {adas, bobs_own}

    # Bob deletes his account: his own household goes whole, Ada's hears he left.
    gone = await run(runtime, bob, DELETE, input={"password": PASSWORD, "confirmation": "DELETE MY ACCOUNT"})
    assert gone["accountDelete"]["ok"]
    assert sorted(await deliver_events(runtime, pool)) == [
        "notification_on_member_changed",
        "purge_household",
    ]
    assert await replica(runtime) == sorted(
        [
            (adas, ada.user_id, "owner", "ada@example.com", False, "ada", False),
            (adas, bob.user_id, "editor", "", False, "", True),
        ]
    )
    assert await current(runtime, bobs_own) == []

    # Purging is idempotent and takes only the household named.
    async with runtime.sessionmaker() as session, session.begin():
        event = await write_event(
            session, identity_outbox, topic=TOPIC_HOUSEHOLD_DELETED, household_id=adas, payload={"household_id": adas}
        )
    assert await purge_household(ctx(runtime), event.to_json()) == 2
    assert await purge_household(ctx(runtime), event.to_json()) == 0
    assert await replica(runtime) == []


async def households_older_than_the_replica(runtime: Runtime) -> list[Row]:
    """Ada's household with Bob in it, and Bob's own, as identity held them before it announced its members: no
    ``identity.member_changed`` event was ever written for them, so notification knows nobody. Returns the replica
    they should give."""
    ada = await person(runtime, "ada@example.com")
    [adas] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com", role="VIEWER")
    [bobs_own] = bob.household_ids
    async with runtime.sessionmaker() as session, session.begin():
        await mark_email_verified(session=session, user_id=uid(bob))
        await session.execute(delete(identity_outbox).where(identity_outbox.c.topic == TOPIC_MEMBER_CHANGED))
    return sorted(
        [
            (adas, uid(ada), "owner", "ada@example.com", False, "ada", False),
            (adas, uid(bob), "viewer", "bob@example.com", True, "bob", False),
            (bobs_own, uid(bob), "owner", "bob@example.com", True, "bob", False),
        ]
    )


async def test_migrating_announces_the_members_of_households_older_than_the_replica(
    runtime: Runtime, pool: ArqRedis
) -> None:
    expected = await households_older_than_the_replica(runtime)
    assert await deliver_events(runtime, pool) == []
    assert await replica(runtime) == []

    # ``fincloud migrate`` on a database from before: identity's migration iden0004 announces every member once.
    identity = alembic_config("identity", runtime.settings.DATABASE_URL or "")
    await asyncio.to_thread(command.downgrade, identity, "iden0003")
    await asyncio.to_thread(command.upgrade, identity, "heads")
    assert await deliver_events(runtime, pool) == ["notification_on_member_changed"] * 3
    assert await replica(runtime) == expected


def announce_members_command(runtime: Runtime) -> str:
    """``fincloud announce-members`` as an operator runs it, against the test database; returns what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINCLOUD_")}
    env |= {
        "FINCLOUD_ENV": "test",
        "FINCLOUD_DATABASE_URL": runtime.settings.DATABASE_URL or "",
        "FINCLOUD_DATA_DIR": str(runtime.settings.DATA_DIR),
        "FINCLOUD_SERVICE_TOKEN": runtime.settings.SERVICE_TOKEN,
    }
    done = subprocess.run(
        [sys.executable, "-m", "fincloud.cli", "announce-members"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_the_announce_members_command_fills_the_replica_and_running_it_again_changes_nothing(
    runtime: Runtime, pool: ArqRedis
) -> None:
    expected = await households_older_than_the_replica(runtime)
    assert await deliver_events(runtime, pool) == []

    printed = await asyncio.to_thread(announce_members_command, runtime)
    assert "announced 3 household member(s)" in printed
    assert await deliver_events(runtime, pool) == ["notification_on_member_changed"] * 3
    assert await replica(runtime) == expected

    # Idempotent: the same members again, newer events describing the same present.
    printed = await asyncio.to_thread(announce_members_command, runtime)
    assert "announced 3 household member(s)" in printed
    assert await deliver_events(runtime, pool) == ["notification_on_member_changed"] * 3
    assert await replica(runtime) == expected
