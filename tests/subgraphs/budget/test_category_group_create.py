from __future__ import annotations

import pytest

from fincloud.auth import Role
from fincloud.service import Runtime
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

CREATE = f"""
mutation Create($input: CategoryGroupCreateInput!) {{
  categoryGroupCreate(input: $input) {{ group {{ id householdId name kind position hidden archived categories {{ name }} }} {ERRORS} }}
}}
"""


async def test_groups_are_added_in_order(runtime: Runtime) -> None:
    home = await household(runtime)
    first = await home.run(CREATE, input={"name": " Housing ", "kind": "EXPENSE"})
    second = await home.run(CREATE, input={"name": "Salary", "kind": "INCOME", "hidden": True})
    assert first["categoryGroupCreate"]["group"] | {"id": None} == {
        "id": None,
        "householdId": str(home.id),
        "name": "Housing",
        "kind": "EXPENSE",
        "position": 0,
        "hidden": False,
        "archived": False,
        "categories": [],
    }
    assert second["categoryGroupCreate"]["group"]["position"] == 1
    assert second["categoryGroupCreate"]["group"]["kind"] == "INCOME"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "enter a name of 1 to 100 characters"),
        ({"name": "housing"}, "name", "there is already a group called housing"),
        ({"position": -1}, "position", "a position is between 0 and 1000000"),
    ],
)
async def test_bad_input_is_a_typed_error_and_creates_nothing(
    runtime: Runtime, change: dict, field: str, message: str
) -> None:
    home = await household(runtime)
    await home.group("Housing")
    before = await fingerprint(runtime)
    data = await home.run(CREATE, input={"name": "Other", "kind": "EXPENSE", **change})
    assert only_error(data["categoryGroupCreate"]) == {
        "__typename": "ValidationError",
        "message": message,
        "field": field,
    }
    assert await fingerprint(runtime) == before


async def test_another_household_looks_missing_and_viewers_cannot_create(runtime: Runtime) -> None:
    home = await household(runtime)
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, household_id in [
        (stranger.viewer, str(home.id)),
        (as_role(home, Role.VIEWER), str(home.id)),
        (as_role(home, Role.VIEWER), None),
    ]:
        data = await home.run(
            CREATE, viewer=viewer, input={"name": "Planted", "kind": "EXPENSE", "householdId": household_id}
        )
        assert only_error(data["categoryGroupCreate"]) == {
            "__typename": "NotFoundError",
            "message": "no such household",
            "field": "householdId",
        }
    assert await fingerprint(runtime) == before
