from __future__ import annotations

from typing import Any

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.services.categories import CategoryKind
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: CategoryGroupUpdateInput!) {{
  categoryGroupUpdate(input: $input) {{
    group {{ name kind position hidden archived categories(includeArchived: true) {{ name kind }} }} {ERRORS}
  }}
}}
"""


async def test_changes_the_group_and_its_kind_carries_to_its_categories(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Refunds")
    await home.category("Returns", group)
    data = await home.run(
        UPDATE,
        input={"id": str(group.id), "name": "Money back", "kind": "INCOME", "position": 7, "hidden": True},
    )
    assert data["categoryGroupUpdate"] == {
        "group": {
            "name": "Money back",
            "kind": "INCOME",
            "position": 7,
            "hidden": True,
            "archived": False,
            "categories": [{"name": "Returns", "kind": "INCOME"}],
        },
        "errors": [],
    }
    archived = await home.run(UPDATE, input={"id": str(group.id), "archived": True})
    assert archived["categoryGroupUpdate"]["group"]["archived"] is True
    listed = await home.run("{ categoryGroups { nodes { name } } }")
    assert listed["categoryGroups"]["nodes"] == []
    with_archived = await home.run("{ categoryGroups(includeArchived: true) { nodes { name archived } } }")
    assert with_archived["categoryGroups"]["nodes"] == [{"name": "Money back", "archived": True}]


async def test_bad_input_is_a_typed_error_and_changes_nothing(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Housing")
    await home.group("Food", CategoryKind.EXPENSE)
    before = await fingerprint(runtime)
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"name": "FOOD"}, "name"),
        ({"position": 10**7}, "position"),
        ({"kind": None}, "kind"),
    ]
    for change, field in attempts:
        data = await home.run(UPDATE, input={"id": str(group.id), **change})
        error = only_error(data["categoryGroupUpdate"])
        assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert await fingerprint(runtime) == before


async def test_another_households_group_looks_missing_and_viewers_cannot_change_it(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Housing")
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer in (stranger.viewer, as_role(home, Role.VIEWER)):
        data = await home.run(UPDATE, viewer=viewer, input={"id": str(group.id), "name": "Mine"})
        assert only_error(data["categoryGroupUpdate"]) == {
            "__typename": "NotFoundError",
            "message": "no such group",
            "field": "id",
        }
    assert await fingerprint(runtime) == before
