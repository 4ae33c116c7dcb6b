"""Tables of automatic categorisation, declared on budget's ``Base`` (migration ``budg0007_rules``).

- ``rules``: a household's rules, tried in ``position`` order. Conditions are a JSON list (see
  ``categorisation.rules`` for their shape, checked before anything is stored); actions are columns.
- ``categorisation_settings``: per household, when a learned suggestion is applied without asking.
- ``transaction_categorisations``: why a transaction has its category, when FinCloud chose it (a rule, the payee's
  default, a learned suggestion applied or accepted). Kept while the category is the one chosen.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fincloud.db import new_id, utcnow
from subgraphs.budget.models import Base

__all__ = ["DEFAULT_AUTO_APPLY_THRESHOLD", "CategorisationSettings", "Rule", "TransactionCategorisation"]

DEFAULT_AUTO_APPLY_THRESHOLD = 0.8
"""A learned suggestion at least this confident is applied on create and import; below it, it is only offered."""


class Rule(Base):
    __tablename__ = "rules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    """Priority: rules are tried in ascending ``position`` (then ``id``)."""
    enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    match: Mapped[str] = mapped_column(String(3), default="all", server_default="all")
    """``all``: every condition must hold; ``any``: one is enough."""
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    set_category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    set_payee: Mapped[str | None] = mapped_column(String(300))
    add_tags: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list, server_default="{}")
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("match IN ('all', 'any')", name="match_known"),
        Index("ix_rules_household_position", "household_id", "position"),
    )


class CategorisationSettings(Base):
    """A household without a row uses the defaults."""

    __tablename__ = "categorisation_settings"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    auto_apply_threshold: Mapped[float] = mapped_column(
        Float, default=DEFAULT_AUTO_APPLY_THRESHOLD, server_default=str(DEFAULT_AUTO_APPLY_THRESHOLD)
    )
    """Confidence (a ratio in [0, 1]) from which a learned suggestion is applied without asking."""
    learning_enabled: Mapped[bool] = mapped_column(default=True, server_default="true")
    """Off: no learned suggestions at all (rules and payee defaults still apply)."""
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("auto_apply_threshold >= 0 AND auto_apply_threshold <= 1", name="threshold_is_ratio"),
    )


class TransactionCategorisation(Base):
    __tablename__ = "transaction_categorisations"

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    """The category chosen; the record is stale (and not shown) once the transaction's category differs."""
    source: Mapped[str] = mapped_column(String(10))
    """``rule``, ``payee`` (the payee's default category) or ``learned``."""
    reason: Mapped[str] = mapped_column(String(300))
    """In words: "rule 'Groceries'", "learned from 14 similar transactions", "payee default"."""
    confidence: Mapped[float] = mapped_column(Float)
    rule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rules.id", ondelete="SET NULL"))
    applied_by: Mapped[str] = mapped_column(String(10))
    """``create`` (on create or import), ``accept`` (the user accepted a suggestion) or ``rerun`` (rules re-run)."""
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        CheckConstraint("source IN ('rule', 'payee', 'learned')", name="source_known"),
        CheckConstraint("applied_by IN ('create', 'accept', 'rerun')", name="applied_by_known"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_is_ratio"),
    )
