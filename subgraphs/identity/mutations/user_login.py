from __future__ import annotations

import strawberry

from fincloud.graphql import AuthenticationError
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._tokens import signed_in
from subgraphs.identity.services.accounts import InvalidCredentialsError, authenticate
from subgraphs.identity.types import AuthPayload


@strawberry.input(description="Sign-in credentials.")
class LoginInput:
    email: str = strawberry.field(description="Sign-in email address.")
    password: str = strawberry.field(description="Password.")


async def login(info: strawberry.Info[Context, None], input: LoginInput) -> AuthPayload:
    """Sign in with email and password; returns a short-lived access token."""
    try:
        user = await authenticate(session=info.context.session, email=input.email, password=input.password)
    except InvalidCredentialsError:
        return AuthPayload(errors=[AuthenticationError(message="wrong email or password")])
    return await signed_in(info.context, user)
