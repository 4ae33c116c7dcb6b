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
from fincloud.constants import TOPIC_USER_REGISTERED
from fincloud.events import write_event
from subgraphs.identity.models import Household, Membership, User, outbox

__all__ = ["EmailTakenError", "InvalidCredentialsError", "authenticate", "memberships_of", "register_user"]

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
    session.add(Membership(household_id=household.id, user_id=user.id, role=Role.OWNER.value))
    await session.flush()
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
