from __future__ import annotations

from datetime import UTC, datetime, timedelta

from subgraphs.identity.context import Context
from subgraphs.identity.models import User as UserRow
from subgraphs.identity.services.accounts import memberships_of
from subgraphs.identity.types import AuthPayload, User


async def signed_in(info_context: Context, user: UserRow) -> AuthPayload:
    """The payload of a successful sign-in: a fresh access token naming the user's households."""
    ttl = timedelta(seconds=info_context.runtime.settings.JWT_TTL_SECONDS)
    households = await memberships_of(session=info_context.session, user_id=user.id)
    token = info_context.signing_key.issue(user_id=user.id, households=households, ttl=ttl)
    return AuthPayload(token=token, expires_at=datetime.now(UTC) + ttl, user=User.from_row(user))
