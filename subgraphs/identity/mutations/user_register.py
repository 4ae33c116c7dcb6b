from __future__ import annotations

from datetime import timedelta

import strawberry

from fincloud.graphql import ValidationError
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._tokens import client_ip, signed_in
from subgraphs.identity.services.accounts import (
    MIN_PASSWORD_LENGTH,
    EmailTakenError,
    register_user,
)
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.services.sessions import start_session
from subgraphs.identity.types import AuthPayload


@strawberry.input(description="A new user and their first household.")
class RegisterInput:
    email: str = strawberry.field(description="Sign-in email address.")
    password: str = strawberry.field(description=f"At least {MIN_PASSWORD_LENGTH} characters.")
    name: str = strawberry.field(description="Display name.")
    household_name: str | None = strawberry.field(
        default=None, description='Name of the first household; defaults to "<name>\'s household".'
    )
    use_cookies: bool = strawberry.field(
        default=False, description="Browsers: deliver the tokens as httpOnly cookies instead of in the payload."
    )


def _validate(data: RegisterInput) -> list[ValidationError]:
    errors = []
    email = data.email.strip()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or " " in email:
        errors.append(ValidationError(field="email", message="enter a valid email address"))
    if len(data.password) < MIN_PASSWORD_LENGTH:
        errors.append(ValidationError(field="password", message=f"use at least {MIN_PASSWORD_LENGTH} characters"))
    if not data.name.strip() or len(data.name) > 200:
        errors.append(ValidationError(field="name", message="enter a name of 1 to 200 characters"))
    if data.household_name is not None and not 0 < len(data.household_name.strip()) <= 200:
        errors.append(ValidationError(field="householdName", message="enter a name of 1 to 200 characters"))
    return errors


async def register(info: strawberry.Info[Context, None], input: RegisterInput) -> AuthPayload:
    """Create an account and its first household, and sign in."""
    if errors := _validate(input):
        return AuthPayload(errors=list(errors))
    context = info.context
    session = context.session
    try:
        async with session.begin():
            registration = await register_user(
                session=session,
                email=input.email,
                password=input.password,
                name=input.name,
                household_name=input.household_name,
            )
            rotation = await start_session(
                session=session,
                user=registration.user,
                ttl=timedelta(days=context.runtime.settings.REFRESH_TTL_DAYS),
            )
            await record(
                session,
                AuditKind.REGISTERED,
                user_id=registration.user.id,
                household_id=registration.household.id,
                ip=client_ip(context),
            )
    except EmailTakenError:
        return AuthPayload(errors=[ValidationError(field="email", message="this email is already registered")])
    return await signed_in(context, registration.user, rotation, use_cookies=input.use_cookies)
