"""Identity's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.identity.mutations.api_key_create import api_key_create
from subgraphs.identity.mutations.api_key_revoke import api_key_revoke
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


schema = create_schema(query=Query, mutation=Mutation, types=[User, Household])
