"""The in-app inbox: a user's own notifications (those kept for the inbox), read and unread. Keyword-only async
functions; no GraphQL here. Callers own the transaction.

Every function takes the user and the households they may read now (the token's): a notification of a household
they have left, or of another user, is out of reach and looks missing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from subgraphs.notification.models import Notification

__all__ = ["mark_all_read", "mark_read", "mark_unread", "mine", "unread_count"]


def mine(
    *, user_id: uuid.UUID, household_ids: Sequence[uuid.UUID], household_id: uuid.UUID | None = None
) -> list[ColumnElement[bool]]:
    """The conditions that select the user's inbox (in one of their households, or only in ``household_id``)."""
    households = [h for h in household_ids if household_id is None or h == household_id]
    return [
        Notification.user_id == user_id,
        Notification.household_id.in_(households),
        Notification.in_inbox.is_(True),
    ]


async def unread_count(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    household_ids: Sequence[uuid.UUID],
    household_id: uuid.UUID | None = None,
) -> int:
    """How many of the user's notifications are unread."""
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            *mine(user_id=user_id, household_ids=household_ids, household_id=household_id),
            Notification.read_at.is_(None),
        )
    )
    return int(count or 0)


async def _set_read(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    household_ids: Sequence[uuid.UUID],
    notification_ids: Sequence[uuid.UUID],
    read: bool,
) -> list[Notification] | None:
    wanted = list(dict.fromkeys(notification_ids))
    rows = list(
        await session.scalars(
            select(Notification)
            .where(Notification.id.in_(wanted), *mine(user_id=user_id, household_ids=household_ids))
            .order_by(Notification.id)
            .with_for_update()
        )
    )
    if len(rows) != len(wanted):
        return None
    now = utcnow()
    for row in rows:
        if read and row.read_at is None:
            row.read_at = now
        elif not read:
            row.read_at = None
    await session.flush()
    order = {notification_id: index for index, notification_id in enumerate(wanted)}
    return sorted(rows, key=lambda row: order[row.id])


async def mark_read(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    household_ids: Sequence[uuid.UUID],
    notification_ids: Sequence[uuid.UUID],
) -> list[Notification] | None:
    """Mark these notifications read (one read earlier keeps its time); ``None``, and nothing changed, when any of
    them is not the user's."""
    return await _set_read(
        session, user_id=user_id, household_ids=household_ids, notification_ids=notification_ids, read=True
    )


async def mark_unread(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    household_ids: Sequence[uuid.UUID],
    notification_ids: Sequence[uuid.UUID],
) -> list[Notification] | None:
    """Mark these notifications unread again; ``None``, and nothing changed, when any of them is not the user's."""
    return await _set_read(
        session, user_id=user_id, household_ids=household_ids, notification_ids=notification_ids, read=False
    )


async def mark_all_read(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    household_ids: Sequence[uuid.UUID],
    household_id: uuid.UUID | None = None,
) -> int:
    """Mark every unread notification of the user read (in one household, or all of theirs); returns how many."""
    result: Any = await session.execute(
        update(Notification)
        .where(
            *mine(user_id=user_id, household_ids=household_ids, household_id=household_id),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)
