from __future__ import annotations

import pytest

from fincloud.auth import Role
from fincloud.constants import TOPIC_TRANSACTION_CREATED
from fincloud.service import Runtime
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, events, fingerprint, household, only_error

TRANSFER = f"""
mutation Transfer($input: TransferCreateInput!) {{
  transferCreate(input: $input) {{
    fromTransaction {{ id amount {{ amount currency }} memo tags
      transfer {{ transferId realisedRate counterpartAmount {{ amount currency }}
                  counterpartAccount {{ name }} counterpartTransaction {{ id }} }} }}
    toTransaction {{ id amount {{ amount currency }} account {{ balance {{ amount }} }}
      transfer {{ transferId realisedRate counterpartAccount {{ name }} }} }}
    {ERRORS}
  }}
}}
"""


async def test_a_transfer_is_one_linked_pair(runtime: Runtime) -> None:
    home = await household(runtime)
    checking, savings = await home.account("Checking", opening="500"), await home.account("Savings")
    data = await home.run(
        TRANSFER,
        input={
            "fromAccountId": str(checking.id),
            "toAccountId": str(savings.id),
            "date": "2026-11-10",
            "amount": "125.50",
            "memo": "rainy day",
            "tags": ["saving"],
        },
    )
    payload = data["transferCreate"]
    assert payload["errors"] == []
    out, into = payload["fromTransaction"], payload["toTransaction"]
    assert out["amount"] == {"amount": "-125.50", "currency": "EUR"}
    assert (out["memo"], out["tags"]) == ("rainy day", ["saving"])
    assert out["transfer"]["transferId"] == into["transfer"]["transferId"]
    assert out["transfer"] | {"transferId": None} == {
        "transferId": None,
        "realisedRate": "1",
        "counterpartAmount": {"amount": "125.50", "currency": "EUR"},
        "counterpartAccount": {"name": "Savings"},
        "counterpartTransaction": {"id": into["id"]},
    }
    assert into["transfer"]["counterpartAccount"] == {"name": "Checking"}
    assert into["account"]["balance"] == {"amount": "125.50"}
    created = await events(runtime, TOPIC_TRANSACTION_CREATED)
    assert {e.payload["transfer_id"] for e in created} == {out["transfer"]["transferId"]}
    assert {e.payload["transfer_account_id"] for e in created} == {str(checking.id), str(savings.id)}


async def test_across_currencies_both_amounts_are_kept_and_the_rate_is_derived(runtime: Runtime) -> None:
    home = await household(runtime)
    euros, yen = await home.account("Euros", opening="1000"), await home.account("Yen", "JPY")
    data = await home.run(
        TRANSFER,
        input={
            "fromAccountId": str(euros.id),
            "toAccountId": str(yen.id),
            "date": "2026-11-10",
            "amount": "300.00",
            "toAmount": "48763",
        },
    )
    out, into = data["transferCreate"]["fromTransaction"], data["transferCreate"]["toTransaction"]
    assert out["amount"] == {"amount": "-300.00", "currency": "EUR"}
    assert into["amount"] == {"amount": "48763", "currency": "JPY"}
    assert out["transfer"]["realisedRate"] == "162.5433333333333333333333333"  # 28 significant digits
    assert into["transfer"]["realisedRate"] == "0.006152205565695301765682997355"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": "0"}, "amount", "enter the amount moved, more than zero"),
        ({"amount": "-5"}, "amount", "enter the amount moved, more than zero"),
        ({"amount": "1.234"}, "amount", "EUR amounts have at most 2 decimal places"),
        ({"to": "Dollars"}, "toAmount", "the accounts are in EUR and USD: give the amount that arrived"),
        ({"toAmount": "6"}, "toAmount", "both accounts are in the same currency: the amounts must be equal"),
        ({"to": "Checking"}, "toAccountId", "choose two different accounts"),
        ({"status": "RECONCILED"}, "status", "a transaction becomes reconciled when its account is reconciled"),
    ],
)
async def test_bad_input_is_a_typed_error_and_creates_nothing(
    runtime: Runtime, change: dict, field: str, message: str
) -> None:
    home = await household(runtime)
    checking = await home.account("Checking")
    await home.account("Savings")
    await home.account("Dollars", "USD")
    before = await fingerprint(runtime)
    to = home.accounts[change.pop("to", "Savings")]
    input_ = {"fromAccountId": str(checking.id), "toAccountId": str(to.id), "date": "2026-11-10", "amount": "5"}
    data = await home.run(TRANSFER, input={**input_, **change})
    error = only_error(data["transferCreate"])
    assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert error["message"].startswith(message)
    assert await fingerprint(runtime) == before


async def test_an_archived_account_takes_no_transfer(runtime: Runtime) -> None:
    home = await household(runtime)
    checking, old = await home.account("Checking"), await home.account("Old")
    await home.run("mutation($id: ID!) { accountArchive(input: {id: $id}) { errors { message } } }", id=str(old.id))
    data = await home.run(
        TRANSFER,
        input={"fromAccountId": str(checking.id), "toAccountId": str(old.id), "date": "2026-11-10", "amount": "5"},
    )
    assert only_error(data["transferCreate"])["field"] == "toAccountId"


async def test_another_households_account_looks_missing_and_viewers_cannot_transfer(runtime: Runtime) -> None:
    home = await household(runtime)
    mine, second = await home.account("Mine"), await home.account("Second")
    stranger = await household(runtime)
    theirs = await stranger.account("Theirs")
    before = await fingerprint(runtime)
    for viewer, source, target, field in [
        (home.viewer, mine, theirs, "toAccountId"),
        (home.viewer, theirs, mine, "fromAccountId"),
        (stranger.viewer, mine, second, "fromAccountId"),
        (as_role(home, Role.VIEWER), mine, second, "fromAccountId"),
    ]:
        data = await home.run(
            TRANSFER,
            viewer=viewer,
            input={"fromAccountId": str(source.id), "toAccountId": str(target.id), "date": "2026-11-10", "amount": "5"},
        )
        assert only_error(data["transferCreate"]) == {
            "__typename": "NotFoundError",
            "message": "no such account",
            "field": field,
        }
    assert await fingerprint(runtime) == before
