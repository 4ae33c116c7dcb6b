"""Recurring schedules, declared on budget's ``Base`` (migration ``budg0005_budgets``).

An occurrence row is written for every date the daily job handles and for every date a user skips, unique per
(schedule, date) and written in the same database transaction as the transaction it posts: whoever inserts it
first owns the date, so a second run, or a second worker, posts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from fincloud.db import new_id, utcnow
from fincloud.money import AMOUNT
from subgraphs.budget.models import Base

__all__ = ["RecurringAmountChange", "RecurringOccurrence", "RecurringSchedule"]


class RecurringSchedule(Base):
    __tablename__ = "recurring_schedules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    payee: Mapped[str | None] = mapped_column(String(300))
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list, server_default="{}")
    memo: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    """The expected amount (signed like a transaction's) until the first dated change."""
    currency: Mapped[str] = mapped_column(String(3))
    """The account's currency."""
    amount_is_estimate: Mapped[bool] = mapped_column(default=False, server_default="false")
    """The amount is a guess (a utility bill); only reminders may have one."""
    mode: Mapped[str] = mapped_column(String(10))
    """``post`` (record the transaction on the day) or ``remind`` (write a ``budget.recurring_due`` event)."""
    rule: Mapped[str] = mapped_column(String(500))
    """The RRULE's body without DTSTART, UNTIL or COUNT, such as ``FREQ=MONTHLY;BYMONTHDAY=1``."""
    preset: Mapped[str | None] = mapped_column(String(30))
    """The preset the rule came from, if any (``monthly_first``, ``every_two_weeks``, ...)."""
    start_date: Mapped[dt.date] = mapped_column()
    end_date: Mapped[dt.date | None] = mapped_column()
    count: Mapped[int | None] = mapped_column(Integer)
    last_date: Mapped[dt.date | None] = mapped_column()
    """The last occurrence of a finite schedule (end date or count); ``None`` for an endless one."""
    processed_through: Mapped[dt.date | None] = mapped_column()
    """Every occurrence up to this date has been handled by the daily job; later changes do not backfill."""
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("mode IN ('post', 'remind')", name="mode_known"),
        CheckConstraint("count IS NULL OR count > 0", name="count_positive"),
        CheckConstraint("NOT (amount_is_estimate AND mode = 'post')", name="estimate_only_reminds"),
        Index("ix_recurring_schedules_household_created", "household_id", "created_at", "id"),
    )


class RecurringAmountChange(Base):
    """From ``effective_date`` on, occurrences have ``amount`` (until a later change)."""

    __tablename__ = "recurring_amount_changes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    schedule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recurring_schedules.id", ondelete="CASCADE"))
    effective_date: Mapped[dt.date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(AMOUNT)

    __table_args__ = (UniqueConstraint("schedule_id", "effective_date"),)


class RecurringOccurrence(Base):
    """One date of a schedule that has been handled: posted, reminded, skipped by the user, or failed."""

    __tablename__ = "recurring_occurrences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    schedule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recurring_schedules.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column()
    status: Mapped[str] = mapped_column(String(10))
    """``posted``, ``reminded``, ``skipped`` or ``failed`` (the ledger refused the transaction: see ``error``)."""
    amount: Mapped[Decimal | None] = mapped_column(AMOUNT)
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transactions.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("schedule_id", "date"),
        CheckConstraint("status IN ('posted', 'reminded', 'skipped', 'failed')", name="status_known"),
    )
