"""Portfolio's replica of budget's accounts, fed by ``budget.account_changed`` through the relay."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from arq.connections import ArqRedis
from sqlalchemy import select

from fincloud.constants import TOPIC_ACCOUNT_CHANGED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.models import outbox as budget_outbox
from subgraphs.budget.services.ledger import AccountKind
from subgraphs.portfolio.models import BudgetAccount
from tests.factories import deliver_events, make_account
from workers.replicas import portfolio_on_account_changed


async def replica(runtime: Runtime) -> list[tuple]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(select(BudgetAccount).order_by(BudgetAccount.id))
        return [(r.id, r.household_id, r.type, r.currency, r.archived, r.deleted, r.changed_at) for r in rows]


async def the_account_event(runtime: Runtime) -> Event:
    async with runtime.sessionmaker() as session:
        [row] = (
            await session.execute(select(budget_outbox).where(budget_outbox.c.topic == TOPIC_ACCOUNT_CHANGED))
        ).all()
    return Event(row.id, row.topic, row.household_id, row.occurred_at, row.payload)


def changed(event: Event, *, seconds: float, **payload: object) -> str:
    """Another event about the same account, ``seconds`` after (or before) ``event``."""
    return dataclasses.replace(
        event,
        id=uuid.uuid4(),
        occurred_at=event.occurred_at + timedelta(seconds=seconds),
        payload={**event.payload, **payload},
    ).to_json()


async def test_a_new_account_reaches_portfolios_replica_and_a_replay_changes_nothing(
    runtime: Runtime, pool: ArqRedis
) -> None:
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session:
        account = await make_account(
            session, household_id=household, name="Brokerage", currency="USD", kind=AccountKind.INVESTMENT
        )
    assert await replica(runtime) == []  # nothing until the worker delivers the event
    assert await deliver_events(runtime, pool) == ["portfolio_on_account_changed"]
    event = await the_account_event(runtime)
    expected = [(account.id, household, "investment", "USD", False, False, event.occurred_at)]
    assert await replica(runtime) == expected

    # At-least-once delivery: the same event again is a no-op.
    ctx = {"sessionmaker": runtime.sessionmaker}
    assert await portfolio_on_account_changed(ctx, event.to_json()) is False
    assert await replica(runtime) == expected


async def test_the_newest_event_wins_whatever_the_order_of_delivery(runtime: Runtime, pool: ArqRedis) -> None:
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, kind=AccountKind.INVESTMENT)
    await deliver_events(runtime, pool)
    event = await the_account_event(runtime)
    ctx = {"sessionmaker": runtime.sessionmaker}
    deleted = (account.id, household, "investment", "EUR", False, True, event.occurred_at + timedelta(seconds=1))

    assert await portfolio_on_account_changed(ctx, changed(event, seconds=1, deleted=True)) is True
    assert await replica(runtime) == [deleted]
    # A stale change (say, a retried job) arrives after the deletion: it must not bring the account back.
    assert await portfolio_on_account_changed(ctx, changed(event, seconds=0.5, type="checking")) is False
    assert await portfolio_on_account_changed(ctx, event.to_json()) is False
    assert await replica(runtime) == [deleted]


async def test_an_account_first_heard_of_through_a_late_event_is_still_recorded(runtime: Runtime) -> None:
    """Out of order from the start: the newest event is the first delivered, the older one comes after."""
    account_id, household = uuid.uuid4(), uuid.uuid4()
    newest = Event(
        id=uuid.uuid4(),
        topic=TOPIC_ACCOUNT_CHANGED,
        household_id=household,
        occurred_at=datetime(2026, 11, 28, 12, 0, 1, tzinfo=UTC),
        payload={
            "account_id": str(account_id),
            "household_id": str(household),
            "type": "investment",
            "currency": "CHF",
            "archived": True,
            "deleted": False,
        },
    )
    ctx = {"sessionmaker": runtime.sessionmaker}
    assert await portfolio_on_account_changed(ctx, newest.to_json()) is True
    assert await portfolio_on_account_changed(ctx, changed(newest, seconds=-1, archived=False)) is False
    assert await replica(runtime) == [(account_id, household, "investment", "CHF", True, False, newest.occurred_at)]
