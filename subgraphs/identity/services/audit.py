"""The security audit log."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.identity.models import AuditEvent

__all__ = ["AuditKind", "record"]


class AuditKind(StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_RATE_LIMITED = "login_rate_limited"
    REGISTERED = "registered"
    REFRESH_REUSE_DETECTED = "refresh_reuse_detected"
    LOGGED_OUT = "logged_out"
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere"
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"
    MEMBER_INVITED = "member_invited"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    ROLE_CHANGED = "role_changed"


async def record(
    session: AsyncSession,
    kind: AuditKind,
    *,
    user_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    ip: str | None = None,
    **detail: Any,
) -> None:
    """Add an audit event to the caller's transaction."""
    session.add(
        AuditEvent(
            kind=kind.value,
            user_id=user_id,
            household_id=household_id,
            actor_id=actor_id,
            ip=ip,
            detail={k: str(v) for k, v in detail.items()},
        )
    )
