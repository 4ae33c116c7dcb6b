"""What the budget and recurring mutations share: which household they may change, and "today"."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context

READ_ONLY = "only the household's owners and editors may change its budget"


def today() -> dt.date:
    """The date budgets and schedules count from: today in UTC."""
    return dt.datetime.now(dt.UTC).date()


def writable_household(
    info: strawberry.Info[Context, None], household_id: strawberry.ID
) -> tuple[uuid.UUID | None, UserError | None]:
    """The household, if the viewer may change its budget; else the error. Another household's id answers
    exactly like a missing one; a viewer of the household is refused."""
    viewer = info.context.viewer
    wanted = parse_id(household_id)
    if wanted is None or not viewer.can_read(wanted):
        return None, NotFoundError(field="householdId", message="no such household")
    if not viewer.can_write(wanted):
        return None, NotFoundError(field="householdId", message=READ_ONLY)
    return wanted, None


def writable_households(info: strawberry.Info[Context, None]) -> list[uuid.UUID]:
    viewer = info.context.viewer
    return [h for h in viewer.household_ids if viewer.can_write(h)]
