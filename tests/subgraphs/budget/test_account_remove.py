from __future__ import annotations

from sqlalchemy import func, select

from fincloud.auth import Role
from fincloud.constants import TOPIC_ACCOUNT_CHANGED, TOPIC_TRANSACTION_UPDATED
from fincloud.service import Runtime
from subgraphs.budget.models import Account, Reconciliation, Split, Transaction
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, events, fingerprint, household, only_error

REMOVE = f"""
mutation Remove($input: AccountRemoveInput!) {{
  accountRemove(input: $input) {{ removedAccountId transactionsDeleted counterpartsKept {ERRORS} }}
}}
"""
BALANCES = "{ accounts { nodes { name balance { amount } } } }"


async def count(runtime: Runtime, model: type) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_deletes_the_account_with_its_transactions_and_keeps_the_other_leg_of_transfers(
    runtime: Runtime,
) -> None:
    home = await household(runtime)
    doomed = await home.account("Old savings", opening="500.00")
    kept = await home.account("Checking", opening="100.00")
    food = await home.category("Food")
    await home.transaction(doomed, "-30.00", splits=[("-10.00", food), ("-20.00", None)])
    _, incoming = await home.transfer(doomed, kept, "200.00")
    data = await home.run(REMOVE, input={"id": str(doomed.id)})
    payload = data["accountRemove"]
    assert payload == {
        "removedAccountId": str(doomed.id),
        "transactionsDeleted": 2,
        "counterpartsKept": [str(incoming.id)],
        "errors": [],
    }
    # The account that stays still shows the money that arrived, as its bank does.
    assert (await home.run(BALANCES))["accounts"]["nodes"] == [{"name": "Checking", "balance": {"amount": "300.00"}}]
    leg = await home.get(Transaction, incoming.id)
    assert (leg.transfer_id, leg.transfer_account_id, leg.payee) == (None, None, "Old savings")
    assert await count(runtime, Split) == 0
    assert await count(runtime, Transaction) == 1

    [deleted] = [e for e in await events(runtime, TOPIC_ACCOUNT_CHANGED) if e.payload["deleted"]]
    assert deleted.payload["account_id"] == str(doomed.id)
    [unlinked] = await events(runtime, TOPIC_TRANSACTION_UPDATED)
    assert unlinked.payload["transaction_id"] == str(incoming.id)
    assert unlinked.payload["changes"]["transfer_id"]["after"] is None
    assert unlinked.payload["reason"] == "transfer_account_deleted"


async def test_reconciliations_go_with_the_account(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="10.00")
    await home.run(
        """mutation($id: ID!) { reconciliationFinish(input: {accountId: $id, statementDate: "2026-11-30",
             statementBalance: "10.00"}) { errors { message } } }""",
        id=str(account.id),
    )
    assert await count(runtime, Reconciliation) == 1
    await home.run(REMOVE, input={"id": str(account.id)})
    assert await count(runtime, Reconciliation) == 0
    assert await count(runtime, Account) == 0


async def test_another_households_account_looks_missing_and_viewers_cannot_delete(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    await home.transaction(account, "5.00")
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, account_id in [
        (stranger.viewer, str(account.id)),
        (as_role(home, Role.VIEWER), str(account.id)),
        (home.viewer, "malformed"),
    ]:
        data = await home.run(REMOVE, viewer=viewer, input={"id": account_id})
        assert only_error(data["accountRemove"]) == {
            "__typename": "NotFoundError",
            "message": "no such account",
            "field": "id",
        }
    assert await fingerprint(runtime) == before
