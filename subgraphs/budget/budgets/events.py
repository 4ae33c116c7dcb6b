"""``budget.budget_changed``: a household's budget figures changed; drives the live budget view."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_BUDGET_CHANGED
from fincloud.events import Event, write_event
from subgraphs.budget.budgets.months import month_label
from subgraphs.budget.models import outbox

__all__ = ["write_budget_changed"]


async def write_budget_changed(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    months: Iterable[dt.date],
    category_ids: Iterable[uuid.UUID | None] = (),
    reason: str,
) -> Event:
    """Record, in the caller's transaction, that the household's figures changed from the earliest of ``months``
    on (later months follow through rollover and "to be budgeted"); no months means every month (a setting
    changed). ``reason``: ``amount_set``, ``month_copied``, ``settings_changed``, ``transaction`` or
    ``categories_merged``."""
    return await write_event(
        session,
        outbox,
        topic=TOPIC_BUDGET_CHANGED,
        household_id=household_id,
        payload={
            "household_id": household_id,
            "months": sorted({month_label(m) for m in months}),
            "category_ids": sorted({str(c) for c in category_ids if c is not None}),
            "reason": reason,
        },
    )
