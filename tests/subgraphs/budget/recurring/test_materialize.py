"""The daily run: every due occurrence posted (or reminded of) once, however often and on however many workers
it runs."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, select, update

from fincloud.constants import TOPIC_RECURRING_DUE, TOPIC_TRANSACTION_CREATED
from fincloud.service import Runtime
from subgraphs.budget.models import Account, Transaction, outbox
from subgraphs.budget.recurring.models import RecurringOccurrence, RecurringSchedule
from subgraphs.budget.recurring.rules import Preset
from subgraphs.budget.recurring.service import AmountChange, materialize_due, skip_next, unskip
from tests.factories import make_account
from tests.subgraphs.budget.budgets.support import make_category
from tests.subgraphs.budget.recurring.support import make_schedule


async def posted(runtime: Runtime) -> list[tuple[dt.date, Decimal, str]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Transaction.date, Transaction.amount, Transaction.status).order_by(Transaction.date)
        )
        return [(day, amount, status) for day, amount, status in rows.all()]


async def events(runtime: Runtime, topic: str) -> list[dict]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(outbox.c.payload).where(outbox.c.topic == topic).order_by(outbox.c.occurred_at)
        )
        return [dict(payload) for (payload,) in rows.all()]


async def household_with_account(runtime: Runtime) -> tuple[uuid.UUID, Account]:
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, name="Joint")
    return household, account


async def test_running_twice_posts_nothing_twice(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    async with runtime.sessionmaker() as session:
        rent = await make_category(session, household_id=household, name="Rent")
    schedule = await make_schedule(
        runtime.sessionmaker,
        household_id=household,
        account_id=account.id,
        start=dt.date(2026, 1, 15),  # monthly on the 1st: the first is 1 February
        payee="Landlord",
        category_id=rent.id,
        tags=["home"],
        memo="Flat 3",
    )
    first = await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 3, 15))
    assert (first.schedules, first.posted) == (1, 2)
    again = await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 3, 15))
    assert (again.schedules, again.posted) == (0, 0)
    # Even with the progress mark lost (a crash, a restore), the occurrences table alone refuses a repeat.
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(RecurringSchedule).values(processed_through=None))
    forgot = await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 3, 15))
    assert (forgot.schedules, forgot.posted) == (1, 0)
    later = await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 4, 1))
    assert later.posted == 1

    assert await posted(runtime) == [
        (dt.date(2026, 2, 1), Decimal("-1000.00"), "pending"),
        (dt.date(2026, 3, 1), Decimal("-1000.00"), "pending"),
        (dt.date(2026, 4, 1), Decimal("-1000.00"), "pending"),
    ]
    async with runtime.sessionmaker() as session:
        transaction = await session.scalar(select(Transaction).order_by(Transaction.date).limit(1))
        assert transaction is not None
        assert (transaction.payee, transaction.category_id, transaction.tags, transaction.memo) == (
            "Landlord",
            rent.id,
            ["home"],
            "Flat 3",
        )
        occurrences = (
            await session.execute(
                select(RecurringOccurrence.date, RecurringOccurrence.status, RecurringOccurrence.transaction_id)
            )
        ).all()
    assert sorted((day, status) for day, status, _ in occurrences) == [
        (dt.date(2026, 2, 1), "posted"),
        (dt.date(2026, 3, 1), "posted"),
        (dt.date(2026, 4, 1), "posted"),
    ]
    assert all(transaction_id is not None for _, _, transaction_id in occurrences)
    created = await events(runtime, TOPIC_TRANSACTION_CREATED)
    assert [e["recurring_id"] for e in created] == [str(schedule.id)] * 3


async def test_two_workers_at_once_post_nothing_twice(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    for n in range(6):
        await make_schedule(
            runtime.sessionmaker,
            household_id=household,
            account_id=account.id,
            amount=f"-{n + 1}.00",
            preset=None,
            rule="FREQ=WEEKLY",
        )
    today = dt.date(2026, 2, 26)  # Thursdays from 1 January: 9 each
    reports = await asyncio.gather(*(materialize_due(sessionmaker=runtime.sessionmaker, today=today) for _ in range(3)))
    assert sum(r.posted for r in reports) == 6 * 9
    assert sum(r.schedules for r in reports) == 6
    assert len(await posted(runtime)) == 6 * 9
    # And again from scratch, racing on the dates themselves (no progress mark to divide the work).
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(RecurringSchedule).values(processed_through=None))
    reports = await asyncio.gather(*(materialize_due(sessionmaker=runtime.sessionmaker, today=today) for _ in range(3)))
    assert sum(r.posted for r in reports) == 0
    assert len(await posted(runtime)) == 6 * 9


async def test_dated_amount_changes_apply_from_their_date(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    await make_schedule(
        runtime.sessionmaker,
        household_id=household,
        account_id=account.id,
        amount="-1000.00",
        amount_changes=[
            AmountChange(dt.date(2026, 3, 1), Decimal("-1100.00")),
            AmountChange(dt.date(2026, 5, 2), Decimal("-1150")),
        ],
    )
    await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 6, 1))
    assert [amount for _, amount, _ in await posted(runtime)] == [
        Decimal("-1000.00"),  # Jan
        Decimal("-1000.00"),  # Feb
        Decimal("-1100.00"),  # Mar
        Decimal("-1100.00"),  # Apr
        Decimal("-1100.00"),  # May 1st: the change is from the 2nd
        Decimal("-1150.00"),  # Jun
    ]


async def test_remind_mode_writes_a_due_event_and_posts_nothing(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    schedule = await make_schedule(
        runtime.sessionmaker,
        household_id=household,
        account_id=account.id,
        amount="-80.00",
        mode="remind",
        amount_is_estimate=True,
        name="Electricity",
        preset=Preset.LAST_BUSINESS_DAY,
    )
    report = await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 2, 27))
    assert (report.reminded, report.posted) == (2, 0)
    await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 2, 27))
    assert await posted(runtime) == []
    due = await events(runtime, TOPIC_RECURRING_DUE)
    assert [(e["date"], e["amount"], e["amount_is_estimate"], e["name"], e["failed"]) for e in due] == [
        ("2026-01-30", "-80.00", True, "Electricity", None),
        ("2026-02-27", "-80.00", True, "Electricity", None),
    ]
    assert {e["recurring_id"] for e in due} == {str(schedule.id)}


async def test_a_refused_posting_is_recorded_as_failed_and_reported_once(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    await make_schedule(runtime.sessionmaker, household_id=household, account_id=account.id)
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(Account).values(archived_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)))
    report = await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 2, 1))
    assert (report.posted, report.failed) == (0, 2)
    assert (await materialize_due(sessionmaker=runtime.sessionmaker, today=dt.date(2026, 2, 1))).failed == 0
    due = await events(runtime, TOPIC_RECURRING_DUE)
    assert [e["failed"] for e in due] == ["the account is archived; unarchive it to add transactions"] * 2
    async with runtime.sessionmaker() as session:
        statuses = set(await session.scalars(select(RecurringOccurrence.status)))
    assert statuses == {"failed"}
    assert await posted(runtime) == []


async def test_skipped_dates_are_not_posted_and_an_undone_skip_is(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    schedule = await make_schedule(runtime.sessionmaker, household_id=household, account_id=account.id)
    today = dt.date(2026, 3, 1)
    async with runtime.sessionmaker() as session, session.begin():
        assert (
            await skip_next(session=session, household_ids=[household], schedule_id=schedule.id, today=today) == today
        )
    await materialize_due(sessionmaker=runtime.sessionmaker, today=today)
    assert [day for day, _, _ in await posted(runtime)] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    # Changed her mind the same day, after the run: the next run posts it.
    async with runtime.sessionmaker() as session, session.begin():
        assert (
            await unskip(session=session, household_ids=[household], schedule_id=schedule.id, day=None, today=today)
            == today
        )
    await materialize_due(sessionmaker=runtime.sessionmaker, today=today)
    assert [day for day, _, _ in await posted(runtime)] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), today]


async def test_a_start_far_in_the_past_catches_up_in_bounded_runs(runtime: Runtime) -> None:
    household, account = await household_with_account(runtime)
    await make_schedule(
        runtime.sessionmaker, household_id=household, account_id=account.id, preset=None, rule="FREQ=DAILY"
    )
    today = dt.date(2026, 1, 10)
    first = await materialize_due(sessionmaker=runtime.sessionmaker, today=today, limit=4)
    second = await materialize_due(sessionmaker=runtime.sessionmaker, today=today, limit=4)
    third = await materialize_due(sessionmaker=runtime.sessionmaker, today=today, limit=4)
    assert [first.posted, second.posted, third.posted] == [4, 4, 2]
    async with runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Transaction)) == 10
