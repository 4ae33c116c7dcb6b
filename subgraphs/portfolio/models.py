"""Portfolio's tables, in PostgreSQL schema ``portfolio``. Every row carries ``household_id``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fincloud.db import new_id, schema_metadata, utcnow
from fincloud.events import outbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("portfolio")
    type_annotation_map = {datetime: DateTime(timezone=True)}


outbox = outbox_table(Base.metadata)


class Portfolio(Base):
    """A set of holdings, optionally tied to the budget account that holds its cash (by id, via federation)."""

    __tablename__ = "portfolios"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    base_currency: Mapped[str] = mapped_column(String(3))
    account_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        Index("ix_portfolios_household_created", "household_id", "created_at", "id"),
        Index("uq_portfolios_household_account", "household_id", "account_id", unique=True),
    )


class BudgetAccount(Base):
    """What portfolio knows of a budget account: a replica kept from budget's ``budget.account_changed`` events
    (portfolio never reads budget's tables). Eventually consistent: a new account appears here a moment after
    budget commits it. ``changed_at`` is the ``occurred_at`` of the event applied last; an older one is ignored."""

    __tablename__ = "budget_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    type: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    archived: Mapped[bool] = mapped_column()
    deleted: Mapped[bool] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column()
