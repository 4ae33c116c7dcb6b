"""A deleted household's budgets, alerts and recurring transactions go with it; another household's stay."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from fincloud.constants import TOPIC_HOUSEHOLD_DELETED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.budgets.models import BudgetAmount, BudgetPreferences, ThresholdCrossing
from subgraphs.budget.budgets.months import first_day, month_label
from subgraphs.budget.budgets.thresholds import evaluate_thresholds
from subgraphs.budget.recurring.models import RecurringAmountChange, RecurringOccurrence, RecurringSchedule
from subgraphs.budget.recurring.service import AmountChange, materialize_due
from tests.conftest import today
from tests.subgraphs.budget.budgets.support import Household
from tests.subgraphs.budget.recurring.support import make_schedule
from workers.purge import purge_household


async def a_full_household(runtime: Runtime) -> uuid.UUID:
    async with runtime.sessionmaker() as session:
        household = await Household.create(session)
        await household.category("Groceries")
        await household.budget("Groceries", month_label(today()), "10")
        await household.record(today(), "-20", "Groceries")
        async with session.begin():
            session.add(BudgetPreferences(household_id=household.id, threshold_levels=[100]))
        async with session.begin():
            assert await evaluate_thresholds(
                session=session, household_id=household.id, from_month=first_day(today()), today=today()
            )
    await make_schedule(
        runtime.sessionmaker,
        household_id=household.id,
        account_id=household.account.id,
        start=today(),
        preset=None,
        rule="FREQ=DAILY",
        amount_changes=[AmountChange(today(), household.account.opening_balance - 1)],
    )
    await materialize_due(sessionmaker=runtime.sessionmaker, today=today())
    return household.id


async def test_purging_a_household_removes_its_budget_and_recurring_rows(runtime: Runtime) -> None:
    doomed, kept = await a_full_household(runtime), await a_full_household(runtime)
    models = (
        BudgetAmount,
        BudgetPreferences,
        ThresholdCrossing,
        RecurringSchedule,
        RecurringAmountChange,
        RecurringOccurrence,
    )
    event = Event(
        id=uuid.uuid4(),
        topic=TOPIC_HOUSEHOLD_DELETED,
        household_id=doomed,
        payload={"household_id": str(doomed)},
        occurred_at=dt.datetime.now(dt.UTC),
    )
    await purge_household({"sessionmaker": runtime.sessionmaker}, event.to_json())
    async with runtime.sessionmaker() as session:
        for model in models:
            assert set(await session.scalars(select(model.household_id))) == {kept}, model.__name__
