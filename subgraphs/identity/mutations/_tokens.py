"""Signing in: an access token, a refresh token, and — for browsers — both as httpOnly cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from subgraphs.identity.context import Context
from subgraphs.identity.models import User as UserRow
from subgraphs.identity.services.accounts import memberships_of
from subgraphs.identity.services.sessions import Rotation
from subgraphs.identity.types import AuthPayload, User

ACCESS_COOKIE = "fincloud_access"
REFRESH_COOKIE = "fincloud_refresh"


def client_ip(context: Context) -> str | None:
    """The caller's address as the router reports it (only the router reaches this subgraph)."""
    request = context.request
    if not isinstance(request, Request):
        return None
    forwarded = request.headers.get("x-fincloud-client-ip")
    return forwarded or (request.client.host if request.client else None)


def refresh_cookie(context: Context) -> str | None:
    request = context.request
    return request.cookies.get(REFRESH_COOKIE) if isinstance(request, Request) else None


def set_cookies(
    context: Context, *, access: str | None, refresh: str | None, access_ttl: int, refresh_ttl: int
) -> None:
    """Set (or, with ``None``, clear) the session cookies: httpOnly, Secure, SameSite."""
    response = context.response
    if not isinstance(response, Response):
        return
    secure = context.runtime.settings.COOKIE_SECURE
    for name, value, ttl, same_site in (
        (ACCESS_COOKIE, access, access_ttl, "lax"),
        (REFRESH_COOKIE, refresh, refresh_ttl, "strict"),
    ):
        response.set_cookie(
            name,
            value or "",
            max_age=ttl if value else 0,
            path="/",
            secure=secure,
            httponly=True,
            samesite=same_site,  # type: ignore[arg-type]
        )


async def signed_in(context: Context, user: UserRow, rotation: Rotation, *, use_cookies: bool) -> AuthPayload:
    """The payload of a successful sign-in or refresh: a fresh access token naming the user's households."""
    settings = context.runtime.settings
    ttl = timedelta(seconds=settings.JWT_TTL_SECONDS)
    households = await memberships_of(session=context.session, user_id=user.id)
    token = context.signing_key.issue(
        user_id=user.id, households=households, ttl=ttl, extra={"sid": str(rotation.family_id)}
    )
    expires_at = datetime.now(UTC) + ttl
    if use_cookies:
        set_cookies(
            context,
            access=token,
            refresh=rotation.refresh_token,
            access_ttl=settings.JWT_TTL_SECONDS,
            refresh_ttl=settings.REFRESH_TTL_DAYS * 86400,
        )
        return AuthPayload(expires_at=expires_at, user=User.from_row(user))
    return AuthPayload(
        token=token, refresh_token=rotation.refresh_token, expires_at=expires_at, user=User.from_row(user)
    )
