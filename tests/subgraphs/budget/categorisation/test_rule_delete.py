from __future__ import annotations

import uuid

from sqlalchemy import select

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.categorisation.models import Rule
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import make_viewer

CREATE = """
mutation($input: RuleCreateInput!) { ruleCreate(input: $input) { rule { id } errors { message } } }
"""
DELETE = """
mutation($input: RuleDeleteInput!) {
  ruleDelete(input: $input) { deletedId errors { __typename message ... on NotFoundError { field } } }
}
"""


async def make_rule(runtime: Runtime, viewer: Viewer, name: str) -> str:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        CREATE,
        input={
            "householdId": str(viewer.household_ids[0]),
            "name": name,
            "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": name}],
            "addTags": [name],
        },
    )
    return str(data["ruleCreate"]["rule"]["id"])


async def names(runtime: Runtime) -> list[str]:
    async with runtime.sessionmaker() as session:
        return list(await session.scalars(select(Rule.name).order_by(Rule.position)))


async def test_deleting_a_rule_removes_only_it(runtime: Runtime) -> None:
    viewer = make_viewer()
    first = await make_rule(runtime, viewer, "first")
    await make_rule(runtime, viewer, "second")
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), DELETE, input={"id": first})
    assert data["ruleDelete"] == {"deletedId": first, "errors": []}
    assert await names(runtime) == ["second"]
    again = await execute(schema, Context(runtime=runtime, viewer=viewer), DELETE, input={"id": first})
    assert again["ruleDelete"]["errors"] == [{"__typename": "NotFoundError", "message": "no such rule", "field": "id"}]


async def test_strangers_and_viewers_cannot_delete(runtime: Runtime) -> None:
    owner = make_viewer()
    rule_id = await make_rule(runtime, owner, "keep")
    reader = Viewer(user_id=uuid.uuid4(), households={owner.household_ids[0]: Role.VIEWER})
    for viewer in (make_viewer(), reader):
        data = await execute(schema, Context(runtime=runtime, viewer=viewer), DELETE, input={"id": rule_id})
        assert data["ruleDelete"]["deletedId"] is None
        assert [e["__typename"] for e in data["ruleDelete"]["errors"]] == ["NotFoundError"]
    assert await names(runtime) == ["keep"]
