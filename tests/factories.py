"""Small helpers that make test data through the real services."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from arq import ArqRedis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from fincloud.auth import Role, Viewer
from fincloud.constants import ARQ_QUEUE
from fincloud.money import Money
from fincloud.service import Runtime
from subgraphs.budget.models import Account, Category, CategoryGroup
from subgraphs.budget.services.ledger import AccountKind, NewAccount, create_account
from workers.main import WorkerSettings
from workers.outbox import make_relay


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
    kind: AccountKind = AccountKind.CHECKING,
) -> Account:
    async with session.begin():
        return await create_account(
            session=session,
            household_id=household_id,
            data=NewAccount(name=name, kind=kind, opening_balance=Money(Decimal(opening), currency)),
        )


async def make_category(
    session: AsyncSession, *, household_id: uuid.UUID, name: str, kind: str = "expense"
) -> Category:
    """A category in a group of its own."""
    async with session.begin():
        group = CategoryGroup(household_id=household_id, name=f"{name} group", kind=kind)
        session.add(group)
        await session.flush()
        category = Category(household_id=household_id, group_id=group.id, name=name, kind=kind)
        session.add(category)
        await session.flush()
        return category


async def deliver_events(runtime: Runtime, pool: ArqRedis, schema: str = "budget") -> list[str]:
    """What the worker does, once: relay ``schema``'s committed events, run every job they enqueued (through
    ``workers/routes.py`` and ``WorkerSettings.functions``), and empty the queue. Returns the jobs run, in order."""
    await make_relay({"redis": pool, "engine": runtime.engine}).relay_schema(schema)
    functions = {function.__name__: function for function in WorkerSettings.functions}
    ran = []
    for job in sorted(await pool.queued_jobs(queue_name=ARQ_QUEUE), key=lambda job: job.enqueue_time):
        await functions[job.function]({"sessionmaker": runtime.sessionmaker}, *job.args)
        ran.append(job.function)
    await pool.flushdb()
    return ran


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
