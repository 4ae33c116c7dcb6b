"""Budget tables, declared on budget's ``Base`` (migration ``budg0005_budgets``).

An amount is in the household's base currency (``household_settings.base_currency``) for one category and one
calendar month (``month`` is the month's first day). Crossings record which threshold levels a category has
crossed in a month: the primary key makes "once per category, month and level" hold whoever inserts first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from fincloud.db import new_id, utcnow
from fincloud.money import AMOUNT
from subgraphs.budget.models import Base

__all__ = ["DEFAULT_THRESHOLD_LEVELS", "BudgetAmount", "BudgetEventReceipt", "BudgetPreferences", "ThresholdCrossing"]

DEFAULT_THRESHOLD_LEVELS: tuple[int, ...] = (80, 100)
"""Percentages of a category's budget that raise ``BudgetThresholdExceeded`` unless the household chose others."""


class BudgetAmount(Base):
    """What a household budgeted (limits) or assigned (envelope) for a category in a month."""

    __tablename__ = "budget_amounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column()
    """The first day of the month."""
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    """In the household's base currency; never negative."""
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("category_id", "month"),
        Index("ix_budget_amounts_household_month", "household_id", "month"),
        CheckConstraint("extract(day from month) = 1", name="month_first_day"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class BudgetPreferences(Base):
    """A household's budget alert settings; a household without a row uses ``DEFAULT_THRESHOLD_LEVELS``."""

    __tablename__ = "budget_preferences"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    threshold_levels: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    """Percentages of a category's budget, ascending, such as ``[80, 100]``; empty: no alerts."""
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)


class ThresholdCrossing(Base):
    """A category's spending reached ``level`` % of its budget in ``month``; its event was written with it."""

    __tablename__ = "budget_threshold_crossings"

    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    event_id: Mapped[uuid.UUID | None] = mapped_column()
    """The ``budget.budget_threshold_exceeded`` event, written in the same transaction right after the row."""
    crossed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)


class BudgetEventReceipt(Base):
    """A transaction event already handled by the budget consumer: a redelivered event is skipped. Bookkeeping
    only (no household data); rows older than the relay could ever redeliver are pruned daily."""

    __tablename__ = "budget_event_receipts"

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    processed_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow, index=True)
