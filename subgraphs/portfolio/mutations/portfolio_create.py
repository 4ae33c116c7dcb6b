from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from fincloud.money import MoneyError, normalize_currency
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.services.budget_accounts import wait_for_account
from subgraphs.portfolio.services.portfolios import (
    AccountArchivedError,
    AccountNotFoundError,
    AccountTakenError,
    AccountTypeError,
    create_portfolio,
)
from subgraphs.portfolio.types import Portfolio


@strawberry.input(description="A new portfolio.")
class PortfolioCreateInput:
    name: str = strawberry.field(description="Display name, 1 to 200 characters.")
    base_currency: str = strawberry.field(description="ISO 4217 currency performance is reported in.")
    account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The budget account holding the portfolio's cash: an `INVESTMENT` account of the same household.",
    )
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="Owning household; defaults to the viewer's first household."
    )


@strawberry.type(description="The outcome of `portfolioCreate`.")
class PortfolioCreatePayload:
    portfolio: Portfolio | None = strawberry.field(default=None, description="The new portfolio.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def portfolio_create(info: strawberry.Info[Context, None], input: PortfolioCreateInput) -> PortfolioCreatePayload:
    viewer = info.context.viewer
    errors: list[UserError] = []
    if input.household_id is not None:
        household_id = parse_id(input.household_id)
    else:
        household_id = viewer.household_ids[0] if viewer.household_ids else None
    if household_id is None or not viewer.can_write(household_id):
        errors.append(NotFoundError(field="householdId", message="no such household"))
    name = input.name.strip()
    if not 0 < len(name) <= 200:
        errors.append(ValidationError(field="name", message="enter a name of 1 to 200 characters"))
    currency = ""
    try:
        currency = normalize_currency(input.base_currency)
    except MoneyError as exc:
        errors.append(ValidationError(field="baseCurrency", message=str(exc)))
    account_id = None
    if input.account_id is not None:
        account_id = parse_id(input.account_id)
        if account_id is None:
            errors.append(NotFoundError(field="accountId", message="no such account"))
    if errors or household_id is None:
        return PortfolioCreatePayload(errors=errors)
    if account_id is not None:
        # Portfolio learns of budget's accounts from events, a moment after budget commits them: an account
        # created just now may not be known yet. Wait for it (no transaction open) before calling it missing.
        settings = info.context.runtime.settings
        await wait_for_account(
            sessionmaker=info.context.runtime.sessionmaker,
            household_id=household_id,
            account_id=account_id,
            wait_seconds=settings.REPLICA_WAIT_SECONDS,
            poll_seconds=settings.REPLICA_POLL_SECONDS,
        )
    session = info.context.session
    try:
        async with session.begin():
            row = await create_portfolio(
                session=session, household_id=household_id, name=name, base_currency=currency, account_id=account_id
            )
    except AccountNotFoundError:
        return PortfolioCreatePayload(errors=[NotFoundError(field="accountId", message="no such account")])
    except AccountTypeError:
        return PortfolioCreatePayload(errors=[ValidationError(field="accountId", message="link an investment account")])
    except AccountArchivedError:
        return PortfolioCreatePayload(
            errors=[ValidationError(field="accountId", message="this account is archived; unarchive it first")]
        )
    except AccountTakenError:
        return PortfolioCreatePayload(
            errors=[ValidationError(field="accountId", message="this account already backs a portfolio")]
        )
    return PortfolioCreatePayload(portfolio=Portfolio.from_row(row))
