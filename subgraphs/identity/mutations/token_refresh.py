from __future__ import annotations

from datetime import timedelta

import strawberry

from fincloud.graphql import AuthenticationError
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._tokens import client_ip, refresh_cookie, set_cookies, signed_in
from subgraphs.identity.services.sessions import InvalidRefreshTokenError, rotate
from subgraphs.identity.types import AuthPayload


@strawberry.input(description="A refresh token to exchange; browsers send none and use their cookie.")
class TokenRefreshInput:
    refresh_token: str | None = strawberry.field(
        default=None, description="The refresh token from `login`; omit it to use the `fincloud_refresh` cookie."
    )
    use_cookies: bool = strawberry.field(
        default=False, description="Deliver the new tokens as httpOnly cookies instead of in the payload."
    )


async def token_refresh(info: strawberry.Info[Context, None], input: TokenRefreshInput | None = None) -> AuthPayload:
    """Exchange a refresh token for a new access token and a new refresh token (each is single-use)."""
    context = info.context
    data = input or TokenRefreshInput()
    from_cookie = data.refresh_token is None
    token = data.refresh_token or refresh_cookie(context)
    use_cookies = data.use_cookies or from_cookie
    settings = context.runtime.settings
    session = context.session
    if not token:
        return AuthPayload(errors=[AuthenticationError(message="no refresh token")])
    try:
        rotation = await rotate(
            session=session,
            token=token,
            ttl=timedelta(days=settings.REFRESH_TTL_DAYS),
            grace=timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS),
            ip=client_ip(context),
        )
        await session.commit()
    except InvalidRefreshTokenError:
        await session.rollback()
        if use_cookies:
            set_cookies(context, access=None, refresh=None, access_ttl=0, refresh_ttl=0)
        return AuthPayload(errors=[AuthenticationError(message="the session has ended; sign in again")])
    return await signed_in(context, rotation.user, rotation, use_cookies=use_cookies)
