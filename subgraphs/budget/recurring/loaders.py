"""Batch functions for the fields of recurring transactions; ``subgraphs/budget/loaders.py`` builds the loaders
(once per request)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.budget.recurring.models import RecurringAmountChange, RecurringOccurrence

__all__ = ["amount_changes_by_schedule_id", "handled_by_schedule_id"]


async def amount_changes_by_schedule_id(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[uuid.UUID]
) -> list[list[RecurringAmountChange]]:
    """Each schedule's dated amount changes, oldest first."""
    found: dict[uuid.UUID, list[RecurringAmountChange]] = defaultdict(list)
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(RecurringAmountChange)
            .where(RecurringAmountChange.schedule_id.in_(keys))
            .order_by(RecurringAmountChange.effective_date)
        )
        for row in rows:
            found[row.schedule_id].append(row)
    return [found.get(key, []) for key in keys]


async def handled_by_schedule_id(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[uuid.UUID], *, today: dt.date
) -> list[dict[dt.date, str]]:
    """Each schedule's occurrences from ``today`` on that are already handled (or skipped): date → status."""
    found: dict[uuid.UUID, dict[dt.date, str]] = defaultdict(dict)
    async with sessionmaker() as session:
        rows = await session.execute(
            select(RecurringOccurrence.schedule_id, RecurringOccurrence.date, RecurringOccurrence.status).where(
                RecurringOccurrence.schedule_id.in_(keys), RecurringOccurrence.date >= today
            )
        )
        for schedule_id, day, status in rows.all():
            found[schedule_id][day] = status
    return [found.get(key, {}) for key in keys]
