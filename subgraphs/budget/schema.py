"""Budget's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.budget.mutations.account_create import account_create
from subgraphs.budget.mutations.transaction_create import transaction_create
from subgraphs.budget.queries import Query
from subgraphs.budget.types import Account, Transaction


@strawberry.type
class Mutation:
    account_create = strawberry.mutation(
        resolver=account_create,
        description="Add an account to a household.",
        permission_classes=[IsAuthenticated],
    )
    transaction_create = strawberry.mutation(
        resolver=transaction_create,
        description="Record a transaction on an account.",
        permission_classes=[IsAuthenticated],
    )


schema = create_schema(query=Query, mutation=Mutation, types=[Account, Transaction])
