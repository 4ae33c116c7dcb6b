from __future__ import annotations

import uuid

import pytest

from fincloud.service import Runtime
from tests.subgraphs.notification.support import ERRORS, Home

UPDATE = f"""mutation($input: NotificationSettingsUpdateInput!) {{
  notificationSettingsUpdate(input: $input) {{ settings {{ timeZone locale quietStart quietEnd hourlyCap }} {ERRORS} }}
}}"""
SETTINGS = "{ notificationSettings { timeZone locale quietStart quietEnd hourlyCap webPushKey } }"


async def test_the_defaults_then_changes_keeping_what_is_left_out(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    viewer = home.viewer(ada)
    first = (await home.run(viewer, SETTINGS))["notificationSettings"]
    assert first | {"webPushKey": None} == {
        "timeZone": "UTC",
        "locale": "en",
        "quietStart": None,
        "quietEnd": None,
        "hourlyCap": 20,
        "webPushKey": None,
    }
    assert first["webPushKey"]  # test settings: a VAPID key made in the data folder

    data = await home.run(
        viewer,
        UPDATE,
        input={"timeZone": "Europe/Berlin", "locale": "de-DE", "quietStart": "22:00", "quietEnd": "07:30"},
    )
    assert data["notificationSettingsUpdate"] == {
        "settings": {
            "timeZone": "Europe/Berlin",
            "locale": "de-DE",
            "quietStart": "22:00",
            "quietEnd": "07:30",
            "hourlyCap": 20,
        },
        "errors": [],
    }
    capped = await home.run(viewer, UPDATE, input={"hourlyCap": 5})
    assert capped["notificationSettingsUpdate"]["settings"]["timeZone"] == "Europe/Berlin"
    cleared = await home.run(viewer, UPDATE, input={"quietStart": None, "quietEnd": None})
    assert cleared["notificationSettingsUpdate"]["settings"] == {
        "timeZone": "Europe/Berlin",
        "locale": "de-DE",
        "quietStart": None,
        "quietEnd": None,
        "hourlyCap": 5,
    }
    # Another user's settings are their own.
    bob = await home.member()
    assert (await home.run(home.viewer(bob), SETTINGS))["notificationSettings"]["timeZone"] == "UTC"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"timeZone": "Mars/Olympus"}, "timeZone", "use a time zone such as Europe/Berlin"),
        ({"locale": "xx-notalocale"}, "locale", "use a locale such as en, de-DE or fr-CH"),
        ({"quietStart": "22:00"}, "quietEnd", "give both ends of the quiet hours, or neither"),
        ({"quietStart": "25:00", "quietEnd": "07:00"}, "quietStart", "use a time of day such as 22:00"),
        ({"quietStart": "22:00", "quietEnd": "7 am"}, "quietEnd", "use a time of day such as 22:00"),
        ({"hourlyCap": 0}, "hourlyCap", "use a number from 1 to 1000"),
        ({"hourlyCap": 5000}, "hourlyCap", "use a number from 1 to 1000"),
    ],
)
async def test_bad_settings_are_refused_and_nothing_changes(
    runtime: Runtime, change: dict[str, object], field: str, message: str
) -> None:
    home = Home(runtime)
    ada = await home.member()
    data = await home.run(home.viewer(ada), UPDATE, input={"locale": "fr-CH", **change})
    assert data["notificationSettingsUpdate"] == {
        "settings": None,
        "errors": [{"__typename": "ValidationError", "message": message, "field": field}],
    }
    assert (await home.run(home.viewer(ada), SETTINGS))["notificationSettings"]["locale"] == "en"


async def test_an_api_key_cannot_change_them(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    data = await home.run(home.viewer(ada, api_key_id=uuid.uuid4()), UPDATE, input={"hourlyCap": 1})
    assert [e["__typename"] for e in data["notificationSettingsUpdate"]["errors"]] == ["AuthenticationError"]
