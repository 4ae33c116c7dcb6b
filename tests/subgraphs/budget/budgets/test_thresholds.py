"""BudgetThresholdExceeded: once per category, month and level, whoever evaluates and however often."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from arq import ArqRedis
from sqlalchemy import select

from fincloud.constants import ARQ_QUEUE, TOPIC_BUDGET_CHANGED, TOPIC_BUDGET_THRESHOLD_EXCEEDED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.budgets.models import BudgetPreferences, ThresholdCrossing
from subgraphs.budget.budgets.months import add_months, first_day, month_label
from subgraphs.budget.budgets.thresholds import evaluate_thresholds
from subgraphs.budget.context import Context
from subgraphs.budget.models import outbox
from subgraphs.budget.schema import schema
from tests.conftest import execute, today
from tests.factories import deliver_events, make_viewer
from tests.subgraphs.budget.budgets.support import Household
from workers.budgets import budget_on_transaction_event
from workers.outbox import make_relay


def this_month() -> dt.date:
    """The first day of the current month, asked when used."""
    return first_day(today())


async def alerts(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(outbox.c.payload)
            .where(outbox.c.topic == TOPIC_BUDGET_THRESHOLD_EXCEEDED)
            .order_by(outbox.c.occurred_at)
        )
        return [dict(payload) for (payload,) in rows.all()]


async def groceries_household(
    runtime: Runtime, budget: str = "100", household_id: uuid.UUID | None = None
) -> Household:
    async with runtime.sessionmaker() as session:
        household = await Household.create(session, household_id=household_id)
        await household.category("Groceries")
        await household.budget("Groceries", month_label(this_month()), budget)
    return household


async def spend(runtime: Runtime, household: Household, amount: str, on: dt.date = today()) -> None:
    async with runtime.sessionmaker() as session:
        household.session = session
        await household.record(on, amount, "Groceries")


async def test_crossing_80_and_100_is_announced_once_each(runtime: Runtime, pool: ArqRedis) -> None:
    household = await groceries_household(runtime)
    await deliver_events(runtime, pool)
    for amount, expected in (("-50.00", []), ("-35.00", [80]), ("-20.00", [80, 100]), ("-30.00", [80, 100])):
        await spend(runtime, household, amount)
        ran = await deliver_events(runtime, pool)
        assert "budget_on_transaction_event" in ran
        assert [a["level"] for a in await alerts(runtime)] == expected, amount
    first, second = await alerts(runtime)
    assert first == {
        "category_id": str(household.categories["Groceries"].id),
        "category_name": "Groceries",
        "group_name": "Groceries group",
        "month": month_label(this_month()),
        "level": 80,
        "currency": "EUR",
        "budgeted": "100.00",
        "carried": "0.00",
        "spent": "85.00",
        "available": "15.00",
        "progress": 0.85,
        "complete": True,
    }
    assert (second["level"], second["spent"], second["available"]) == (100, "105.00", "-5.00")


async def test_a_redelivered_event_or_a_second_run_announces_nothing_again(runtime: Runtime, pool: ArqRedis) -> None:
    household = await groceries_household(runtime)
    await spend(runtime, household, "-90.00")
    relay = make_relay({"redis": pool, "engine": runtime.engine})
    await relay.relay_schema("budget")
    jobs = [
        job for job in await pool.queued_jobs(queue_name=ARQ_QUEUE) if job.function == "budget_on_transaction_event"
    ]
    [event_json] = [job.args[0] for job in jobs if Event.from_json(job.args[0]).payload.get("amount") == "-90.00"]
    ctx = {"sessionmaker": runtime.sessionmaker}
    assert await budget_on_transaction_event(ctx, event_json) is True
    assert await budget_on_transaction_event(ctx, event_json) is False  # the same event, again
    assert [a["level"] for a in await alerts(runtime)] == [80]
    async with runtime.sessionmaker() as session:
        changed = (await session.execute(select(outbox.c.payload).where(outbox.c.topic == TOPIC_BUDGET_CHANGED))).all()
    assert [dict(p)["reason"] for (p,) in changed] == ["transaction"]  # once for the event, not twice
    # Another event of the same month (a new evaluation) finds the crossing already announced.
    await spend(runtime, household, "-1.00")
    await pool.flushdb()
    await deliver_events(runtime, pool)
    assert [a["level"] for a in await alerts(runtime)] == [80]


async def test_workers_evaluating_at_once_announce_each_crossing_once(runtime: Runtime) -> None:
    household = await groceries_household(runtime)
    await spend(runtime, household, "-120.00")

    async def evaluate() -> int:
        async with runtime.sessionmaker() as session, session.begin():
            events = await evaluate_thresholds(
                session=session, household_id=household.id, from_month=this_month(), today=today()
            )
            await asyncio.sleep(0.05)  # hold the transaction open while the others try
            return len(events)

    written = await asyncio.gather(*(evaluate() for _ in range(5)))
    assert sum(written) == 2
    assert sorted(a["level"] for a in await alerts(runtime)) == [80, 100]
    async with runtime.sessionmaker() as session:
        crossings = (await session.execute(select(ThresholdCrossing.level, ThresholdCrossing.event_id))).all()
    assert sorted(level for level, _ in crossings) == [80, 100]
    assert all(event_id is not None for _, event_id in crossings)


async def test_levels_are_the_households_own(runtime: Runtime, pool: ArqRedis) -> None:
    household = await groceries_household(runtime)
    async with runtime.sessionmaker() as session, session.begin():
        session.add(BudgetPreferences(household_id=household.id, threshold_levels=[50, 150]))
    await spend(runtime, household, "-149.99")
    await deliver_events(runtime, pool)
    assert [a["level"] for a in await alerts(runtime)] == [50]
    await spend(runtime, household, "-0.01")
    await deliver_events(runtime, pool)
    assert [a["level"] for a in await alerts(runtime)] == [50, 150]


async def test_setting_a_budget_checks_its_thresholds(runtime: Runtime, pool: ArqRedis) -> None:
    viewer = make_viewer()
    household = await groceries_household(runtime, budget="200", household_id=viewer.household_ids[0])
    await spend(runtime, household, "-90.00")
    await deliver_events(runtime, pool)
    assert await alerts(runtime) == []
    mutation = """mutation($input: BudgetSetInput!) { budgetSet(input: $input) { errors { message } } }"""
    context = Context(runtime=runtime, viewer=viewer)
    category = str(household.categories["Groceries"].id)
    for amount, expected in (("100", [80]), ("85", [80, 100]), ("50", [80, 100])):
        await execute(
            schema,
            context,
            mutation,
            input={"categoryId": category, "month": month_label(this_month()), "amount": amount},
        )
        assert [a["level"] for a in await alerts(runtime)] == expected, amount


async def test_history_raises_no_alerts(runtime: Runtime, pool: ArqRedis) -> None:
    household = await groceries_household(runtime)
    old_month = add_months(this_month(), -3)
    await household.budget("Groceries", month_label(old_month), "10")
    await spend(runtime, household, "-500.00", on=old_month)
    await deliver_events(runtime, pool)
    assert await alerts(runtime) == []
    # Last month still counts: a statement imported a few days into the month.
    last_month = add_months(this_month(), -1)
    await household.budget("Groceries", month_label(last_month), "10")
    await spend(runtime, household, "-10.00", on=last_month)
    await deliver_events(runtime, pool)
    assert [(a["month"], a["level"]) for a in await alerts(runtime)] == [
        (month_label(last_month), 80),
        (month_label(last_month), 100),
    ]
