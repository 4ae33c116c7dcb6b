"""recurringTransactions and recurringUpcoming, in process: what is coming with its amounts, and SQL that does
not grow with the list."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.recurring.service import AmountChange, skip_next
from subgraphs.budget.schema import schema
from tests.conftest import execute, today
from tests.factories import count_statements, make_account, make_viewer
from tests.subgraphs.budget.recurring.support import make_schedule

UPCOMING = """
query($h: ID!, $days: Int!, $first: Int, $after: String) {
  recurringUpcoming(householdId: $h, days: $days, first: $first, after: $after) {
    edges { cursor node { date amount { amount currency } amountIsEstimate skipped recurring { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

LIST = """
query($h: ID!, $first: Int) {
  recurringTransactions(householdId: $h, first: $first) {
    edges { node { name nextDate account { name } amountChanges { effectiveDate amount { amount } } } }
    pageInfo { hasNextPage }
  }
}
"""


async def run(runtime: Runtime, viewer: Viewer, query: str, **variables: Any) -> dict[str, Any]:
    return await execute(schema, Context(runtime=runtime, viewer=viewer), query, **variables)


async def test_upcoming_lists_dates_amounts_and_skips_in_order(runtime: Runtime) -> None:
    viewer = make_viewer(Role.VIEWER)  # reading is for every member
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, name="Joint")
    weekly = await make_schedule(
        runtime.sessionmaker,
        household_id=household,
        account_id=account.id,
        name="Allowance",
        amount="-10.00",
        start=today(),
        preset=None,
        rule="FREQ=WEEKLY",
        amount_changes=[AmountChange(today() + dt.timedelta(days=8), Decimal("-12.50"))],
    )
    await make_schedule(
        runtime.sessionmaker,
        household_id=household,
        account_id=account.id,
        name="Power",
        amount="-90.00",
        start=today() + dt.timedelta(days=3),
        preset=None,
        rule="FREQ=MONTHLY",
        mode="remind",
        amount_is_estimate=True,
    )
    async with runtime.sessionmaker() as session, session.begin():
        await skip_next(session=session, household_ids=[household], schedule_id=weekly.id, today=today())

    data = await run(runtime, viewer, UPCOMING, h=str(household), days=15)
    seen = [
        (
            (dt.date.fromisoformat(e["node"]["date"]) - today()).days,
            e["node"]["recurring"]["name"],
            e["node"]["amount"]["amount"],
            e["node"]["amountIsEstimate"],
            e["node"]["skipped"],
        )
        for e in data["recurringUpcoming"]["edges"]
    ]
    assert seen == [
        (0, "Allowance", "-10.00", False, True),
        (3, "Power", "-90.00", True, False),
        (7, "Allowance", "-10.00", False, False),
        (14, "Allowance", "-12.50", False, False),  # the change applies from day 8
    ]
    # Paged: two at a time, the cursor picks up where the page ended.
    first = await run(runtime, viewer, UPCOMING, h=str(household), days=15, first=2)
    rest = await run(
        runtime,
        viewer,
        UPCOMING,
        h=str(household),
        days=15,
        first=2,
        after=first["recurringUpcoming"]["pageInfo"]["endCursor"],
    )
    assert first["recurringUpcoming"]["pageInfo"]["hasNextPage"] is True
    assert rest["recurringUpcoming"]["pageInfo"]["hasNextPage"] is False
    dates = [e["node"]["date"] for page in (first, rest) for e in page["recurringUpcoming"]["edges"]]
    assert dates == [e["node"]["date"] for e in data["recurringUpcoming"]["edges"]]


async def test_another_households_lists_are_empty(runtime: Runtime) -> None:
    alice = make_viewer()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=alice.household_ids[0])
    await make_schedule(runtime.sessionmaker, household_id=alice.household_ids[0], account_id=account.id, start=today())
    mallory = make_viewer()
    for household in (str(alice.household_ids[0]), str(uuid.uuid4())):
        assert (await run(runtime, mallory, UPCOMING, h=household, days=40))["recurringUpcoming"]["edges"] == []
        assert (await run(runtime, mallory, LIST, h=household))["recurringTransactions"]["edges"] == []
    assert len((await run(runtime, alice, LIST, h=str(alice.household_ids[0])))["recurringTransactions"]["edges"]) == 1


async def test_bad_arguments_are_user_errors(runtime: Runtime) -> None:
    viewer = make_viewer()
    result = await schema.execute(
        UPCOMING,
        variable_values={"h": str(viewer.household_ids[0]), "days": 400},
        context_value=Context(runtime=runtime, viewer=viewer),
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "days"}


async def test_the_list_costs_the_same_statements_for_two_or_twenty(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household)

    async def statements() -> int:
        with count_statements(runtime.engine) as seen:
            data = await run(runtime, viewer, LIST, h=str(household), first=100)
        assert all(e["node"]["account"] is not None for e in data["recurringTransactions"]["edges"])
        return len(seen)

    for _ in range(2):
        await make_schedule(
            runtime.sessionmaker,
            household_id=household,
            account_id=account.id,
            amount_changes=[AmountChange(dt.date(2030, 1, 1), Decimal("-1"))],
        )
    few = await statements()
    for _ in range(18):
        await make_schedule(runtime.sessionmaker, household_id=household, account_id=account.id)
    assert await statements() == few
