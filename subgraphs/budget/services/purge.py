"""Deleting a household's data when identity deletes the household (event `identity.household_deleted`)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.budgets import models as budgets_models  # noqa: F401  (budget amounts, crossings)
from subgraphs.budget.categorisation import models as categorisation_models  # noqa: F401  (rules and settings)
from subgraphs.budget.files import models as files_models  # noqa: F401  (exports, attachments, object queue)
from subgraphs.budget.files.objects import queue_household_objects
from subgraphs.budget.fx import models as fx_models  # noqa: F401  (puts fx_rates, overrides included, in Base)
from subgraphs.budget.imports import models as import_models  # noqa: F401  (import batches, rows, profiles)
from subgraphs.budget.models import Base
from subgraphs.budget.recurring import models as recurring_models  # noqa: F401  (schedules, occurrences)
from subgraphs.budget.search import models as search_models  # noqa: F401  (search and report indexes)


async def purge_household(*, session: AsyncSession, household_id: uuid.UUID) -> int:
    """Delete every row of the household in this subgraph's tables; idempotent. Returns rows deleted."""
    deleted = 0
    for table in reversed(Base.metadata.sorted_tables):
        if "household_id" in table.c and table.name != "outbox":
            result = await session.execute(delete(table).where(table.c.household_id == household_id))
            deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    # Objects in storage: each deleted export or attachment queued its own (triggers); anything else stored
    # under the household's prefix goes too.
    await queue_household_objects(session=session, household_id=household_id)
    return deleted
