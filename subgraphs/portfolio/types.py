"""Portfolio's GraphQL types, and its contribution to budget's ``Account`` entity."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from fincloud.graphql import parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Portfolio as PortfolioRow


@strawberry.federation.type(keys=["id"], description="A budget account, as seen by the portfolio subgraph.")
class Account:
    id: strawberry.ID = strawberry.field(description="Account id.")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Account:
        return cls(id=id)

    @strawberry.field(description="The portfolio whose cash this account holds, if any.")
    async def portfolio(self, info: strawberry.Info[Context, None]) -> Portfolio | None:
        account_id = parse_id(self.id)
        row = await info.context.loaders.portfolio_by_account_id.load(account_id) if account_id else None
        return Portfolio.from_row(row) if row else None


@strawberry.federation.type(keys=["id"], description="A collection of investments tracked together.")
class Portfolio:
    id: strawberry.ID = strawberry.field(description="Portfolio id.")
    household_id: strawberry.ID = strawberry.field(description="The household that owns the portfolio.")
    name: str = strawberry.field(description='Display name, such as "Retirement".')
    base_currency: str = strawberry.field(description="ISO 4217 currency performance is reported in.")
    created_at: dt.datetime = strawberry.field(description="When the portfolio was added (UTC).")
    account_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: PortfolioRow) -> Portfolio:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            name=row.name,
            base_currency=row.base_currency,
            created_at=row.created_at,
            account_id=row.account_id,
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Portfolio | None:
        portfolio_id = parse_id(id)
        row = await info.context.loaders.portfolio_by_id.load(portfolio_id) if portfolio_id else None
        return cls.from_row(row) if row else None

    @strawberry.field(description="The budget account holding this portfolio's cash, if one is linked.")
    def account(self) -> Account | None:
        return Account(id=strawberry.ID(str(self.account_id))) if self.account_id else None
