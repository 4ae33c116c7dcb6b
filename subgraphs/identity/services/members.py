"""Household membership: invitations, roles, leaving. A household always keeps at least one owner.

Every change writes an ``identity.member_changed`` event (``member_events``); the user's row is locked before the
membership's, as that module explains."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.auth import Role
from fincloud.db import utcnow
from subgraphs.identity.models import Invitation, Membership, User
from subgraphs.identity.services.member_events import lock_user, write_member_changed
from subgraphs.identity.services.secrets import digest, new_secret

__all__ = [
    "AlreadyMemberError",
    "InvalidInvitationError",
    "LastOwnerError",
    "accept_invitation",
    "change_role",
    "create_invitation",
    "remove_member",
]

INVITATION_LIFETIME = timedelta(days=7)
INVITATION_PREFIX = "fci_"


class InvalidInvitationError(Exception):
    """Unknown, expired, revoked or already accepted invitation, or one addressed to someone else."""


class AlreadyMemberError(Exception):
    """The user already belongs to the household."""


class LastOwnerError(Exception):
    """The change would leave the household without an owner."""


async def create_invitation(
    *, session: AsyncSession, household_id: uuid.UUID, email: str, role: Role, invited_by: uuid.UUID
) -> tuple[Invitation, str]:
    token = new_secret(INVITATION_PREFIX)
    invitation = Invitation(
        household_id=household_id,
        email=email,
        role=role.value,
        token_hash=digest(token),
        invited_by=invited_by,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    session.add(invitation)
    await session.flush()
    return invitation, token


async def accept_invitation(*, session: AsyncSession, token: str, user: User) -> Invitation:
    if await lock_user(session=session, user_id=user.id) is None:
        raise InvalidInvitationError()
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(token)).with_for_update()
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
        or invitation.email.lower() != user.email.lower()
    ):
        raise InvalidInvitationError()
    existing = await session.get(Membership, (invitation.household_id, user.id))
    if existing is not None:
        raise AlreadyMemberError()
    membership = Membership(household_id=invitation.household_id, user_id=user.id, role=invitation.role)
    session.add(membership)
    invitation.accepted_at = utcnow()
    await session.flush()
    await write_member_changed(session=session, membership=membership, user=user)
    return invitation


async def _owners(session: AsyncSession, household_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.household_id == household_id, Membership.role == Role.OWNER.value)
    )
    return int(count or 0)


async def change_role(
    *, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID, role: Role
) -> Membership | None:
    user = await lock_user(session=session, user_id=user_id)
    membership = await session.get(Membership, (household_id, user_id), with_for_update=True)
    if user is None or membership is None:
        return None
    if membership.role == Role.OWNER.value and role is not Role.OWNER and await _owners(session, household_id) <= 1:
        raise LastOwnerError()
    membership.role = role.value
    await session.flush()
    await write_member_changed(session=session, membership=membership, user=user)
    return membership


async def remove_member(*, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Remove a member (or let one leave). The last owner cannot go."""
    user = await lock_user(session=session, user_id=user_id)
    membership = await session.get(Membership, (household_id, user_id), with_for_update=True)
    if user is None or membership is None:
        return False
    if membership.role == Role.OWNER.value and await _owners(session, household_id) <= 1:
        raise LastOwnerError()
    await session.delete(membership)
    await session.flush()
    await write_member_changed(session=session, membership=membership, user=user, removed=True)
    return True
