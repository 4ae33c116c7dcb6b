"""The import tables: a batch per uploaded statement, its rows, and CSV mapping profiles per account.

``import_batches`` is one uploaded file (kept in object storage) with the settings it is read with, the dry run's
counts and its status. ``import_rows`` holds each statement row of the batch's latest dry run: what the file said,
its import key, how it was classified against the ledger (new, duplicate, conflict), what the commit does with it
(``action``) and which ledger transaction it is, or became, once committed.

Rows of committed batches are also the ledger's **import identities**: a transaction may carry several (the CSV
export's key and the OFX's ``FITID`` of the same payment), and a row whose transaction no longer exists is the
tombstone of a transaction the user deleted, so re-importing the statement does not bring it back. Undoing a batch
deletes what it created and stops its rows from counting as identities. Declared on budget's ``Base`` so the
household purge and migrations see them; the schema is created by migration ``budg0008_imports``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from fincloud.db import new_id, utcnow
from fincloud.money import AMOUNT
from subgraphs.budget.models import Base

__all__ = ["ImportBatch", "ImportMappingProfile", "ImportRow"]


class ImportBatch(Base):
    """One uploaded statement file and what became of it."""

    __tablename__ = "import_batches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    """``needs_input`` (the file cannot be read as set: ``problem`` says why), ``ready`` (dry run done),
    ``queued``, ``committing``, ``committed``, ``failed`` (the commit failed and wrote nothing) or ``undone``."""
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(400))
    """Where the raw file is kept: ``imports/<household>/<import>/<name>``."""
    format: Mapped[str | None] = mapped_column(String(40))
    """The importer that read (or will read) the file, by name: ``csv``, ``ofx``, ..."""
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    """What the user chose: format, CSV mapping, date format, statement account, skip invalid rows, profile id."""
    detected: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    """What was found in the file: format guesses, the CSV preview, the statement's accounts and balances."""
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """Why the file cannot be imported as set: code, message, issues with line numbers, choices."""
    warnings: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    """Rows by classification (``total``, ``new``, ``duplicate``, ``conflict``, ``deleted``, ``invalid``) and, once
    committed, by outcome (``created``, ``linked``, ``skipped``)."""
    resolutions: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    """The user's choices for the commit: ``{"rows": {"<index>": "create|link|skip"}, "conflicts": ...}``."""
    ledger_state: Mapped[str | None] = mapped_column(String(100))
    """A digest of the account's ledger when the dry run classified the rows: if the ledger changed before the
    commit, the commit classifies again."""
    period_start: Mapped[dt.date | None] = mapped_column()
    period_end: Mapped[dt.date | None] = mapped_column()
    commit_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)
    committed_at: Mapped[dt.datetime | None] = mapped_column()
    undone_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint(
            "status IN ('needs_input', 'ready', 'queued', 'committing', 'committed', 'failed', 'undone')",
            name="status_known",
        ),
        Index("ix_import_batches_account_created", "account_id", "created_at", "id"),
        Index("ix_import_batches_household", "household_id"),
    )


class ImportRow(Base):
    """One statement row of a batch's latest dry run, and its fate."""

    __tablename__ = "import_rows"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    """0-based, in file order."""
    household_id: Mapped[uuid.UUID] = mapped_column()
    account_id: Mapped[uuid.UUID] = mapped_column()
    line: Mapped[int | None] = mapped_column(Integer)
    record: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    payee: Mapped[str | None] = mapped_column(String(300))
    """The payee as the file gives it."""
    memo: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(200))
    """The bank's id for the row (OFX ``FITID``, CAMT reference), when it has one."""
    import_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    """``new``, ``duplicate`` or ``conflict``."""
    reason: Mapped[str] = mapped_column(String(30))
    """Why: ``no_match``, ``same_import_key``, ``same_reference``, ``likely_duplicate``, ``deleted`` (the user
    deleted the transaction it matches) or ``reference_mismatch``."""
    similarity: Mapped[float | None] = mapped_column()
    matched_transaction_id: Mapped[uuid.UUID | None] = mapped_column()
    """The ledger transaction it duplicates or conflicts with (``None`` for new rows and deleted matches)."""
    action: Mapped[str] = mapped_column(String(8))
    """What the commit does: ``create`` a transaction, ``link`` the row to the matched one (it becomes another
    identity of it), or ``skip`` it."""
    transaction_id: Mapped[uuid.UUID | None] = mapped_column()
    """The transaction this row is an identity of: the one ``create`` makes (its id chosen at the dry run) or the
    one ``link`` attaches it to. Cleared when undoing another batch deletes that transaction."""
    payee_name: Mapped[str | None] = mapped_column(String(300))
    """The payee a new transaction gets: the categoriser's, else the file's, whitespace tidied."""
    payee_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    category_id: Mapped[uuid.UUID | None] = mapped_column()
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list, server_default="{}")
    suggestion_reason: Mapped[str | None] = mapped_column(String(300))
    """Why the categoriser chose the category, payee or tags (``payee default``, ``rule 'Groceries'``, ...)."""
    suggestion_source: Mapped[str | None] = mapped_column(String(30))
    suggestion_confidence: Mapped[float | None] = mapped_column()

    __table_args__ = (
        CheckConstraint("status IN ('new', 'duplicate', 'conflict')", name="status_known"),
        CheckConstraint("action IN ('create', 'link', 'skip')", name="action_known"),
        Index("ix_import_rows_account_key", "account_id", "import_key"),
        Index("ix_import_rows_transaction", "transaction_id", postgresql_where=text("transaction_id IS NOT NULL")),
    )


class ImportMappingProfile(Base):
    """A saved CSV column mapping for one account's exports, reused for its next imports."""

    __tablename__ = "import_mapping_profiles"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(40), default="csv", server_default="csv")
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONB)
    """``CsvMapping.to_json()``."""
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        Index("ix_import_mapping_profiles_household", "household_id"),
    )
