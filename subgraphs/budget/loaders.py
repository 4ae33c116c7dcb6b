"""Batch loaders, built once per request (never shared between requests)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from aiodataloader import DataLoader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.budget.files.loaders import attachments_by_account_ids, attachments_by_transaction_ids
from subgraphs.budget.models import Account, Transaction


class Loaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self.account_by_id = DataLoader(self._accounts_by_id)
        self.transaction_by_id = DataLoader(self._transactions_by_id)
        self.posted_sum_by_account_id = DataLoader(self._posted_sums_by_account_id)
        self.attachments_by_transaction_id = DataLoader(partial(attachments_by_transaction_ids, sessionmaker))
        self.attachments_by_account_id = DataLoader(partial(attachments_by_account_ids, sessionmaker))

    async def _accounts_by_id(self, keys: Sequence[uuid.UUID]) -> list[Account | None]:
        async with self._sessionmaker() as session:
            by_id = {row.id: row for row in await session.scalars(select(Account).where(Account.id.in_(keys)))}
        return [by_id.get(k) for k in keys]

    async def _transactions_by_id(self, keys: Sequence[uuid.UUID]) -> list[Transaction | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(select(Transaction).where(Transaction.id.in_(keys)))
            by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _posted_sums_by_account_id(self, keys: Sequence[uuid.UUID]) -> list[Decimal]:
        """Sum of the transactions of each account (zero when it has none)."""
        async with self._sessionmaker() as session:
            rows = await session.execute(
                select(Transaction.account_id, func.sum(Transaction.amount))
                .where(Transaction.account_id.in_(keys))
                .group_by(Transaction.account_id)
            )
            sums = {account_id: total for account_id, total in rows.all()}
        return [sums.get(k, Decimal(0)) for k in keys]
