from __future__ import annotations

import uuid

from fincloud.service import Runtime
from tests.subgraphs.notification.support import ERRORS, Home, event, run_notify

UNREAD = f"""mutation($input: InboxMarkUnreadInput!) {{
  inboxMarkUnread(input: $input) {{ notifications {{ id readAt }} unreadCount {ERRORS} }}
}}"""
READ_ALL = "mutation { inboxMarkRead(input: {all: true}) { markedCount } }"
INBOX = "{ inbox { unreadCount nodes { id } } }"


async def test_read_ones_become_unread_again(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    for _ in range(2):
        await run_notify(runtime, event(household_id=home.household_id))
    viewer = home.viewer(ada)
    ids = [n["id"] for n in (await home.run(viewer, INBOX))["inbox"]["nodes"]]
    await home.run(viewer, READ_ALL)
    data = await home.run(viewer, UNREAD, input={"ids": [ids[1]]})
    assert data["inboxMarkUnread"] == {
        "notifications": [{"id": ids[1], "readAt": None}],
        "unreadCount": 1,
        "errors": [],
    }
    assert (await home.run(viewer, INBOX))["inbox"]["unreadCount"] == 1


async def test_someone_elses_ids_look_missing(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    await run_notify(runtime, event(household_id=home.household_id))
    await home.run(home.viewer(ada), READ_ALL)
    [mine] = (await home.run(home.viewer(ada), INBOX))["inbox"]["nodes"]
    for ids in ([mine["id"]], [str(uuid.uuid4())], []):
        data = await home.run(home.viewer(bob), UNREAD, input={"ids": ids})
        assert data["inboxMarkUnread"]["notifications"] is None
        assert data["inboxMarkUnread"]["errors"][0]["__typename"] == ("ValidationError" if not ids else "NotFoundError")
    assert (await home.run(home.viewer(ada), INBOX))["inbox"]["unreadCount"] == 0
