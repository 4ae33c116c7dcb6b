"""What the portfolio mutations share: finding the viewer's writable portfolio."""

from __future__ import annotations

import strawberry

from fincloud.graphql import parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Portfolio
from subgraphs.portfolio.services.portfolios import portfolio_for


async def writable_portfolio(info: strawberry.Info[Context, None], portfolio_id: strawberry.ID) -> Portfolio | None:
    """The portfolio if the viewer may change it; ``None`` when it is missing, foreign or read-only to them (a
    viewer-role member is told "not found" too, like any id they cannot act on)."""
    viewer = info.context.viewer
    writable = [h for h in viewer.household_ids if viewer.can_write(h)]
    return await portfolio_for(
        session=info.context.session, household_ids=writable, portfolio_id=parse_id(portfolio_id)
    )
