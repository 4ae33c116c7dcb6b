"""recurringCreate, recurringUpdate, recurringDelete, recurringSkipNext and recurringUnskip, in process."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.recurring.models import RecurringAmountChange, RecurringOccurrence, RecurringSchedule
from subgraphs.budget.schema import schema
from tests.conftest import execute, today
from tests.factories import make_account, make_viewer
from tests.subgraphs.budget.budgets.support import make_category

RECURRING = """
  id name payee categoryId tags memo amount { amount currency } amountIsEstimate mode rule preset
  startDate endDate count lastDate nextDate account { id name }
  amountChanges { effectiveDate amount { amount } }
"""
ERRORS = "errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }"

CREATE = f"""
mutation($input: RecurringCreateInput!) {{ recurringCreate(input: $input) {{ recurring {{ {RECURRING} }} {ERRORS} }} }}
"""
UPDATE = f"""
mutation($input: RecurringUpdateInput!) {{ recurringUpdate(input: $input) {{ recurring {{ {RECURRING} }} {ERRORS} }} }}
"""
DELETE = f"mutation($input: RecurringDeleteInput!) {{ recurringDelete(input: $input) {{ deletedId {ERRORS} }} }}"
SKIP = f"""
mutation($input: RecurringSkipNextInput!) {{ recurringSkipNext(input: $input) {{
  skippedDate recurring {{ id nextDate }} {ERRORS} }} }}
"""
UNSKIP = f"""
mutation($input: RecurringUnskipInput!) {{ recurringUnskip(input: $input) {{ date recurring {{ id nextDate }} {ERRORS} }} }}
"""


async def setup(runtime: Runtime, *roles: Role) -> tuple[Viewer, uuid.UUID, str, str]:
    viewer = make_viewer(*(roles or (Role.OWNER,)))
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, name="Joint")
        category = await make_category(session, household_id=household, name="Rent")
    return viewer, household, str(account.id), str(category.id)


async def run(runtime: Runtime, viewer: Viewer, query: str, **variables: Any) -> dict[str, Any]:
    return await execute(schema, Context(runtime=runtime, viewer=viewer), query, **variables)


async def schedules(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(RecurringSchedule)) or 0)


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


async def test_create_with_a_preset_and_dated_amounts(runtime: Runtime) -> None:
    viewer, _, account, category = await setup(runtime)
    start = today() + dt.timedelta(days=1)
    data = await run(
        runtime,
        viewer,
        CREATE,
        input={
            "accountId": account,
            "amount": "-1200.00",
            "startDate": start.isoformat(),
            "preset": "MONTHLY_FIRST",
            "payee": " Landlord ",
            "categoryId": category,
            "tags": ["#home", "home", "rent"],
            "memo": "Flat 3",
            "amountChanges": [{"effectiveDate": "2030-01-01", "amount": "-1300"}],
        },
    )
    payload = data["recurringCreate"]
    assert payload["errors"] == []
    recurring = payload["recurring"]
    assert recurring | {"id": None} == {
        "id": None,
        "name": "Landlord",
        "payee": "Landlord",
        "categoryId": category,
        "tags": ["home", "rent"],
        "memo": "Flat 3",
        "amount": {"amount": "-1200.00", "currency": "EUR"},
        "amountIsEstimate": False,
        "mode": "POST",
        "rule": "FREQ=MONTHLY;BYMONTHDAY=1",
        "preset": "MONTHLY_FIRST",
        "startDate": start.isoformat(),
        "endDate": None,
        "count": None,
        "lastDate": None,
        "nextDate": first_of_next_month(today()).isoformat() if start.day != 1 else start.isoformat(),
        "account": {"id": account, "name": "Joint"},
        "amountChanges": [{"effectiveDate": "2030-01-01", "amount": {"amount": "-1300.00"}}],
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rule": "FREQ=MONTHLY"}, "rule", "give a preset or a rule, not both"),
        ({"preset": None, "rule": "FREQ=SOMETIMES"}, "rule", "FREQ is one of"),
        ({"preset": None}, "rule", "choose a preset or write a rule"),
        ({"amount": "-1.001"}, "amount", "EUR amounts have at most 2 decimal places"),
        ({"amountIsEstimate": True}, "amountIsEstimate", "an estimated amount can only be reminded of"),
        ({"count": 2, "endDate": "2030-01-01"}, "count", "not both"),
        ({"endDate": "2020-01-01"}, "endDate", "must not come before the start"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"tags": ["x" * 61]}, "tags", "at most 60 characters"),
        ({"amountChanges": [{"effectiveDate": "2027-01-01", "amount": "1"}] * 2}, "amountChanges", "two amounts"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_created(
    runtime: Runtime, changes: dict[str, Any], field: str, message: str
) -> None:
    viewer, _, account, _ = await setup(runtime)
    base = {"accountId": account, "amount": "-10.00", "startDate": "2026-01-01", "preset": "MONTHLY_FIRST"}
    data = await run(runtime, viewer, CREATE, input=base | changes)
    [error] = data["recurringCreate"]["errors"]
    assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert message in error["message"]
    assert data["recurringCreate"]["recurring"] is None
    assert await schedules(runtime) == 0


async def test_another_households_ids_look_missing_and_a_viewer_cannot_create(runtime: Runtime) -> None:
    _, _, alice_account, alice_category = await setup(runtime)
    mallory, _, own_account, _ = await setup(runtime)
    base = {"amount": "-10.00", "startDate": "2026-01-01", "preset": "MONTHLY_FIRST"}
    answers = []
    for account in (alice_account, str(uuid.uuid4()), "not-an-id"):
        data = await run(runtime, mallory, CREATE, input=base | {"accountId": account})
        answers.append(data["recurringCreate"])
    assert all(
        a
        == {
            "recurring": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}],
        }
        for a in answers
    )
    for category in (alice_category, str(uuid.uuid4())):
        data = await run(runtime, mallory, CREATE, input=base | {"accountId": own_account, "categoryId": category})
        assert data["recurringCreate"]["errors"] == [
            {"__typename": "NotFoundError", "message": "no such category", "field": "categoryId"}
        ]
    vic, _, vic_account, _ = await setup(runtime, Role.VIEWER)
    data = await run(runtime, vic, CREATE, input=base | {"accountId": vic_account})
    assert data["recurringCreate"]["errors"][0]["__typename"] == "NotFoundError"
    assert await schedules(runtime) == 0


async def created(runtime: Runtime, viewer: Viewer, account: str, **fields: Any) -> dict[str, Any]:
    data = await run(
        runtime,
        viewer,
        CREATE,
        input={"accountId": account, "amount": "-50.00", "startDate": "2026-01-01", "preset": "MONTHLY_FIRST"} | fields,
    )
    assert data["recurringCreate"]["errors"] == []
    return dict(data["recurringCreate"]["recurring"])


async def test_update_changes_only_what_is_given(runtime: Runtime) -> None:
    viewer, _, account, category = await setup(runtime)
    recurring = await created(runtime, viewer, account, categoryId=category, memo="keep me", endDate="2030-12-31")
    data = await run(
        runtime,
        viewer,
        UPDATE,
        input={"id": recurring["id"], "amount": "-55.50", "rule": "FREQ=MONTHLY;BYMONTHDAY=-1", "endDate": None},
    )
    payload = data["recurringUpdate"]
    assert payload["errors"] == []
    after = payload["recurring"]
    assert (after["amount"]["amount"], after["rule"], after["preset"], after["endDate"], after["lastDate"]) == (
        "-55.50",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        None,
        None,
        None,
    )
    assert (after["memo"], after["categoryId"], after["name"]) == ("keep me", category, recurring["name"])
    # A preset replaces the rule and follows a new start date's weekday.
    data = await run(
        runtime, viewer, UPDATE, input={"id": recurring["id"], "preset": "EVERY_TWO_WEEKS", "startDate": "2026-03-05"}
    )
    assert data["recurringUpdate"]["recurring"]["rule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    data = await run(runtime, viewer, UPDATE, input={"id": recurring["id"], "categoryId": None, "amountChanges": []})
    assert data["recurringUpdate"]["recurring"]["categoryId"] is None


async def test_update_refuses_bad_input_other_households_and_viewers(runtime: Runtime) -> None:
    viewer, _, account, _ = await setup(runtime)
    recurring = await created(
        runtime, viewer, account, amountChanges=[{"effectiveDate": "2027-01-01", "amount": "-60"}]
    )
    data = await run(runtime, viewer, UPDATE, input={"id": recurring["id"], "amount": "-1.001", "memo": "changed"})
    assert [e["field"] for e in data["recurringUpdate"]["errors"]] == ["amount"]
    mallory, _, mallory_account, _ = await setup(runtime)
    for attempt in (
        {"id": recurring["id"], "memo": "mine now"},
        {"id": str(uuid.uuid4()), "memo": "mine now"},
    ):
        data = await run(runtime, mallory, UPDATE, input=attempt)
        assert data["recurringUpdate"] == {
            "recurring": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such recurring transaction", "field": "id"}],
        }
    # Moving a schedule onto another household's account: that account does not exist for her.
    data = await run(runtime, viewer, UPDATE, input={"id": recurring["id"], "accountId": mallory_account})
    assert data["recurringUpdate"]["errors"] == [
        {"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}
    ]
    vic = Viewer(user_id=uuid.uuid4(), households={viewer.household_ids[0]: Role.VIEWER})
    data = await run(runtime, vic, UPDATE, input={"id": recurring["id"], "memo": "viewer was here"})
    assert data["recurringUpdate"]["errors"][0]["__typename"] == "NotFoundError"
    async with runtime.sessionmaker() as session:
        row = await session.get(RecurringSchedule, uuid.UUID(recurring["id"]))
        assert row is not None
        assert (row.memo, row.amount, row.account_id) == (None, Decimal("-50.00"), uuid.UUID(account))
        assert await session.scalar(select(func.count()).select_from(RecurringAmountChange)) == 1


async def test_delete_removes_the_schedule_for_its_household_only(runtime: Runtime) -> None:
    viewer, _, account, _ = await setup(runtime)
    recurring = await created(runtime, viewer, account)
    mallory, _, _, _ = await setup(runtime)
    refused = await run(runtime, mallory, DELETE, input={"id": recurring["id"]})
    missing = await run(runtime, mallory, DELETE, input={"id": str(uuid.uuid4())})
    assert refused == missing
    assert refused["recurringDelete"]["errors"][0]["__typename"] == "NotFoundError"
    vic = Viewer(user_id=uuid.uuid4(), households={viewer.household_ids[0]: Role.VIEWER})
    assert (await run(runtime, vic, DELETE, input={"id": recurring["id"]}))["recurringDelete"]["errors"]
    assert await schedules(runtime) == 1
    data = await run(runtime, viewer, DELETE, input={"id": recurring["id"]})
    assert data["recurringDelete"] == {"deletedId": recurring["id"], "errors": []}
    assert await schedules(runtime) == 0


async def test_skip_next_and_undo_it(runtime: Runtime) -> None:
    viewer, _, account, _ = await setup(runtime)
    recurring = await created(runtime, viewer, account, startDate=today().isoformat(), preset=None, rule="FREQ=DAILY")
    assert recurring["nextDate"] == today().isoformat()
    data = await run(runtime, viewer, SKIP, input={"id": recurring["id"]})
    assert data["recurringSkipNext"] == {
        "skippedDate": today().isoformat(),
        "recurring": {"id": recurring["id"], "nextDate": (today() + dt.timedelta(days=1)).isoformat()},
        "errors": [],
    }
    data = await run(runtime, viewer, SKIP, input={"id": recurring["id"]})
    assert data["recurringSkipNext"]["skippedDate"] == (today() + dt.timedelta(days=1)).isoformat()
    assert data["recurringSkipNext"]["recurring"]["nextDate"] == (today() + dt.timedelta(days=2)).isoformat()

    not_skipped = (today() + dt.timedelta(days=5)).isoformat()
    data = await run(runtime, viewer, UNSKIP, input={"id": recurring["id"], "date": not_skipped})
    assert data["recurringUnskip"]["errors"] == [
        {
            "__typename": "ValidationError",
            "message": "that date is not a skipped occurrence still to come",
            "field": "date",
        }
    ]
    data = await run(runtime, viewer, UNSKIP, input={"id": recurring["id"]})
    assert data["recurringUnskip"] == {
        "date": today().isoformat(),
        "recurring": {"id": recurring["id"], "nextDate": today().isoformat()},
        "errors": [],
    }
    mallory, _, _, _ = await setup(runtime)
    for query, name in ((SKIP, "recurringSkipNext"), (UNSKIP, "recurringUnskip")):
        refused = await run(runtime, mallory, query, input={"id": recurring["id"]})
        assert refused[name]["errors"][0]["__typename"] == "NotFoundError"
    async with runtime.sessionmaker() as session:
        rows = (await session.execute(select(RecurringOccurrence.date, RecurringOccurrence.status))).all()
    assert rows == [(today() + dt.timedelta(days=1), "skipped")]


async def test_a_finished_schedule_has_nothing_to_skip(runtime: Runtime) -> None:
    viewer, _, account, _ = await setup(runtime)
    recurring = await created(runtime, viewer, account, startDate="2020-01-01", count=2)
    assert recurring["lastDate"] == "2020-02-01"
    assert recurring["nextDate"] is None
    data = await run(runtime, viewer, SKIP, input={"id": recurring["id"]})
    assert data["recurringSkipNext"]["errors"] == [
        {"__typename": "ValidationError", "message": "nothing is left to skip in the coming year", "field": "id"}
    ]
