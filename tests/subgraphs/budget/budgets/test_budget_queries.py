"""budgetMonth, budgetMonths and budgetSettings, in process."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import resolved_rates, store_rates
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import count_statements, make_account, make_viewer
from tests.subgraphs.budget.budgets.support import Household

MONTH = """
query($h: ID!, $month: String!) {
  budgetMonth(householdId: $h, month: $month) {
    householdId month model currency complete
    budgeted activity available income uncategorized toBeBudgeted
    groups { name kind budgeted available categoryIds }
    lines { name kind rollover budgeted activity carriedIn available progress complete unconverted { amount currency } }
    ratesUsed { base quote date rate rateDate source }
    missingRates { base quote date message }
  }
}
"""

GRID = """
query($h: ID!, $from: String!, $to: String!) {
  budgetMonths(householdId: $h, from: $from, to: $to) {
    month toBeBudgeted lines { name available }
  }
}
"""


async def run(runtime: Runtime, viewer: Viewer, query: str, **variables: Any) -> dict[str, Any]:
    return await execute(schema, Context(runtime=runtime, viewer=viewer), query, **variables)


async def envelope_household(runtime: Runtime, viewer: Viewer) -> Household:
    async with runtime.sessionmaker() as session:
        household = await Household.create(session, model="envelope", household_id=viewer.household_ids[0])
        await household.category("Salary", kind="income")
        await household.category("Groceries", rollover="surplus")
        await household.budget("Groceries", "2026-01", "300")
        await household.record("2026-01-01", "2000", "Salary")
        await household.record("2026-01-10", "-120.40", "Groceries")
        usd = await make_account(session, household_id=household.id, name="US", currency="USD")
        async with session.begin():
            await store_rates(
                session=session,
                source="ecb",
                rates=[PublishedRate("EUR", "USD", dt.date(2026, 1, 12), Decimal("1.25"))],
            )
        await household.record("2026-01-12", "-25.00", "Groceries", account=usd)  # 20.00 EUR
        await household.record("2026-01-31", "-5.00", "Groceries", account=usd)  # no rate within 7 days
    return household


async def test_budget_month_through_graphql(runtime: Runtime) -> None:
    viewer = make_viewer(Role.VIEWER)  # reading is for every member
    household = await envelope_household(runtime, viewer)
    data = await run(runtime, viewer, MONTH, h=str(household.id), month="2026-01")
    month = data["budgetMonth"]
    assert month | {"groups": None, "lines": None, "ratesUsed": None, "missingRates": None} == {
        "householdId": str(household.id),
        "month": "2026-01",
        "model": "ENVELOPE",
        "currency": "EUR",
        "complete": False,
        "budgeted": "300.00",
        "activity": "-140.40",
        "available": "159.60",
        "income": "2000.00",
        "uncategorized": "0.00",
        "toBeBudgeted": "1700.00",
        "groups": None,
        "lines": None,
        "ratesUsed": None,
        "missingRates": None,
    }
    groceries_id, salary_id = (str(household.categories[name].id) for name in ("Groceries", "Salary"))
    assert month["groups"] == [
        {
            "name": "Groceries group",
            "kind": "EXPENSE",
            "budgeted": "300.00",
            "available": "159.60",
            "categoryIds": [groceries_id],
        },
        {"name": "Salary group", "kind": "INCOME", "budgeted": "0.00", "available": None, "categoryIds": [salary_id]},
    ]
    groceries, salary = month["lines"]
    assert groceries == {
        "name": "Groceries",
        "kind": "EXPENSE",
        "rollover": "SURPLUS",
        "budgeted": "300.00",
        "activity": "-140.40",
        "carriedIn": "0.00",
        "available": "159.60",
        "progress": 0.468,
        "complete": False,
        "unconverted": [{"amount": "-5.00", "currency": "USD"}],
    }
    assert (salary["name"], salary["activity"], salary["available"]) == ("Salary", "2000.00", None)
    assert month["ratesUsed"] == [
        {"base": "USD", "quote": "EUR", "date": "2026-01-12", "rate": "0.8", "rateDate": "2026-01-12", "source": "ecb"}
    ]
    assert month["missingRates"] == [
        {
            "base": "USD",
            "quote": "EUR",
            "date": "2026-01-31",
            "message": "no USD→EUR exchange rate between 2026-01-24 and 2026-01-31",
        }
    ]


async def test_a_grid_of_months_carries_month_to_month(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = await envelope_household(runtime, viewer)
    data = await run(runtime, viewer, GRID, h=str(household.id), **{"from": "2025-12", "to": "2026-02"})
    assert [
        (m["month"], m["toBeBudgeted"], [line["available"] for line in m["lines"]]) for m in data["budgetMonths"]
    ] == [
        ("2025-12", "0.00", ["0.00", None]),
        ("2026-01", "1700.00", ["159.60", None]),
        ("2026-02", "1700.00", ["159.60", None]),  # the surplus stays with the category
    ]


async def test_another_households_budget_is_null_and_bad_months_are_user_errors(runtime: Runtime) -> None:
    alice = make_viewer()
    await envelope_household(runtime, alice)
    mallory = make_viewer()
    for household in (str(alice.household_ids[0]), str(uuid.uuid4()), "x"):
        assert (await run(runtime, mallory, MONTH, h=household, month="2026-01")) == {"budgetMonth": None}
        assert (await run(runtime, mallory, GRID, h=household, **{"from": "2026-01", "to": "2026-02"})) == {
            "budgetMonths": None
        }
        settings = await run(
            runtime, mallory, "query($h: ID!) { budgetSettings(householdId: $h) { model } }", h=household
        )
        assert settings == {"budgetSettings": None}
    context = Context(runtime=runtime, viewer=alice)
    for query, variables, field in (
        (MONTH, {"h": str(alice.household_ids[0]), "month": "2026-1"}, "month"),
        (GRID, {"h": str(alice.household_ids[0]), "from": "2026-03", "to": "2026-01"}, "to"),
        (GRID, {"h": str(alice.household_ids[0]), "from": "2020-01", "to": "2026-01"}, "to"),
    ):
        result = await schema.execute(query, variable_values=variables, context_value=context)
        assert result.errors is not None
        assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": field}


async def test_budget_month_statements_do_not_grow_with_categories_or_months(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = await envelope_household(runtime, viewer)

    async def statements(first: str, last: str) -> int:
        resolved_rates.clear()  # each count from a cold start: the rates' lookup is then always two statements
        with count_statements(runtime.engine) as seen:
            await run(runtime, viewer, GRID, h=str(household.id), **{"from": first, "to": last})
        return len(seen)

    few = await statements("2026-01", "2026-01")
    async with runtime.sessionmaker() as session:
        household.session = session
        for n in range(15):
            await household.category(f"Extra {n}", rollover="surplus_and_overspend")
            await household.budget(f"Extra {n}", "2026-02", "10")
            await household.record("2026-02-03", "-1", f"Extra {n}")
    assert await statements("2026-01", "2026-12") == few
    print(f"budgetMonths: {few} SQL statements")
