from __future__ import annotations

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.services.payees import resolve_payee
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

ADD = f"""
mutation Add($input: PayeeAliasAddInput!) {{
  payeeAliasAdd(input: $input) {{ alias {{ id alias }} payee {{ name aliases {{ alias }} }} {ERRORS} }}
}}
"""


async def test_an_alias_resolves_to_its_payee(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    tx = await home.transaction(account, "-1.00", payee="Deutsche Bahn")
    data = await home.run(ADD, input={"payeeId": str(tx.payee_id), "alias": " DB Vertrieb GmbH "})
    payload = data["payeeAliasAdd"]
    assert payload["errors"] == []
    assert payload["alias"]["alias"] == "DB Vertrieb GmbH"
    assert payload["payee"] == {"name": "Deutsche Bahn", "aliases": [{"alias": "DB Vertrieb GmbH"}]}
    again = await home.run(ADD, input={"payeeId": str(tx.payee_id), "alias": "db vertrieb gmbh."})
    assert again["payeeAliasAdd"]["alias"]["id"] == payload["alias"]["id"]  # the same spelling: nothing new
    async with runtime.sessionmaker() as session, session.begin():
        found = await resolve_payee(session=session, household_id=home.id, name="DB VERTRIEB GMBH")
    assert found is not None
    assert found.id == tx.payee_id
    created = await home.transaction(account, "-2.00", payee="DB Vertrieb GmbH")
    assert created.payee == "Deutsche Bahn"


async def test_a_spelling_of_another_payee_is_refused(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    bahn = await home.transaction(account, "-1.00", payee="Deutsche Bahn")
    await home.transaction(account, "-1.00", payee="Lufthansa")
    before = await fingerprint(runtime)
    for alias, message in [
        ("LUFTHANSA", "another payee is called Lufthansa; merge the two instead"),
        ("deutsche bahn", "that is already the payee's name"),
        ("  !!  ", "enter a name with at least one letter or digit"),
    ]:
        data = await home.run(ADD, input={"payeeId": str(bahn.payee_id), "alias": alias})
        assert only_error(data["payeeAliasAdd"]) == {
            "__typename": "ValidationError",
            "message": message,
            "field": "alias",
        }
    assert await fingerprint(runtime) == before


async def test_another_households_payee_looks_missing_and_viewers_cannot_add(runtime: Runtime) -> None:
    home = await household(runtime)
    tx = await home.transaction(await home.account(), "-1.00", payee="Bahn")
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, payee_id in [
        (stranger.viewer, str(tx.payee_id)),
        (as_role(home, Role.VIEWER), str(tx.payee_id)),
        (home.viewer, "x"),
    ]:
        data = await home.run(ADD, viewer=viewer, input={"payeeId": payee_id, "alias": "DB"})
        assert only_error(data["payeeAliasAdd"]) == {
            "__typename": "NotFoundError",
            "message": "no such payee",
            "field": "payeeId",
        }
    assert await fingerprint(runtime) == before
