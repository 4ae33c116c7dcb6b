"""Batch functions for the budget's per-request loaders: attachments by the transaction or account they are on."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.budget.files.models import Attachment

__all__ = ["attachments_by_account_ids", "attachments_by_transaction_ids"]


async def _by_owner(
    sessionmaker: async_sessionmaker[AsyncSession], column: object, keys: Sequence[uuid.UUID]
) -> list[list[Attachment]]:
    grouped: dict[uuid.UUID, list[Attachment]] = defaultdict(list)
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Attachment).where(column.in_(keys)).order_by(Attachment.created_at, Attachment.id)  # type: ignore[attr-defined]
        )
        for row in rows:
            grouped[row.transaction_id or row.account_id].append(row)  # type: ignore[index]
    return [grouped.get(k, []) for k in keys]


async def attachments_by_transaction_ids(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[uuid.UUID]
) -> list[list[Attachment]]:
    """Each transaction's attachments, oldest first (at most ``MAX_PER_OWNER`` each)."""
    return await _by_owner(sessionmaker, Attachment.transaction_id, keys)


async def attachments_by_account_ids(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[uuid.UUID]
) -> list[list[Attachment]]:
    """Each account's own attachments (not those of its transactions), oldest first."""
    return await _by_owner(sessionmaker, Attachment.account_id, keys)
