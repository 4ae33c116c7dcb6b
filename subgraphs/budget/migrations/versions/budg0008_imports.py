"""statement imports

Import batches (one uploaded file each), their rows (a dry run's classification, and the ledger's import identities
once committed) and CSV mapping profiles per account. Models in ``subgraphs/budget/imports/models.py``.

Revision ID: budg0008_imports
Revises: budg0003_ledger
Create Date: 2026-12-01 13:52:43.238176
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "budg0008_imports"
down_revision: str | None = "budg0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=400), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=True),
        sa.Column(
            "settings", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column(
            "detected", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("problem", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "warnings", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
        sa.Column(
            "counts", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column(
            "resolutions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("ledger_state", sa.String(length=100), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("commit_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('needs_input', 'ready', 'queued', 'committing', 'committed', 'failed', 'undone')",
            name=op.f("ck_import_batches_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["budget.accounts.id"],
            name=op.f("fk_import_batches_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        schema="budget",
    )
    op.create_index(
        "ix_import_batches_account_created",
        "import_batches",
        ["account_id", "created_at", "id"],
        unique=False,
        schema="budget",
    )
    op.create_index("ix_import_batches_household", "import_batches", ["household_id"], unique=False, schema="budget")
    op.create_table(
        "import_mapping_profiles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=40), server_default="csv", nullable=False),
        sa.Column("mapping", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["budget.accounts.id"],
            name=op.f("fk_import_mapping_profiles_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping_profiles")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_import_mapping_profiles_account_id")),
        schema="budget",
    )
    op.create_index(
        "ix_import_mapping_profiles_household",
        "import_mapping_profiles",
        ["household_id"],
        unique=False,
        schema="budget",
    )
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("record", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=28, scale=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payee", sa.String(length=300), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("import_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("similarity", sa.Double(), nullable=True),
        sa.Column("matched_transaction_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=True),
        sa.Column("payee_name", sa.String(length=300), nullable=True),
        sa.Column("payee_key", sa.String(length=300), server_default="", nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=60)), server_default="{}", nullable=False),
        sa.Column("suggestion_reason", sa.String(length=300), nullable=True),
        sa.Column("suggestion_source", sa.String(length=30), nullable=True),
        sa.Column("suggestion_confidence", sa.Double(), nullable=True),
        sa.CheckConstraint("action IN ('create', 'link', 'skip')", name=op.f("ck_import_rows_action_known")),
        sa.CheckConstraint("status IN ('new', 'duplicate', 'conflict')", name=op.f("ck_import_rows_status_known")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["budget.import_batches.id"],
            name=op.f("fk_import_rows_import_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "position", name=op.f("pk_import_rows")),
        schema="budget",
    )
    op.create_index(
        "ix_import_rows_account_key", "import_rows", ["account_id", "import_key"], unique=False, schema="budget"
    )
    op.create_index(
        "ix_import_rows_transaction",
        "import_rows",
        ["transaction_id"],
        unique=False,
        schema="budget",
        postgresql_where=sa.text("transaction_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_import_rows_transaction",
        table_name="import_rows",
        schema="budget",
        postgresql_where=sa.text("transaction_id IS NOT NULL"),
    )
    op.drop_index("ix_import_rows_account_key", table_name="import_rows", schema="budget")
    op.drop_table("import_rows", schema="budget")
    op.drop_index("ix_import_mapping_profiles_household", table_name="import_mapping_profiles", schema="budget")
    op.drop_table("import_mapping_profiles", schema="budget")
    op.drop_index("ix_import_batches_household", table_name="import_batches", schema="budget")
    op.drop_index("ix_import_batches_account_created", table_name="import_batches", schema="budget")
    op.drop_table("import_batches", schema="budget")
