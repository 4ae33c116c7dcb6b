"""A household's budget settings: base currency and budget model."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.models import HouseholdSettings

__all__ = ["DEFAULT_BASE_CURRENCY", "DEFAULT_BUDGET_MODEL", "household_settings", "households_settings"]

DEFAULT_BASE_CURRENCY = "EUR"
DEFAULT_BUDGET_MODEL = "limits"


def _default(household_id: uuid.UUID) -> HouseholdSettings:
    return HouseholdSettings(
        household_id=household_id, base_currency=DEFAULT_BASE_CURRENCY, budget_model=DEFAULT_BUDGET_MODEL
    )


async def household_settings(*, session: AsyncSession, household_id: uuid.UUID) -> HouseholdSettings:
    """The household's settings; the defaults (EUR, category limits) when it has never saved any. A default row
    is not added to the session."""
    row = await session.get(HouseholdSettings, household_id)
    return row if row is not None else _default(household_id)


async def households_settings(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, HouseholdSettings]:
    """Settings of several households at once, defaults filled in."""
    rows = await session.scalars(select(HouseholdSettings).where(HouseholdSettings.household_id.in_(household_ids)))
    found = {row.household_id: row for row in rows}
    return {h: found.get(h) or _default(h) for h in household_ids}
