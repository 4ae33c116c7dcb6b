from __future__ import annotations

import strawberry
from sqlalchemy import select

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.mutations._common import writable_portfolio
from subgraphs.portfolio.services.instruments import visible
from subgraphs.portfolio.types import CostMethod, Portfolio


@strawberry.input(description="Changes to a portfolio; omitted fields stay as they are.")
class PortfolioUpdateInput:
    id: strawberry.ID = strawberry.field(description="The portfolio.")
    name: str | None = strawberry.field(default=None, description="Display name, 1 to 200 characters.")
    cost_method: CostMethod | None = strawberry.field(
        default=None, description="FIFO or AVERAGE; realised and unrealised gains are recomputed from the history."
    )
    benchmark_id: strawberry.ID | None = strawberry.field(
        default=None, description="The instrument to compare performance against."
    )
    clear_benchmark: bool = strawberry.field(default=False, description="Remove the benchmark.")


@strawberry.type(description="The outcome of `portfolioUpdate`.")
class PortfolioUpdatePayload:
    portfolio: Portfolio | None = strawberry.field(default=None, description="The portfolio as changed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def portfolio_update(info: strawberry.Info[Context, None], input: PortfolioUpdateInput) -> PortfolioUpdatePayload:
    session = info.context.session
    async with session.begin():
        portfolio = await writable_portfolio(info, input.id)
        if portfolio is None:
            return PortfolioUpdatePayload(errors=[NotFoundError(field="id", message="no such portfolio")])
        errors: list[UserError] = []
        name = input.name.strip() if input.name is not None else None
        if name is not None and not 0 < len(name) <= 200:
            errors.append(ValidationError(field="name", message="enter a name of 1 to 200 characters"))
        benchmark_id = parse_id(input.benchmark_id) if input.benchmark_id is not None else None
        if input.benchmark_id is not None:
            found = benchmark_id and await session.scalar(
                select(InstrumentRow.id).where(InstrumentRow.id == benchmark_id, visible([portfolio.household_id]))
            )
            if not found:
                errors.append(NotFoundError(field="benchmarkId", message="no such instrument"))
        if errors:
            return PortfolioUpdatePayload(errors=errors)
        if name is not None:
            portfolio.name = name
        if input.clear_benchmark:
            portfolio.benchmark_id = None
        elif benchmark_id is not None:
            portfolio.benchmark_id = benchmark_id
        if input.cost_method is not None:
            # Gains are computed from the history on every read, so a new method applies at once.
            portfolio.cost_method = input.cost_method.value
        await session.flush()
    return PortfolioUpdatePayload(portfolio=Portfolio.from_row(portfolio))
