"""Tables of exports, attachments and the queue of objects to remove from storage.

Declared on budget's ``Base`` so the household purge and migrations see them; the schema is created by the
hand-written migration ``budg0009_files``, which also adds the triggers that queue an object for removal whenever
its row goes (deleted directly, with its transaction or account, or with the household).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fincloud.db import new_id, utcnow
from subgraphs.budget.models import Base

__all__ = ["Attachment", "Export", "ObjectDeletion"]


class Export(Base):
    """A file of transactions written to object storage; its object goes when the row does."""

    __tablename__ = "exports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    format: Mapped[str] = mapped_column(String(10))
    """``csv`` or ``ofx``."""
    status: Mapped[str] = mapped_column(String(10), default="ready", server_default="ready")
    """``ready``; ``pending`` while the worker writes a large export; ``failed``."""
    error: Mapped[str | None] = mapped_column(Text)
    """Why a failed export failed, for the user."""
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    """What was asked for (accounts, dates, categories, tags, statuses), as JSON."""
    row_count: Mapped[int] = mapped_column(Integer)
    """Transactions in the file (a split transaction counts once); while pending, how many there were when asked."""
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    object_key: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)
    delete_after: Mapped[dt.datetime] = mapped_column()
    """The export (row and object) is removed after this time."""

    __table_args__ = (
        CheckConstraint("format IN ('csv', 'ofx')", name="format_known"),
        CheckConstraint("status IN ('pending', 'ready', 'failed')", name="status_known"),
        Index("ix_exports_household_created", "household_id", "created_at"),
        Index("ix_exports_delete_after", "delete_after"),
    )


class Attachment(Base):
    """A document (receipt, invoice, statement) attached to one transaction or one account."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    """The name the user's file had, cleaned of any path."""
    content_type: Mapped[str] = mapped_column(String(100))
    """The type found in the file's content (never the one the client claimed)."""
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        CheckConstraint("(transaction_id IS NULL) <> (account_id IS NULL)", name="one_owner"),
        Index(
            "ix_attachments_transaction",
            "transaction_id",
            "created_at",
            postgresql_where=text("transaction_id IS NOT NULL"),
        ),
        Index("ix_attachments_account", "account_id", "created_at", postgresql_where=text("account_id IS NOT NULL")),
    )


class ObjectDeletion(Base):
    """An object (or every object under a prefix) to remove from storage; filled by triggers and the household
    purge, emptied by the worker. Deliberately without a ``household_id`` column: the purge must not delete the
    very rows it queues."""

    __tablename__ = "object_deletions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    object_key: Mapped[str] = mapped_column(Text)
    is_prefix: Mapped[bool] = mapped_column(default=False, server_default="false")
    queued_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
