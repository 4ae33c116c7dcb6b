"""Invitations, role changes, removing members and leaving."""

from __future__ import annotations

from enum import Enum

import strawberry

from fincloud.auth import Role
from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.identity.context import Context
from subgraphs.identity.models import Household as HouseholdRow
from subgraphs.identity.models import User
from subgraphs.identity.mutations._common import ActionPayload, api_key_refusal
from subgraphs.identity.mutations._tokens import client_ip
from subgraphs.identity.services import members
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.services.mail import request_email
from subgraphs.identity.types import Household


@strawberry.enum(description="What a member may do in a household.")
class HouseholdRole(Enum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


def _missing(field: str = "householdId") -> ActionPayload:
    return ActionPayload(errors=[NotFoundError(field=field, message="no such household")])


@strawberry.input(description="Invite someone to a household by email.")
class InvitationCreateInput:
    household_id: strawberry.ID = strawberry.field(description="The household (you must own it).")
    email: str = strawberry.field(description="Where to send the invitation.")
    role: HouseholdRole = strawberry.field(description="The role they will have.")


async def invitation_create(info: strawberry.Info[Context, None], input: InvitationCreateInput) -> ActionPayload:
    """Email an invitation, valid for 7 days (owners only)."""
    if refused := api_key_refusal(info.context.viewer):
        return ActionPayload(errors=refused)
    viewer = info.context.viewer
    household_id = parse_id(input.household_id)
    if household_id is None or viewer.role_in(household_id) is None:
        return _missing()
    if viewer.role_in(household_id) is not Role.OWNER:
        return ActionPayload(errors=[ValidationError(field="householdId", message="only owners can invite")])
    email = input.email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or " " in email:
        return ActionPayload(errors=[ValidationError(field="email", message="enter a valid email address")])
    session = info.context.session
    async with session.begin():
        assert viewer.user_id is not None
        invitation, token = await members.create_invitation(
            session=session,
            household_id=household_id,
            email=email,
            role=Role(input.role.value),
            invited_by=viewer.user_id,
        )
        await request_email(
            session,
            to=email,
            template="household_invitation",
            token=token,
            household_id=household_id,
            dev=info.context.runtime.settings.ENV == "dev",
        )
        await record(
            session,
            AuditKind.MEMBER_INVITED,
            household_id=household_id,
            actor_id=viewer.user_id,
            ip=client_ip(info.context),
            email=email,
            role=invitation.role,
        )
    return ActionPayload(ok=True)


@strawberry.type(description="The outcome of `invitationAccept`.")
class InvitationAcceptPayload:
    household: Household | None = strawberry.field(default=None, description="The household joined.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def invitation_accept(info: strawberry.Info[Context, None], token: str) -> InvitationAcceptPayload:
    """Join a household with the token from an invitation sent to your email address. Sign in again (or
    refresh) afterwards to get a token that names the new household."""
    if refused := api_key_refusal(info.context.viewer):
        return InvitationAcceptPayload(errors=refused)
    session = info.context.session
    async with session.begin():
        user = await session.get(User, info.context.viewer.user_id)
        if user is None:
            return InvitationAcceptPayload(errors=[NotFoundError(field="token", message="no such invitation")])
        try:
            invitation = await members.accept_invitation(session=session, token=token, user=user)
        except members.InvalidInvitationError:
            return InvitationAcceptPayload(
                errors=[NotFoundError(field="token", message="no such invitation, or it has expired")]
            )
        except members.AlreadyMemberError:
            return InvitationAcceptPayload(
                errors=[ValidationError(field="token", message="you already belong to this household")]
            )
        household = await session.get(HouseholdRow, invitation.household_id)
        await record(
            session,
            AuditKind.MEMBER_ADDED,
            household_id=invitation.household_id,
            user_id=user.id,
            actor_id=invitation.invited_by,
            ip=client_ip(info.context),
            role=invitation.role,
        )
    assert household is not None
    return InvitationAcceptPayload(household=Household.from_row(household, invitation.role))


@strawberry.input(description="A member's new role.")
class MemberRoleChangeInput:
    household_id: strawberry.ID = strawberry.field(description="The household (you must own it).")
    user_id: strawberry.ID = strawberry.field(description="The member.")
    role: HouseholdRole = strawberry.field(description="The new role.")


async def member_role_change(info: strawberry.Info[Context, None], input: MemberRoleChangeInput) -> ActionPayload:
    """Change a member's role (owners only). A household always keeps at least one owner."""
    if refused := api_key_refusal(info.context.viewer):
        return ActionPayload(errors=refused)
    viewer = info.context.viewer
    household_id, user_id = parse_id(input.household_id), parse_id(input.user_id)
    if household_id is None or viewer.role_in(household_id) is None:
        return _missing()
    if viewer.role_in(household_id) is not Role.OWNER:
        return ActionPayload(errors=[ValidationError(field="householdId", message="only owners can change roles")])
    session = info.context.session
    async with session.begin():
        try:
            membership = (
                await members.change_role(
                    session=session, household_id=household_id, user_id=user_id, role=Role(input.role.value)
                )
                if user_id
                else None
            )
        except members.LastOwnerError:
            return ActionPayload(errors=[ValidationError(field="role", message="a household needs at least one owner")])
        if membership is None:
            return ActionPayload(errors=[NotFoundError(field="userId", message="no such member")])
        await record(
            session,
            AuditKind.ROLE_CHANGED,
            household_id=household_id,
            user_id=user_id,
            actor_id=viewer.user_id,
            ip=client_ip(info.context),
            role=membership.role,
        )
    return ActionPayload(ok=True)


@strawberry.input(description="A member to remove; your own id to leave.")
class MemberRemoveInput:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    user_id: strawberry.ID = strawberry.field(description="The member; your own id to leave the household.")


async def member_remove(info: strawberry.Info[Context, None], input: MemberRemoveInput) -> ActionPayload:
    """Remove a member (owners), or leave a household (anyone, with their own id). The last owner cannot leave."""
    if refused := api_key_refusal(info.context.viewer):
        return ActionPayload(errors=refused)
    viewer = info.context.viewer
    household_id, user_id = parse_id(input.household_id), parse_id(input.user_id)
    if household_id is None or viewer.role_in(household_id) is None:
        return _missing()
    leaving = user_id == viewer.user_id
    if not leaving and viewer.role_in(household_id) is not Role.OWNER:
        return ActionPayload(errors=[ValidationError(field="userId", message="only owners can remove members")])
    session = info.context.session
    async with session.begin():
        try:
            removed = bool(user_id) and await members.remove_member(
                session=session,
                household_id=household_id,
                user_id=user_id,  # type: ignore[arg-type]
            )
        except members.LastOwnerError:
            return ActionPayload(
                errors=[ValidationError(field="userId", message="the last owner cannot leave: make someone else owner")]
            )
        if not removed:
            return ActionPayload(errors=[NotFoundError(field="userId", message="no such member")])
        await record(
            session,
            AuditKind.MEMBER_REMOVED,
            household_id=household_id,
            user_id=user_id,
            actor_id=viewer.user_id,
            ip=client_ip(info.context),
        )
    return ActionPayload(ok=True)
