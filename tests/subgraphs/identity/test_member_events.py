"""Identity tells notification who belongs to each household: every change of a membership, a role, or a member's
email address, its verification or name writes exactly one ``identity.member_changed`` event per (household, user),
in the same transaction, carrying nothing notification may not keep."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from fincloud.auth import Viewer
from fincloud.constants import TOPIC_HOUSEHOLD_DELETED, TOPIC_MEMBER_CHANGED
from fincloud.service import Runtime
from subgraphs.identity.models import outbox
from subgraphs.identity.services.accounts import mark_email_verified
from subgraphs.identity.services.member_events import announce_members
from tests.subgraphs.identity.test_households import (
    ACCEPT,
    DELETE,
    INVITE,
    PASSWORD,
    REMOVE,
    ROLE,
    emailed,
    person,
    run,
)

PAYLOAD_KEYS = {"household_id", "user_id", "role", "email", "email_verified", "name", "removed"}


async def member_events(runtime: Runtime) -> list[dict[str, Any]]:
    """Every ``identity.member_changed`` event in identity's outbox, oldest first."""
    async with runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(outbox).where(outbox.c.topic == TOPIC_MEMBER_CHANGED).order_by(outbox.c.occurred_at, outbox.c.id)
            )
        ).all()
    for row in rows:
        assert set(row.payload) == PAYLOAD_KEYS  # never a password hash, a token or anything else
        assert str(row.household_id) == row.payload["household_id"]
    return [dict(row.payload) for row in rows]


def uid(viewer: Viewer) -> uuid.UUID:
    """The viewer's user id (a signed-in person always has one)."""
    assert viewer.user_id is not None
    return viewer.user_id


class Watch:
    """The member events written since the last look."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.seen = 0

    async def new(self) -> list[dict[str, Any]]:
        events = await member_events(self.runtime)
        fresh, self.seen = events[self.seen :], len(events)
        return fresh


def member(
    household: uuid.UUID,
    viewer: Viewer,
    role: str,
    email: str,
    *,
    verified: bool = False,
) -> dict[str, Any]:
    name = email.split("@")[0]  # ``person`` names each user after their address
    return {
        "household_id": str(household),
        "user_id": str(viewer.user_id),
        "role": role,
        "email": email,
        "email_verified": verified,
        "name": name,
        "removed": False,
    }


def removed(household: uuid.UUID, viewer: Viewer, role: str) -> dict[str, Any]:
    """A removal carries no address or name."""
    return {
        "household_id": str(household),
        "user_id": str(viewer.user_id),
        "role": role,
        "email": "",
        "email_verified": False,
        "name": "",
        "removed": True,
    }


async def share(runtime: Runtime, owner: Viewer, email: str, role: str = "EDITOR") -> Viewer:
    """Register ``email`` and have them join ``owner``'s first household."""
    household = str(owner.household_ids[0])
    await run(runtime, owner, INVITE, input={"householdId": household, "email": email, "role": role})
    guest = await person(runtime, email)
    joined = await run(runtime, guest, ACCEPT, t=await emailed(runtime, email, "household_invitation"))
    assert joined["invitationAccept"]["household"]["id"] == household
    return guest


async def test_registration_announces_the_owner_of_the_new_household(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    [household] = ada.household_ids
    assert await member_events(runtime) == [member(household, ada, "owner", "ada@example.com")]


async def test_joining_changing_role_and_leaving_each_write_one_event(runtime: Runtime) -> None:
    watch = Watch(runtime)
    ada = await person(runtime, "ada@example.com")
    [household] = ada.household_ids
    await watch.new()

    await run(runtime, ada, INVITE, input={"householdId": str(household), "email": "bob@example.com", "role": "VIEWER"})
    assert await watch.new() == []  # an invitation changes no membership
    bob = await person(runtime, "bob@example.com")
    [bobs_own] = bob.household_ids
    assert await watch.new() == [member(bobs_own, bob, "owner", "bob@example.com")]
    await run(runtime, bob, ACCEPT, t=await emailed(runtime, "bob@example.com", "household_invitation"))
    assert await watch.new() == [member(household, bob, "viewer", "bob@example.com")]

    promote = {"householdId": str(household), "userId": str(bob.user_id), "role": "OWNER"}
    assert (await run(runtime, ada, ROLE, input=promote))["memberRoleChange"]["ok"]
    assert await watch.new() == [member(household, bob, "owner", "bob@example.com")]

    # Ada leaves; Bob, now the only owner, may not. A refusal writes nothing.
    assert (await run(runtime, ada, REMOVE, input={"householdId": str(household), "userId": str(ada.user_id)}))[
        "memberRemove"
    ]["ok"]
    assert await watch.new() == [removed(household, ada, "owner")]
    bob_in_adas = Viewer(user_id=bob.user_id, households={**bob.households, household: bob.households[bobs_own]})
    refused = await run(runtime, bob_in_adas, REMOVE, input={"householdId": str(household), "userId": str(bob.user_id)})
    assert refused["memberRemove"]["errors"]
    demote = {"householdId": str(household), "userId": str(bob.user_id), "role": "EDITOR"}
    assert (await run(runtime, bob_in_adas, ROLE, input=demote))["memberRoleChange"]["errors"]
    assert await watch.new() == []


async def test_an_owner_removing_a_member_writes_a_removal(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    [household] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com")
    watch = Watch(runtime)
    await watch.new()

    gone = await run(runtime, ada, REMOVE, input={"householdId": str(household), "userId": str(bob.user_id)})
    assert gone["memberRemove"]["ok"]
    assert await watch.new() == [removed(household, bob, "editor")]
    again = await run(runtime, ada, REMOVE, input={"householdId": str(household), "userId": str(bob.user_id)})
    assert again["memberRemove"]["errors"][0]["message"] == "no such member"
    assert await watch.new() == []


async def test_deleting_an_account_removes_them_from_shared_households_only(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    [adas] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com")
    [bobs_own] = bob.household_ids
    watch = Watch(runtime)
    await watch.new()

    # Ada is the only owner of a household Bob shares: refused, and nothing written.
    blocked = await run(runtime, ada, DELETE, input={"password": PASSWORD, "confirmation": "DELETE MY ACCOUNT"})
    assert blocked["accountDelete"]["errors"]
    assert await watch.new() == []

    gone = await run(runtime, bob, DELETE, input={"password": PASSWORD, "confirmation": "DELETE MY ACCOUNT"})
    assert gone["accountDelete"]["ok"]
    # Ada's household hears Bob is gone; his own household is deleted whole (its purge takes its members).
    assert await watch.new() == [removed(adas, bob, "editor")]
    async with runtime.sessionmaker() as session:
        purged = (await session.execute(select(outbox).where(outbox.c.topic == TOPIC_HOUSEHOLD_DELETED))).all()
    assert [row.household_id for row in purged] == [bobs_own]


async def test_verifying_the_email_address_announces_it_in_every_household(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    [adas] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com")
    [bobs_own] = bob.household_ids
    watch = Watch(runtime)
    await watch.new()

    async with runtime.sessionmaker() as session, session.begin():
        assert await mark_email_verified(session=session, user_id=uid(bob)) is True
    expected = [
        member(household, bob, role, "bob@example.com", verified=True)
        for household, role in sorted([(adas, "editor"), (bobs_own, "owner")], key=lambda pair: str(pair[0]))
    ]
    assert sorted(await watch.new(), key=lambda event: event["household_id"]) == expected

    async with runtime.sessionmaker() as session, session.begin():
        assert await mark_email_verified(session=session, user_id=uid(bob)) is False  # already verified
        assert await mark_email_verified(session=session, user_id=uuid.uuid4()) is False
    assert await watch.new() == []
    assert (await run(runtime, bob, "{ me { emailVerified } }"))["me"]["emailVerified"] is True


async def test_announcing_every_member_describes_the_present(runtime: Runtime) -> None:
    """The backfill for households created before identity announced its members."""
    ada = await person(runtime, "ada@example.com")
    [adas] = ada.household_ids
    bob = await share(runtime, ada, "bob@example.com", role="VIEWER")
    [bobs_own] = bob.household_ids
    watch = Watch(runtime)
    await watch.new()

    async with runtime.sessionmaker() as session, session.begin():
        assert await announce_members(session=session) == 3
    assert sorted(await watch.new(), key=lambda event: (event["household_id"], event["user_id"])) == sorted(
        [
            member(adas, ada, "owner", "ada@example.com"),
            member(adas, bob, "viewer", "bob@example.com"),
            member(bobs_own, bob, "owner", "bob@example.com"),
        ],
        key=lambda event: (event["household_id"], event["user_id"]),
    )
