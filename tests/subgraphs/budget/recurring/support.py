"""Recurring schedules for tests, made through the real service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.budget.recurring.models import RecurringSchedule
from subgraphs.budget.recurring.rules import Preset
from subgraphs.budget.recurring.service import RecurringPatch, create_schedule


async def make_schedule(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    household_id: uuid.UUID,
    account_id: uuid.UUID,
    amount: str = "-1000.00",
    start: dt.date = dt.date(2026, 1, 1),
    preset: Preset | None = Preset.MONTHLY_FIRST,
    rule: str | None = None,
    **fields: Any,
) -> RecurringSchedule:
    async with sessionmaker() as session, session.begin():
        return await create_schedule(
            session=session,
            household_ids=[household_id],
            data=RecurringPatch(
                account_id=account_id,
                amount=Decimal(amount),
                start=start,
                preset=preset,
                rule=rule,
                **fields,
            ),
            user_id=None,
        )
