from __future__ import annotations

from datetime import timedelta

import strawberry

from fincloud.graphql import AuthenticationError, RateLimitedError
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._tokens import client_ip, signed_in
from subgraphs.identity.services.accounts import InvalidCredentialsError, authenticate, normalize_email
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.services.limits import LoginLimiter
from subgraphs.identity.services.limits import RateLimitedError as Limited
from subgraphs.identity.services.sessions import start_session
from subgraphs.identity.types import AuthPayload


@strawberry.input(description="Sign-in credentials.")
class LoginInput:
    email: str = strawberry.field(description="Sign-in email address.")
    password: str = strawberry.field(description="Password.")
    use_cookies: bool = strawberry.field(
        default=False, description="Browsers: deliver the tokens as httpOnly cookies instead of in the payload."
    )


def limiter(context: Context) -> LoginLimiter:
    settings = context.runtime.settings
    return LoginLimiter(
        redis=context.runtime.redis,
        failures_per_account=settings.LOGIN_FAILURES_PER_ACCOUNT,
        attempts_per_ip=settings.LOGIN_ATTEMPTS_PER_IP,
        window_seconds=settings.LOGIN_WINDOW_SECONDS,
    )


async def login(info: strawberry.Info[Context, None], input: LoginInput) -> AuthPayload:
    """Sign in with email and password. Attempts are limited per account and per address."""
    context = info.context
    session = context.session
    ip = client_ip(context)
    email = normalize_email(input.email)
    limits = limiter(context)
    try:
        await limits.check(email=email, ip=ip)
    except Limited as exc:
        async with session.begin():
            await record(session, AuditKind.LOGIN_RATE_LIMITED, ip=ip, email=email)
        return AuthPayload(errors=[RateLimitedError(message=str(exc), retry_after=exc.retry_after)])
    try:
        user = await authenticate(session=session, email=email, password=input.password)
    except InvalidCredentialsError as exc:
        await limits.failed(email=email)
        await session.rollback()
        async with session.begin():
            await record(session, AuditKind.LOGIN_FAILED, user_id=exc.user_id, ip=ip, email=email)
        return AuthPayload(errors=[AuthenticationError(message="wrong email or password")])
    await limits.succeeded(email=email)
    await session.commit()  # ends the read; keeps ``user`` loaded (a rollback would expire it)
    async with session.begin():
        rotation = await start_session(
            session=session, user=user, ttl=timedelta(days=context.runtime.settings.REFRESH_TTL_DAYS)
        )
        await record(session, AuditKind.LOGIN_SUCCEEDED, user_id=user.id, ip=ip)
    return await signed_in(context, user, rotation, use_cookies=input.use_cookies)
