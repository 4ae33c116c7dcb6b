from __future__ import annotations

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.services.categories import CategoryKind
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

CREATE = f"""
mutation Create($input: CategoryCreateInput!) {{
  categoryCreate(input: $input) {{
    category {{ name kind position hidden rollover archived group {{ name }} householdId }} {ERRORS}
  }}
}}
"""


async def test_a_category_takes_its_groups_kind_and_comes_last(runtime: Runtime) -> None:
    home = await household(runtime)
    income = await home.group("Income", CategoryKind.INCOME)
    await home.category("Salary", income)
    data = await home.run(
        CREATE, input={"groupId": str(income.id), "name": "Interest", "rollover": "SURPLUS_AND_OVERSPEND"}
    )
    assert data["categoryCreate"] == {
        "category": {
            "name": "Interest",
            "kind": "INCOME",
            "position": 1,
            "hidden": False,
            "rollover": "SURPLUS_AND_OVERSPEND",
            "archived": False,
            "group": {"name": "Income"},
            "householdId": str(home.id),
        },
        "errors": [],
    }
    groups = await home.run("{ categoryGroups { nodes { name kind categories { name } } } }")
    assert groups["categoryGroups"]["nodes"] == [
        {"name": "Income", "kind": "INCOME", "categories": [{"name": "Salary"}, {"name": "Interest"}]}
    ]


async def test_bad_input_is_a_typed_error_and_creates_nothing(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Food")
    await home.category("Groceries", group)
    archived = await home.group("Old")
    await home.run(
        "mutation($id: ID!) { categoryGroupUpdate(input: {id: $id, archived: true}) { errors { message } } }",
        id=str(archived.id),
    )
    before = await fingerprint(runtime)
    for input_, field, message in [
        (
            {"groupId": str(group.id), "name": " groceries "},
            "name",
            "the group already has a category called groceries",
        ),
        ({"groupId": str(group.id), "name": "x" * 101}, "name", "enter a name of 1 to 100 characters"),
        ({"groupId": str(archived.id), "name": "New"}, "groupId", "the group is archived; unarchive it first"),
    ]:
        data = await home.run(CREATE, input=input_)
        assert only_error(data["categoryCreate"]) == {
            "__typename": "ValidationError",
            "message": message,
            "field": field,
        }
    assert await fingerprint(runtime) == before


async def test_another_households_group_looks_missing_and_viewers_cannot_create(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Food")
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer in (stranger.viewer, as_role(home, Role.VIEWER)):
        data = await home.run(CREATE, viewer=viewer, input={"groupId": str(group.id), "name": "Planted"})
        assert only_error(data["categoryCreate"]) == {
            "__typename": "NotFoundError",
            "message": "no such group",
            "field": "groupId",
        }
    assert await fingerprint(runtime) == before
