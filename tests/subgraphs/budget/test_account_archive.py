from __future__ import annotations

from fincloud.auth import Role
from fincloud.constants import TOPIC_ACCOUNT_CHANGED
from fincloud.service import Runtime
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, events, fingerprint, household, only_error

ARCHIVE = f"""
mutation Archive($input: AccountArchiveInput!) {{
  accountArchive(input: $input) {{ account {{ id archived archivedAt balance {{ amount }} }} {ERRORS} }}
}}
"""

CREATE = """
mutation Create($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { __typename message ... on ValidationError { field } } }
}
"""


async def test_an_archived_account_keeps_its_balance_and_takes_no_new_transactions(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="50.00")
    await home.transaction(account, "-20.00")
    data = await home.run(ARCHIVE, input={"id": str(account.id)})
    archived = data["accountArchive"]["account"]
    assert archived["archived"] is True
    assert archived["archivedAt"] is not None
    assert archived["balance"] == {"amount": "30.00"}

    refused = await home.run(CREATE, input={"accountId": str(account.id), "date": "2026-11-03", "amount": "1"})
    assert refused["transactionCreate"]["errors"] == [
        {
            "__typename": "ValidationError",
            "message": "the account is archived; unarchive it to add transactions",
            "field": "accountId",
        }
    ]
    [_, change] = await events(runtime, TOPIC_ACCOUNT_CHANGED)
    assert change.payload["archived"] is True  # portfolio's replica learns it

    again = await home.run(ARCHIVE, input={"id": str(account.id)})
    assert again["accountArchive"]["account"]["archivedAt"] == archived["archivedAt"]
    assert len(await events(runtime, TOPIC_ACCOUNT_CHANGED)) == 2  # nothing changed, nothing announced


async def test_another_households_account_looks_missing_and_viewers_cannot_archive(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, account_id in [
        (stranger.viewer, str(account.id)),
        (as_role(home, Role.VIEWER), str(account.id)),
        (home.viewer, "nope"),
    ]:
        data = await home.run(ARCHIVE, viewer=viewer, input={"id": account_id})
        assert only_error(data["accountArchive"]) == {
            "__typename": "NotFoundError",
            "message": "no such account",
            "field": "id",
        }
    assert await fingerprint(runtime) == before
