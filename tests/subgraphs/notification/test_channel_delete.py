from __future__ import annotations

import uuid

from sqlalchemy import select

from fincloud.constants import TOPIC_PRICE_ALERT
from fincloud.service import Runtime
from subgraphs.notification.models import Preference
from tests.subgraphs.notification.support import ERRORS, Home, deliveries, price_alert, run_notify

DELETE = f"""mutation($input: ChannelDeleteInput!) {{ channelDelete(input: $input) {{ deletedId {ERRORS} }} }}"""


async def test_removes_the_channel_its_delivery_log_and_its_place_in_preferences(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    mail = await home.channel(ada, kind="email", config={"address": "ada@example.org"})
    async with runtime.sessionmaker() as session, session.begin():
        session.add(
            Preference(
                household_id=home.household_id,
                user_id=ada,
                event_type=TOPIC_PRICE_ALERT,
                channel_ids=[hook, mail],
                inbox=True,
            )
        )
    await run_notify(runtime, price_alert(home.household_id, ada))
    assert len(await deliveries(runtime)) == 2

    data = await home.run(home.viewer(ada), DELETE, input={"id": str(hook)})
    assert data["channelDelete"] == {"deletedId": str(hook), "errors": []}
    assert [d.channel_id for d in await deliveries(runtime)] == [mail]
    async with runtime.sessionmaker() as session:
        [preference] = await session.scalars(select(Preference))
    assert preference.channel_ids == [mail]
    again = await home.run(home.viewer(ada), DELETE, input={"id": str(hook)})
    assert again["channelDelete"]["errors"][0]["__typename"] == "NotFoundError"


async def test_another_members_channel_looks_missing_and_stays(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    hook = await home.channel(ada)
    for channel in (hook, uuid.uuid4()):
        data = await home.run(home.viewer(bob), DELETE, input={"id": str(channel)})
        assert data["channelDelete"] == {
            "deletedId": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such channel", "field": "id"}],
        }
    listed = await home.run(home.viewer(ada), "{ channels { nodes { id } } }")
    assert listed["channels"]["nodes"] == [{"id": str(hook)}]
