from __future__ import annotations

import strawberry

from fincloud.graphql import AuthenticationError, ValidationError
from subgraphs.identity.context import Context
from subgraphs.identity.models import User
from subgraphs.identity.mutations._common import ActionPayload, api_key_refusal
from subgraphs.identity.services import user_tokens
from subgraphs.identity.services.accounts import mark_email_verified
from subgraphs.identity.services.mail import request_email


async def email_verify_request(info: strawberry.Info[Context, None]) -> ActionPayload:
    """Email the signed-in user a link that confirms their address."""
    if refused := api_key_refusal(info.context.viewer):
        return ActionPayload(errors=refused)
    context = info.context
    session = context.session
    async with session.begin():
        user = await session.get(User, context.viewer.user_id)
        if user is None:
            return ActionPayload(errors=[AuthenticationError(message="sign in first")])
        if user.email_verified_at is not None:
            return ActionPayload(errors=[ValidationError(field="email", message="this address is already verified")])
        token = await user_tokens.issue(session=session, user_id=user.id, purpose=user_tokens.Purpose.VERIFY_EMAIL)
        await request_email(
            session, to=user.email, template="verify_email", token=token, dev=context.runtime.settings.ENV == "dev"
        )
    return ActionPayload(ok=True)


async def email_verify(info: strawberry.Info[Context, None], token: str) -> ActionPayload:
    """Confirm an email address with the token from the verification email."""
    session = info.context.session
    async with session.begin():
        try:
            user_id = await user_tokens.consume(session=session, token=token, purpose=user_tokens.Purpose.VERIFY_EMAIL)
        except user_tokens.InvalidUserTokenError:
            return ActionPayload(errors=[ValidationError(field="token", message="this link is invalid or has expired")])
        await mark_email_verified(session=session, user_id=user_id)
    return ActionPayload(ok=True)
