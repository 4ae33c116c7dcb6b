from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, IsAuthenticated, paginate
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Portfolio as PortfolioRow
from subgraphs.portfolio.types import Portfolio


@strawberry.type
class Query:
    @strawberry.field(
        description="Portfolios of the viewer's households, oldest first.", permission_classes=[IsAuthenticated]
    )
    async def portfolios(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Portfolio]:
        return await paginate(
            info.context.session,
            select(PortfolioRow).where(PortfolioRow.household_id.in_(info.context.viewer.household_ids)),
            keys=[PortfolioRow.created_at, PortfolioRow.id],
            node=Portfolio.from_row,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="One portfolio by id; null if it does not exist or is not yours.",
        permission_classes=[IsAuthenticated],
    )
    async def portfolio(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Portfolio | None:
        return await Portfolio.resolve_reference(info, id)
