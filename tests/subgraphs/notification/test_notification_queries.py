"""The viewer's inbox, channels, preferences and delivery log: their own only, paged, in few statements."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.notification.models import Delivery
from tests.factories import count_statements
from tests.subgraphs.notification.support import Home, event, price_alert, run_notify

INBOX = """query($h: ID, $first: Int, $after: String, $unread: Boolean! = false) {
  inbox(householdId: $h, first: $first, after: $after, unreadOnly: $unread) {
    unreadCount edges { cursor node { id householdId eventType kind title body url createdAt readAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""
DELIVERIES = """query($c: ID, $s: DeliveryStatus, $first: Int, $after: String) {
  deliveries(channelId: $c, status: $s, first: $first, after: $after) {
    nodes { id status attempts lastError latencyMs createdAt deliveredAt nextAttemptAt
            channel { id kind } notification { id title } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_the_inbox_is_the_viewers_own_newest_first_and_paged(runtime: Runtime) -> None:
    home, other = Home(runtime), Home(runtime)
    ada = await home.member()
    bob = await home.member()
    await other.member(user_id=ada)  # Ada is in a second household too
    for _ in range(3):
        await run_notify(runtime, event(household_id=home.household_id))
    await run_notify(runtime, event(household_id=other.household_id))
    viewer = Viewer(user_id=ada, households={home.household_id: Role.OWNER, other.household_id: Role.VIEWER})

    everything = (await home.run(viewer, INBOX))["inbox"]
    assert everything["unreadCount"] == 4
    nodes = [edge["node"] for edge in everything["edges"]]
    assert [n["createdAt"] for n in nodes] == sorted((n["createdAt"] for n in nodes), reverse=True)
    assert {(n["eventType"], n["kind"]) for n in nodes} == {("TRANSACTION_CREATED", "transaction_created")}
    assert all(n["title"] and n["readAt"] is None for n in nodes)

    one = (await home.run(viewer, INBOX, h=str(other.household_id)))["inbox"]
    assert (one["unreadCount"], [e["node"]["householdId"] for e in one["edges"]]) == (1, [str(other.household_id)])
    first = (await home.run(viewer, INBOX, first=2))["inbox"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await home.run(viewer, INBOX, first=2, after=first["pageInfo"]["endCursor"]))["inbox"]
    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == [n["id"] for n in nodes]
    assert rest["pageInfo"]["hasNextPage"] is False

    # Bob sees his own three, never Ada's; a household not in the token shows nothing.
    bobs = (await home.run(home.viewer(bob), INBOX))["inbox"]
    assert len(bobs["edges"]) == 3
    assert not {e["node"]["id"] for e in bobs["edges"]} & {n["id"] for n in nodes}
    only_home = home.viewer(ada)
    assert (await home.run(only_home, INBOX, h=str(other.household_id)))["inbox"] == {
        "unreadCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_channels_are_the_viewers_own(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    hook = await home.channel(ada, name="Hook")
    await home.channel(bob)
    data = await home.run(home.viewer(ada), "{ channels { nodes { id name kind label target verified active } } }")
    assert data["channels"]["nodes"] == [
        {
            "id": str(hook),
            "name": "Hook",
            "kind": "webhook",
            "label": "Webhook",
            "target": "http://127.0.0.1:9/hook",
            "verified": True,
            "active": True,
        }
    ]
    foreign = await home.run(
        home.viewer(ada), "query($h: ID) { channels(householdId: $h) { nodes { id } } }", h=str(uuid.uuid4())
    )
    assert foreign["channels"]["nodes"] == []


async def test_the_delivery_log_filters_pages_and_hides_other_users(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    hook = await home.channel(ada)
    mail = await home.channel(ada, kind="email", config={"address": "ada@example.org"})
    await home.channel(bob)
    for _ in range(3):
        await run_notify(runtime, price_alert(home.household_id, ada))
    await run_notify(runtime, price_alert(home.household_id, bob))
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(
            update(Delivery).where(Delivery.channel_id == mail).values(status="dead", attempts=8, last_error="refused")
        )
    viewer = home.viewer(ada)
    with count_statements(runtime.engine) as statements:
        everything = (await home.run(viewer, DELIVERIES))["deliveries"]
    assert len(statements) == 1  # channel and notification joined in: no query per row
    assert len(everything["nodes"]) == 6
    assert {n["channel"]["id"] for n in everything["nodes"]} == {str(hook), str(mail)}
    dead = (await home.run(viewer, DELIVERIES, s="DEAD"))["deliveries"]["nodes"]
    assert {(n["status"], n["attempts"], n["lastError"], n["channel"]["kind"]) for n in dead} == {
        ("DEAD", 8, "refused", "email")
    }
    assert len(dead) == 3
    pending = (await home.run(viewer, DELIVERIES, c=str(hook)))["deliveries"]["nodes"]
    assert {(n["status"], n["lastError"]) for n in pending} == {("PENDING", None)}
    page = (await home.run(viewer, DELIVERIES, first=4))["deliveries"]
    rest = (await home.run(viewer, DELIVERIES, first=4, after=page["pageInfo"]["endCursor"]))["deliveries"]
    assert [n["id"] for n in page["nodes"] + rest["nodes"]] == [n["id"] for n in everything["nodes"]]
    # Bob's log has his one delivery; Ada's channel id shows him nothing.
    assert len((await home.run(home.viewer(bob), DELIVERIES))["deliveries"]["nodes"]) == 1
    assert (await home.run(home.viewer(bob), DELIVERIES, c=str(hook)))["deliveries"]["nodes"] == []
