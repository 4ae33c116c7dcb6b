from __future__ import annotations

from fincloud.auth import Role
from fincloud.constants import TOPIC_ACCOUNT_CHANGED
from fincloud.service import Runtime
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, events, fingerprint, household, only_error

ARCHIVE = "mutation($id: ID!) { accountArchive(input: {id: $id}) { account { archived } } }"
UNARCHIVE = f"""
mutation Unarchive($input: AccountUnarchiveInput!) {{
  accountUnarchive(input: $input) {{ account {{ id archived archivedAt }} {ERRORS} }}
}}
"""
CREATE = """
mutation Create($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { amount { amount } } errors { message } }
}
"""


async def test_an_unarchived_account_takes_transactions_again(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    await home.run(ARCHIVE, id=str(account.id))
    data = await home.run(UNARCHIVE, input={"id": str(account.id)})
    assert data["accountUnarchive"]["account"] == {"id": str(account.id), "archived": False, "archivedAt": None}
    created = await home.run(CREATE, input={"accountId": str(account.id), "date": "2026-11-03", "amount": "1"})
    assert created["transactionCreate"] == {"transaction": {"amount": {"amount": "1.00"}}, "errors": []}
    payloads = [e.payload["archived"] for e in await events(runtime, TOPIC_ACCOUNT_CHANGED)]
    assert payloads == [False, True, False]


async def test_an_account_in_use_is_left_as_it_is(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    data = await home.run(UNARCHIVE, input={"id": str(account.id)})
    assert data["accountUnarchive"]["account"]["archived"] is False
    assert len(await events(runtime, TOPIC_ACCOUNT_CHANGED)) == 1


async def test_another_households_account_looks_missing_and_viewers_cannot_unarchive(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    await home.run(ARCHIVE, id=str(account.id))
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer in (stranger.viewer, as_role(home, Role.VIEWER)):
        data = await home.run(UNARCHIVE, viewer=viewer, input={"id": str(account.id)})
        assert only_error(data["accountUnarchive"])["__typename"] == "NotFoundError"
    assert await fingerprint(runtime) == before
