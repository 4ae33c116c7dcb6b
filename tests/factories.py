"""Small helpers that make test data through the real services."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from fincloud.auth import Role, Viewer
from fincloud.money import Money
from subgraphs.budget.models import Account
from subgraphs.budget.services.ledger import AccountKind, NewAccount, create_account


def make_viewer(*roles: Role, user_id: uuid.UUID | None = None) -> Viewer:
    """A viewer with one new household per role given (default: one household, as owner)."""
    return Viewer(user_id=user_id or uuid.uuid4(), households={uuid.uuid4(): r for r in (roles or (Role.OWNER,))})


async def make_account(
    session: AsyncSession,
    *,
    household_id: uuid.UUID,
    name: str = "Checking",
    currency: str = "EUR",
    opening: str = "0",
) -> Account:
    async with session.begin():
        return await create_account(
            session=session,
            household_id=household_id,
            data=NewAccount(name=name, kind=AccountKind.CHECKING, opening_balance=Money(Decimal(opening), currency)),
        )


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect the SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
