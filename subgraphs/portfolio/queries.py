from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry
from sqlalchemy import and_, or_, select

from fincloud.graphql import (
    Connection,
    IsAuthenticated,
    UserInputError,
    decode_cursor,
    encode_cursor,
    page_size,
    to_connection,
)
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
        limit = page_size(first)
        query = select(PortfolioRow).where(PortfolioRow.household_id.in_(info.context.viewer.household_ids))
        if after is not None:
            created, pid = decode_cursor(after, arity=2)
            try:
                key = (dt.datetime.fromisoformat(created), uuid.UUID(pid))
            except ValueError:
                raise UserInputError("invalid cursor", field="after") from None
            query = query.where(
                or_(PortfolioRow.created_at > key[0], and_(PortfolioRow.created_at == key[0], PortfolioRow.id > key[1]))
            )
        query = query.order_by(PortfolioRow.created_at, PortfolioRow.id).limit(limit + 1)
        rows = (await info.context.session.scalars(query)).all()
        return to_connection(
            rows, limit=limit, node=Portfolio.from_row, cursor=lambda r: encode_cursor(r.created_at.isoformat(), r.id)
        )

    @strawberry.field(
        description="One portfolio by id; null if it does not exist or is not yours.",
        permission_classes=[IsAuthenticated],
    )
    async def portfolio(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Portfolio | None:
        return await Portfolio.resolve_reference(info, id)
