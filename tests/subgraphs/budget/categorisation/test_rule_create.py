from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.categorisation.models import Rule
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import make_account, make_category, make_viewer

CREATE = """
mutation Create($input: RuleCreateInput!) {
  ruleCreate(input: $input) {
    rule {
      id householdId name position enabled match setCategoryId setPayee addTags
      conditions { field operator value min max accountIds }
    }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""
RULES = """
query Rules($h: ID!, $first: Int, $after: String) {
  rules(householdId: $h, first: $first, after: $after) {
    edges { node { name position } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def create(runtime: Runtime, viewer: Viewer, **input_: Any) -> dict[str, Any]:
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), CREATE, input=input_)
    return dict(data["ruleCreate"])


async def stored(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Rule)) or 0)


async def test_a_rule_with_every_kind_of_condition_is_stored_as_given(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        groceries = await make_category(session, household_id=household, name="Groceries")
        card = await make_account(session, household_id=household, name="Card")
    payload = await create(
        runtime,
        viewer,
        householdId=str(household),
        name="  Groceries  ",
        match="ANY",
        conditions=[
            {"field": "PAYEE", "operator": "MATCHES", "value": r"^(rewe|edeka)\b"},
            {"field": "MEMO", "operator": "CONTAINS", "value": "lebensmittel"},
            {"field": "AMOUNT", "operator": "BETWEEN", "min": "5", "max": "250.00"},
            {"field": "AMOUNT", "operator": "IS_OUTFLOW", "value": "ignored"},
            {"field": "ACCOUNT", "operator": "IS_ONE_OF", "accountIds": [str(card.id)]},
        ],
        setCategoryId=str(groceries.id),
        setPayee=" REWE ",
        addTags=["#food", "Food", "weekly"],
    )
    assert payload["errors"] == []
    rule = payload["rule"]
    assert rule["name"] == "Groceries"
    assert (rule["position"], rule["enabled"], rule["match"]) == (0, True, "ANY")
    assert (rule["setCategoryId"], rule["setPayee"], rule["addTags"]) == (str(groceries.id), "REWE", ["food", "weekly"])
    assert rule["conditions"] == [
        {
            "field": "PAYEE",
            "operator": "MATCHES",
            "value": r"^(rewe|edeka)\b",
            "min": None,
            "max": None,
            "accountIds": [],
        },
        {"field": "MEMO", "operator": "CONTAINS", "value": "lebensmittel", "min": None, "max": None, "accountIds": []},
        {"field": "AMOUNT", "operator": "BETWEEN", "value": None, "min": "5", "max": "250.00", "accountIds": []},
        {"field": "AMOUNT", "operator": "IS_OUTFLOW", "value": None, "min": None, "max": None, "accountIds": []},
        {
            "field": "ACCOUNT",
            "operator": "IS_ONE_OF",
            "value": None,
            "min": None,
            "max": None,
            "accountIds": [str(card.id)],
        },
    ]


async def test_new_rules_go_last_and_are_listed_in_priority_order(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = str(viewer.household_ids[0])
    for name in ("First", "Second", "Third"):
        payload = await create(
            runtime,
            viewer,
            householdId=household,
            name=name,
            conditions=[{"field": "PAYEE", "operator": "CONTAINS", "value": name}],
            addTags=[name],
        )
        assert payload["errors"] == []
    context = Context(runtime=runtime, viewer=viewer)
    page = (await execute(schema, context, RULES, h=household, first=2))["rules"]
    assert [e["node"] for e in page["edges"]] == [{"name": "First", "position": 0}, {"name": "Second", "position": 1}]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await execute(schema, context, RULES, h=household, after=page["pageInfo"]["endCursor"]))["rules"]
    assert [e["node"]["name"] for e in rest["edges"]] == ["Third"]


BAD = [
    (
        {"conditions": [{"field": "PAYEE", "operator": "MATCHES", "value": "(rewe"}]},
        [{"__typename": "ValidationError", "field": "conditions[0].value", "message": "not a valid regular expression: missing ): (rewe"}],
    ),
    ({"conditions": []}, [{"__typename": "ValidationError", "field": "conditions", "message": "a rule needs at least one condition"}]),
    (
        {"setCategoryId": str(uuid.uuid4())},
        [{"__typename": "NotFoundError", "field": "setCategoryId", "message": "no such category"}],
    ),
    ({"setCategoryId": "not-an-id"}, [{"__typename": "NotFoundError", "field": "setCategoryId", "message": "no such category"}]),
    (
        {"setCategoryId": None, "addTags": []},
        [{"__typename": "ValidationError", "field": "setCategoryId", "message": "a rule needs an action: a category, a payee or tags to add"}],
    ),
    ({"name": "   "}, [{"__typename": "ValidationError", "field": "name", "message": "enter a name of 1 to 100 characters"}]),
    (
        {"conditions": [{"field": "AMOUNT", "operator": "BETWEEN", "min": "50", "max": "10"}]},
        [{"__typename": "ValidationError", "field": "conditions[0].max", "message": "the maximum is below the minimum"}],
    ),
    (
        {"conditions": [{"field": "ACCOUNT", "operator": "IS_ONE_OF", "accountIds": [str(uuid.uuid4())]}]},
        [{"__typename": "NotFoundError", "field": "conditions[0].accountIds", "message": "no such account"}],
    ),
    (
        {"conditions": [{"field": "MEMO", "operator": "IS_INFLOW"}]},
        [{"__typename": "ValidationError", "field": "conditions[0].operator", "message": "MEMO takes the operators CONTAINS, EQUALS, MATCHES, STARTS_WITH"}],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("change", "errors"), BAD)
async def test_bad_input_gets_a_typed_error_and_stores_nothing(
    runtime: Runtime, change: dict[str, Any], errors: list[dict[str, str]]
) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        category = await make_category(session, household_id=household, name="Groceries")
    good = {
        "householdId": str(household),
        "name": "Groceries",
        "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": "rewe"}],
        "setCategoryId": str(category.id),
    }
    payload = await create(runtime, viewer, **{**good, **change})
    assert payload == {"rule": None, "errors": errors}
    assert await stored(runtime) == 0


async def test_another_households_category_or_account_looks_missing(runtime: Runtime) -> None:
    owner, stranger = make_viewer(), make_viewer()
    async with runtime.sessionmaker() as session:
        theirs = await make_category(session, household_id=stranger.household_ids[0], name="Theirs")
        their_account = await make_account(session, household_id=stranger.household_ids[0])
    payload = await create(
        runtime,
        owner,
        householdId=str(owner.household_ids[0]),
        name="Sneaky",
        conditions=[{"field": "ACCOUNT", "operator": "IS_ONE_OF", "accountIds": [str(their_account.id)]}],
        setCategoryId=str(theirs.id),
    )
    assert payload["errors"] == [
        {"__typename": "NotFoundError", "field": "conditions[0].accountIds", "message": "no such account"},
        {"__typename": "NotFoundError", "field": "setCategoryId", "message": "no such category"},
    ]
    assert await stored(runtime) == 0


async def test_viewers_and_strangers_cannot_add_rules(runtime: Runtime) -> None:
    reader = make_viewer(Role.VIEWER)
    stranger = make_viewer()
    for viewer, household in [(reader, reader.household_ids[0]), (stranger, reader.household_ids[0])]:
        payload = await create(
            runtime,
            viewer,
            householdId=str(household),
            name="x",
            conditions=[{"field": "PAYEE", "operator": "CONTAINS", "value": "x"}],
            addTags=["x"],
        )
        assert [e["__typename"] for e in payload["errors"]] == ["NotFoundError"]
        assert payload["rule"] is None
    assert await stored(runtime) == 0
    page = await execute(schema, Context(runtime=runtime, viewer=stranger), RULES, h=str(reader.household_ids[0]))
    assert page["rules"]["edges"] == []
