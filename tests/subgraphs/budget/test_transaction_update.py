from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fincloud.auth import Role
from fincloud.constants import TOPIC_TRANSACTION_UPDATED
from fincloud.service import Runtime
from subgraphs.budget.models import Transaction
from subgraphs.budget.services.ledger import TransactionStatus
from subgraphs.budget.services.reconciliation import finish_reconciliation
from tests.subgraphs.budget.ledger_support import ERRORS, D, as_role, events, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: TransactionUpdateInput!) {{
  transactionUpdate(input: $input) {{
    transaction {{
      id accountId date amount {{ amount currency }} payee memo notes tags status isSplit
      normalizedPayee {{ name }} category {{ name }}
      splits {{ amount {{ amount }} memo category {{ name }} }}
      account {{ balance {{ amount }} }}
      transfer {{ counterpartAmount {{ amount currency }} realisedRate }}
    }}
    counterpart {{ id date amount {{ amount currency }} accountId }}
    {ERRORS}
  }}
}}
"""


async def reconcile(home, account, on: dt.date, balance: str) -> None:
    async with home.runtime.sessionmaker() as session, session.begin():
        await finish_reconciliation(
            session=session,
            household_ids=[home.id],
            account_id=account.id,
            statement_date=on,
            statement_balance=D(balance),
        )


async def test_changes_any_field_and_records_before_and_after(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="100.00")
    food = await home.category("Food")
    tx = await home.transaction(account, "-12.00", payee="REWE Markt", memo="lunch", tags=["food"])
    data = await home.run(
        UPDATE,
        input={
            "id": str(tx.id),
            "date": "2026-11-05",
            "amount": "-15.5",
            "payee": "  rewe   markt ",  # the same payee, spelled differently
            "memo": None,
            "notes": "paid by card",
            "tags": ["#Food", "weekly", "food"],
            "categoryId": str(food.id),
            "status": "PENDING",
        },
    )
    payload = data["transactionUpdate"]
    assert payload["errors"] == []
    assert payload["transaction"] | {"id": None} == {
        "id": None,
        "accountId": str(account.id),
        "date": "2026-11-05",
        "amount": {"amount": "-15.50", "currency": "EUR"},
        "payee": "REWE Markt",
        "memo": None,
        "notes": "paid by card",
        "tags": ["Food", "weekly"],
        "status": "PENDING",
        "isSplit": False,
        "normalizedPayee": {"name": "REWE Markt"},
        "category": {"name": "Food"},
        "splits": [],
        "account": {"balance": {"amount": "84.50"}},
        "transfer": None,
    }
    assert payload["counterpart"] is None
    [event] = await events(runtime, TOPIC_TRANSACTION_UPDATED)
    changes = event.payload["changes"]
    assert changes["amount"] == {"before": "-12.00", "after": "-15.50"}
    assert changes["date"] == {"before": "2026-11-01", "after": "2026-11-05"}
    assert changes["memo"] == {"before": "lunch", "after": None}
    assert changes["notes"] == {"private": True}  # notes never travel in events
    assert changes["status"] == {"before": "cleared", "after": "pending"}
    assert changes["category_id"] == {"before": None, "after": str(food.id)}
    assert changes["tags"] == {"before": ["food"], "after": ["Food", "weekly"]}
    assert "payee" not in changes  # the same payee
    assert event.payload["previous"] == {  # where it was, for consumers that recompute what it left
        "date": "2026-11-01",
        "amount": "-12.00",
        "category_id": None,
    }
    assert "paid by card" not in str(event.payload)


async def test_splits_are_replaced_as_a_whole_and_must_sum_exactly(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    food, home_goods = await home.category("Food"), await home.category("Household")
    tx = await home.transaction(account, "-30.00", category=food)
    split = await home.run(
        UPDATE,
        input={
            "id": str(tx.id),
            "categoryId": None,
            "splits": [
                {"amount": "-10.01", "categoryId": str(food.id), "memo": "bread"},
                {"amount": "-19.99", "categoryId": str(home_goods.id)},
            ],
        },
    )
    updated = split["transactionUpdate"]["transaction"]
    assert updated["isSplit"] is True
    assert updated["category"] is None
    assert updated["splits"] == [
        {"amount": {"amount": "-10.01"}, "memo": "bread", "category": {"name": "Food"}},
        {"amount": {"amount": "-19.99"}, "memo": None, "category": {"name": "Household"}},
    ]
    [event] = await events(runtime, TOPIC_TRANSACTION_UPDATED)
    assert event.payload["changes"]["splits"]["after"][0]["amount"] == "-10.01"

    before = await fingerprint(runtime)
    # A new amount the parts no longer sum to is refused, whole and typed.
    refused = await home.run(UPDATE, input={"id": str(tx.id), "amount": "-31.00"})
    assert only_error(refused["transactionUpdate"]) == {
        "__typename": "ValidationError",
        "message": "the parts sum to -30.00, not -31.00; -1.00 left to assign: send the parts for the new amount too",
        "field": "splits",
    }
    off = await home.run(UPDATE, input={"id": str(tx.id), "splits": [{"amount": "-10"}, {"amount": "-19.98"}]})
    assert only_error(off["transactionUpdate"])["message"].startswith("the parts sum to -29.98, not -30.00")
    category_on_split = await home.run(UPDATE, input={"id": str(tx.id), "categoryId": str(food.id)})
    assert only_error(category_on_split["transactionUpdate"])["field"] == "categoryId"
    assert await fingerprint(runtime) == before

    unsplit = await home.run(UPDATE, input={"id": str(tx.id), "splits": [], "categoryId": str(home_goods.id)})
    assert unsplit["transactionUpdate"]["transaction"]["splits"] == []
    assert unsplit["transactionUpdate"]["transaction"]["category"] == {"name": "Household"}


async def test_a_reconciled_transaction_is_protected_from_silent_edits(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="100.00")
    other = await home.account("Other")
    tx = await home.transaction(account, "-20.00", on=dt.date(2026, 11, 1))
    await reconcile(home, account, dt.date(2026, 11, 30), "80.00")
    before = await fingerprint(runtime)
    for change, field in [
        ({"amount": "-21.00"}, "amount"),
        ({"date": "2026-11-02"}, "date"),
        ({"accountId": str(other.id)}, "accountId"),
        ({"status": "CLEARED"}, "status"),
        ({"amount": "-21.00", "date": "2026-11-02"}, "amount"),
    ]:
        data = await home.run(UPDATE, input={"id": str(tx.id), **change})
        error = only_error(data["transactionUpdate"])
        assert error["field"] == field
        assert error["message"].startswith("the transaction is reconciled: send unlockReconciled: true")
    assert await fingerprint(runtime) == before

    memo = await home.run(UPDATE, input={"id": str(tx.id), "memo": "fine to change", "amount": "-20"})
    assert memo["transactionUpdate"]["transaction"]["status"] == "RECONCILED"
    unlocked = await home.run(UPDATE, input={"id": str(tx.id), "amount": "-21.00", "unlockReconciled": True})
    assert unlocked["transactionUpdate"]["transaction"]["amount"]["amount"] == "-21.00"
    assert unlocked["transactionUpdate"]["transaction"]["status"] == "RECONCILED"
    reopened = await home.run(UPDATE, input={"id": str(tx.id), "status": "CLEARED", "unlockReconciled": True})
    assert reopened["transactionUpdate"]["transaction"]["status"] == "CLEARED"
    assert (await home.get(Transaction, tx.id)).reconciliation_id is None


async def test_transfer_legs_stay_consistent(runtime: Runtime) -> None:
    home = await household(runtime)
    checking, savings = await home.account("Checking", opening="1000"), await home.account("Savings")
    outflow, inflow = await home.transfer(checking, savings, "100.00")
    data = await home.run(UPDATE, input={"id": str(outflow.id), "amount": "-150", "date": "2026-11-09"})
    payload = data["transactionUpdate"]
    assert payload["counterpart"] == {
        "id": str(inflow.id),
        "date": "2026-11-09",
        "amount": {"amount": "150.00", "currency": "EUR"},
        "accountId": str(savings.id),
    }
    assert payload["transaction"]["transfer"] == {
        "counterpartAmount": {"amount": "150.00", "currency": "EUR"},
        "realisedRate": "1",
    }
    updates = await events(runtime, TOPIC_TRANSACTION_UPDATED)
    assert [e.payload["transaction_id"] for e in updates] == [str(outflow.id), str(inflow.id)]

    before = await fingerprint(runtime)
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"counterpartAmount": "10"}, "counterpartAmount"),  # one currency: always the opposite amount
        ({"splits": [{"amount": "-100"}, {"amount": "-50"}]}, "splits"),
        ({"accountId": str(savings.id)}, "accountId"),  # both legs on one account
    ]
    for change, field in attempts:
        refused = await home.run(UPDATE, input={"id": str(outflow.id), **change})
        assert only_error(refused["transactionUpdate"])["field"] == field
    assert await fingerprint(runtime) == before


async def test_a_transfer_across_currencies_keeps_both_amounts(runtime: Runtime) -> None:
    home = await household(runtime)
    euros, dollars = await home.account("Euros", opening="1000"), await home.account("Dollars", "USD")
    outflow, inflow = await home.transfer(euros, dollars, "100.00", "109.39")
    moved = await home.run(UPDATE, input={"id": str(outflow.id), "amount": "-200"})
    payload = moved["transactionUpdate"]
    assert payload["counterpart"]["amount"] == {"amount": "109.39", "currency": "USD"}  # kept: it is what arrived
    assert payload["transaction"]["transfer"]["realisedRate"] == "0.54695"
    both = await home.run(UPDATE, input={"id": str(outflow.id), "amount": "-200", "counterpartAmount": "218.78"})
    assert both["transactionUpdate"]["transaction"]["transfer"]["realisedRate"] == "1.0939"
    wrong_way = await home.run(UPDATE, input={"id": str(inflow.id), "counterpartAmount": "5"})
    assert only_error(wrong_way["transactionUpdate"])["field"] == "counterpartAmount"


async def test_the_reconciled_other_leg_of_a_transfer_is_protected_too(runtime: Runtime) -> None:
    home = await household(runtime)
    checking, savings = await home.account("Checking", opening="500"), await home.account("Savings")
    outflow, _ = await home.transfer(checking, savings, "100.00", on=dt.date(2026, 11, 2))
    await reconcile(home, savings, dt.date(2026, 11, 30), "100.00")
    refused = await home.run(UPDATE, input={"id": str(outflow.id), "amount": "-101"})
    assert only_error(refused["transactionUpdate"]) == {
        "__typename": "ValidationError",
        "message": "the other leg of this transfer is reconciled: send unlockReconciled: true to change it",
        "field": "unlockReconciled",
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": "1.001"}, "amount", "EUR amounts have at most 2 decimal places"),
        ({"amount": None}, "amount", "this field cannot be cleared"),
        ({"status": "RECONCILED"}, "status", "a transaction becomes reconciled when its account is reconciled"),
        ({"tags": ["x" * 61]}, "tags", "a tag has at most 60 characters"),
        ({"payee": "p" * 301}, "payee", "use at most 300 characters"),
        ({"counterpartAmount": "1"}, "counterpartAmount", "only a transfer has another leg"),
        ({"splits": [{"amount": "-5"}]}, "splits", "a split needs at least two parts"),
    ],
)
async def test_bad_input_is_a_typed_error_and_changes_nothing(
    runtime: Runtime, change: dict, field: str, message: str
) -> None:
    home = await household(runtime)
    account = await home.account()
    tx = await home.transaction(account, "-5.00", status=TransactionStatus.PENDING)
    before = await fingerprint(runtime)
    data = await home.run(UPDATE, input={"id": str(tx.id), **change})
    error = only_error(data["transactionUpdate"])
    assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert message in error["message"]
    assert await fingerprint(runtime) == before


async def test_another_households_ids_look_missing_and_viewers_cannot_edit(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    tx = await home.transaction(account, "-5.00")
    stranger = await household(runtime)
    theirs = await stranger.account("Theirs")
    their_category = await stranger.category("Theirs")
    before = await fingerprint(runtime)
    attempts = [
        (stranger.viewer, {"id": str(tx.id), "memo": "mine"}, "id", "no such transaction"),
        (as_role(home, Role.VIEWER), {"id": str(tx.id), "memo": "mine"}, "id", "no such transaction"),
        (home.viewer, {"id": str(tx.id), "accountId": str(theirs.id)}, "accountId", "no such account"),
        (home.viewer, {"id": str(tx.id), "categoryId": str(their_category.id)}, "categoryId", "no such category"),
        (
            home.viewer,
            {"id": str(tx.id), "splits": [{"amount": "-1", "categoryId": str(their_category.id)}, {"amount": "-4"}]},
            "splits",
            "no such category",
        ),
    ]
    for viewer, change, field, message in attempts:
        data = await home.run(UPDATE, viewer=viewer, input=change)
        assert only_error(data["transactionUpdate"]) == {
            "__typename": "NotFoundError",
            "message": message,
            "field": field,
        }
    assert await fingerprint(runtime) == before
