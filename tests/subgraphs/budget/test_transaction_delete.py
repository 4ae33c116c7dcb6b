from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fincloud.auth import Role
from fincloud.constants import TOPIC_TRANSACTION_DELETED
from fincloud.service import Runtime
from subgraphs.budget.models import Reconciliation, Split, Transaction
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, events, fingerprint, household, only_error

DELETE = f"""
mutation Delete($input: TransactionDeleteInput!) {{
  transactionDelete(input: $input) {{ deletedIds {ERRORS} }}
}}
"""
BALANCES = "{ accounts { nodes { name balance { amount } } } }"
RECONCILE = """
mutation($input: ReconciliationFinishInput!) { reconciliationFinish(input: $input) {
  reconciliation { id } adjustment { id } errors { message } } }
"""


async def count(runtime: Runtime, model: type) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_deletes_the_transaction_with_its_splits_and_announces_it(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="10.00")
    food = await home.category("Food")
    tx = await home.transaction(account, "-4.00", payee="Bakery", splits=[("-1.50", food), ("-2.50", None)])
    data = await home.run(DELETE, input={"id": str(tx.id)})
    assert data["transactionDelete"] == {"deletedIds": [str(tx.id)], "errors": []}
    assert (await home.run(BALANCES))["accounts"]["nodes"] == [{"name": "Checking", "balance": {"amount": "10.00"}}]
    assert await count(runtime, Split) == 0
    [event] = await events(runtime, TOPIC_TRANSACTION_DELETED)
    assert event.payload["transaction_id"] == str(tx.id)
    assert event.payload["amount"] == "-4.00"
    assert event.payload["payee"] == "Bakery"


async def test_a_transfer_is_deleted_whole_from_either_leg(runtime: Runtime) -> None:
    home = await household(runtime)
    checking, savings = await home.account("Checking", opening="100"), await home.account("Savings")
    _, inflow = await home.transfer(checking, savings, "40.00")
    data = await home.run(DELETE, input={"id": str(inflow.id)})
    assert len(data["transactionDelete"]["deletedIds"]) == 2
    assert await count(runtime, Transaction) == 0
    assert len(await events(runtime, TOPIC_TRANSACTION_DELETED)) == 2
    assert [n["balance"]["amount"] for n in (await home.run(BALANCES))["accounts"]["nodes"]] == ["100.00", "0.00"]


async def test_a_reconciled_transaction_is_deleted_only_when_unlocked(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="10.00")
    adjustment = (
        await home.run(
            RECONCILE,
            input={
                "accountId": str(account.id),
                "statementDate": "2026-11-30",
                "statementBalance": "12.00",
                "createAdjustment": True,
            },
        )
    )["reconciliationFinish"]["adjustment"]["id"]
    before = await fingerprint(runtime)
    refused = await home.run(DELETE, input={"id": adjustment})
    assert only_error(refused["transactionDelete"]) == {
        "__typename": "ValidationError",
        "message": "the transaction is reconciled: send unlockReconciled: true to delete it",
        "field": "unlockReconciled",
    }
    assert await fingerprint(runtime) == before
    deleted = await home.run(DELETE, input={"id": adjustment, "unlockReconciled": True})
    assert deleted["transactionDelete"]["deletedIds"] == [adjustment]
    async with runtime.sessionmaker() as session:
        [reconciliation] = await session.scalars(select(Reconciliation))
    assert reconciliation.adjustment_transaction_id is None  # history stays, without a dangling id


async def test_another_households_transaction_looks_missing_and_viewers_cannot_delete(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    tx = await home.transaction(account, "-5.00", on=dt.date(2026, 11, 1))
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, transaction_id in [
        (stranger.viewer, str(tx.id)),
        (as_role(home, Role.VIEWER), str(tx.id)),
        (home.viewer, "not-a-uuid"),
    ]:
        data = await home.run(DELETE, viewer=viewer, input={"id": transaction_id})
        assert only_error(data["transactionDelete"]) == {
            "__typename": "NotFoundError",
            "message": "no such transaction",
            "field": "id",
        }
    assert await fingerprint(runtime) == before
