from __future__ import annotations

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.services.payees import resolve_payee
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

ADD = "mutation($id: ID!, $a: String!) { payeeAliasAdd(input: {payeeId: $id, alias: $a}) { alias { id } } }"
REMOVE = f"""
mutation Remove($input: PayeeAliasRemoveInput!) {{
  payeeAliasRemove(input: $input) {{ payee {{ name aliases {{ alias }} }} {ERRORS} }}
}}
"""


async def test_a_removed_alias_no_longer_resolves_to_the_payee(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    tx = await home.transaction(account, "-1.00", payee="Deutsche Bahn")
    alias_id = (await home.run(ADD, id=str(tx.payee_id), a="DB"))["payeeAliasAdd"]["alias"]["id"]
    data = await home.run(REMOVE, input={"id": alias_id})
    assert data["payeeAliasRemove"] == {"payee": {"name": "Deutsche Bahn", "aliases": []}, "errors": []}
    async with runtime.sessionmaker() as session, session.begin():
        found = await resolve_payee(session=session, household_id=home.id, name="DB")
    assert found is not None
    assert found.id != tx.payee_id
    assert found.name == "DB"
    assert (await home.get(type(tx), tx.id)).payee_id == tx.payee_id  # resolved transactions stay


async def test_another_households_alias_looks_missing_and_viewers_cannot_remove(runtime: Runtime) -> None:
    home = await household(runtime)
    tx = await home.transaction(await home.account(), "-1.00", payee="Deutsche Bahn")
    alias_id = (await home.run(ADD, id=str(tx.payee_id), a="DB"))["payeeAliasAdd"]["alias"]["id"]
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, target in [(stranger.viewer, alias_id), (as_role(home, Role.VIEWER), alias_id), (home.viewer, "?")]:
        data = await home.run(REMOVE, viewer=viewer, input={"id": target})
        assert only_error(data["payeeAliasRemove"]) == {
            "__typename": "NotFoundError",
            "message": "no such alias",
            "field": "id",
        }
    assert await fingerprint(runtime) == before
