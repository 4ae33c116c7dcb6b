from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.fx.models import FxRate
from subgraphs.budget.fx.service import set_override
from subgraphs.budget.schema import schema
from tests.conftest import execute, viewer_of
from tests.factories import make_viewer

DELETE = """
mutation Delete($input: FxRateOverrideDeleteInput!) {
  fxRateOverrideDelete(input: $input) {
    override { id householdId base quote date rate }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""

DAY = dt.date(2024, 3, 13)


async def an_override(runtime: Runtime, household: uuid.UUID) -> str:
    async with runtime.sessionmaker() as session, session.begin():
        record = await set_override(
            session=session, household_id=household, base="EUR", quote="USD", on=DAY, rate=Decimal("1.1")
        )
    return str(record.id)


async def count(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(FxRate)) or 0)


async def delete(runtime: Runtime, viewer: Viewer, **input_: str | None) -> dict:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        DELETE,
        input={"base": "EUR", "quote": "USD", "date": DAY.isoformat(), **input_},
    )
    return data["fxRateOverrideDelete"]


async def test_an_editor_removes_the_override_in_either_direction(runtime: Runtime) -> None:
    owner = make_viewer()
    household = owner.household_ids[0]
    override_id = await an_override(runtime, household)
    editor = viewer_of(uuid.uuid4(), (household, "editor"))
    payload = await delete(runtime, editor, base="usd", quote="eur")
    assert payload["errors"] == []
    assert payload["override"] == {
        "id": override_id,
        "householdId": str(household),
        "base": "EUR",
        "quote": "USD",
        "date": "2024-03-13",
        "rate": "1.1",
    }
    assert await count(runtime) == 0
    again = await delete(runtime, owner)
    assert again == {
        "override": None,
        "errors": [
            {
                "__typename": "NotFoundError",
                "message": "the household has no override of this pair on this day",
                "field": "date",
            }
        ],
    }


async def test_a_viewer_cannot_remove_it(runtime: Runtime) -> None:
    owner = make_viewer()
    household = owner.household_ids[0]
    await an_override(runtime, household)
    viewer = viewer_of(uuid.uuid4(), (household, Role.VIEWER.value))
    payload = await delete(runtime, viewer, householdId=str(household))
    assert payload["override"] is None
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "householdId")]
    assert await count(runtime) == 1


async def test_another_households_override_looks_missing(runtime: Runtime) -> None:
    alice, mallory = make_viewer(), make_viewer()
    await an_override(runtime, alice.household_ids[0])
    theirs = await delete(runtime, mallory, householdId=str(alice.household_ids[0]))
    missing = await delete(runtime, mallory, householdId=str(uuid.uuid4()))
    assert (
        theirs
        == missing
        == {
            "override": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such household", "field": "householdId"}],
        }
    )
    # Mallory's own household has no such override either: nothing of Alice's is touched.
    assert (await delete(runtime, mallory))["errors"][0]["field"] == "date"
    assert await count(runtime) == 1


async def test_bad_currencies_are_typed_errors(runtime: Runtime) -> None:
    owner = make_viewer()
    await an_override(runtime, owner.household_ids[0])
    payload = await delete(runtime, owner, base="ZZZ", quote="ZZZ")
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [
        ("ValidationError", "base"),
        ("ValidationError", "quote"),
    ]
    same = await delete(runtime, owner, quote="eur")
    assert [(e["field"], e["message"]) for e in same["errors"]] == [("quote", "choose two different currencies")]
    assert await count(runtime) == 1
