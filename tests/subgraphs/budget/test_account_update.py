from __future__ import annotations

import datetime as dt

import pytest

from fincloud.auth import Role
from fincloud.constants import TOPIC_ACCOUNT_CHANGED
from fincloud.service import Runtime
from subgraphs.budget.services.reconciliation import finish_reconciliation
from tests.subgraphs.budget.ledger_support import ERRORS, D, as_role, events, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: AccountUpdateInput!) {{
  accountUpdate(input: $input) {{
    account {{ id name institution note currency openingDate openingBalance {{ amount currency }}
               balance {{ amount currency }} archived }}
    {ERRORS}
  }}
}}
"""


async def test_changes_what_is_given_and_keeps_the_rest(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account("Checking", opening="100.00")
    await home.transaction(account, "-10.00", on=dt.date(2026, 1, 5))
    data = await home.run(
        UPDATE,
        input={
            "id": str(account.id),
            "name": "  Joint checking ",
            "institution": "ING",
            "note": "the one with the card",
            "openingBalance": "250.5",
            "openingDate": "2026-01-01",
        },
    )
    payload = data["accountUpdate"]
    assert payload["errors"] == []
    assert payload["account"] == {
        "id": str(account.id),
        "name": "Joint checking",
        "institution": "ING",
        "note": "the one with the card",
        "currency": "EUR",
        "openingDate": "2026-01-01",
        "openingBalance": {"amount": "250.50", "currency": "EUR"},
        "balance": {"amount": "240.50", "currency": "EUR"},
        "archived": False,
    }
    cleared = await home.run(UPDATE, input={"id": str(account.id), "institution": None, "note": None})
    assert cleared["accountUpdate"]["account"]["institution"] is None
    assert cleared["accountUpdate"]["account"]["name"] == "Joint checking"  # left out: kept
    changed = await events(runtime, TOPIC_ACCOUNT_CHANGED)
    assert len(changed) == 3  # created, then two updates
    assert changed[-1].payload["archived"] is False
    assert changed[-1].payload["deleted"] is False


async def test_the_currency_changes_only_while_there_are_no_transactions(runtime: Runtime) -> None:
    home = await household(runtime)
    empty = await home.account("Empty", opening="12")
    data = await home.run(UPDATE, input={"id": str(empty.id), "currency": "jpy"})
    assert data["accountUpdate"]["account"]["openingBalance"] == {"amount": "12", "currency": "JPY"}

    used = await home.account("Used", opening="12.50")
    await home.transaction(used, "1.00")
    before = await fingerprint(runtime)
    refused = await home.run(UPDATE, input={"id": str(used.id), "currency": "USD", "name": "Renamed"})
    assert only_error(refused["accountUpdate"]) == {
        "__typename": "ValidationError",
        "message": "the account has transactions in EUR; its currency can no longer change",
        "field": "currency",
    }
    assert await fingerprint(runtime) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "   "}, "name", "enter a name of 1 to 200 characters"),
        ({"name": None}, "name", "this field cannot be cleared"),
        ({"openingBalance": "1.001"}, "openingBalance", "EUR amounts have at most 2 decimal places"),
        ({"currency": "JPY"}, "openingBalance", "JPY amounts have at most 0 decimal places"),
        ({"currency": "XYZ"}, "currency", "unknown currency code"),
        ({"institution": "x" * 201}, "institution", "use at most 200 characters"),
    ],
)
async def test_bad_input_is_a_typed_error_and_changes_nothing(
    runtime: Runtime, change: dict, field: str, message: str
) -> None:
    home = await household(runtime)
    account = await home.account(opening="10.50")
    before = await fingerprint(runtime)
    data = await home.run(UPDATE, input={"id": str(account.id), **change})
    error = only_error(data["accountUpdate"])
    assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert message in error["message"]
    assert await fingerprint(runtime) == before


async def test_another_households_account_looks_missing_and_viewers_cannot_write(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, account_id in [
        (stranger.viewer, str(account.id)),
        (as_role(home, Role.VIEWER), str(account.id)),
        (home.viewer, "not-an-id"),
    ]:
        data = await home.run(UPDATE, viewer=viewer, input={"id": account_id, "name": "Mine now"})
        assert only_error(data["accountUpdate"]) == {
            "__typename": "NotFoundError",
            "message": "no such account",
            "field": "id",
        }
    assert await fingerprint(runtime) == before
    editor = await home.run(UPDATE, viewer=as_role(home, Role.EDITOR), input={"id": str(account.id), "name": "Ok"})
    assert editor["accountUpdate"]["account"]["name"] == "Ok"


async def test_a_reconciled_accounts_opening_balance_changes_only_when_unlocked(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="100.00")
    async with runtime.sessionmaker() as session, session.begin():
        await finish_reconciliation(
            session=session,
            household_ids=[home.id],
            account_id=account.id,
            statement_date=dt.date(2026, 1, 31),
            statement_balance=D("100.00"),
        )
    before = await fingerprint(runtime)
    refused = await home.run(UPDATE, input={"id": str(account.id), "openingBalance": "90"})
    assert only_error(refused["accountUpdate"])["field"] == "unlockReconciled"
    assert await fingerprint(runtime) == before
    renamed = await home.run(UPDATE, input={"id": str(account.id), "name": "Still fine"})
    assert renamed["accountUpdate"]["errors"] == []
    unlocked = await home.run(UPDATE, input={"id": str(account.id), "openingBalance": "90", "unlockReconciled": True})
    assert unlocked["accountUpdate"]["account"]["openingBalance"]["amount"] == "90.00"
