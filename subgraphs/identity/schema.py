"""Identity's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import create_schema
from subgraphs.identity.mutations.user_login import login
from subgraphs.identity.mutations.user_register import register
from subgraphs.identity.queries import Query
from subgraphs.identity.types import Household, User


@strawberry.type
class Mutation:
    register = strawberry.mutation(
        resolver=register, description="Create an account and its first household, and sign in."
    )
    login = strawberry.mutation(resolver=login, description="Sign in with email and password.")


schema = create_schema(query=Query, mutation=Mutation, types=[User, Household])
