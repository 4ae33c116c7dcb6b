"""The ledger through the real router: categories, split transactions, a transfer between currencies, a
reconciliation with its protection, and live balances over WebSocket."""

from __future__ import annotations

import time
from typing import Any

import jwt

from tests.federation.conftest import Client, RunningStack, Subscription

ERRORS = "errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }"


async def create(client: Client, mutation: str, node: str, selection: str = "id", **input_: Any) -> dict[str, Any]:
    """Run ``mutation`` (such as ``accountCreate``) with ``input_``; fails on any user error."""
    data = await client.run(
        f"""mutation($input: {mutation[0].upper()}{mutation[1:]}Input!) {{
              {mutation}(input: $input) {{ {node} {{ {selection} }} {ERRORS} }} }}""",
        input=input_,
    )
    payload = data[mutation]
    assert payload["errors"] == [], payload
    return dict(payload[node])


ACCOUNT = """
query($id: ID!) { account(id: $id) {
  name balance { amount currency } clearedBalance { amount } unclearedBalance { amount }
  reconciliations { nodes { statementDate statementBalance { amount } difference { amount } } }
  transactions(first: 20) { nodes {
    amount { amount currency } payee normalizedPayee { name } status tags
    category { name group { name kind } }
    splits { amount { amount } category { name } }
    transfer { realisedRate counterpartAmount { amount currency } counterpartAccount { name } }
    reconciliation { statementDate }
  } }
} }
"""


async def test_transfer_splits_and_reconciliation_through_the_router(client: Client) -> None:
    await client.register()
    checking = await create(
        client,
        "accountCreate",
        "account",
        name="Checking",
        type="CHECKING",
        currency="EUR",
        openingBalance="1000.00",
        openingDate="2026-11-01",
        institution="ING",
    )
    dollars = await create(client, "accountCreate", "account", name="Dollars", type="SAVINGS", currency="USD")
    group = await create(client, "categoryGroupCreate", "group", name="Everyday", kind="EXPENSE")
    food = await create(client, "categoryCreate", "category", groupId=group["id"], name="Food")
    home = await create(client, "categoryCreate", "category", groupId=group["id"], name="Home")

    await create(
        client,
        "transactionCreate",
        "transaction",
        accountId=checking["id"],
        date="2026-11-03",
        amount="-84.20",
        payee="IKEA Deutschland GmbH",
        tags=["#house"],
        splits=[
            {"amount": "-12.20", "categoryId": food["id"], "memo": "hot dogs"},
            {"amount": "-72.00", "categoryId": home["id"]},
        ],
    )
    await create(
        client,
        "transactionCreate",
        "transaction",
        accountId=checking["id"],
        date="2026-11-20",
        amount="-9.99",
        payee="ikea deutschland gmbh",
        categoryId=home["id"],
        status="PENDING",
    )
    transfer = await client.run(
        f"""mutation($input: TransferCreateInput!) {{ transferCreate(input: $input) {{
              fromTransaction {{ id }} toTransaction {{ id amount {{ amount currency }} }} {ERRORS} }} }}""",
        input={
            "fromAccountId": checking["id"],
            "toAccountId": dollars["id"],
            "date": "2026-11-10",
            "amount": "500.00",
            "toAmount": "546.95",
        },
    )
    assert transfer["transferCreate"]["errors"] == []
    assert transfer["transferCreate"]["toTransaction"]["amount"] == {"amount": "546.95", "currency": "USD"}

    account = (await client.run(ACCOUNT, id=checking["id"]))["account"]
    assert account["balance"] == {"amount": "405.81", "currency": "EUR"}
    assert account["clearedBalance"] == {"amount": "415.80"}
    assert account["unclearedBalance"] == {"amount": "-9.99"}
    pending, outflow, split = account["transactions"]["nodes"]
    assert pending["normalizedPayee"] == split["normalizedPayee"] == {"name": "IKEA Deutschland GmbH"}
    assert pending["category"] == {"name": "Home", "group": {"name": "Everyday", "kind": "EXPENSE"}}
    assert split["category"] is None
    assert split["tags"] == ["house"]
    assert split["splits"] == [
        {"amount": {"amount": "-12.20"}, "category": {"name": "Food"}},
        {"amount": {"amount": "-72.00"}, "category": {"name": "Home"}},
    ]
    assert outflow["transfer"] == {
        "realisedRate": "1.0939",
        "counterpartAmount": {"amount": "546.95", "currency": "USD"},
        "counterpartAccount": {"name": "Dollars"},
    }

    preview = await client.run(
        """query($id: ID!) { reconciliationPreview(accountId: $id, statementDate: "2026-11-30",
             statementBalance: "415.00") { clearedBalance { amount } difference { amount } toReconcileCount } }""",
        id=checking["id"],
    )
    assert preview["reconciliationPreview"] == {
        "clearedBalance": {"amount": "415.80"},
        "difference": {"amount": "-0.80"},
        "toReconcileCount": 2,
    }
    finish = f"""mutation($input: ReconciliationFinishInput!) {{ reconciliationFinish(input: $input) {{
                   reconciledCount adjustment {{ amount {{ amount }} }} {ERRORS} }} }}"""
    statement = {"accountId": checking["id"], "statementDate": "2026-11-30", "statementBalance": "415.00"}
    refused = await client.run(finish, input=statement)
    assert refused["reconciliationFinish"]["errors"][0]["field"] == "statementBalance"
    done = await client.run(finish, input={**statement, "createAdjustment": True})
    assert done["reconciliationFinish"] == {
        "reconciledCount": 3,
        "adjustment": {"amount": {"amount": "-0.80"}},
        "errors": [],
    }

    account = (await client.run(ACCOUNT, id=checking["id"]))["account"]
    assert account["clearedBalance"] == {"amount": "415.00"}
    assert account["reconciliations"]["nodes"] == [
        {"statementDate": "2026-11-30", "statementBalance": {"amount": "415.00"}, "difference": {"amount": "-0.80"}}
    ]
    assert [t["status"] for t in account["transactions"]["nodes"]] == [
        "RECONCILED",  # the adjustment, on the statement date
        "PENDING",  # not on the statement yet
        "RECONCILED",
        "RECONCILED",
    ]
    # Reconciled money is protected: the transfer cannot be moved silently, and deleting it takes both legs.
    outflow_id = transfer["transferCreate"]["fromTransaction"]["id"]
    update = f"""mutation($input: TransactionUpdateInput!) {{ transactionUpdate(input: $input) {{
                   transaction {{ amount {{ amount }} }} counterpart {{ amount {{ amount }} }} {ERRORS} }} }}"""
    silent = await client.run(update, input={"id": outflow_id, "amount": "-400.00"})
    assert silent["transactionUpdate"]["errors"][0]["message"].startswith("the transaction is reconciled")
    deleted = await client.run(
        f"""mutation($id: ID!) {{ transactionDelete(input: {{id: $id, unlockReconciled: true}}) {{
              deletedIds {ERRORS} }} }}""",
        id=outflow_id,
    )
    assert len(deleted["transactionDelete"]["deletedIds"]) == 2
    balances = await client.run("{ accounts { nodes { name balance { amount currency } } } }")
    assert balances["accounts"]["nodes"] == [
        {"name": "Checking", "balance": {"amount": "905.01", "currency": "EUR"}},
        {"name": "Dollars", "balance": {"amount": "0.00", "currency": "USD"}},
    ]


BALANCE_CHANGED = """
subscription($h: ID) { accountBalanceChanged(householdId: $h) {
  id name balance { amount currency } clearedBalance { amount } unclearedBalance { amount } } }
"""
TRANSACTION_CREATE = """
mutation($input: TransactionCreateInput!) { transactionCreate(input: $input) { transaction { id } errors { message } } }
"""


async def test_balances_are_heard_live_through_the_router(stack: RunningStack, client: Client) -> None:
    registered = await client.register()
    household_id = jwt.decode(registered["token"], options={"verify_signature": False})["households"][0]["id"]
    wallet = await create(
        client, "accountCreate", "account", name="Wallet", type="CASH", currency="EUR", openingBalance="20.00"
    )
    savings = await create(client, "accountCreate", "account", name="Savings", type="SAVINGS", currency="EUR")
    subscription = await Subscription.open(
        stack.router_url,
        BALANCE_CHANGED,
        connection_params={"authorization": f"Bearer {client.token}"},
        variables={"h": household_id},
    )
    try:
        deadline = time.monotonic() + 20
        while True:  # live once a probe is heard; the protocol has no acknowledgement
            assert time.monotonic() < deadline, "the subscription never went live"
            await client.run(TRANSACTION_CREATE, input={"accountId": wallet["id"], "date": "2026-11-28", "amount": "0"})
            try:
                probe = await subscription.next(timeout=0.5)
                break
            except TimeoutError:
                continue
        assert probe["payload"]["data"]["accountBalanceChanged"]["name"] == "Wallet"
        while True:  # the other probes' answers
            try:
                await subscription.next(timeout=0.5)
            except TimeoutError:
                break

        sent = time.monotonic()
        await client.run(
            TRANSACTION_CREATE,
            input={"accountId": wallet["id"], "date": "2026-11-28", "amount": "-3.50", "status": "PENDING"},
        )
        message = await subscription.next(timeout=10)
        latency = time.monotonic() - sent
        assert message["type"] == "next", message
        assert message["payload"]["data"]["accountBalanceChanged"] == {
            "id": wallet["id"],
            "name": "Wallet",
            "balance": {"amount": "16.50", "currency": "EUR"},
            "clearedBalance": {"amount": "20.00"},
            "unclearedBalance": {"amount": "-3.50"},
        }

        await client.run(
            f"""mutation($input: TransferCreateInput!) {{ transferCreate(input: $input) {{ {ERRORS} }} }}""",
            input={"fromAccountId": wallet["id"], "toAccountId": savings["id"], "date": "2026-11-29", "amount": "6"},
        )
        heard: dict[str, str] = {}
        while len(heard) < 2:
            update = (await subscription.next(timeout=10))["payload"]["data"]["accountBalanceChanged"]
            heard[update["name"]] = update["balance"]["amount"]
        assert heard == {"Wallet": "10.50", "Savings": "6.00"}  # both legs of the transfer
    finally:
        await subscription.close()
    print(f"mutation → balance subscriber latency through the router: {latency * 1000:.0f} ms")
