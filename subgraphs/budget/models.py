"""Budget's tables, in PostgreSQL schema ``budget``. Every row carries ``household_id``.

The ledger: accounts hold transactions; a transaction has one category or several splits; payees are normalised
with aliases; a transfer is two transactions sharing a ``transfer_id``. Amounts are ``NUMERIC`` in the account's
currency; the sign is the direction (positive in, negative out). Other parts of the subgraph (FX rates, budgets,
recurring schedules, imports, rules, attachments) declare their tables on the same ``Base`` in their own modules.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fincloud.db import new_id, schema_metadata, utcnow
from fincloud.events import outbox_table
from fincloud.money import AMOUNT


class Base(DeclarativeBase):
    metadata = schema_metadata("budget")
    type_annotation_map = {datetime: DateTime(timezone=True)}


outbox = outbox_table(Base.metadata)


class HouseholdSettings(Base):
    """Per-household budget settings; a household without a row uses the defaults."""

    __tablename__ = "household_settings"

    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    base_currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")
    """Reports, net worth and budgets are in this currency."""
    budget_model: Mapped[str] = mapped_column(String(20), default="limits", server_default="limits")
    """``limits`` (a limit per category) or ``envelope`` (zero-based: income is assigned to categories)."""
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("budget_model IN ('limits', 'envelope')", name="budget_model_known"),)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    opening_balance: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0), server_default="0")
    opening_date: Mapped[date | None] = mapped_column()
    """The date of the opening balance; balances as of an earlier date leave it out."""
    institution: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column()
    """Archived accounts keep their history but take no new transactions and drop out of pickers."""
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_accounts_household_created", "household_id", "created_at", "id"),)


class Payee(Base):
    """A normalised payee. ``name_key`` (see ``services.payees.payee_key``) is unique per household."""

    __tablename__ = "payees"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    default_category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (UniqueConstraint("household_id", "name_key"),)


class PayeeAlias(Base):
    """Another spelling of a payee ("AMZN MKTP DE*2K4", "Amazon.de"): resolving the alias gives the payee."""

    __tablename__ = "payee_aliases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    payee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payees.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    alias_key: Mapped[str] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("household_id", "alias_key"),)


class CategoryGroup(Base):
    __tablename__ = "category_groups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    """``income`` or ``expense``; every category of the group has the same kind."""
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hidden: Mapped[bool] = mapped_column(default=False, server_default="false")
    archived_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (CheckConstraint("kind IN ('income', 'expense')", name="kind_known"),)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("category_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    """Copied from the group: ``income`` or ``expense``."""
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hidden: Mapped[bool] = mapped_column(default=False, server_default="false")
    archived_at: Mapped[datetime | None] = mapped_column()
    rollover: Mapped[str] = mapped_column(String(30), default="none", server_default="none")
    """Budget rollover: ``none``, ``surplus`` (unspent carries forward) or ``surplus_and_overspend``."""
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column()
    """Set when the category was merged into another (its transactions moved there); it is archived too."""
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('income', 'expense')", name="kind_known"),
        CheckConstraint("rollover IN ('none', 'surplus', 'surplus_and_overspend')", name="rollover_known"),
    )


class Reconciliation(Base):
    """A finished reconciliation: the statement's balance and date, and what the ledger said then."""

    __tablename__ = "reconciliations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    statement_date: Mapped[date] = mapped_column()
    statement_balance: Mapped[Decimal] = mapped_column(AMOUNT)
    cleared_balance: Mapped[Decimal] = mapped_column(AMOUNT)
    """Opening balance plus every cleared or reconciled transaction up to ``statement_date``."""
    adjustment_transaction_id: Mapped[uuid.UUID | None] = mapped_column()
    """The balancing transaction, when the user accepted a difference."""
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (Index("ix_reconciliations_account_date", "account_id", "statement_date"),)


class Transaction(Base):
    __tablename__ = "transactions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    """Positive for money in, negative for money out, in ``currency`` (always the account's)."""
    currency: Mapped[str] = mapped_column(String(3))
    payee: Mapped[str | None] = mapped_column(String(300))
    """The payee's name as shown (the normalised payee's name when ``payee_id`` is set)."""
    payee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payees.id", ondelete="SET NULL"))
    memo: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(60)), default=list, server_default="{}")
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    """``None`` when uncategorised, or when the transaction is split (see ``is_split``)."""
    is_split: Mapped[bool] = mapped_column(default=False, server_default="false")
    status: Mapped[str] = mapped_column(String(12), default="cleared", server_default="cleared")
    """``pending``, ``cleared`` or ``reconciled``."""
    reconciliation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reconciliations.id", ondelete="SET NULL"))
    transfer_id: Mapped[uuid.UUID | None] = mapped_column()
    """Shared by the two legs of a transfer."""
    transfer_account_id: Mapped[uuid.UUID | None] = mapped_column()
    """The other leg's account."""
    import_batch_id: Mapped[uuid.UUID | None] = mapped_column()
    """The import that created it (undoing the import deletes it)."""
    import_key: Mapped[str | None] = mapped_column(String(200))
    """Identity of the statement line it came from: FITID / bank reference, else a hash of normalised fields and
    an occurrence number. Unique per account, so re-importing adds nothing twice."""
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR,
        Computed("budget.transaction_search_document(payee, memo, notes, tags)", persisted=True),
        deferred=True,
    )
    """Full-text document of payee (weight A), tags (B), memo (C) and notes (D), kept by PostgreSQL (see
    ``subgraphs/budget/search``); never loaded with the row."""

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'cleared', 'reconciled')", name="status_known"),
        CheckConstraint("NOT (is_split AND category_id IS NOT NULL)", name="split_has_no_category"),
        Index("ix_transactions_account_date", "account_id", "date", "created_at", "id"),
        Index("ix_transactions_household_date", "household_id", "date", "id"),
        Index("ix_transactions_category_date", "category_id", "date", postgresql_where=text("category_id IS NOT NULL")),
        Index("ix_transactions_payee", "payee_id", postgresql_where=text("payee_id IS NOT NULL")),
        Index("ix_transactions_transfer", "transfer_id", postgresql_where=text("transfer_id IS NOT NULL")),
        Index("ix_transactions_import_batch", "import_batch_id", postgresql_where=text("import_batch_id IS NOT NULL")),
        Index(
            "uq_transactions_account_import_key",
            "account_id",
            "import_key",
            unique=True,
            postgresql_where=text("import_key IS NOT NULL"),
        ),
        Index("ix_transactions_tags", "tags", postgresql_using="gin"),
    )


class Split(Base):
    """One part of a split transaction; the parts of a transaction sum exactly to its amount."""

    __tablename__ = "splits"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    household_id: Mapped[uuid.UUID] = mapped_column()
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    memo: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    date: Mapped[date] = mapped_column(Date, server_default=FetchedValue())
    """The transaction's date, copied by the database (on insert, and when the transaction moves)."""
    currency: Mapped[str] = mapped_column(String(3), server_default=FetchedValue())
    """The transaction's currency, copied by the database like ``date``."""

    __table_args__ = (Index("ix_splits_category", "category_id", postgresql_where=text("category_id IS NOT NULL")),)
