"""The ``budget.fx_rates`` table: published reference rates and households' manual overrides, side by side.

A row says: on ``date``, one ``base`` bought ``rate`` units of ``quote`` (ECB style: base EUR, quote USD,
rate 1.0939 means 1 EUR = 1.0939 USD). Published rows have no household; an override belongs to one household
and has source ``manual``. Declared on budget's ``Base`` so migrations and the household purge see it; the
schema itself is created by the hand-written migration ``budg0002_fx``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from fincloud.db import new_id, utcnow
from subgraphs.budget.models import Base

__all__ = ["MANUAL_SOURCE", "RATE", "FxRate"]

RATE = Numeric(28, 12, asdecimal=True)
"""Column type of a rate: 16 integer digits (IDR per XAU fits), 12 fractional (a rate quoted as 1/x keeps its
precision). The ECB publishes 5 or 6 significant digits."""

MANUAL_SOURCE = "manual"
"""The source of every household override."""


class FxRate(Base):
    __tablename__ = "fx_rates"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID | None] = mapped_column()
    """``None`` for a published rate; the household's id for its manual override."""
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    date: Mapped[dt.date] = mapped_column()
    """The calendar date the rate is for (the ECB's reference date)."""
    rate: Mapped[Decimal] = mapped_column(RATE)
    """Units of ``quote`` for one ``base``; always positive."""
    source: Mapped[str] = mapped_column(String(40))
    """Which plugin published it (``ecb``, ``frankfurter``), or ``manual``."""
    fetched_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)
    """When it was fetched (published rows) or set (overrides); UTC."""

    __table_args__ = (
        # NULLS NOT DISTINCT (PostgreSQL 15+): one published row per (base, quote, date, source), and one override
        # per household and (base, quote, date, source). It also serves every lookup: household (or IS NULL),
        # pair, date range.
        UniqueConstraint("household_id", "base", "quote", "date", "source", postgresql_nulls_not_distinct=True),
        CheckConstraint("rate > 0", name="rate_positive"),
        CheckConstraint("base <> quote", name="distinct_currencies"),
        CheckConstraint("(household_id IS NULL) = (source <> 'manual')", name="override_is_manual"),
    )
