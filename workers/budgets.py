"""Budget jobs fed by transaction events: threshold alerts and the live budget view.

``budget_on_transaction_event`` consumes ``budget.transaction_created`` / ``_updated`` / ``_deleted``: it checks
the thresholds of the months the transaction touched (``BudgetThresholdExceeded``, once per category, month and
level) and announces ``budget.budget_changed``. Idempotent by event id (``budget_event_receipts``), and the
crossings table keeps "once" even when two workers handle two events of one category at the same moment.
``budget_receipts_prune`` forgets handled event ids after thirty days, once a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fincloud.config import Settings
from fincloud.db import utcnow
from fincloud.events import Event
from subgraphs.budget.budgets.thresholds import handle_transaction_event, prune_receipts
from subgraphs.budget.fx.service import FxPolicy

__all__ = ["budget_on_transaction_event", "budget_receipts_prune"]

logger = logging.getLogger(__name__)


def _policy(ctx: dict[str, Any]) -> FxPolicy:
    """The exchange-rate look-up policy of the worker's settings (``ctx["settings"]``, set at start-up); the
    defaults when the job runs without them (a one-off run, a test)."""
    settings = ctx.get("settings")
    return FxPolicy.from_settings(settings) if isinstance(settings, Settings) else FxPolicy()


def _today(ctx: dict[str, Any]) -> dt.date:
    """Today (UTC); ``ctx["today"]`` (a test, a replay) takes precedence."""
    today = ctx.get("today")
    return today if isinstance(today, dt.date) else utcnow().date()


async def budget_on_transaction_event(ctx: dict[str, Any], event_json: str) -> bool:
    """Thresholds and ``budget.budget_changed`` for one transaction event; a redelivered event does nothing."""
    event = Event.from_json(event_json)
    policy = _policy(ctx)
    async with ctx["sessionmaker"]() as session, session.begin():
        handled = await handle_transaction_event(session=session, event=event, today=_today(ctx), policy=policy)
    logger.info("budget checked", extra={"event_id": str(event.id), "handled": handled})
    return handled


async def budget_receipts_prune(ctx: dict[str, Any]) -> int:
    async with ctx["sessionmaker"]() as session, session.begin():
        return await prune_receipts(session=session, now=utcnow())
