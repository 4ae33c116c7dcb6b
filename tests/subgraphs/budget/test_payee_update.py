from __future__ import annotations

import pytest
from sqlalchemy import select

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.models import Payee
from subgraphs.budget.services.payees import resolve_payee
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: PayeeUpdateInput!) {{
  payeeUpdate(input: $input) {{ payee {{ id name aliases {{ alias }} defaultCategory {{ name }} }} {ERRORS} }}
}}
"""
PAYEES = (
    "{ payees { nodes { name } } accounts { nodes { transactions { nodes { payee normalizedPayee { name } } } } } }"
)


async def payee_of(runtime: Runtime, household_id, name: str) -> Payee:
    async with runtime.sessionmaker() as session, session.begin():
        found = await resolve_payee(session=session, household_id=household_id, name=name)
        assert found is not None
        return found


async def test_renaming_keeps_the_old_spelling_as_an_alias(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    groceries = await home.category("Groceries")
    tx = await home.transaction(account, "-3.00", payee="AMZN MKTP DE")
    data = await home.run(
        UPDATE, input={"id": str(tx.payee_id), "name": "Amazon", "defaultCategoryId": str(groceries.id)}
    )
    payload = data["payeeUpdate"]
    assert payload["errors"] == []
    assert payload["payee"] | {"id": None} == {
        "id": None,
        "name": "Amazon",
        "aliases": [{"alias": "AMZN MKTP DE"}],
        "defaultCategory": {"name": "Groceries"},
    }
    listing = await home.run(PAYEES)
    assert listing["payees"]["nodes"] == [{"name": "Amazon"}]
    assert listing["accounts"]["nodes"][0]["transactions"]["nodes"] == [
        {"payee": "Amazon", "normalizedPayee": {"name": "Amazon"}}
    ]
    # The bank's spelling still lands on the payee.
    assert (await payee_of(runtime, home.id, "amzn mktp de")).id == tx.payee_id
    cleared = await home.run(UPDATE, input={"id": str(tx.payee_id), "defaultCategoryId": None})
    assert cleared["payeeUpdate"]["payee"]["defaultCategory"] is None
    assert cleared["payeeUpdate"]["payee"]["name"] == "Amazon"


async def test_a_name_another_payee_has_is_refused(runtime: Runtime) -> None:
    home = await household(runtime)
    rewe = await payee_of(runtime, home.id, "REWE")
    await payee_of(runtime, home.id, "Lidl")
    before = await fingerprint(runtime)
    data = await home.run(UPDATE, input={"id": str(rewe.id), "name": "  lidl "})
    assert only_error(data["payeeUpdate"]) == {
        "__typename": "ValidationError",
        "message": "another payee is called Lidl; merge the two instead",
        "field": "name",
    }
    assert await fingerprint(runtime) == before
    recased = await home.run(UPDATE, input={"id": str(rewe.id), "name": "Rewe"})
    assert recased["payeeUpdate"]["payee"]["aliases"] == []  # same key: only the spelling changed


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  ...  "}, "name", "enter a name with at least one letter or digit"),
        ({"name": "x" * 301}, "name", "use at most 300 characters"),
        ({"name": None}, "name", "this field cannot be cleared"),
    ],
)
async def test_bad_input_is_a_typed_error_and_changes_nothing(
    runtime: Runtime, change: dict, field: str, message: str
) -> None:
    home = await household(runtime)
    payee = await payee_of(runtime, home.id, "Bakery")
    before = await fingerprint(runtime)
    data = await home.run(UPDATE, input={"id": str(payee.id), **change})
    error = only_error(data["payeeUpdate"])
    assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert message in error["message"]
    assert await fingerprint(runtime) == before


async def test_another_households_ids_look_missing_and_viewers_cannot_edit(runtime: Runtime) -> None:
    home = await household(runtime)
    payee = await payee_of(runtime, home.id, "Bakery")
    stranger = await household(runtime)
    their_category = await stranger.category("Theirs")
    before = await fingerprint(runtime)
    for viewer, change, field, message in [
        (stranger.viewer, {"id": str(payee.id), "name": "Mine"}, "id", "no such payee"),
        (as_role(home, Role.VIEWER), {"id": str(payee.id), "name": "Mine"}, "id", "no such payee"),
        (
            home.viewer,
            {"id": str(payee.id), "defaultCategoryId": str(their_category.id)},
            "defaultCategoryId",
            "no such category",
        ),
    ]:
        data = await home.run(UPDATE, viewer=viewer, input=change)
        assert only_error(data["payeeUpdate"]) == {"__typename": "NotFoundError", "message": message, "field": field}
    assert await fingerprint(runtime) == before
    async with runtime.sessionmaker() as session:
        assert [p.name for p in await session.scalars(select(Payee).where(Payee.household_id == home.id))] == ["Bakery"]
