from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import func, or_, select

from fincloud.graphql import Connection, IsAuthenticated, paginate
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Alert as AlertRow
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.models import Portfolio as PortfolioRow
from subgraphs.portfolio.models import SourceStatus as SourceStatusRow
from subgraphs.portfolio.services.instruments import visible
from subgraphs.portfolio.types import Alert, Instrument, Portfolio, SourceStatus


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

    @strawberry.field(
        description="Instruments the viewer can use (every listed one and their households' own), by symbol.",
        permission_classes=[IsAuthenticated],
    )
    async def instruments(
        self,
        info: strawberry.Info[Context, None],
        search: Annotated[
            str | None,
            strawberry.argument(description="Matches the start of the symbol, the ISIN, or words of the name."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Instrument]:
        query = select(InstrumentRow).where(visible(info.context.viewer.household_ids))
        text = (search or "").strip()
        if text:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(
                or_(
                    InstrumentRow.symbol.startswith(escaped.upper(), autoescape=False),
                    InstrumentRow.isin == text.upper(),
                    func.lower(InstrumentRow.name).contains(escaped.lower(), autoescape=False),
                )
            )
        return await paginate(
            info.context.session,
            query,
            keys=[InstrumentRow.symbol, InstrumentRow.id],
            node=Instrument.from_row,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="One instrument by id; null if it does not exist or is another household's own.",
        permission_classes=[IsAuthenticated],
    )
    async def instrument(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Instrument | None:
        return await Instrument.resolve_reference(info, id)

    @strawberry.field(
        description="Alerts of the viewer's households, newest first.", permission_classes=[IsAuthenticated]
    )
    async def alerts(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Alert]:
        return await paginate(
            info.context.session,
            select(AlertRow).where(AlertRow.household_id.in_(info.context.viewer.household_ids)),
            keys=[AlertRow.created_at, AlertRow.id],
            node=Alert.from_row,
            first=first,
            after=after,
            descending=True,
        )

    @strawberry.field(
        description="How each price source fared on its latest runs: a late price's explanation.",
        permission_classes=[IsAuthenticated],
    )
    async def price_sources(self, info: strawberry.Info[Context, None]) -> list[SourceStatus]:
        rows = await info.context.session.scalars(select(SourceStatusRow).order_by(SourceStatusRow.source))
        return [SourceStatus.from_row(row) for row in rows]
