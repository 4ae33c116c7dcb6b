"""API keys for scripts: one household, read-only or read-write, optional expiry, revocable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.auth import Role
from fincloud.db import utcnow
from subgraphs.identity.models import ApiKey, Membership
from subgraphs.identity.services.secrets import API_KEY_PREFIX, digest, new_secret

__all__ = ["ApiKeyScope", "InvalidApiKeyError", "authenticate_key", "create_key", "revoke_key"]

LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyScope(StrEnum):
    READ = "read"
    WRITE = "write"


class InvalidApiKeyError(Exception):
    """Unknown, expired or revoked key, or its creator lost access to the household."""


@dataclass(frozen=True, slots=True)
class CreatedKey:
    row: ApiKey
    secret: str


async def create_key(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    user_id: uuid.UUID,
    name: str,
    scope: ApiKeyScope,
    expires_at: datetime | None,
) -> CreatedKey:
    secret = new_secret(API_KEY_PREFIX)
    row = ApiKey(
        household_id=household_id,
        user_id=user_id,
        name=name,
        prefix=secret[: len(API_KEY_PREFIX) + 8],
        key_hash=digest(secret),
        scope=scope.value,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return CreatedKey(row=row, secret=secret)


async def revoke_key(*, session: AsyncSession, key_id: uuid.UUID, household_ids: list[uuid.UUID]) -> ApiKey | None:
    row = await session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.household_id.in_(household_ids)).with_for_update()
    )
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


async def authenticate_key(*, session: AsyncSession, secret: str) -> tuple[ApiKey, Role]:
    """The key and the role it acts with: the scope, capped by its creator's current role in the household."""
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(secret)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise InvalidApiKeyError()
    member_role = await session.scalar(
        select(Membership.role).where(Membership.household_id == row.household_id, Membership.user_id == row.user_id)
    )
    if member_role is None:
        raise InvalidApiKeyError()
    writer = row.scope == ApiKeyScope.WRITE and Role(member_role) in (Role.OWNER, Role.EDITOR)
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
    return row, Role.EDITOR if writer else Role.VIEWER
