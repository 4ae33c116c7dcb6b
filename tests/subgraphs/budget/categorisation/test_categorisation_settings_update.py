from __future__ import annotations

import uuid
from typing import Any

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import make_viewer

UPDATE = """
mutation($input: CategorisationSettingsUpdateInput!) {
  categorisationSettingsUpdate(input: $input) {
    settings { householdId autoApplyThreshold learningEnabled }
    errors { __typename message ... on ValidationError { field } }
  }
}
"""
SETTINGS = "query($h: ID!) { categorisationSettings(householdId: $h) { autoApplyThreshold learningEnabled } }"


async def update(runtime: Runtime, viewer: Viewer, **input_: Any) -> dict[str, Any]:
    return dict(
        (await execute(schema, Context(runtime=runtime, viewer=viewer), UPDATE, input=input_))[
            "categorisationSettingsUpdate"
        ]
    )


async def test_defaults_then_changes(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = str(viewer.household_ids[0])
    context = Context(runtime=runtime, viewer=viewer)
    assert (await execute(schema, context, SETTINGS, h=household))["categorisationSettings"] == {
        "autoApplyThreshold": 0.8,
        "learningEnabled": True,
    }
    payload = await update(runtime, viewer, householdId=household, autoApplyThreshold=0.95)
    assert payload["settings"] == {"householdId": household, "autoApplyThreshold": 0.95, "learningEnabled": True}
    payload = await update(runtime, viewer, householdId=household, learningEnabled=False)
    assert payload["settings"]["autoApplyThreshold"] == 0.95
    assert payload["settings"]["learningEnabled"] is False
    refused = await update(runtime, viewer, householdId=household, autoApplyThreshold=1.5)
    assert refused == {
        "settings": None,
        "errors": [
            {
                "__typename": "ValidationError",
                "message": "give a confidence between 0 and 1",
                "field": "autoApplyThreshold",
            }
        ],
    }
    fresh = Context(runtime=runtime, viewer=viewer)
    assert (await execute(schema, fresh, SETTINGS, h=household))["categorisationSettings"] == {
        "autoApplyThreshold": 0.95,
        "learningEnabled": False,
    }


async def test_strangers_and_viewers_are_refused(runtime: Runtime) -> None:
    owner = make_viewer()
    household = owner.household_ids[0]
    reader = Viewer(user_id=uuid.uuid4(), households={household: Role.VIEWER})
    for viewer in (reader, make_viewer()):
        payload = await update(runtime, viewer, householdId=str(household), autoApplyThreshold=0.1)
        assert payload["settings"] is None
        assert [e["__typename"] for e in payload["errors"]] == ["NotFoundError"]
    seen_by_stranger = await execute(schema, Context(runtime=runtime, viewer=make_viewer()), SETTINGS, h=str(household))
    assert seen_by_stranger["categorisationSettings"] is None
    seen_by_reader = await execute(schema, Context(runtime=runtime, viewer=reader), SETTINGS, h=str(household))
    assert seen_by_reader["categorisationSettings"]["autoApplyThreshold"] == 0.8
