"""What the ledger's GraphQL tests share: a household with accounts and categories made through the real services,
running operations in-process, and a fingerprint of every budget row to prove a refused change changed nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.models import Account, Category, CategoryGroup, Transaction, outbox
from subgraphs.budget.schema import schema
from subgraphs.budget.services.categories import CategoryKind, create_category, create_group
from subgraphs.budget.services.ledger import NewSplit, NewTransaction, TransactionStatus, create_transaction
from subgraphs.budget.services.transfers import NewTransfer, create_transfer
from tests.conftest import execute
from tests.factories import make_account, make_viewer

ERRORS = "errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }"

D = Decimal


@dataclass
class Household:
    """A signed-in owner's household, with helpers that write through the services."""

    runtime: Runtime
    viewer: Viewer
    accounts: dict[str, Account] = field(default_factory=dict)

    @property
    def id(self) -> uuid.UUID:
        return self.viewer.household_ids[0]

    async def run(self, query: str, viewer: Viewer | None = None, **variables: Any) -> dict[str, Any]:
        return await execute(schema, Context(runtime=self.runtime, viewer=viewer or self.viewer), query, **variables)

    async def account(self, name: str = "Checking", currency: str = "EUR", opening: str = "0") -> Account:
        async with self.runtime.sessionmaker() as session:
            row = await make_account(session, household_id=self.id, name=name, currency=currency, opening=opening)
        self.accounts[name] = row
        return row

    async def group(self, name: str = "Everyday", kind: CategoryKind = CategoryKind.EXPENSE) -> CategoryGroup:
        async with self.runtime.sessionmaker() as session, session.begin():
            return await create_group(session=session, household_id=self.id, name=name, kind=kind)

    async def category(self, name: str, group: CategoryGroup | None = None) -> Category:
        group = group or await self.group(f"Group of {name}")
        async with self.runtime.sessionmaker() as session, session.begin():
            return await create_category(session=session, household_ids=[self.id], group_id=group.id, name=name)

    async def transaction(
        self,
        account: Account,
        amount: str,
        *,
        on: dt.date = dt.date(2026, 11, 1),
        payee: str | None = None,
        memo: str | None = None,
        category: Category | None = None,
        splits: list[tuple[str, Category | None]] | None = None,
        status: TransactionStatus = TransactionStatus.CLEARED,
        tags: list[str] | None = None,
    ) -> Transaction:
        async with self.runtime.sessionmaker() as session, session.begin():
            return await create_transaction(
                session=session,
                household_ids=[self.id],
                data=NewTransaction(
                    account_id=account.id,
                    date=on,
                    amount=D(amount),
                    payee=payee,
                    memo=memo,
                    category_id=category.id if category else None,
                    splits=[NewSplit(D(a), c.id if c else None) for a, c in splits or []],
                    status=status,
                    tags=tags or [],
                ),
            )

    async def transfer(
        self, source: Account, target: Account, amount: str, to_amount: str | None = None, **kwargs: Any
    ) -> tuple[Transaction, Transaction]:
        async with self.runtime.sessionmaker() as session, session.begin():
            return await create_transfer(
                session=session,
                household_ids=[self.id],
                data=NewTransfer(
                    from_account_id=source.id,
                    to_account_id=target.id,
                    date=kwargs.pop("on", dt.date(2026, 11, 2)),
                    amount=D(amount),
                    to_amount=D(to_amount) if to_amount is not None else None,
                    **kwargs,
                ),
            )

    async def get(self, model: Any, row_id: uuid.UUID) -> Any:
        async with self.runtime.sessionmaker() as session:
            return await session.get(model, row_id)


async def household(runtime: Runtime, role: Role = Role.OWNER) -> Household:
    return Household(runtime, make_viewer(role))


def as_role(home: Household, role: Role) -> Viewer:
    """Another member of ``home``'s household, with ``role``."""
    return Viewer(user_id=uuid.uuid4(), households={home.id: role})


async def fingerprint(runtime: Runtime) -> dict[str, str]:
    """Every row of every table in schema ``budget`` (the outbox included), as a digest per table."""
    digests: dict[str, str] = {}
    async with runtime.engine.connect() as conn:
        tables = await conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'budget' AND tablename <> 'alembic_version'")
        )
        for (table,) in tables.all():
            digests[table] = str(
                await conn.scalar(
                    text(
                        "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, ',' ORDER BY r::text)), '') "
                        f'FROM budget."{table}" r'
                    )
                )
            )
    return digests


async def events(runtime: Runtime, topic: str) -> list[Any]:
    async with runtime.sessionmaker() as session:
        return list(
            (await session.execute(select(outbox).where(outbox.c.topic == topic).order_by(outbox.c.occurred_at))).all()
        )


def only_error(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's single error; every other field of the payload is null."""
    [error] = payload["errors"]
    assert all(v is None for k, v in payload.items() if k != "errors"), payload
    return dict(error)
