"""``portfolioCreate``, and the account it may be linked to: one of the household's investment accounts, as
portfolio's replica of budget's accounts knows them (fed by ``budget.account_changed`` through the worker)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from arq.connections import ArqRedis
from sqlalchemy import func, select

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context as BudgetContext
from subgraphs.budget.models import Account
from subgraphs.budget.schema import schema as budget_schema
from subgraphs.budget.services.account_events import write_account_changed
from subgraphs.budget.services.ledger import AccountKind
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Portfolio
from subgraphs.portfolio.schema import schema
from tests.conftest import execute
from tests.factories import deliver_events, make_account, make_viewer

PORTFOLIO_CREATE = """
mutation PortfolioCreate($input: PortfolioCreateInput!) {
  portfolioCreate(input: $input) {
    portfolio { id householdId name baseCurrency account { id } }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""

ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { id } errors { message } }
}
"""

NOT_FOUND = [{"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}]

SHORT_WAIT = 0.4
"""The replica wait for tests of accounts that never arrive (the default is 3 s)."""


def waiting(runtime: Runtime, seconds: float) -> Runtime:
    """``runtime`` with portfolio waiting ``seconds`` for an account it has not heard of."""
    return dataclasses.replace(runtime, settings=runtime.settings.model_copy(update={"REPLICA_WAIT_SECONDS": seconds}))


async def create(runtime: Runtime, viewer: Viewer, **input_: Any) -> dict[str, Any]:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        PORTFOLIO_CREATE,
        input={"name": "Retirement", "baseCurrency": "EUR", **input_},
    )
    return dict(data["portfolioCreate"])


async def count_portfolios(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Portfolio)) or 0)


async def known_account(
    runtime: Runtime, pool: ArqRedis, household: uuid.UUID, kind: AccountKind = AccountKind.INVESTMENT
) -> str:
    """An account of ``household`` created in budget, whose event the worker has delivered to portfolio."""
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, name="Brokerage", kind=kind)
    assert await deliver_events(runtime, pool) == ["portfolio_on_account_changed"]
    return str(account.id)


async def test_a_portfolio_without_an_account(runtime: Runtime) -> None:
    viewer = make_viewer()
    payload = await create(runtime, viewer, name=" Retirement ", baseCurrency="usd")
    assert payload["errors"] == []
    assert payload["portfolio"]["name"] == "Retirement"
    assert payload["portfolio"]["baseCurrency"] == "USD"
    assert payload["portfolio"]["householdId"] == str(viewer.household_ids[0])
    assert payload["portfolio"]["account"] is None


async def test_links_an_investment_account_of_the_household(runtime: Runtime, pool: ArqRedis) -> None:
    viewer = make_viewer()
    account_id = await known_account(runtime, pool, viewer.household_ids[0])
    payload = await create(runtime, viewer, accountId=account_id)
    assert payload["errors"] == []
    assert payload["portfolio"]["account"] == {"id": account_id}

    # One portfolio per account.
    again = await create(runtime, viewer, name="Second", accountId=account_id)
    assert again == {
        "portfolio": None,
        "errors": [
            {"__typename": "ValidationError", "message": "this account already backs a portfolio", "field": "accountId"}
        ],
    }
    assert await count_portfolios(runtime) == 1


async def test_an_account_created_a_moment_ago_is_linked_as_soon_as_portfolio_hears_of_it(
    runtime: Runtime, pool: ArqRedis
) -> None:
    """A script creates an investment account and links it at once, before the worker delivered the event:
    portfolio waits for the event instead of calling the account missing."""
    viewer = make_viewer()
    created = await execute(
        budget_schema,
        BudgetContext(runtime=runtime, viewer=viewer),
        ACCOUNT_CREATE,
        input={"name": "Brokerage", "type": "INVESTMENT", "currency": "EUR"},
    )
    account_id = created["accountCreate"]["account"]["id"]

    delay = 0.5

    async def worker() -> list[str]:
        await asyncio.sleep(delay)
        return await deliver_events(runtime, pool)

    started = time.monotonic()
    delivery = asyncio.create_task(worker())
    payload = await create(runtime, viewer, accountId=account_id)
    elapsed = time.monotonic() - started
    assert await delivery == ["portfolio_on_account_changed"]
    assert payload["errors"] == []
    assert payload["portfolio"]["account"] == {"id": account_id}
    assert delay <= elapsed < runtime.settings.REPLICA_WAIT_SECONDS  # it waited for the event, and no longer


async def test_another_households_account_answers_like_an_account_that_does_not_exist(
    runtime: Runtime, pool: ArqRedis
) -> None:
    mallory, alice = make_viewer(), make_viewer()
    alices = await known_account(runtime, pool, alice.household_ids[0])
    ghost = str(uuid.uuid4())
    slow = waiting(runtime, SHORT_WAIT)
    answers: dict[str, str] = {}
    for name, account_id in [("alice's", alices), ("ghost", ghost)]:
        started = time.monotonic()
        payload = await create(slow, mallory, accountId=account_id)
        # Both wait for the account to arrive (it never will), so not even the timing tells them apart.
        assert time.monotonic() - started >= SHORT_WAIT
        assert payload == {"portfolio": None, "errors": NOT_FOUND}
        answers[name] = json.dumps(payload).replace(account_id, "<id>")
    assert answers["alice's"] == answers["ghost"]
    assert await count_portfolios(runtime) == 0


async def test_an_account_portfolio_has_not_heard_of_is_not_found_after_the_wait(runtime: Runtime) -> None:
    """The household's own account, whose event never reached portfolio (the worker is down): refused, bounded."""
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0], kind=AccountKind.INVESTMENT)
    started = time.monotonic()
    payload = await create(waiting(runtime, SHORT_WAIT), viewer, accountId=str(account.id))
    assert SHORT_WAIT <= time.monotonic() - started < SHORT_WAIT + 1
    assert payload == {"portfolio": None, "errors": NOT_FOUND}
    assert await count_portfolios(runtime) == 0


async def test_a_deleted_account_is_not_found(runtime: Runtime, pool: ArqRedis) -> None:
    viewer = make_viewer()
    account_id = await known_account(runtime, pool, viewer.household_ids[0])
    async with runtime.sessionmaker() as session, session.begin():
        account = await session.get(Account, uuid.UUID(account_id))
        assert account is not None
        await write_account_changed(session=session, account=account, deleted=True)
        await session.delete(account)
    assert await deliver_events(runtime, pool) == ["portfolio_on_account_changed"]
    payload = await create(waiting(runtime, SHORT_WAIT), viewer, accountId=account_id)
    assert payload == {"portfolio": None, "errors": NOT_FOUND}
    assert await count_portfolios(runtime) == 0


async def test_an_archived_account_backs_no_new_portfolio(runtime: Runtime, pool: ArqRedis) -> None:
    viewer = make_viewer()
    account_id = await known_account(runtime, pool, viewer.household_ids[0])
    async with runtime.sessionmaker() as session, session.begin():
        account = await session.get(Account, uuid.UUID(account_id))
        assert account is not None
        account.archived_at = datetime.now(UTC)
        await session.flush()
        await write_account_changed(session=session, account=account)
    assert await deliver_events(runtime, pool) == ["portfolio_on_account_changed"]
    payload = await create(runtime, viewer, accountId=account_id)
    assert payload == {
        "portfolio": None,
        "errors": [
            {
                "__typename": "ValidationError",
                "message": "this account is archived; unarchive it first",
                "field": "accountId",
            }
        ],
    }
    assert await count_portfolios(runtime) == 0


@pytest.mark.parametrize("kind", [k for k in AccountKind if k is not AccountKind.INVESTMENT])
async def test_only_an_investment_account_may_hold_a_portfolios_cash(
    runtime: Runtime, pool: ArqRedis, kind: AccountKind
) -> None:
    viewer = make_viewer()
    account_id = await known_account(runtime, pool, viewer.household_ids[0], kind)
    started = time.monotonic()
    payload = await create(runtime, viewer, accountId=account_id)
    assert time.monotonic() - started < 1  # the account is known: no waiting
    assert payload == {
        "portfolio": None,
        "errors": [{"__typename": "ValidationError", "message": "link an investment account", "field": "accountId"}],
    }
    assert await count_portfolios(runtime) == 0


async def test_a_malformed_account_id_is_not_found_at_once(runtime: Runtime) -> None:
    started = time.monotonic()
    payload = await create(runtime, make_viewer(), accountId="not-an-id")
    assert time.monotonic() - started < 1
    assert payload == {"portfolio": None, "errors": NOT_FOUND}
    assert await count_portfolios(runtime) == 0


async def test_another_households_id_or_a_viewer_role_cannot_create(runtime: Runtime) -> None:
    stranger = make_viewer()
    for viewer, household in [(make_viewer(), stranger.household_ids[0]), (make_viewer(Role.VIEWER), None)]:
        payload = await create(runtime, viewer, householdId=str(household or viewer.household_ids[0]))
        assert payload == {
            "portfolio": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such household", "field": "householdId"}],
        }
    assert await count_portfolios(runtime) == 0
