"""Registering users and checking their passwords. No GraphQL here."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.auth import Role
from fincloud.constants import TOPIC_HOUSEHOLD_DELETED, TOPIC_USER_REGISTERED
from fincloud.db import utcnow
from fincloud.events import write_event
from subgraphs.identity.models import Household, Membership, User, outbox
from subgraphs.identity.services.member_events import lock_user, write_member_changed, write_user_changed
from subgraphs.identity.services.sessions import revoke_all

__all__ = [
    "EmailTakenError",
    "InvalidCredentialsError",
    "LastOwnerOfSharedHouseholdError",
    "authenticate",
    "delete_user",
    "mark_email_verified",
    "memberships_of",
    "register_user",
    "set_password",
    "verify_password",
]

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("fincloud-timing-equaliser")

MIN_PASSWORD_LENGTH = 10


class EmailTakenError(Exception):
    """Another user has this email address."""


class InvalidCredentialsError(Exception):
    """Unknown email or wrong password (deliberately indistinguishable to the caller)."""

    def __init__(self, user_id: uuid.UUID | None = None) -> None:
        super().__init__("wrong email or password")
        self.user_id = user_id


@dataclass(frozen=True, slots=True)
class Registration:
    user: User
    household: Household


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def register_user(
    *, session: AsyncSession, email: str, password: str, name: str, household_name: str | None
) -> Registration:
    """Create a user and their first household, with the user as its owner. The caller commits."""
    email = normalize_email(email)
    taken = await session.scalar(select(User.id).where(func.lower(User.email) == email))
    if taken is not None:
        raise EmailTakenError(email)
    password_hash = await asyncio.to_thread(_hasher.hash, password)
    user = User(email=email, name=name.strip(), password_hash=password_hash)
    household = Household(name=(household_name or f"{name.strip()}'s household").strip())
    session.add_all([user, household])
    await session.flush()
    membership = Membership(household_id=household.id, user_id=user.id, role=Role.OWNER.value)
    session.add(membership)
    await session.flush()
    await write_member_changed(session=session, membership=membership, user=user)
    await write_event(
        session,
        outbox,
        topic=TOPIC_USER_REGISTERED,
        household_id=household.id,
        payload={"user_id": user.id, "household_id": household.id},
    )
    return Registration(user=user, household=household)


async def authenticate(*, session: AsyncSession, email: str, password: str) -> User:
    """The user with these credentials, or ``InvalidCredentialsError``; takes the same time either way."""
    user = await session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))
    try:
        await asyncio.to_thread(_hasher.verify, user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError):
        raise InvalidCredentialsError(user.id if user else None) from None
    if user is None:
        raise InvalidCredentialsError()
    return user


async def memberships_of(*, session: AsyncSession, user_id: uuid.UUID) -> list[tuple[uuid.UUID, Role]]:
    rows = await session.execute(
        select(Membership.household_id, Membership.role)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.household_id)
    )
    return [(household_id, Role(role)) for household_id, role in rows.all()]


class LastOwnerOfSharedHouseholdError(Exception):
    """The user is the only owner of a household that has other members: hand over ownership first."""

    def __init__(self, household_id: uuid.UUID) -> None:
        super().__init__(str(household_id))
        self.household_id = household_id


async def verify_password(user: User, password: str) -> bool:
    try:
        return bool(await asyncio.to_thread(_hasher.verify, user.password_hash, password))
    except (VerifyMismatchError, InvalidHashError):
        return False


async def set_password(*, session: AsyncSession, user: User, password: str) -> None:
    """Store a new password hash and end every session of the user. The caller commits."""
    user.password_hash = await asyncio.to_thread(_hasher.hash, password)
    await revoke_all(session=session, user_id=user.id)


async def delete_user(*, session: AsyncSession, user: User) -> list[uuid.UUID]:
    """Delete the user, their memberships, and every household they were alone in (with its data, through a
    ``household_deleted`` event the other subgraphs act on). Returns the deleted households. The caller commits.

    The households they shared get a ``member_changed`` event with ``removed: true``; the deleted ones none (their
    purge removes the members, and a later member event could bring a row back after it)."""
    await lock_user(session=session, user_id=user.id)
    memberships = (await session.scalars(select(Membership).where(Membership.user_id == user.id))).all()
    deleted: list[uuid.UUID] = []
    for membership in memberships:
        others = (
            await session.scalars(
                select(Membership).where(
                    Membership.household_id == membership.household_id, Membership.user_id != user.id
                )
            )
        ).all()
        if not others:
            household = await session.get(Household, membership.household_id)
            if household is not None:
                await session.delete(household)
                deleted.append(membership.household_id)
                await write_event(
                    session,
                    outbox,
                    topic=TOPIC_HOUSEHOLD_DELETED,
                    household_id=membership.household_id,
                    payload={"household_id": membership.household_id},
                )
            continue
        if membership.role == Role.OWNER.value and not any(o.role == Role.OWNER.value for o in others):
            raise LastOwnerOfSharedHouseholdError(membership.household_id)
        await write_member_changed(session=session, membership=membership, user=user, removed=True)
    await session.delete(user)
    await session.flush()
    return deleted


async def mark_email_verified(*, session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Mark the user's email address verified and tell the other subgraphs (``member_changed``, one event per
    household). Returns whether it changed: ``False`` for an unknown user or an address already verified. The caller
    commits."""
    user = await lock_user(session=session, user_id=user_id)
    if user is None or user.email_verified_at is not None:
        return False
    user.email_verified_at = utcnow()
    await write_user_changed(session=session, user=user)
    return True
