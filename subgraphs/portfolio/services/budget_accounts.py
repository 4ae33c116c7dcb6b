"""Portfolio's replica of budget's accounts, kept from ``budget.account_changed`` events, and the checks made
against it. Keyword-only async functions; no GraphQL here. Callers own the transaction, except
``wait_for_account``, which reads in short sessions of its own."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.events import Event
from subgraphs.portfolio.models import BudgetAccount

__all__ = ["INVESTMENT", "apply_account_changed", "find_account", "wait_for_account"]

INVESTMENT = "investment"
"""The budget account type a portfolio's cash may be held in (budget's ``AccountKind.INVESTMENT``)."""


async def apply_account_changed(*, session: AsyncSession, event: Event) -> bool:
    """Upsert the account an ``budget.account_changed`` event describes, unless the replica already holds a
    change at least as new (``changed_at`` is the event's ``occurred_at``). Replays and events delivered out of
    order therefore change nothing. Returns whether the replica changed."""
    data = event.payload
    values = {
        "id": uuid.UUID(str(data["account_id"])),
        "household_id": uuid.UUID(str(data["household_id"])),
        "type": str(data["type"]),
        "currency": str(data["currency"]),
        "archived": bool(data.get("archived", False)),
        "deleted": bool(data.get("deleted", False)),
        "changed_at": event.occurred_at,
    }
    upsert = insert(BudgetAccount).values(**values)
    statement = upsert.on_conflict_do_update(
        index_elements=[BudgetAccount.id],
        set_={name: upsert.excluded[name] for name in values if name != "id"},
        where=BudgetAccount.changed_at < upsert.excluded.changed_at,
    ).returning(BudgetAccount.id)
    return (await session.execute(statement)).first() is not None


async def find_account(
    *, session: AsyncSession, household_id: uuid.UUID, account_id: uuid.UUID
) -> BudgetAccount | None:
    """The household's account ``account_id`` as far as portfolio has heard; ``None`` when it is unknown, deleted
    or another household's (the three are indistinguishable on purpose)."""
    result: BudgetAccount | None = await session.scalar(
        select(BudgetAccount).where(
            BudgetAccount.id == account_id,
            BudgetAccount.household_id == household_id,
            BudgetAccount.deleted.is_(False),
        )
    )
    return result


async def wait_for_account(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    household_id: uuid.UUID,
    account_id: uuid.UUID,
    wait_seconds: float,
    poll_seconds: float,
) -> BudgetAccount | None:
    """``find_account``, looking again every ``poll_seconds`` for up to ``wait_seconds`` while it is missing.

    The replica lags budget by the relay's delivery time (a few hundred milliseconds), so a script that creates
    an account and links it at once must not be told it does not exist. Each look is a fresh read in a session
    of its own, closed before sleeping: no transaction, lock or connection is held while waiting. An account that
    never arrives — unknown, or another household's — costs the full ``wait_seconds`` either way, so the answer's
    timing does not tell them apart.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(wait_seconds, 0.0)
    while True:
        async with sessionmaker() as session:
            account = await find_account(session=session, household_id=household_id, account_id=account_id)
        remaining = deadline - loop.time()
        if account is not None or remaining <= 0:
            return account
        await asyncio.sleep(min(max(poll_seconds, 0.01), remaining))
