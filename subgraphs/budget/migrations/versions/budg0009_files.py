"""files: exports, attachments, object deletions

Exports and attachments point at objects in object storage. Deleting a row (directly, by cascade with its
transaction or account, or in the household purge) queues its object in ``object_deletions`` through a trigger, in
the same transaction; the worker removes queued objects from storage. A branch of its own from ``budg0003_ledger``.

Revision ID: budg0009_files
Revises: budg0003_ledger
Create Date: 2026-12-01 13:29:29.796800
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "budg0009_files"
down_revision: str | None = "budg0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="ready", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("filters", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("object_key", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("delete_after", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("format IN ('csv', 'ofx')", name=op.f("ck_exports_format_known")),
        sa.CheckConstraint("status IN ('pending', 'ready', 'failed')", name=op.f("ck_exports_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
        schema="budget",
    )
    op.create_index("ix_exports_delete_after", "exports", ["delete_after"], unique=False, schema="budget")
    op.create_index(
        "ix_exports_household_created", "exports", ["household_id", "created_at"], unique=False, schema="budget"
    )
    op.create_table(
        "object_deletions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False),
        sa.Column("is_prefix", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_object_deletions")),
        schema="budget",
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("object_key", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("(transaction_id IS NULL) <> (account_id IS NULL)", name=op.f("ck_attachments_one_owner")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["budget.accounts.id"], name=op.f("fk_attachments_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["budget.transactions.id"],
            name=op.f("fk_attachments_transaction_id_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        schema="budget",
    )
    op.create_index(
        "ix_attachments_account",
        "attachments",
        ["account_id", "created_at"],
        unique=False,
        schema="budget",
        postgresql_where=sa.text("account_id IS NOT NULL"),
    )
    op.create_index(
        "ix_attachments_transaction",
        "attachments",
        ["transaction_id", "created_at"],
        unique=False,
        schema="budget",
        postgresql_where=sa.text("transaction_id IS NOT NULL"),
    )

    op.execute(
        """
        CREATE FUNCTION budget.queue_object_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO budget.object_deletions (object_key) VALUES (OLD.object_key);
            RETURN OLD;
        END
        $$
        """
    )
    for table in ("attachments", "exports"):
        op.execute(
            f"CREATE TRIGGER {table}_queue_object_deletion AFTER DELETE ON budget.{table} "
            "FOR EACH ROW EXECUTE FUNCTION budget.queue_object_deletion()"
        )


def downgrade() -> None:
    for table in ("attachments", "exports"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_queue_object_deletion ON budget.{table}")
    op.execute("DROP FUNCTION IF EXISTS budget.queue_object_deletion()")
    op.drop_index(
        "ix_attachments_transaction",
        table_name="attachments",
        schema="budget",
        postgresql_where=sa.text("transaction_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_attachments_account",
        table_name="attachments",
        schema="budget",
        postgresql_where=sa.text("account_id IS NOT NULL"),
    )
    op.drop_table("attachments", schema="budget")
    op.drop_table("object_deletions", schema="budget")
    op.drop_index("ix_exports_household_created", table_name="exports", schema="budget")
    op.drop_index("ix_exports_delete_after", table_name="exports", schema="budget")
    op.drop_table("exports", schema="budget")
