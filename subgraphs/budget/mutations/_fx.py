"""What the exchange-rate override mutations share: which household they act on."""

from __future__ import annotations

import uuid

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context


def writable_household(
    info: strawberry.Info[Context, None], household_id: strawberry.ID | None
) -> tuple[uuid.UUID | None, UserError | None]:
    """The household named (default: the viewer's first), if the viewer may change its rates; else the error.
    Another household's id answers exactly like a missing one; a viewer of the household is refused."""
    viewer = info.context.viewer
    if household_id is not None:
        wanted = parse_id(household_id)
    else:
        wanted = viewer.household_ids[0] if viewer.household_ids else None
    if wanted is None or not viewer.can_read(wanted):
        return None, NotFoundError(field="householdId", message="no such household")
    if not viewer.can_write(wanted):
        return None, NotFoundError(
            field="householdId", message="only the household's owners and editors may change its exchange rates"
        )
    return wanted, None
