from __future__ import annotations

import uuid
from typing import Any

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import make_category, make_viewer

CREATE = """
mutation($input: RuleCreateInput!) { ruleCreate(input: $input) { rule { id } errors { message } } }
"""
UPDATE = """
mutation Update($input: RuleUpdateInput!) {
  ruleUpdate(input: $input) {
    rule { id name enabled match setCategoryId setPayee addTags position conditions { field operator value } }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""
RULES = "query($h: ID!) { rules(householdId: $h) { edges { node { name enabled setCategoryId setPayee addTags } } } }"


async def rule_of(runtime: Runtime, viewer: Viewer, category: uuid.UUID) -> str:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        CREATE,
        input={
            "householdId": str(viewer.household_ids[0]),
            "name": "Groceries",
            "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": "rewe"}],
            "setCategoryId": str(category),
            "setPayee": "REWE",
        },
    )
    return str(data["ruleCreate"]["rule"]["id"])


async def update(runtime: Runtime, viewer: Viewer, **input_: Any) -> dict[str, Any]:
    return dict((await execute(schema, Context(runtime=runtime, viewer=viewer), UPDATE, input=input_))["ruleUpdate"])


async def test_fields_left_out_stay_and_null_clears_an_action(runtime: Runtime) -> None:
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        groceries = await make_category(session, household_id=viewer.household_ids[0], name="Groceries")
    rule_id = await rule_of(runtime, viewer, groceries.id)
    payload = await update(runtime, viewer, id=rule_id, enabled=False, setPayee=None, addTags=["food"])
    assert payload["errors"] == []
    assert payload["rule"] == {
        "id": rule_id,
        "name": "Groceries",
        "enabled": False,
        "match": "ALL",
        "setCategoryId": str(groceries.id),
        "setPayee": None,
        "addTags": ["food"],
        "position": 0,
        "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": "rewe"}],
    }
    payload = await update(
        runtime,
        viewer,
        id=rule_id,
        name="Supermarkets",
        match="ANY",
        conditions=[
            {"field": "PAYEE", "operator": "STARTS_WITH", "value": "rewe"},
            {"field": "PAYEE", "operator": "MATCHES", "value": "edeka|aldi"},
        ],
    )
    assert payload["rule"]["name"] == "Supermarkets"
    assert payload["rule"]["match"] == "ANY"
    assert [c["operator"] for c in payload["rule"]["conditions"]] == ["STARTS_WITH", "MATCHES"]


async def test_a_bad_change_is_refused_and_changes_nothing(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = str(viewer.household_ids[0])
    async with runtime.sessionmaker() as session:
        groceries = await make_category(session, household_id=viewer.household_ids[0], name="Groceries")
    rule_id = await rule_of(runtime, viewer, groceries.id)
    before = await execute(schema, Context(runtime=runtime, viewer=viewer), RULES, h=household)
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"conditions": [{"field": "PAYEE", "operator": "MATCHES", "value": "a**"}]}, "conditions[0].value"),
        ({"conditions": []}, "conditions"),
        ({"setCategoryId": str(uuid.uuid4())}, "setCategoryId"),
        ({"setCategoryId": None, "setPayee": None}, "setCategoryId"),  # no action left
        ({"name": ""}, "name"),
    ]
    for change, field in attempts:
        payload = await update(runtime, viewer, id=rule_id, enabled=False, **change)
        assert payload["rule"] is None
        assert [e["field"] for e in payload["errors"]] == [field], payload
    assert await execute(schema, Context(runtime=runtime, viewer=viewer), RULES, h=household) == before


async def test_another_households_rule_looks_missing_and_viewers_cannot_change_it(runtime: Runtime) -> None:
    owner = make_viewer()
    async with runtime.sessionmaker() as session:
        groceries = await make_category(session, household_id=owner.household_ids[0], name="Groceries")
    rule_id = await rule_of(runtime, owner, groceries.id)
    reader = Viewer(user_id=uuid.uuid4(), households={owner.household_ids[0]: Role.VIEWER})
    missing = [{"__typename": "NotFoundError", "message": "no such rule", "field": "id"}]
    for viewer in (make_viewer(), reader):
        for rule in (rule_id, str(uuid.uuid4()), "nonsense"):
            payload = await update(runtime, viewer, id=rule, name="Mine now")
            assert payload == {"rule": None, "errors": missing}
    listed = await execute(schema, Context(runtime=runtime, viewer=owner), RULES, h=str(owner.household_ids[0]))
    assert listed["rules"]["edges"][0]["node"]["name"] == "Groceries"
