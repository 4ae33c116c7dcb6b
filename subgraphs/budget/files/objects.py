"""Where the budget's files live in object storage, and how they leave it.

Every object of a household sits under ``households/<household id>/``: exports under ``exports/``, attachments under
``attachments/``. Rows point at their objects; deleting a row queues its object in ``object_deletions`` (a trigger,
in the same transaction), and the worker's sweep removes queued objects from storage. A storage outage therefore
never blocks a delete, and an object is never removed while the row that points at it might still commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.storage import ObjectStore
from subgraphs.budget.files.models import Export, ObjectDeletion

__all__ = [
    "attachment_key",
    "expire_exports",
    "export_key",
    "household_prefix",
    "queue_household_objects",
    "remove_queued_objects",
]

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200
"""Queued objects removed per database transaction."""


def household_prefix(household_id: uuid.UUID) -> str:
    return f"households/{household_id}/"


def export_key(household_id: uuid.UUID, export_id: uuid.UUID, extension: str) -> str:
    return f"{household_prefix(household_id)}exports/{export_id}.{extension}"


def attachment_key(household_id: uuid.UUID, attachment_id: uuid.UUID) -> str:
    return f"{household_prefix(household_id)}attachments/{attachment_id}"


async def queue_household_objects(*, session: AsyncSession, household_id: uuid.UUID) -> None:
    """Queue every object under the household's prefix for removal (the household is being purged)."""
    session.add(ObjectDeletion(object_key=household_prefix(household_id), is_prefix=True))
    await session.flush()


async def expire_exports(*, session: AsyncSession, now: dt.datetime) -> int:
    """Delete exports past their retention; their objects are queued by the trigger. Returns how many."""
    result = await session.execute(delete(Export).where(Export.delete_after <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def remove_queued_objects(
    *, sessionmaker: async_sessionmaker[AsyncSession], store: ObjectStore, batch: int = SWEEP_BATCH
) -> int:
    """Remove queued objects from storage until the queue is empty; returns how many queue entries were done.

    Entries are taken with ``FOR UPDATE SKIP LOCKED`` (two workers never take the same one). An entry whose removal
    fails stays queued with ``attempts`` raised, for the next sweep; it is not retried in this one."""
    done = 0
    failed: list[int] = []
    while True:
        async with sessionmaker() as session, session.begin():
            query = select(ObjectDeletion).order_by(ObjectDeletion.id).limit(batch).with_for_update(skip_locked=True)
            if failed:
                query = query.where(ObjectDeletion.id.not_in(failed))
            entries = (await session.scalars(query)).all()
            if not entries:
                return done
            for entry in entries:
                try:
                    if entry.is_prefix:
                        await store.delete_prefix(entry.object_key)
                    else:
                        await store.delete(entry.object_key)
                except Exception:
                    logger.exception("could not remove a stored object", extra={"object_key": entry.object_key})
                    entry.attempts += 1
                    failed.append(entry.id)
                    continue
                await session.delete(entry)
                done += 1
