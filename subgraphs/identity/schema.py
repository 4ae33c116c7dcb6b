"""Identity's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.identity.mutations.account_delete import account_delete
from subgraphs.identity.mutations.api_key_create import api_key_create
from subgraphs.identity.mutations.api_key_revoke import api_key_revoke
from subgraphs.identity.mutations.email_verify import email_verify, email_verify_request
from subgraphs.identity.mutations.household_members import (
    invitation_accept,
    invitation_create,
    member_remove,
    member_role_change,
)
from subgraphs.identity.mutations.password_change import (
    password_change,
    password_reset_confirm,
    password_reset_request,
)
from subgraphs.identity.mutations.token_refresh import token_refresh
from subgraphs.identity.mutations.user_login import login
from subgraphs.identity.mutations.user_logout import logout
from subgraphs.identity.mutations.user_register import register
from subgraphs.identity.queries import Query
from subgraphs.identity.types import Household, User


@strawberry.type
class Mutation:
    register = strawberry.mutation(
        resolver=register, description="Create an account and its first household, and sign in."
    )
    login = strawberry.mutation(resolver=login, description="Sign in with email and password.")
    token_refresh = strawberry.mutation(
        resolver=token_refresh, description="Exchange a refresh token for new tokens (rotation on every use)."
    )
    logout = strawberry.mutation(resolver=logout, description="End this session, or every session of the user.")
    api_key_create = strawberry.mutation(
        resolver=api_key_create,
        description="Create an API key for one household; the secret is returned once.",
        permission_classes=[IsAuthenticated],
    )
    api_key_revoke = strawberry.mutation(
        resolver=api_key_revoke, description="Revoke an API key.", permission_classes=[IsAuthenticated]
    )
    email_verify_request = strawberry.mutation(
        resolver=email_verify_request,
        description="Email a link that confirms your address.",
        permission_classes=[IsAuthenticated],
    )
    email_verify = strawberry.mutation(resolver=email_verify, description="Confirm an email address with its token.")
    password_change = strawberry.mutation(
        resolver=password_change, description="Change your password.", permission_classes=[IsAuthenticated]
    )
    password_reset_request = strawberry.mutation(
        resolver=password_reset_request, description="Email a password-reset link."
    )
    password_reset_confirm = strawberry.mutation(
        resolver=password_reset_confirm, description="Set a new password with a reset token."
    )
    account_delete = strawberry.mutation(
        resolver=account_delete, description="Delete your account.", permission_classes=[IsAuthenticated]
    )
    invitation_create = strawberry.mutation(
        resolver=invitation_create, description="Invite someone to a household.", permission_classes=[IsAuthenticated]
    )
    invitation_accept = strawberry.mutation(
        resolver=invitation_accept, description="Join a household by invitation.", permission_classes=[IsAuthenticated]
    )
    member_role_change = strawberry.mutation(
        resolver=member_role_change, description="Change a member's role.", permission_classes=[IsAuthenticated]
    )
    member_remove = strawberry.mutation(
        resolver=member_remove,
        description="Remove a member, or leave a household.",
        permission_classes=[IsAuthenticated],
    )


schema = create_schema(query=Query, mutation=Mutation, types=[User, Household])
