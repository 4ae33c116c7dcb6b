"""Households and accounts: invitations, roles, leaving, email verification, password change and reset,
account deletion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fincloud.auth import Role, Viewer
from fincloud.constants import TOPIC_EMAIL_REQUESTED, TOPIC_HOUSEHOLD_DELETED
from fincloud.service import Runtime
from subgraphs.identity.context import Context
from subgraphs.identity.models import Household, outbox
from subgraphs.identity.schema import schema
from tests.conftest import execute
from tests.subgraphs.identity.test_register_login import register

PASSWORD = "correct horse battery"
ACTION = "{ ok errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } } }"


async def person(runtime: Runtime, email: str) -> Viewer:
    payload = await register(runtime, email=email, name=email.split("@")[0])
    return await runtime.verifier.verify(payload["token"])


async def run(runtime: Runtime, viewer: Viewer | None, query: str, **variables: Any) -> dict[str, Any]:
    context = Context(runtime=runtime, viewer=viewer) if viewer else Context(runtime=runtime)
    return dict(await execute(schema, context, query, **variables))


async def emailed(runtime: Runtime, to: str, template: str) -> str:
    async with runtime.sessionmaker() as session:
        rows = (await session.execute(select(outbox).where(outbox.c.topic == TOPIC_EMAIL_REQUESTED))).all()
    tokens = [r.payload["token"] for r in rows if r.payload["to"] == to and r.payload["template"] == template]
    assert tokens, f"no {template} email to {to}"
    return str(tokens[-1])


async def members(runtime: Runtime, viewer: Viewer) -> list[tuple[str, str]]:
    data = await run(runtime, viewer, "{ me { households { members { user { email } role } } } }")
    return [(m["user"]["email"], m["role"]) for m in data["me"]["households"][0]["members"]]


INVITE = f"mutation I($input: InvitationCreateInput!) {{ invitationCreate(input: $input) {ACTION} }}"
ACCEPT = "mutation A($t: String!) { invitationAccept(token: $t) { household { id role } errors { message } } }"
ROLE = f"mutation R($input: MemberRoleChangeInput!) {{ memberRoleChange(input: $input) {ACTION} }}"
REMOVE = f"mutation M($input: MemberRemoveInput!) {{ memberRemove(input: $input) {ACTION} }}"


async def test_invite_accept_change_roles_and_keep_an_owner(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    household = str(ada.household_ids[0])
    invited = await run(
        runtime, ada, INVITE, input={"householdId": household, "email": "Bob@Example.com", "role": "EDITOR"}
    )
    assert invited["invitationCreate"] == {"ok": True, "errors": []}
    token = await emailed(runtime, "bob@example.com", "household_invitation")

    eve = await person(runtime, "eve@example.com")
    stolen = await run(runtime, eve, ACCEPT, t=token)  # addressed to Bob, useless to Eve
    assert stolen["invitationAccept"]["household"] is None

    bob = await person(runtime, "bob@example.com")
    joined = await run(runtime, bob, ACCEPT, t=token)
    assert joined["invitationAccept"]["household"] == {"id": household, "role": "editor"}
    assert (await run(runtime, bob, ACCEPT, t=token))["invitationAccept"]["household"] is None  # single use
    assert await members(runtime, ada) == [("ada@example.com", "owner"), ("bob@example.com", "editor")]

    # Bob is not an owner: he cannot invite or change roles; Ada cannot demote herself as the only owner.
    assert (
        await run(
            runtime, _in(bob, ada), INVITE, input={"householdId": household, "email": "c@example.com", "role": "VIEWER"}
        )
    )["invitationCreate"]["errors"][0]["message"] == "only owners can invite"
    demote = await run(
        runtime, ada, ROLE, input={"householdId": household, "userId": str(ada.user_id), "role": "VIEWER"}
    )
    assert demote["memberRoleChange"]["errors"][0]["message"] == "a household needs at least one owner"
    leave = await run(runtime, ada, REMOVE, input={"householdId": household, "userId": str(ada.user_id)})
    assert leave["memberRemove"]["errors"][0]["message"].startswith("the last owner cannot leave")

    promoted = await run(
        runtime, ada, ROLE, input={"householdId": household, "userId": str(bob.user_id), "role": "OWNER"}
    )
    assert promoted["memberRoleChange"]["ok"]
    left = await run(runtime, ada, REMOVE, input={"householdId": household, "userId": str(ada.user_id)})
    assert left["memberRemove"]["ok"]
    assert await members(runtime, _in(bob, ada, role="owner")) == [("bob@example.com", "owner")]


def _in(viewer: Viewer, owner: Viewer, role: str = "editor") -> Viewer:
    """``viewer`` as a fresh token would name them after joining ``owner``'s household."""
    return Viewer(user_id=viewer.user_id, households={owner.household_ids[0]: Role(role)})


async def test_strangers_cannot_touch_a_household(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    eve = await person(runtime, "eve@example.com")
    household = str(ada.household_ids[0])
    for query, input in [
        (INVITE, {"householdId": household, "email": "eve2@example.com", "role": "OWNER"}),
        (ROLE, {"householdId": household, "userId": str(ada.user_id), "role": "VIEWER"}),
        (REMOVE, {"householdId": household, "userId": str(ada.user_id)}),
    ]:
        data = await run(runtime, eve, query, input=input)
        [payload] = data.values()
        assert payload["errors"] == [
            {"__typename": "NotFoundError", "message": "no such household", "field": "householdId"}
        ]
    assert await members(runtime, ada) == [("ada@example.com", "owner")]


async def test_email_verification(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    assert (await run(runtime, ada, f"mutation {{ emailVerifyRequest {ACTION} }}"))["emailVerifyRequest"]["ok"]
    token = await emailed(runtime, "ada@example.com", "verify_email")
    bad = await run(runtime, None, f'mutation {{ emailVerify(token: "fcv_nope") {ACTION} }}')
    assert bad["emailVerify"]["errors"][0]["field"] == "token"
    assert (await run(runtime, None, f'mutation {{ emailVerify(token: "{token}") {ACTION} }}'))["emailVerify"]["ok"]
    assert (await run(runtime, ada, "{ me { emailVerified } }"))["me"]["emailVerified"] is True


LOGIN = "mutation L($input: LoginInput!) { login(input: $input) { token refreshToken errors { message } } }"
REFRESH = "mutation R($t: String!) { tokenRefresh(input: {refreshToken: $t}) { token errors { message } } }"


async def test_password_change_and_reset_end_every_session(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    session = (await run(runtime, None, LOGIN, input={"email": "ada@example.com", "password": PASSWORD}))["login"]

    change = "mutation C($input: PasswordChangeInput!) { passwordChange(input: $input) " + ACTION + " }"
    wrong = await run(
        runtime, ada, change, input={"currentPassword": "nope nope nope", "newPassword": "a new long password"}
    )
    assert wrong["passwordChange"]["errors"][0]["field"] == "currentPassword"
    weak = await run(runtime, ada, change, input={"currentPassword": PASSWORD, "newPassword": "short"})
    assert weak["passwordChange"]["errors"][0]["field"] == "newPassword"
    assert (await run(runtime, ada, change, input={"currentPassword": PASSWORD, "newPassword": "a new long password"}))[
        "passwordChange"
    ]["ok"]
    assert (await run(runtime, None, REFRESH, t=session["refreshToken"]))["tokenRefresh"]["token"] is None

    request = f'mutation {{ passwordResetRequest(email: "ADA@example.com") {ACTION} }}'
    assert (await run(runtime, None, request))["passwordResetRequest"]["ok"]
    unknown = f'mutation {{ passwordResetRequest(email: "nobody@example.com") {ACTION} }}'
    assert (await run(runtime, None, unknown))["passwordResetRequest"]["ok"]  # no account enumeration
    token = await emailed(runtime, "ada@example.com", "reset_password")
    confirm = "mutation P($input: PasswordResetConfirmInput!) { passwordResetConfirm(input: $input) " + ACTION + " }"
    assert (await run(runtime, None, confirm, input={"token": token, "newPassword": "the third password"}))[
        "passwordResetConfirm"
    ]["ok"]
    again = await run(runtime, None, confirm, input={"token": token, "newPassword": "the fourth password"})
    assert again["passwordResetConfirm"]["errors"][0]["field"] == "token"
    ok = await run(runtime, None, LOGIN, input={"email": "ada@example.com", "password": "the third password"})
    assert ok["login"]["token"] is not None


DELETE = "mutation D($input: AccountDeleteInput!) { accountDelete(input: $input) " + ACTION + " }"


async def test_account_deletion_takes_lone_households_and_protects_shared_ones(runtime: Runtime) -> None:
    ada = await person(runtime, "ada@example.com")
    refused = await run(runtime, ada, DELETE, input={"password": PASSWORD, "confirmation": "yes"})
    assert refused["accountDelete"]["errors"][0]["field"] == "confirmation"

    # Share Ada's household with Bob (as editor): Ada is its only owner, so she must hand over first.
    await run(
        runtime,
        ada,
        INVITE,
        input={"householdId": str(ada.household_ids[0]), "email": "bob@example.com", "role": "EDITOR"},
    )
    bob = await person(runtime, "bob@example.com")
    await run(runtime, bob, ACCEPT, t=await emailed(runtime, "bob@example.com", "household_invitation"))
    blocked = await run(runtime, ada, DELETE, input={"password": PASSWORD, "confirmation": "DELETE MY ACCOUNT"})
    assert "only owner" in blocked["accountDelete"]["errors"][0]["message"]

    gone = await run(runtime, bob, DELETE, input={"password": PASSWORD, "confirmation": "DELETE MY ACCOUNT"})
    assert gone["accountDelete"]["ok"]
    async with runtime.sessionmaker() as session:
        remaining = set(await session.scalars(select(Household.id)))
        deleted = [
            r.payload["household_id"]
            for r in (await session.execute(select(outbox).where(outbox.c.topic == TOPIC_HOUSEHOLD_DELETED))).all()
        ]
    assert remaining == {ada.household_ids[0]}
    assert deleted == [str(bob.household_ids[0])]
    login = await run(runtime, None, LOGIN, input={"email": "bob@example.com", "password": PASSWORD})
    assert login["login"]["token"] is None
