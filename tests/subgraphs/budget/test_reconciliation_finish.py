from __future__ import annotations

import datetime as dt

from fincloud.auth import Role
from fincloud.constants import TOPIC_TRANSACTION_UPDATED
from fincloud.service import Runtime
from subgraphs.budget.services.ledger import TransactionStatus
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, events, fingerprint, household, only_error

PREVIEW = """
query Preview($account: ID!, $date: Date!, $balance: Decimal!) {
  reconciliationPreview(accountId: $account, statementDate: $date, statementBalance: $balance) {
    accountId statementDate statementBalance { amount currency } clearedBalance { amount } difference { amount }
    toReconcileCount transactions(first: 10) { nodes { amount { amount } status } }
  }
}
"""
FINISH = f"""
mutation Finish($input: ReconciliationFinishInput!) {{
  reconciliationFinish(input: $input) {{
    reconciliation {{ id statementDate statementBalance {{ amount }} clearedBalance {{ amount }} difference {{ amount }}
                      adjustmentTransaction {{ id }} account {{ name }} }}
    reconciledCount
    adjustment {{ id amount {{ amount }} memo status reconciliation {{ id }} }}
    {ERRORS}
  }}
}}
"""
HISTORY = """
query History($id: ID!) {
  account(id: $id) {
    clearedBalance { amount } unclearedBalance { amount } balance { amount }
    reconciliations { nodes { statementDate statementBalance { amount } difference { amount } } }
    transactions { nodes { amount { amount } status reconciliation { statementDate } } }
  }
}
"""


async def ledger(runtime: Runtime):
    """Opening 100.00 on Nov 1; cleared -20 (Nov 3) and +50 (Nov 10); pending -5 (Nov 12); cleared -7 (Dec 2)."""
    home = await household(runtime)
    account = await home.account(opening="100.00")
    await home.transaction(account, "-20.00", on=dt.date(2026, 11, 3))
    await home.transaction(account, "50.00", on=dt.date(2026, 11, 10))
    await home.transaction(account, "-5.00", on=dt.date(2026, 11, 12), status=TransactionStatus.PENDING)
    await home.transaction(account, "-7.00", on=dt.date(2026, 12, 2))
    return home, account


async def test_preview_shows_the_cleared_balance_the_difference_and_what_would_be_marked(runtime: Runtime) -> None:
    home, account = await ledger(runtime)
    before = await fingerprint(runtime)
    data = await home.run(PREVIEW, account=str(account.id), date="2026-11-30", balance="125.00")
    assert data["reconciliationPreview"] == {
        "accountId": str(account.id),
        "statementDate": "2026-11-30",
        "statementBalance": {"amount": "125.00", "currency": "EUR"},
        "clearedBalance": {"amount": "130.00"},  # the pending -5 and December's -7 are not on the statement
        "difference": {"amount": "-5.00"},
        "toReconcileCount": 2,
        "transactions": {
            "nodes": [
                {"amount": {"amount": "50.00"}, "status": "CLEARED"},
                {"amount": {"amount": "-20.00"}, "status": "CLEARED"},
            ]
        },
    }
    assert await fingerprint(runtime) == before
    viewer = await home.run(
        PREVIEW, viewer=as_role(home, Role.VIEWER), account=str(account.id), date="2026-11-30", balance="1"
    )
    assert viewer["reconciliationPreview"]["toReconcileCount"] == 2  # viewers may look
    stranger = await household(runtime)
    hidden = await home.run(PREVIEW, viewer=stranger.viewer, account=str(account.id), date="2026-11-30", balance="1")
    assert hidden == {"reconciliationPreview": None}


async def test_finishing_marks_cleared_transactions_up_to_the_date_reconciled(runtime: Runtime) -> None:
    home, account = await ledger(runtime)
    data = await home.run(
        FINISH, input={"accountId": str(account.id), "statementDate": "2026-11-30", "statementBalance": "130.00"}
    )
    payload = data["reconciliationFinish"]
    assert payload["errors"] == []
    assert payload["reconciledCount"] == 2
    assert payload["adjustment"] is None
    assert payload["reconciliation"] | {"id": None} == {
        "id": None,
        "statementDate": "2026-11-30",
        "statementBalance": {"amount": "130.00"},
        "clearedBalance": {"amount": "130.00"},
        "difference": {"amount": "0.00"},
        "adjustmentTransaction": None,
        "account": {"name": "Checking"},
    }
    history = (await home.run(HISTORY, id=str(account.id)))["account"]
    assert history["clearedBalance"] == {"amount": "123.00"}
    assert history["unclearedBalance"] == {"amount": "-5.00"}
    assert history["balance"] == {"amount": "118.00"}
    assert [(t["amount"]["amount"], t["status"], t["reconciliation"]) for t in history["transactions"]["nodes"]] == [
        ("-7.00", "CLEARED", None),
        ("-5.00", "PENDING", None),
        ("50.00", "RECONCILED", {"statementDate": "2026-11-30"}),
        ("-20.00", "RECONCILED", {"statementDate": "2026-11-30"}),
    ]
    marked = await events(runtime, TOPIC_TRANSACTION_UPDATED)
    assert [e.payload["changes"]["status"] for e in marked] == [{"before": "cleared", "after": "reconciled"}] * 2

    again = await home.run(
        FINISH, input={"accountId": str(account.id), "statementDate": "2026-12-31", "statementBalance": "123.00"}
    )
    assert again["reconciliationFinish"]["reconciledCount"] == 1
    dates = [
        r["statementDate"] for r in (await home.run(HISTORY, id=str(account.id)))["account"]["reconciliations"]["nodes"]
    ]
    assert dates == ["2026-12-31", "2026-11-30"]  # newest statement first


async def test_a_difference_is_refused_unless_an_adjustment_is_asked_for(runtime: Runtime) -> None:
    home, account = await ledger(runtime)
    before = await fingerprint(runtime)
    refused = await home.run(
        FINISH, input={"accountId": str(account.id), "statementDate": "2026-11-30", "statementBalance": "125.00"}
    )
    assert only_error(refused["reconciliationFinish"]) == {
        "__typename": "ValidationError",
        "message": "the statement says 125.00 EUR but the cleared transactions up to 2026-11-30 come to 130.00 EUR, "
        "a difference of -5.00 EUR: find what is missing, or ask for a balancing adjustment",
        "field": "statementBalance",
    }
    assert await fingerprint(runtime) == before

    adjusted = await home.run(
        FINISH,
        input={
            "accountId": str(account.id),
            "statementDate": "2026-11-30",
            "statementBalance": "125.00",
            "createAdjustment": True,
        },
    )
    payload = adjusted["reconciliationFinish"]
    assert payload["reconciledCount"] == 3
    assert payload["adjustment"] | {"id": None, "reconciliation": None} == {
        "id": None,
        "amount": {"amount": "-5.00"},
        "memo": "Reconciliation balance adjustment",
        "status": "RECONCILED",
        "reconciliation": None,
    }
    assert payload["adjustment"]["reconciliation"] == {"id": payload["reconciliation"]["id"]}
    assert payload["reconciliation"]["difference"] == {"amount": "-5.00"}
    assert payload["reconciliation"]["adjustmentTransaction"] == {"id": payload["adjustment"]["id"]}
    cleared = (await home.run(HISTORY, id=str(account.id)))["account"]
    assert cleared["reconciliations"]["nodes"][0]["statementBalance"] == {"amount": "125.00"}


async def test_bad_input_is_a_typed_error_and_changes_nothing(runtime: Runtime) -> None:
    home, account = await ledger(runtime)
    before = await fingerprint(runtime)
    data = await home.run(
        FINISH, input={"accountId": str(account.id), "statementDate": "2026-11-30", "statementBalance": "130.001"}
    )
    error = only_error(data["reconciliationFinish"])
    assert (error["__typename"], error["field"]) == ("ValidationError", "statementBalance")
    assert error["message"].startswith("EUR amounts have at most 2 decimal places")
    assert await fingerprint(runtime) == before


async def test_another_households_account_looks_missing_and_viewers_cannot_reconcile(runtime: Runtime) -> None:
    home, account = await ledger(runtime)
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer in (stranger.viewer, as_role(home, Role.VIEWER)):
        data = await home.run(
            FINISH,
            viewer=viewer,
            input={"accountId": str(account.id), "statementDate": "2026-11-30", "statementBalance": "130.00"},
        )
        assert only_error(data["reconciliationFinish"]) == {
            "__typename": "NotFoundError",
            "message": "no such account",
            "field": "accountId",
        }
    assert await fingerprint(runtime) == before
