"""Portfolio's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.portfolio.mutations.portfolio_create import portfolio_create
from subgraphs.portfolio.queries import Query
from subgraphs.portfolio.types import Account, Portfolio


@strawberry.type
class Mutation:
    portfolio_create = strawberry.mutation(
        resolver=portfolio_create, description="Add a portfolio to a household.", permission_classes=[IsAuthenticated]
    )


schema = create_schema(query=Query, mutation=Mutation, types=[Account, Portfolio])
