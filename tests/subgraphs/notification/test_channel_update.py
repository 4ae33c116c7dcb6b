from __future__ import annotations

import uuid

from fincloud.service import Runtime
from tests.subgraphs.notification.support import ERRORS, Home, deliveries, notifications, price_alert, run_notify

UPDATE = f"""mutation($input: ChannelUpdateInput!) {{
  channelUpdate(input: $input) {{ channel {{ id name active verified }} {ERRORS} }} }}"""


async def test_renames_and_switches_off_and_on_keeping_what_is_left_out(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada, name="Old")
    renamed = await home.run(home.viewer(ada), UPDATE, input={"id": str(hook), "name": "  Home   server "})
    assert renamed["channelUpdate"] == {
        "channel": {"id": str(hook), "name": "Home server", "active": True, "verified": True},
        "errors": [],
    }
    off = await home.run(home.viewer(ada), UPDATE, input={"id": str(hook), "active": False})
    assert off["channelUpdate"]["channel"] == {
        "id": str(hook),
        "name": "Home server",
        "active": False,
        "verified": True,
    }


async def test_a_channel_switched_off_receives_nothing_until_switched_on(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    await home.run(home.viewer(ada), UPDATE, input={"id": str(hook), "active": False})
    await run_notify(runtime, price_alert(home.household_id, ada))
    assert await deliveries(runtime) == []
    assert len(await notifications(runtime)) == 1  # the inbox still has it
    await home.run(home.viewer(ada), UPDATE, input={"id": str(hook), "active": True})
    await run_notify(runtime, price_alert(home.household_id, ada))
    assert [d.channel_id for d in await deliveries(runtime)] == [hook]


async def test_bad_names_and_other_peoples_channels(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    hook = await home.channel(ada, name="Mine")
    blank = await home.run(home.viewer(ada), UPDATE, input={"id": str(hook), "name": "   "})
    assert blank["channelUpdate"]["errors"] == [
        {"__typename": "ValidationError", "message": "use 1 to 200 characters", "field": "name"}
    ]
    for viewer, channel in ((home.viewer(bob), hook), (home.viewer(ada), uuid.uuid4())):
        data = await home.run(viewer, UPDATE, input={"id": str(channel), "active": False})
        assert data["channelUpdate"] == {
            "channel": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such channel", "field": "id"}],
        }
    # Her channel is as it was.
    listed = await home.run(home.viewer(ada), "{ channels { nodes { name active } } }")
    assert listed["channels"]["nodes"] == [{"name": "Mine", "active": True}]
