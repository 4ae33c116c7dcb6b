from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.auth import Role
from fincloud.constants import TOPIC_ACCOUNT_CHANGED
from fincloud.money import Money
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.models import Account, outbox
from subgraphs.budget.schema import schema
from subgraphs.budget.services.ledger import AccountKind, NewAccount, create_account
from tests.conftest import execute
from tests.factories import make_viewer

ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) {
    account { id householdId name type currency openingBalance { amount currency } balance { amount currency } }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""


async def count_accounts(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Account)) or 0)


async def count_events(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox)) or 0)


async def test_creates_an_account_in_the_viewers_household(runtime: Runtime) -> None:
    viewer = make_viewer()
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        ACCOUNT_CREATE,
        input={"name": " Joint checking ", "type": "CHECKING", "currency": "eur", "openingBalance": "1234.5"},
    )
    payload = data["accountCreate"]
    assert payload["errors"] == []
    assert payload["account"]["householdId"] == str(viewer.household_ids[0])
    assert payload["account"]["name"] == "Joint checking"
    assert payload["account"]["currency"] == "EUR"
    assert payload["account"]["openingBalance"] == {"amount": "1234.50", "currency": "EUR"}
    assert payload["account"]["balance"] == {"amount": "1234.50", "currency": "EUR"}


async def test_a_new_account_is_announced_to_other_subgraphs_in_the_same_transaction(runtime: Runtime) -> None:
    viewer = make_viewer()
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        ACCOUNT_CREATE,
        input={"name": "Brokerage", "type": "INVESTMENT", "currency": "usd", "openingBalance": "99.99"},
    )
    account = data["accountCreate"]["account"]
    async with runtime.sessionmaker() as session:
        [event] = (await session.execute(select(outbox))).all()
    assert event.topic == TOPIC_ACCOUNT_CHANGED
    assert str(event.household_id) == account["householdId"]
    assert event.published_at is None  # the worker's relay delivers it
    assert event.payload == {  # no name, no balance: only what another subgraph may rely on
        "account_id": account["id"],
        "household_id": account["householdId"],
        "type": "investment",
        "currency": "USD",
        "archived": False,
        "deleted": False,
    }


async def test_an_account_rolled_back_leaves_no_event(session: AsyncSession) -> None:
    with pytest.raises(RuntimeError):
        async with session.begin():
            await create_account(
                session=session,
                household_id=uuid.uuid4(),
                data=NewAccount(name="Doomed", kind=AccountKind.INVESTMENT, opening_balance=Money(Decimal(0), "EUR")),
            )
            assert await session.scalar(select(func.count()).select_from(outbox)) == 1
            raise RuntimeError("the transaction fails after the account was written")
    assert await session.scalar(select(func.count()).select_from(outbox)) == 0
    assert await session.scalar(select(func.count()).select_from(Account)) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"currency": "ZZZ"}, "currency", "unknown currency code 'ZZZ'"),
        ({"currency": "JPY", "openingBalance": "10.5"}, "openingBalance", "JPY amounts have at most 0 decimal places"),
        ({"name": ""}, "name", "enter a name of 1 to 200 characters"),
    ],
)
async def test_bad_input_is_a_typed_error_and_creates_nothing(
    runtime: Runtime, overrides: dict, field: str, message: str
) -> None:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=make_viewer()),
        ACCOUNT_CREATE,
        input={"name": "Cash", "type": "CASH", "currency": "EUR", **overrides},
    )
    [error] = data["accountCreate"]["errors"]
    assert error["field"] == field
    assert message in error["message"]
    assert data["accountCreate"]["account"] is None
    assert await count_accounts(runtime) == 0
    assert await count_events(runtime) == 0


async def test_a_float_amount_is_refused_by_the_decimal_scalar(runtime: Runtime) -> None:
    result = await schema.execute(
        ACCOUNT_CREATE,
        variable_values={"input": {"name": "Cash", "type": "CASH", "currency": "EUR", "openingBalance": 10.1}},
        context_value=Context(runtime=runtime, viewer=make_viewer()),
    )
    assert result.errors is not None
    assert "Decimal values are sent as strings" in result.errors[0].message
    assert await count_accounts(runtime) == 0


async def test_another_households_id_looks_missing_and_a_viewer_role_cannot_write(runtime: Runtime) -> None:
    stranger = make_viewer()
    for viewer, household in [(make_viewer(), stranger.household_ids[0]), (make_viewer(Role.VIEWER), None)]:
        household = household or viewer.household_ids[0]
        data = await execute(
            schema,
            Context(runtime=runtime, viewer=viewer),
            ACCOUNT_CREATE,
            input={"name": "Cash", "type": "CASH", "currency": "EUR", "householdId": str(household)},
        )
        [error] = data["accountCreate"]["errors"]
        assert error["__typename"] == "NotFoundError"
        assert error["field"] == "householdId"
    assert await count_accounts(runtime) == 0


async def test_anonymous_callers_are_refused(runtime: Runtime) -> None:
    result = await schema.execute(
        ACCOUNT_CREATE,
        variable_values={"input": {"name": "Cash", "type": "CASH", "currency": "EUR"}},
        context_value=Context(runtime=runtime),
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


async def test_opening_date_institution_and_note_are_kept(runtime: Runtime) -> None:
    viewer = make_viewer()
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        """mutation($input: AccountCreateInput!) { accountCreate(input: $input) {
             account { openingDate institution note archived balance(asOf: "2026-01-31") { amount } }
             errors { message } } }""",
        input={
            "name": "Savings",
            "type": "SAVINGS",
            "currency": "EUR",
            "openingBalance": "1000",
            "openingDate": "2026-02-01",
            "institution": " DKB ",
            "note": "emergency fund",
        },
    )
    assert data["accountCreate"]["account"] == {
        "openingDate": "2026-02-01",
        "institution": "DKB",
        "note": "emergency fund",
        "archived": False,
        "balance": {"amount": "0.00"},  # before the opening date
    }
