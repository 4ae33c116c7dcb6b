"""rules

Automatic categorisation: a household's rules (conditions as JSON, actions as columns, a position for priority),
its categorisation settings (threshold for applying learned suggestions), and why each transaction got its
category. A branch of its own from ``budg0003_ledger``; ``fincloud migrate`` upgrades every head.

Revision ID: budg0007_rules
Revises: budg0003_ledger
Create Date: 2026-12-01 13:30:25.508675
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "budg0007_rules"
down_revision: str | None = "budg0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "categorisation_settings",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("auto_apply_threshold", sa.Float(), server_default="0.8", nullable=False),
        sa.Column("learning_enabled", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "auto_apply_threshold >= 0 AND auto_apply_threshold <= 1",
            name=op.f("ck_categorisation_settings_threshold_is_ratio"),
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_categorisation_settings")),
        schema="budget",
    )
    op.create_table(
        "rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("match", sa.String(length=3), server_default="all", nullable=False),
        sa.Column("conditions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("set_category_id", sa.Uuid(), nullable=True),
        sa.Column("set_payee", sa.String(length=300), nullable=True),
        sa.Column("add_tags", postgresql.ARRAY(sa.String(length=60)), server_default="{}", nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("match IN ('all', 'any')", name=op.f("ck_rules_match_known")),
        sa.ForeignKeyConstraint(
            ["set_category_id"],
            ["budget.categories.id"],
            name=op.f("fk_rules_set_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        schema="budget",
    )
    op.create_index("ix_rules_household_position", "rules", ["household_id", "position"], unique=False, schema="budget")
    op.create_table(
        "transaction_categorisations",
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=True),
        sa.Column("applied_by", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "applied_by IN ('create', 'accept', 'rerun')", name=op.f("ck_transaction_categorisations_applied_by_known")
        ),
        sa.CheckConstraint(
            "source IN ('rule', 'payee', 'learned')", name=op.f("ck_transaction_categorisations_source_known")
        ),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name=op.f("ck_transaction_categorisations_confidence_is_ratio")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["budget.categories.id"],
            name=op.f("fk_transaction_categorisations_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["budget.rules.id"],
            name=op.f("fk_transaction_categorisations_rule_id_rules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["budget.transactions.id"],
            name=op.f("fk_transaction_categorisations_transaction_id_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("transaction_id", name=op.f("pk_transaction_categorisations")),
        schema="budget",
    )
    op.create_index(
        op.f("ix_budget_transaction_categorisations_household_id"),
        "transaction_categorisations",
        ["household_id"],
        unique=False,
        schema="budget",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_budget_transaction_categorisations_household_id"),
        table_name="transaction_categorisations",
        schema="budget",
    )
    op.drop_table("transaction_categorisations", schema="budget")
    op.drop_index("ix_rules_household_position", table_name="rules", schema="budget")
    op.drop_table("rules", schema="budget")
    op.drop_table("categorisation_settings", schema="budget")
