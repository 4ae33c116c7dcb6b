"""Sign-in sessions: refresh-token families with rotation on every use and reuse detection (RFC 9700 §4.14).

Each sign-in starts a family. A refresh token can be exchanged once; the exchange marks it used and issues its
successor. Presenting a used token again means it was stolen (or a response was lost): within a short grace
window the family survives (the client retried), after it the whole family is revoked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import new_id, utcnow
from subgraphs.identity.models import RefreshToken, User
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.services.secrets import REFRESH_PREFIX, digest, new_secret

__all__ = ["InvalidRefreshTokenError", "Rotation", "revoke_all", "revoke_family", "rotate", "start_session"]


class InvalidRefreshTokenError(Exception):
    """Unknown, expired, revoked or reused refresh token."""


@dataclass(frozen=True, slots=True)
class Rotation:
    user: User
    refresh_token: str
    family_id: uuid.UUID


async def start_session(*, session: AsyncSession, user: User, ttl: timedelta) -> Rotation:
    """A new family and its first refresh token. The caller commits."""
    family_id = new_id()
    token = await _issue(session=session, user_id=user.id, family_id=family_id, ttl=ttl)
    return Rotation(user=user, refresh_token=token, family_id=family_id)


async def _issue(*, session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID, ttl: timedelta) -> str:
    token = new_secret(REFRESH_PREFIX)
    session.add(RefreshToken(family_id=family_id, user_id=user_id, token_hash=digest(token), expires_at=utcnow() + ttl))
    await session.flush()
    return token


async def rotate(
    *, session: AsyncSession, token: str, ttl: timedelta, grace: timedelta, ip: str | None = None
) -> Rotation:
    """Exchange ``token`` for its successor. Reuse after the grace window revokes the family and raises;
    the revocation commits even though the caller sees an error. The caller commits on success."""
    row = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(token)).with_for_update())
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise InvalidRefreshTokenError()
    if row.used_at is not None:
        if now - row.used_at > grace:
            await revoke_family(session=session, family_id=row.family_id)
            await record(session, AuditKind.REFRESH_REUSE_DETECTED, user_id=row.user_id, ip=ip, family=row.family_id)
            await session.commit()
            raise InvalidRefreshTokenError()
        # A retry within the grace window: the successor issued moments ago is replaced by a new one.
        await session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.family_id == row.family_id,
                RefreshToken.created_at >= row.used_at,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
    user = await session.get(User, row.user_id)
    if user is None:
        raise InvalidRefreshTokenError()
    row.used_at = now
    successor = await _issue(session=session, user_id=row.user_id, family_id=row.family_id, ttl=ttl)
    return Rotation(user=user, refresh_token=successor, family_id=row.family_id)


async def revoke_family(*, session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def family_of(*, session: AsyncSession, token: str) -> RefreshToken | None:
    found: RefreshToken | None = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == digest(token))
    )
    return found


async def revoke_all(*, session: AsyncSession, user_id: uuid.UUID) -> None:
    """Log out everywhere: every family of the user."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
