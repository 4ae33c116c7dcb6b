"""Threshold alerts: ``budget.budget_threshold_exceeded`` once per category, month and level.

A category crosses level L (a percentage) in a month when its spending reaches L % of what the month gave it:
``spent * 100 >= L * (carried + budgeted)``, compared exactly in ``Decimal`` (see ``figures`` for the terms).
Only expense categories with something to spend (carried + budgeted > 0) have thresholds. The crossing is
inserted into ``budget_threshold_crossings`` (primary key: category, month, level) with ``ON CONFLICT DO NOTHING``
and the event is written only for the rows this transaction inserted, so however many workers evaluate at once
and however often an event is redelivered, each crossing is announced once. A crossing stays announced even if
a refund or a bigger budget later brings the category back under the level.

Alerts are about now: only the current month and the one before (UTC) are evaluated, so importing or editing
older history raises none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_BUDGET_THRESHOLD_EXCEEDED
from fincloud.events import Event, write_event
from fincloud.money import Money
from subgraphs.budget.budgets.events import write_budget_changed
from subgraphs.budget.budgets.figures import budget_figures
from subgraphs.budget.budgets.models import (
    DEFAULT_THRESHOLD_LEVELS,
    BudgetEventReceipt,
    BudgetPreferences,
    ThresholdCrossing,
)
from subgraphs.budget.budgets.months import add_months, first_day, month_label, months_between
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.models import outbox

__all__ = [
    "RECEIPT_RETENTION",
    "alert_window",
    "evaluate_thresholds",
    "handle_transaction_event",
    "prune_receipts",
    "threshold_levels",
]

RECEIPT_RETENTION = dt.timedelta(days=30)
"""How long a handled event's id is kept: far longer than the relay ever takes to redeliver one."""


def alert_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last month whose thresholds are evaluated: the previous month and the current one."""
    current = first_day(today)
    return add_months(current, -1), current


async def threshold_levels(*, session: AsyncSession, household_id: uuid.UUID) -> list[int]:
    """The household's alert levels (percentages, ascending); ``DEFAULT_THRESHOLD_LEVELS`` when never set."""
    levels = await session.scalar(
        select(BudgetPreferences.threshold_levels).where(BudgetPreferences.household_id == household_id)
    )
    return sorted(levels) if levels is not None else list(DEFAULT_THRESHOLD_LEVELS)


async def evaluate_thresholds(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    from_month: dt.date,
    today: dt.date,
    policy: FxPolicy | None = None,
) -> list[Event]:
    """Announce every threshold the household's categories have newly crossed, in the months from ``from_month``
    on that lie in the alert window. Returns the events written (in the caller's transaction)."""
    earliest, latest = alert_window(today)
    start = max(first_day(from_month), earliest)
    if start > latest:
        return []
    levels = await threshold_levels(session=session, household_id=household_id)
    if not levels:
        return []
    figures = await budget_figures(
        session=session, household_id=household_id, months=months_between(start, latest), policy=policy
    )
    candidates: list[dict[str, Any]] = []
    facts: dict[tuple[uuid.UUID, dt.date, int], dict[str, Any]] = {}
    for figure in figures:
        for line in figure.expense_lines:
            if line.funded <= 0:
                continue
            for level in levels:
                if line.spent * 100 < level * line.funded:
                    break
                key = (line.category.id, figure.month, level)
                candidates.append(
                    {"category_id": key[0], "month": key[1], "level": level, "household_id": household_id}
                )
                facts[key] = {
                    "category_id": line.category.id,
                    "category_name": line.category.name,
                    "group_name": line.category.group_name,
                    "month": month_label(figure.month),
                    "level": level,
                    "currency": figure.currency,
                    "budgeted": Money(line.budgeted, figure.currency).display_amount(),
                    "carried": Money(line.carried, figure.currency).display_amount(),
                    "spent": Money(line.spent, figure.currency).display_amount(),
                    "available": Money(line.available or 0, figure.currency).display_amount(),
                    "progress": line.progress,
                    "complete": line.complete and figure.complete,
                }
    if not candidates:
        return []
    inserted = (
        await session.execute(
            insert(ThresholdCrossing)
            .values(candidates)
            .on_conflict_do_nothing()
            .returning(ThresholdCrossing.category_id, ThresholdCrossing.month, ThresholdCrossing.level)
        )
    ).all()
    events = []
    for category_id, month, level in sorted(inserted, key=lambda row: (row[1], row[2], str(row[0]))):
        event = await write_event(
            session,
            outbox,
            topic=TOPIC_BUDGET_THRESHOLD_EXCEEDED,
            household_id=household_id,
            payload=facts[(category_id, month, level)],
        )
        await session.execute(
            update(ThresholdCrossing)
            .where(
                ThresholdCrossing.category_id == category_id,
                ThresholdCrossing.month == month,
                ThresholdCrossing.level == level,
            )
            .values(event_id=event.id)
        )
        events.append(event)
    return events


def _dates(value: Any) -> list[dt.date]:
    """Every ``date`` in a transaction event's payload, also inside nested objects (an update's old state)."""
    found: list[dt.date] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "date" and isinstance(item, str):
                try:
                    found.append(dt.date.fromisoformat(item))
                except ValueError:
                    continue
            elif isinstance(item, dict):
                found.extend(_dates(item))
    return found


def _category_ids(value: Any) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "category_id" and isinstance(item, str):
                try:
                    found.append(uuid.UUID(item))
                except ValueError:
                    continue
            elif isinstance(item, dict):
                found.extend(_category_ids(item))
    return found


async def handle_transaction_event(
    *, session: AsyncSession, event: Event, today: dt.date, policy: FxPolicy | None = None
) -> bool:
    """What a transaction created / updated / deleted event means for budgets: check the thresholds of the months
    it touched (and, through rollover, the months after), and announce ``budget.budget_changed``. Idempotent by
    event id: a redelivered event does nothing. Returns whether the event was new. The caller commits."""
    if event.household_id is None:
        return False
    receipt = await session.execute(
        insert(BudgetEventReceipt)
        .values(event_id=event.id)
        .on_conflict_do_nothing()
        .returning(BudgetEventReceipt.event_id)
    )
    if receipt.first() is None:
        return False
    dates = _dates(dict(event.payload))
    if not dates:
        return True
    months = sorted({first_day(d) for d in dates})
    await evaluate_thresholds(
        session=session, household_id=event.household_id, from_month=months[0], today=today, policy=policy
    )
    await write_budget_changed(
        session=session,
        household_id=event.household_id,
        months=months,
        category_ids=_category_ids(dict(event.payload)),
        reason="transaction",
    )
    return True


async def prune_receipts(*, session: AsyncSession, now: dt.datetime) -> int:
    """Forget handled event ids older than ``RECEIPT_RETENTION``; returns how many."""
    result = await session.execute(
        delete(BudgetEventReceipt).where(BudgetEventReceipt.processed_at < now - RECEIPT_RETENTION)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
