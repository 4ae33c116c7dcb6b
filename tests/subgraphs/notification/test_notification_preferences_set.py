from __future__ import annotations

import uuid

from fincloud.auth import Role
from fincloud.service import Runtime
from tests.subgraphs.notification.support import (
    ERRORS,
    Home,
    deliveries,
    event,
    notifications,
    run_notify,
)

SET = f"""mutation($input: NotificationPreferencesSetInput!) {{
  notificationPreferencesSet(input: $input) {{
    preference {{ householdId eventType isDefault inbox channelIds channels {{ id kind }} }}
    {ERRORS}
  }}
}}"""
PREFERENCES = """query($h: ID!) { notificationPreferences(householdId: $h) { eventType isDefault inbox channelIds } }"""


async def test_a_choice_is_shown_and_honoured_and_can_be_undone(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    viewer = home.viewer(ada)
    base = {"householdId": str(home.household_id), "eventType": "TRANSACTION_CREATED"}

    data = await home.run(viewer, SET, input={**base, "channelIds": [str(hook)], "inbox": False})
    assert data["notificationPreferencesSet"] == {
        "preference": {
            "householdId": str(home.household_id),
            "eventType": "TRANSACTION_CREATED",
            "isDefault": False,
            "inbox": False,
            "channelIds": [str(hook)],
            "channels": [{"id": str(hook), "kind": "webhook"}],
        },
        "errors": [],
    }
    listed = await home.run(viewer, PREFERENCES, h=str(home.household_id))
    by_type = {p["eventType"]: p for p in listed["notificationPreferences"]}
    assert len(by_type) == 6
    assert by_type["TRANSACTION_CREATED"] == {
        "eventType": "TRANSACTION_CREATED",
        "isDefault": False,
        "inbox": False,
        "channelIds": [str(hook)],
    }
    assert by_type["PRICE_ALERT"] == {
        "eventType": "PRICE_ALERT",
        "isDefault": True,
        "inbox": True,
        "channelIds": [str(hook)],
    }
    assert by_type["IMPORT_COMPLETED"]["channelIds"] == []

    [delivery] = await run_notify(runtime, event(household_id=home.household_id))
    assert delivery.channel_id == hook
    [made] = await notifications(runtime)
    assert made.in_inbox is False

    undone = await home.run(viewer, SET, input={**base, "useDefault": True})
    assert undone["notificationPreferencesSet"]["preference"]["isDefault"] is True
    assert await run_notify(runtime, event(household_id=home.household_id)) == []  # the default: the inbox only
    assert len(await deliveries(runtime)) == 1


async def test_only_the_viewers_own_channels_and_households(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    bobs = await home.channel(bob)
    viewer = home.viewer(ada)
    for channel in (str(bobs), str(uuid.uuid4()), "nonsense"):
        data = await home.run(
            viewer,
            SET,
            input={"householdId": str(home.household_id), "eventType": "PRICE_ALERT", "channelIds": [channel]},
        )
        assert data["notificationPreferencesSet"] == {
            "preference": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such channel", "field": "channelIds"}],
        }
    foreign = await home.run(
        viewer, SET, input={"householdId": str(uuid.uuid4()), "eventType": "PRICE_ALERT", "channelIds": []}
    )
    assert foreign["notificationPreferencesSet"]["errors"][0]["field"] == "householdId"
    assert (await home.run(viewer, PREFERENCES, h=str(uuid.uuid4())))["notificationPreferences"] is None
    # Nothing was stored.
    listed = await home.run(viewer, PREFERENCES, h=str(home.household_id))
    assert all(p["isDefault"] for p in listed["notificationPreferences"])


async def test_a_viewer_role_member_chooses_their_own_but_an_api_key_cannot(runtime: Runtime) -> None:
    home = Home(runtime)
    vic = await home.member(role="viewer")
    base = {"householdId": str(home.household_id), "eventType": "RECURRING_DUE", "channelIds": [], "inbox": False}
    own = await home.run(home.viewer(vic, Role.VIEWER), SET, input=base)
    assert own["notificationPreferencesSet"]["errors"] == []
    key = await home.run(home.viewer(vic, Role.VIEWER, api_key_id=uuid.uuid4()), SET, input=base)
    assert [e["__typename"] for e in key["notificationPreferencesSet"]["errors"]] == ["AuthenticationError"]
