from __future__ import annotations

from typing import Any

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.services.categories import CategoryKind
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: CategoryUpdateInput!) {{
  categoryUpdate(input: $input) {{ category {{ name kind position hidden archived rollover group {{ name }} }} {ERRORS} }}
}}
"""


async def test_changes_the_category_and_moving_it_changes_its_kind(runtime: Runtime) -> None:
    home = await household(runtime)
    expenses, income = await home.group("Bills"), await home.group("Income", CategoryKind.INCOME)
    category = await home.category("Refund", expenses)
    data = await home.run(
        UPDATE,
        input={
            "id": str(category.id),
            "name": "Refunds",
            "groupId": str(income.id),
            "position": 3,
            "hidden": True,
            "rollover": "SURPLUS",
        },
    )
    assert data["categoryUpdate"] == {
        "category": {
            "name": "Refunds",
            "kind": "INCOME",
            "position": 3,
            "hidden": True,
            "archived": False,
            "rollover": "SURPLUS",
            "group": {"name": "Income"},
        },
        "errors": [],
    }
    archived = await home.run(UPDATE, input={"id": str(category.id), "archived": True})
    assert archived["categoryUpdate"]["category"]["archived"] is True
    groups = await home.run("{ categoryGroups { nodes { categories { name } } } }")
    assert groups["categoryGroups"]["nodes"] == [{"categories": []}, {"categories": []}]


async def test_an_archived_category_takes_no_new_transactions(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    category = await home.category("Old")
    await home.run(UPDATE, input={"id": str(category.id), "archived": True})
    data = await home.run(
        """mutation($input: TransactionCreateInput!) { transactionCreate(input: $input) {
             transaction { id } errors { __typename ... on NotFoundError { field } } } }""",
        input={"accountId": str(account.id), "date": "2026-11-01", "amount": "-1", "categoryId": str(category.id)},
    )
    assert data["transactionCreate"]["errors"] == [{"__typename": "NotFoundError", "field": "categoryId"}]


async def test_bad_input_is_a_typed_error_and_changes_nothing(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Food")
    category = await home.category("Groceries", group)
    await home.category("Restaurants", group)
    before = await fingerprint(runtime)
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"name": "RESTAURANTS"}, "name"),
        ({"name": ""}, "name"),
        ({"rollover": None}, "rollover"),
    ]
    for change, field in attempts:
        data = await home.run(UPDATE, input={"id": str(category.id), **change})
        error = only_error(data["categoryUpdate"])
        assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert await fingerprint(runtime) == before


async def test_another_households_ids_look_missing_and_viewers_cannot_change(runtime: Runtime) -> None:
    home = await household(runtime)
    category = await home.category("Groceries")
    stranger = await household(runtime)
    their_group = await stranger.group("Theirs")
    before = await fingerprint(runtime)
    for viewer, change, field, message in [
        (stranger.viewer, {"name": "Mine"}, "id", "no such category"),
        (as_role(home, Role.VIEWER), {"name": "Mine"}, "id", "no such category"),
        (home.viewer, {"groupId": str(their_group.id)}, "groupId", "no such group"),
    ]:
        data = await home.run(UPDATE, viewer=viewer, input={"id": str(category.id), **change})
        assert only_error(data["categoryUpdate"]) == {"__typename": "NotFoundError", "message": message, "field": field}
    assert await fingerprint(runtime) == before
