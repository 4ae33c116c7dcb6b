"""Portfolios. Keyword-only async functions; no GraphQL here. Callers own the transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.portfolio.models import Portfolio

__all__ = ["AccountTakenError", "create_portfolio"]


class AccountTakenError(Exception):
    """The account already backs another portfolio of this household."""


async def create_portfolio(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    name: str,
    base_currency: str,
    account_id: uuid.UUID | None,
) -> Portfolio:
    if account_id is not None:
        taken = await session.scalar(
            select(Portfolio.id).where(Portfolio.household_id == household_id, Portfolio.account_id == account_id)
        )
        if taken is not None:
            raise AccountTakenError(account_id)
    portfolio = Portfolio(household_id=household_id, name=name, base_currency=base_currency, account_id=account_id)
    session.add(portfolio)
    await session.flush()
    return portfolio
