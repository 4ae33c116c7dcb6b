from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from subgraphs.budget.services.categorise import Categoriser, Draft
from tests.conftest import execute
from tests.factories import make_account, make_category, make_viewer

CREATE = """
mutation($input: RuleCreateInput!) { ruleCreate(input: $input) { rule { id } errors { message } } }
"""
REORDER = """
mutation($input: RuleReorderInput!) {
  ruleReorder(input: $input) {
    rules { name position }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""


async def test_the_new_order_decides_which_rule_wins(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    context = Context(runtime=runtime, viewer=viewer)
    async with runtime.sessionmaker() as session:
        fuel = await make_category(session, household_id=household, name="Fuel")
        snacks = await make_category(session, household_id=household, name="Snacks")
        account = await make_account(session, household_id=household)
    ids = {}
    for name, category in (("Fuel", fuel.id), ("Snacks", snacks.id)):
        data = await execute(
            schema,
            context,
            CREATE,
            input={
                "householdId": str(household),
                "name": name,
                "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": "shell"}],
                "setCategoryId": str(category),
            },
        )
        ids[name] = data["ruleCreate"]["rule"]["id"]
    shell = Draft(account.id, dt.date(2026, 1, 1), Decimal("-5"), "Shell", None)

    async with runtime.sessionmaker() as session:
        assert (await Categoriser.load(session=session, household_id=household)).suggest(shell).reason == "rule 'Fuel'"
    data = await execute(
        schema, context, REORDER, input={"householdId": str(household), "ruleIds": [ids["Snacks"], ids["Fuel"]]}
    )
    assert data["ruleReorder"] == {
        "rules": [{"name": "Snacks", "position": 0}, {"name": "Fuel", "position": 1}],
        "errors": [],
    }
    async with runtime.sessionmaker() as session:
        assert (await Categoriser.load(session=session, household_id=household)).suggest(
            shell
        ).reason == "rule 'Snacks'"

    for wrong in (
        [ids["Snacks"]],
        [ids["Snacks"], ids["Fuel"], ids["Fuel"]],
        [ids["Snacks"], str(uuid.uuid4())],
        ["x"],
    ):
        data = await execute(schema, context, REORDER, input={"householdId": str(household), "ruleIds": wrong})
        assert data["ruleReorder"]["rules"] is None
        assert [(e["__typename"], e["field"]) for e in data["ruleReorder"]["errors"]] == [
            ("ValidationError", "ruleIds")
        ]

    reader = Viewer(user_id=uuid.uuid4(), households={household: Role.VIEWER})
    for viewer_ in (reader, make_viewer()):
        data = await execute(
            schema,
            Context(runtime=runtime, viewer=viewer_),
            REORDER,
            input={"householdId": str(household), "ruleIds": [ids["Fuel"], ids["Snacks"]]},
        )
        assert [e["__typename"] for e in data["ruleReorder"]["errors"]] == ["NotFoundError"]
    async with runtime.sessionmaker() as session:
        assert (await Categoriser.load(session=session, household_id=household)).suggest(
            shell
        ).reason == "rule 'Snacks'"
