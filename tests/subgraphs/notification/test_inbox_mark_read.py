from __future__ import annotations

import uuid

from fincloud.auth import Role
from fincloud.service import Runtime
from tests.subgraphs.notification.support import ERRORS, Home, event, notifications, run_notify

READ = f"""mutation($input: InboxMarkReadInput!) {{
  inboxMarkRead(input: $input) {{ notifications {{ id readAt }} markedCount unreadCount {ERRORS} }}
}}"""
INBOX = "query($unread: Boolean!) { inbox(unreadOnly: $unread) { unreadCount nodes { id readAt } } }"


async def three_for(home: Home, runtime: Runtime) -> list[str]:
    for _ in range(3):
        await run_notify(runtime, event(household_id=home.household_id))
    return [str(n.id) for n in await notifications(runtime)]


async def test_some_by_id_then_all(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    await three_for(home, runtime)
    viewer = home.viewer(ada)
    mine = [n["id"] for n in (await home.run(viewer, INBOX, unread=False))["inbox"]["nodes"]]
    assert len(mine) == 3

    data = await home.run(viewer, READ, input={"ids": [mine[0]]})
    payload = data["inboxMarkRead"]
    assert payload["errors"] == []
    assert [n["id"] for n in payload["notifications"]] == [mine[0]]
    read_at = payload["notifications"][0]["readAt"]
    assert read_at is not None
    assert (payload["markedCount"], payload["unreadCount"]) == (1, 2)
    again = await home.run(viewer, READ, input={"ids": [mine[0]]})
    assert again["inboxMarkRead"]["notifications"][0]["readAt"] == read_at  # read earlier: the time stays
    assert again["inboxMarkRead"]["markedCount"] == 0

    unread = await home.run(viewer, INBOX, unread=True)
    assert unread["inbox"]["unreadCount"] == 2
    assert [n["id"] for n in unread["inbox"]["nodes"]] == mine[1:]

    everything = await home.run(viewer, READ, input={"all": True})
    assert everything["inboxMarkRead"] | {"notifications": None} == {
        "notifications": None,
        "markedCount": 2,
        "unreadCount": 0,
        "errors": [],
    }
    # Bob's copies are his: still unread.
    assert (await home.run(home.viewer(bob), INBOX, unread=True))["inbox"]["unreadCount"] == 3


async def test_someone_elses_or_unknown_ids_change_nothing(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    await three_for(home, runtime)
    bobs = [n["id"] for n in (await home.run(home.viewer(bob), INBOX, unread=False))["inbox"]["nodes"]]
    mine = [n["id"] for n in (await home.run(home.viewer(ada), INBOX, unread=False))["inbox"]["nodes"]]
    for ids in ([bobs[0]], [mine[0], bobs[0]], [str(uuid.uuid4())], ["not-an-id"]):
        data = await home.run(home.viewer(ada), READ, input={"ids": ids})
        assert data["inboxMarkRead"] == {
            "notifications": None,
            "markedCount": None,
            "unreadCount": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such notification", "field": "ids"}],
        }
    foreign = await home.run(home.viewer(ada), READ, input={"all": True, "householdId": str(uuid.uuid4())})
    assert foreign["inboxMarkRead"]["errors"][0]["field"] == "householdId"
    nothing = await home.run(home.viewer(ada), READ, input={})
    assert nothing["inboxMarkRead"]["errors"][0]["field"] == "ids"
    assert (await home.run(home.viewer(ada), INBOX, unread=True))["inbox"]["unreadCount"] == 3


async def test_a_viewer_marks_their_own_but_a_read_only_key_cannot(runtime: Runtime) -> None:
    home = Home(runtime)
    vic = await home.member(role="viewer")
    await three_for(home, runtime)
    viewer = home.viewer(vic, Role.VIEWER)
    assert (await home.run(viewer, READ, input={"all": True}))["inboxMarkRead"]["markedCount"] == 3
    key = home.viewer(vic, Role.VIEWER, api_key_id=uuid.uuid4())
    refused = await home.run(key, READ, input={"all": True})
    assert [e["__typename"] for e in refused["inboxMarkRead"]["errors"]] == ["AuthenticationError"]
    writer = home.viewer(vic, Role.EDITOR, api_key_id=uuid.uuid4())
    assert (await home.run(writer, READ, input={"all": True}))["inboxMarkRead"]["errors"] == []
