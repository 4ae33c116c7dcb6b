from __future__ import annotations

import strawberry

from fincloud.auth import Viewer
from fincloud.graphql import AuthenticationError, UserError, ValidationError
from subgraphs.identity.services.accounts import MIN_PASSWORD_LENGTH


@strawberry.type(description="The outcome of an action that returns nothing else.")
class ActionPayload:
    ok: bool = strawberry.field(default=False, description="Whether it was done.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


def password_errors(password: str, field: str = "newPassword") -> list[UserError]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [ValidationError(field=field, message=f"use at least {MIN_PASSWORD_LENGTH} characters")]
    if len(password) > 1024:
        return [ValidationError(field=field, message="use at most 1024 characters")]
    return []


def api_key_refusal(viewer: Viewer) -> list[UserError]:
    """Accounts, credentials, keys and members are changed by the user signed in with a password, never by a script
    holding one of their API keys (even a read-write one): a leaked key must not be able to take the account."""
    if viewer.api_key_id is None:
        return []
    return [AuthenticationError(message="sign in with your password: API keys cannot change accounts, keys or members")]
