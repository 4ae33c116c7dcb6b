from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.fx.models import FxRate
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import make_viewer

SET = """
mutation Set($input: FxRateOverrideSetInput!) {
  fxRateOverrideSet(input: $input) {
    override { id householdId base quote date rate source isOverride fetchedAt }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""

GOOD = {"base": "usd", "quote": "EUR", "date": "2024-03-13", "rate": "0.914160"}


async def overrides(runtime: Runtime) -> list[tuple[Any, ...]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(FxRate.household_id, FxRate.base, FxRate.quote, FxRate.rate))
        return [tuple(row) for row in rows.all()]


@pytest.mark.parametrize("role", [Role.OWNER, Role.EDITOR])
async def test_owners_and_editors_set_their_households_rate(runtime: Runtime, role: Role) -> None:
    viewer = make_viewer(role)
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), SET, input=GOOD)
    payload = data["fxRateOverrideSet"]
    assert payload["errors"] == []
    override = payload["override"]
    assert {k: override[k] for k in ("householdId", "base", "quote", "date", "rate", "source", "isOverride")} == {
        "householdId": str(viewer.household_ids[0]),
        "base": "USD",
        "quote": "EUR",
        "date": "2024-03-13",
        "rate": "0.91416",  # exact, without the padding zeros
        "source": "manual",
        "isOverride": True,
    }
    again = await execute(schema, Context(runtime=runtime, viewer=viewer), SET, input={**GOOD, "rate": "0.92"})
    assert again["fxRateOverrideSet"]["override"]["id"] == override["id"]  # replaced, not doubled
    assert len(await overrides(runtime)) == 1


async def test_a_viewer_of_the_household_is_refused(runtime: Runtime) -> None:
    viewer = make_viewer(Role.VIEWER)
    for household in (None, str(viewer.household_ids[0])):
        data = await execute(
            schema, Context(runtime=runtime, viewer=viewer), SET, input={**GOOD, "householdId": household}
        )
        payload = data["fxRateOverrideSet"]
        assert payload["override"] is None
        assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "householdId")]
        assert "owners and editors" in payload["errors"][0]["message"]
    assert await overrides(runtime) == []


async def test_another_households_id_answers_like_a_missing_one(runtime: Runtime) -> None:
    mallory, alice = make_viewer(), make_viewer()
    answers = []
    for household in (alice.household_ids[0], uuid.uuid4(), "not-an-id"):
        data = await execute(
            schema, Context(runtime=runtime, viewer=mallory), SET, input={**GOOD, "householdId": str(household)}
        )
        answers.append(data)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["fxRateOverrideSet"] == {
        "override": None,
        "errors": [{"__typename": "NotFoundError", "message": "no such household", "field": "householdId"}],
    }
    assert await overrides(runtime) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"base": "ZZZ"}, [("base", "unknown currency code 'ZZZ'")]),
        ({"quote": "euro"}, [("quote", "unknown currency code 'euro'")]),
        ({"quote": "usd"}, [("quote", "choose two different currencies")]),
        ({"rate": "0"}, [("rate", "the rate must be a positive number")]),
        ({"rate": "-0.91"}, [("rate", "the rate must be a positive number")]),
        ({"rate": "0.9141603437242892"}, [("rate", "use at most 12 decimal places")]),
        (
            {"base": "EUR", "quote": "EUR", "rate": "0"},
            [("quote", "choose two different currencies"), ("rate", "the rate must be a positive number")],
        ),
    ],
)
async def test_bad_input_is_a_typed_error_and_changes_nothing(
    runtime: Runtime, change: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    viewer = make_viewer()
    await execute(schema, Context(runtime=runtime, viewer=viewer), SET, input=GOOD)
    before = await overrides(runtime)
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), SET, input={**GOOD, **change})
    payload = data["fxRateOverrideSet"]
    assert payload["override"] is None
    assert [e["__typename"] for e in payload["errors"]] == ["ValidationError"] * len(expected)
    assert [(e["field"], e["message"][: len(m)]) for e, (_, m) in zip(payload["errors"], expected, strict=True)] == [
        (field, message) for field, message in expected
    ]
    assert await overrides(runtime) == before


async def test_a_float_rate_is_refused_by_the_decimal_scalar(runtime: Runtime) -> None:
    result = await schema.execute(
        SET,
        variable_values={"input": {**GOOD, "rate": 0.91}},
        context_value=Context(runtime=runtime, viewer=make_viewer()),
    )
    assert result.errors is not None
    assert "Decimal values are sent as strings" in result.errors[0].message
    assert await overrides(runtime) == []


async def test_anonymous_callers_are_refused(runtime: Runtime) -> None:
    result = await schema.execute(SET, variable_values={"input": GOOD}, context_value=Context(runtime=runtime))
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}
