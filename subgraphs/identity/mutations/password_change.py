from __future__ import annotations

import strawberry
from sqlalchemy import func, select

from fincloud.graphql import AuthenticationError, RateLimitedError, UserError, ValidationError
from subgraphs.identity.context import Context
from subgraphs.identity.models import User
from subgraphs.identity.mutations._common import ActionPayload, api_key_refusal, password_errors
from subgraphs.identity.mutations._tokens import client_ip
from subgraphs.identity.services import user_tokens
from subgraphs.identity.services.accounts import normalize_email, set_password, verify_password
from subgraphs.identity.services.limits import LoginLimiter
from subgraphs.identity.services.limits import RateLimitedError as Limited
from subgraphs.identity.services.mail import request_email


@strawberry.input(description="The current password and the new one.")
class PasswordChangeInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="At least 10 characters.")


async def password_change(info: strawberry.Info[Context, None], input: PasswordChangeInput) -> ActionPayload:
    """Change the password; every session, this one included, must sign in again."""
    if refused := api_key_refusal(info.context.viewer):
        return ActionPayload(errors=refused)
    errors: list[UserError] = password_errors(input.new_password)
    if errors:
        return ActionPayload(errors=errors)
    session = info.context.session
    async with session.begin():
        user = await session.get(User, info.context.viewer.user_id, with_for_update=True)
        if user is None:
            return ActionPayload(errors=[AuthenticationError(message="sign in first")])
        if not await verify_password(user, input.current_password):
            return ActionPayload(errors=[ValidationError(field="currentPassword", message="wrong password")])
        await set_password(session=session, user=user, password=input.new_password)
    return ActionPayload(ok=True)


async def password_reset_request(info: strawberry.Info[Context, None], email: str) -> ActionPayload:
    """Email a password-reset link. Answers the same whether or not the address is registered; limited per
    address and per client."""
    settings = info.context.runtime.settings
    limits = LoginLimiter(
        redis=info.context.runtime.redis,
        failures_per_account=3,
        attempts_per_ip=settings.LOGIN_ATTEMPTS_PER_IP,
        window_seconds=settings.LOGIN_WINDOW_SECONDS,
        scope="reset",
    )
    try:
        await limits.check(email=email, ip=client_ip(info.context))
    except Limited as exc:
        return ActionPayload(errors=[RateLimitedError(message=str(exc), retry_after=exc.retry_after)])
    await limits.failed(email=email)
    session = info.context.session
    async with session.begin():
        user = await session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))
        if user is not None:
            token = await user_tokens.issue(
                session=session, user_id=user.id, purpose=user_tokens.Purpose.RESET_PASSWORD
            )
            await request_email(
                session,
                to=user.email,
                template="reset_password",
                token=token,
                dev=info.context.runtime.settings.ENV == "dev",
            )
    return ActionPayload(ok=True)


@strawberry.input(description="The token from the reset email and the new password.")
class PasswordResetConfirmInput:
    token: str = strawberry.field(description="The token from the password-reset email.")
    new_password: str = strawberry.field(description="At least 10 characters.")


async def password_reset_confirm(
    info: strawberry.Info[Context, None], input: PasswordResetConfirmInput
) -> ActionPayload:
    """Set a new password with a reset token; every session of the user ends."""
    errors = password_errors(input.new_password)
    if errors:
        return ActionPayload(errors=errors)
    session = info.context.session
    async with session.begin():
        try:
            user_id = await user_tokens.consume(
                session=session, token=input.token, purpose=user_tokens.Purpose.RESET_PASSWORD
            )
        except user_tokens.InvalidUserTokenError:
            return ActionPayload(errors=[ValidationError(field="token", message="this link is invalid or has expired")])
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            return ActionPayload(errors=[ValidationError(field="token", message="this link is invalid or has expired")])
        await set_password(session=session, user=user, password=input.new_password)
    return ActionPayload(ok=True)
