"""Recurring transactions: post (or remind of) every occurrence due up to today, once a day.

``recurring_cron`` runs at 00:05 UTC and at worker start-up; ``recurring_materialize`` is the job itself, to
enqueue by hand (``today`` as an ISO date to catch up to another day). Running it twice, or on two workers at
once, posts nothing twice: see ``subgraphs.budget.recurring.service.materialize_due``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fincloud.db import utcnow
from subgraphs.budget.recurring.service import materialize_due

__all__ = ["recurring_cron", "recurring_materialize"]

logger = logging.getLogger(__name__)


async def recurring_materialize(ctx: dict[str, Any], today: str | None = None) -> dict[str, int]:
    """Handle every occurrence due up to ``today`` (default: today in UTC). Returns the counts (also logged)."""
    day = dt.date.fromisoformat(today) if today else utcnow().date()
    report = await materialize_due(sessionmaker=ctx["sessionmaker"], today=day)
    logger.info("recurring transactions materialised", extra={"today": day.isoformat(), **report.as_dict()})
    return report.as_dict()


async def recurring_cron(ctx: dict[str, Any]) -> dict[str, int]:
    return await recurring_materialize(ctx)
