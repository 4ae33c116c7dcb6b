"""budgetSet, budgetCopyMonth and budgetSettingsUpdate, in process."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from fincloud.auth import Role, Viewer
from fincloud.constants import TOPIC_BUDGET_CHANGED
from fincloud.service import Runtime
from subgraphs.budget.budgets.models import BudgetAmount, BudgetPreferences
from subgraphs.budget.context import Context
from subgraphs.budget.models import Category, HouseholdSettings, outbox
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import make_viewer
from tests.subgraphs.budget.budgets.support import make_category, set_settings

ERRORS = "errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }"
MONTH = "month model currency budgeted available toBeBudgeted lines { name budgeted available }"
SET = f"mutation($input: BudgetSetInput!) {{ budgetSet(input: $input) {{ budgetMonth {{ {MONTH} }} {ERRORS} }} }}"
COPY = f"""mutation($input: BudgetCopyMonthInput!) {{
  budgetCopyMonth(input: $input) {{ copied budgetMonth {{ {MONTH} }} {ERRORS} }} }}"""
SETTINGS = f"""mutation($input: BudgetSettingsUpdateInput!) {{
  budgetSettingsUpdate(input: $input) {{ settings {{ householdId model currency thresholdLevels }} {ERRORS} }} }}"""


async def run(runtime: Runtime, viewer: Viewer, query: str, **variables: Any) -> dict[str, Any]:
    return await execute(schema, Context(runtime=runtime, viewer=viewer), query, **variables)


async def categories(runtime: Runtime, household: uuid.UUID, *names: str, kind: str = "expense") -> list[Category]:
    async with runtime.sessionmaker() as session:
        return [await make_category(session, household_id=household, name=name, kind=kind) for name in names]


async def amounts(runtime: Runtime) -> list[tuple[str, str, Decimal]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Category.name, BudgetAmount.month, BudgetAmount.amount)
            .join(Category, Category.id == BudgetAmount.category_id)
            .order_by(BudgetAmount.month, Category.name)
        )
        return [(name, month.strftime("%Y-%m"), amount) for name, month, amount in rows.all()]


async def changed_events(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(outbox.c.payload).where(outbox.c.topic == TOPIC_BUDGET_CHANGED))
        return [dict(payload) for (payload,) in rows.all()]


async def test_budget_set_sets_replaces_and_removes_an_amount(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    [groceries] = await categories(runtime, household, "Groceries")
    data = await run(runtime, viewer, SET, input={"categoryId": str(groceries.id), "month": "2026-11", "amount": "400"})
    payload = data["budgetSet"]
    assert payload["errors"] == []
    assert payload["budgetMonth"] == {
        "month": "2026-11",
        "model": "LIMITS",
        "currency": "EUR",
        "budgeted": "400.00",
        "available": "400.00",
        "toBeBudgeted": None,
        "lines": [{"name": "Groceries", "budgeted": "400.00", "available": "400.00"}],
    }
    await run(runtime, viewer, SET, input={"categoryId": str(groceries.id), "month": "2026-11", "amount": "425.50"})
    assert await amounts(runtime) == [("Groceries", "2026-11", Decimal("425.50"))]
    await run(runtime, viewer, SET, input={"categoryId": str(groceries.id), "month": "2026-11", "amount": "0"})
    assert await amounts(runtime) == []
    assert [e["reason"] for e in await changed_events(runtime)] == ["amount_set"] * 3
    assert (await changed_events(runtime))[0] == {
        "household_id": str(household),
        "months": ["2026-11"],
        "category_ids": [str(groceries.id)],
        "reason": "amount_set",
    }


@pytest.mark.parametrize(
    ("month", "amount", "field", "message"),
    [
        ("2026-11", "-1", "amount", "a budget cannot be negative"),
        ("2026-11", "1.001", "amount", "EUR amounts have at most 2 decimal places"),
        ("2026-13", "1", "month", "use the form YYYY-MM"),
        ("November", "1", "month", "use the form YYYY-MM"),
    ],
)
async def test_budget_set_refuses_bad_input_and_changes_nothing(
    runtime: Runtime, month: str, amount: str, field: str, message: str
) -> None:
    viewer = make_viewer()
    [groceries] = await categories(runtime, viewer.household_ids[0], "Groceries")
    data = await run(runtime, viewer, SET, input={"categoryId": str(groceries.id), "month": month, "amount": amount})
    [error] = data["budgetSet"]["errors"]
    assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert message in error["message"]
    assert data["budgetSet"]["budgetMonth"] is None
    assert await amounts(runtime) == []
    assert await changed_events(runtime) == []


async def test_envelope_budgets_do_not_assign_income(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        await set_settings(session, household_id=household, model="envelope")
    [salary] = await categories(runtime, household, "Salary", kind="income")
    data = await run(runtime, viewer, SET, input={"categoryId": str(salary.id), "month": "2026-11", "amount": "10"})
    assert data["budgetSet"]["errors"] == [
        {
            "__typename": "ValidationError",
            "message": "in an envelope budget income is not assigned: it adds to what is to be budgeted",
            "field": "categoryId",
        }
    ]
    assert await amounts(runtime) == []


async def test_another_households_category_looks_missing_and_viewers_cannot_set(runtime: Runtime) -> None:
    alice = make_viewer()
    [groceries] = await categories(runtime, alice.household_ids[0], "Groceries")
    mallory = make_viewer()
    answers = [
        await run(runtime, mallory, SET, input={"categoryId": category, "month": "2026-11", "amount": "1"})
        for category in (str(groceries.id), str(uuid.uuid4()), "nonsense")
    ]
    assert all(
        answer
        == {
            "budgetSet": {
                "budgetMonth": None,
                "errors": [{"__typename": "NotFoundError", "message": "no such category", "field": "categoryId"}],
            }
        }
        for answer in answers
    )
    vic = Viewer(user_id=uuid.uuid4(), households={alice.household_ids[0]: Role.VIEWER})
    data = await run(runtime, vic, SET, input={"categoryId": str(groceries.id), "month": "2026-11", "amount": "1"})
    assert data["budgetSet"]["errors"] == [
        {
            "__typename": "NotFoundError",
            "message": "only the household's owners and editors may change its budget",
            "field": "categoryId",
        }
    ]
    assert await amounts(runtime) == []


async def test_copy_month_fills_from_the_month_before(runtime: Runtime) -> None:
    viewer = make_viewer(Role.EDITOR)
    household = viewer.household_ids[0]
    rent, food, fun = await categories(runtime, household, "Rent", "Food", "Fun")
    for category, amount in ((rent, "1000"), (food, "400")):
        await run(runtime, viewer, SET, input={"categoryId": str(category.id), "month": "2026-10", "amount": amount})
    await run(runtime, viewer, SET, input={"categoryId": str(food.id), "month": "2026-11", "amount": "450"})
    await run(runtime, viewer, SET, input={"categoryId": str(fun.id), "month": "2026-11", "amount": "50"})

    kept = await run(runtime, viewer, COPY, input={"householdId": str(household), "month": "2026-11"})
    assert kept["budgetCopyMonth"]["errors"] == []
    assert kept["budgetCopyMonth"]["copied"] == 1
    assert kept["budgetCopyMonth"]["budgetMonth"]["budgeted"] == "1500.00"
    assert [a for a in await amounts(runtime) if a[1] == "2026-11"] == [
        ("Food", "2026-11", Decimal("450")),
        ("Fun", "2026-11", Decimal("50")),
        ("Rent", "2026-11", Decimal("1000")),
    ]
    replaced = await run(
        runtime, viewer, COPY, input={"householdId": str(household), "month": "2026-11", "overwrite": True}
    )
    assert replaced["budgetCopyMonth"]["copied"] == 2
    assert [a for a in await amounts(runtime) if a[1] == "2026-11"] == [
        ("Food", "2026-11", Decimal("400")),
        ("Fun", "2026-11", Decimal("50")),  # nothing last month: left alone
        ("Rent", "2026-11", Decimal("1000")),
    ]


async def test_copy_month_refusals(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    nothing = await run(runtime, viewer, COPY, input={"householdId": str(household), "month": "2026-11"})
    assert nothing["budgetCopyMonth"] == {
        "copied": None,
        "budgetMonth": None,
        "errors": [{"__typename": "ValidationError", "message": "2026-10 has no budget to copy", "field": "month"}],
    }
    bad = await run(runtime, viewer, COPY, input={"householdId": str(household), "month": "26-11"})
    assert bad["budgetCopyMonth"]["errors"][0]["field"] == "month"
    mallory = make_viewer()
    stranger = await run(runtime, mallory, COPY, input={"householdId": str(household), "month": "2026-11"})
    ghost = await run(runtime, mallory, COPY, input={"householdId": str(uuid.uuid4()), "month": "2026-11"})
    assert stranger == ghost
    assert stranger["budgetCopyMonth"]["errors"] == [
        {"__typename": "NotFoundError", "message": "no such household", "field": "householdId"}
    ]
    vic = Viewer(user_id=uuid.uuid4(), households={household: Role.VIEWER})
    refused = await run(runtime, vic, COPY, input={"householdId": str(household), "month": "2026-11"})
    assert (
        refused["budgetCopyMonth"]["errors"][0]["message"]
        == "only the household's owners and editors may change its budget"
    )


async def test_settings_choose_the_model_and_alert_levels(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = str(viewer.household_ids[0])
    data = await run(
        runtime,
        viewer,
        SETTINGS,
        input={"householdId": household, "model": "ENVELOPE", "thresholdLevels": [100, 50, 50]},
    )
    assert data["budgetSettingsUpdate"] == {
        "settings": {"householdId": household, "model": "ENVELOPE", "currency": "EUR", "thresholdLevels": [50, 100]},
        "errors": [],
    }
    only_levels = await run(runtime, viewer, SETTINGS, input={"householdId": household, "thresholdLevels": []})
    assert only_levels["budgetSettingsUpdate"]["settings"]["model"] == "ENVELOPE"
    assert only_levels["budgetSettingsUpdate"]["settings"]["thresholdLevels"] == []
    async with runtime.sessionmaker() as session:
        row = await session.get(HouseholdSettings, viewer.household_ids[0])
        assert row is not None
        assert row.budget_model == "envelope"
    assert [e["reason"] for e in await changed_events(runtime)] == ["settings_changed"]


@pytest.mark.parametrize(
    ("levels", "message"),
    [([0], "from 1 to 1000"), ([1001], "from 1 to 1000"), ([10, 20, 30, 40, 50, 60], "at most 5 levels")],
)
async def test_settings_refuse_bad_levels_and_change_nothing(runtime: Runtime, levels: list[int], message: str) -> None:
    viewer = make_viewer()
    household = str(viewer.household_ids[0])
    data = await run(
        runtime, viewer, SETTINGS, input={"householdId": household, "model": "ENVELOPE", "thresholdLevels": levels}
    )
    [error] = data["budgetSettingsUpdate"]["errors"]
    assert (error["field"], message in error["message"]) == ("thresholdLevels", True)
    async with runtime.sessionmaker() as session:
        assert await session.get(HouseholdSettings, viewer.household_ids[0]) is None
        assert await session.get(BudgetPreferences, viewer.household_ids[0]) is None


async def test_settings_of_another_household_look_missing_and_viewers_cannot_change_them(runtime: Runtime) -> None:
    alice = make_viewer()
    mallory = make_viewer()
    household = str(alice.household_ids[0])
    stranger = await run(runtime, mallory, SETTINGS, input={"householdId": household, "model": "ENVELOPE"})
    ghost = await run(runtime, mallory, SETTINGS, input={"householdId": str(uuid.uuid4()), "model": "ENVELOPE"})
    assert stranger == ghost
    vic = Viewer(user_id=uuid.uuid4(), households={alice.household_ids[0]: Role.VIEWER})
    refused = await run(runtime, vic, SETTINGS, input={"householdId": household, "model": "ENVELOPE"})
    assert refused["budgetSettingsUpdate"]["errors"][0]["__typename"] == "NotFoundError"
    async with runtime.sessionmaker() as session:
        assert await session.get(HouseholdSettings, alice.household_ids[0]) is None
