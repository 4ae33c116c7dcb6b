"""Single-use emailed tokens: email verification and password reset."""

from __future__ import annotations

import uuid
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from subgraphs.identity.models import UserToken
from subgraphs.identity.services.secrets import digest, new_secret

__all__ = ["InvalidUserTokenError", "Purpose", "consume", "issue"]


class Purpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


LIFETIME = {Purpose.VERIFY_EMAIL: timedelta(days=2), Purpose.RESET_PASSWORD: timedelta(hours=1)}
PREFIX = {Purpose.VERIFY_EMAIL: "fcv_", Purpose.RESET_PASSWORD: "fcp_"}


class InvalidUserTokenError(Exception):
    """Unknown, used or expired token."""


async def issue(*, session: AsyncSession, user_id: uuid.UUID, purpose: Purpose) -> str:
    """A new token; earlier unused tokens of the same purpose stop working."""
    await session.execute(
        update(UserToken)
        .where(UserToken.user_id == user_id, UserToken.purpose == purpose.value, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = new_secret(PREFIX[purpose])
    session.add(
        UserToken(
            user_id=user_id, purpose=purpose.value, token_hash=digest(token), expires_at=utcnow() + LIFETIME[purpose]
        )
    )
    await session.flush()
    return token


async def consume(*, session: AsyncSession, token: str, purpose: Purpose) -> uuid.UUID:
    """Use a token once; returns its user."""
    row = await session.scalar(
        select(UserToken)
        .where(UserToken.token_hash == digest(token), UserToken.purpose == purpose.value)
        .with_for_update()
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise InvalidUserTokenError()
    row.used_at = utcnow()
    return row.user_id
