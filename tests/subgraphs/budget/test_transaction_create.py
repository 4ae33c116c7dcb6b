from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.auth import Role
from fincloud.constants import TOPIC_TRANSACTION_CREATED
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.models import Transaction, outbox
from subgraphs.budget.schema import schema
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from tests.conftest import execute
from tests.factories import make_account, make_viewer
from tests.subgraphs.budget.ledger_support import fingerprint, household, only_error

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) {
    transaction { id accountId date amount { amount currency } payee account { balance { amount } } }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""


async def test_records_the_transaction_and_its_event_in_one_transaction(runtime: Runtime) -> None:
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0], opening="100.00")
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        TRANSACTION_CREATE,
        input={"accountId": str(account.id), "date": "2026-11-28", "amount": "-12.34", "payee": " Bakery "},
    )
    payload = data["transactionCreate"]
    assert payload["errors"] == []
    assert payload["transaction"]["amount"] == {"amount": "-12.34", "currency": "EUR"}
    assert payload["transaction"]["payee"] == "Bakery"
    assert payload["transaction"]["account"]["balance"]["amount"] == "87.66"

    async with runtime.sessionmaker() as session:
        [event] = (await session.execute(select(outbox).where(outbox.c.topic == TOPIC_TRANSACTION_CREATED))).all()
    assert event.household_id == viewer.household_ids[0]
    assert event.published_at is None
    assert event.payload["transaction_id"] == payload["transaction"]["id"]
    assert event.payload["amount"] == "-12.34"


async def test_the_event_and_the_change_commit_or_roll_back_together(session: AsyncSession) -> None:
    household = uuid.uuid4()
    account = await make_account(session, household_id=household)
    with pytest.raises(RuntimeError, match="crash after the write"):
        async with session.begin_nested():
            await create_transaction(
                session=session,
                household_ids=[household],
                data=NewTransaction(account.id, dt.date(2026, 1, 1), Decimal("1.00"), None, None),
            )
            assert await session.scalar(select(func.count()).select_from(outbox)) == 2  # the account's, this one
            raise RuntimeError("crash after the write")
    assert await session.scalar(select(func.count()).select_from(outbox)) == 1  # the account's
    assert await session.scalar(select(func.count()).select_from(Transaction)) == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [("1.001", "EUR amounts have at most 2 decimal places"), ("abc", "is not a decimal number")],
)
async def test_bad_amounts_are_refused(runtime: Runtime, amount: str, message: str) -> None:
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0])
    result = await schema.execute(
        TRANSACTION_CREATE,
        variable_values={"input": {"accountId": str(account.id), "date": "2026-11-28", "amount": amount}},
        context_value=Context(runtime=runtime, viewer=viewer),
    )
    errors = result.errors or []
    payload_errors = (result.data or {}).get("transactionCreate", {}) or {}
    text = " ".join(e.message for e in errors) + " ".join(e["message"] for e in payload_errors.get("errors", []))
    assert message in text
    async with runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Transaction)) == 0


async def test_foreign_or_read_only_accounts_look_missing(runtime: Runtime) -> None:
    owner = make_viewer()
    reader = make_viewer(Role.VIEWER)
    async with runtime.sessionmaker() as session:
        foreign = await make_account(session, household_id=owner.household_ids[0])
        readonly = await make_account(session, household_id=reader.household_ids[0])
    for viewer, account in [(make_viewer(), foreign), (reader, readonly)]:
        data = await execute(
            schema,
            Context(runtime=runtime, viewer=viewer),
            TRANSACTION_CREATE,
            input={"accountId": str(account.id), "date": "2026-11-28", "amount": "5"},
        )
        assert data["transactionCreate"]["errors"] == [
            {"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}
        ]
    async with runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Transaction)) == 0


LEDGER_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) {
    transaction { amount { amount } payee normalizedPayee { id name } category { name } tags status notes isSplit
                  splits { amount { amount } memo category { name } } }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""


async def test_category_splits_tags_status_and_notes_are_recorded(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    food, fun = await home.category("Food"), await home.category("Fun")
    first = await home.run(
        LEDGER_CREATE,
        input={
            "accountId": str(account.id),
            "date": "2026-11-28",
            "amount": "-42.00",
            "payee": "REWE Markt GmbH",
            "splits": [
                {"amount": "-30.00", "categoryId": str(food.id), "memo": "week"},
                {"amount": "-12.00", "categoryId": str(fun.id)},
            ],
            "tags": ["#groceries", "groceries", " weekend "],
            "status": "PENDING",
            "notes": "used the voucher",
        },
    )
    created = first["transactionCreate"]["transaction"]
    assert created | {"normalizedPayee": None} == {
        "amount": {"amount": "-42.00"},
        "payee": "REWE Markt GmbH",
        "normalizedPayee": None,
        "category": None,
        "tags": ["groceries", "weekend"],
        "status": "PENDING",
        "notes": "used the voucher",
        "isSplit": True,
        "splits": [
            {"amount": {"amount": "-30.00"}, "memo": "week", "category": {"name": "Food"}},
            {"amount": {"amount": "-12.00"}, "memo": None, "category": {"name": "Fun"}},
        ],
    }
    second = await home.run(
        LEDGER_CREATE,
        input={
            "accountId": str(account.id),
            "date": "2026-11-29",
            "amount": "-3.10",
            "payee": "rewe markt gmbh",  # the same payee
            "categoryId": str(food.id),
        },
    )
    again = second["transactionCreate"]["transaction"]
    assert again["normalizedPayee"] == created["normalizedPayee"] | {"name": "REWE Markt GmbH"}
    assert again["payee"] == "REWE Markt GmbH"
    assert again["category"] == {"name": "Food"}


@pytest.mark.parametrize(
    ("change", "field", "typename"),
    [
        ({"splits": [{"amount": "-1.00"}, {"amount": "-1.00"}]}, "splits", "ValidationError"),
        ({"splits": [{"amount": "-5.00"}]}, "splits", "ValidationError"),
        ({"status": "RECONCILED"}, "status", "ValidationError"),
        ({"categoryId": "not-an-id"}, "categoryId", "NotFoundError"),
        ({"notes": "n" * 5001}, "notes", "ValidationError"),
    ],
)
async def test_bad_ledger_input_is_typed_and_records_nothing(
    runtime: Runtime, change: dict, field: str, typename: str
) -> None:
    home = await household(runtime)
    account = await home.account()
    before = await fingerprint(runtime)
    data = await home.run(
        LEDGER_CREATE, input={"accountId": str(account.id), "date": "2026-11-28", "amount": "-5.00", **change}
    )
    error = only_error(data["transactionCreate"])
    assert (error["__typename"], error["field"]) == (typename, field)
    assert await fingerprint(runtime) == before


async def test_another_households_category_looks_missing(runtime: Runtime) -> None:
    home, stranger = await household(runtime), await household(runtime)
    account = await home.account()
    theirs = await stranger.category("Theirs")
    for change in (
        {"categoryId": str(theirs.id)},
        {"splits": [{"amount": "-1", "categoryId": str(theirs.id)}, {"amount": "-4"}]},
    ):
        data = await home.run(
            LEDGER_CREATE, input={"accountId": str(account.id), "date": "2026-11-28", "amount": "-5.00", **change}
        )
        assert only_error(data["transactionCreate"])["__typename"] == "NotFoundError"
