"""Portfolios. Keyword-only async functions; no GraphQL here. Callers own the transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.portfolio.models import Portfolio
from subgraphs.portfolio.services.budget_accounts import INVESTMENT, find_account

__all__ = [
    "AccountArchivedError",
    "AccountNotFoundError",
    "AccountTakenError",
    "AccountTypeError",
    "create_portfolio",
    "portfolio_for",
]


class AccountNotFoundError(LookupError):
    """No such account in the household, as far as portfolio's replica of budget's accounts knows."""


class AccountTypeError(ValueError):
    """The account is not an investment account."""


class AccountArchivedError(ValueError):
    """The account is archived: it keeps its history but backs nothing new."""


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
    """Add a portfolio to the household, optionally backed by one of the household's investment accounts.

    The account is checked against portfolio's replica of budget's accounts (``budget_accounts``): an account
    that is unknown, deleted or another household's raises ``AccountNotFoundError``; one that is not an
    investment account, ``AccountTypeError``; an archived one, ``AccountArchivedError``; one that already backs a portfolio, ``AccountTakenError``. The
    replica lags budget slightly: callers that may be ahead of it wait with ``wait_for_account`` first.
    """
    if account_id is not None:
        account = await find_account(session=session, household_id=household_id, account_id=account_id)
        if account is None:
            raise AccountNotFoundError(account_id)
        if account.type != INVESTMENT:
            raise AccountTypeError(account_id)
        if account.archived:
            raise AccountArchivedError(account_id)
        taken = await session.scalar(
            select(Portfolio.id).where(Portfolio.household_id == household_id, Portfolio.account_id == account_id)
        )
        if taken is not None:
            raise AccountTakenError(account_id)
    portfolio = Portfolio(household_id=household_id, name=name, base_currency=base_currency, account_id=account_id)
    session.add(portfolio)
    await session.flush()
    return portfolio


async def portfolio_for(
    *, session: AsyncSession, household_ids: list[uuid.UUID] | tuple[uuid.UUID, ...], portfolio_id: uuid.UUID | None
) -> Portfolio | None:
    """The portfolio if it belongs to one of ``household_ids``; ``None`` otherwise (missing and foreign look the
    same)."""
    if portfolio_id is None or not household_ids:
        return None
    return await session.scalar(
        select(Portfolio).where(Portfolio.id == portfolio_id, Portfolio.household_id.in_(household_ids))
    )
