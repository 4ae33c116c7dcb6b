"""budgets and recurring transactions

Monthly budget amounts, the household's alert levels, threshold crossings (once per category, month and level),
receipts of the transaction events the budget consumer handled; recurring schedules, their dated amount changes
and their occurrences (unique per schedule and date). Also ``budget.round_half_even``: budget vs actual converts
each transaction to the base currency in SQL and rounds it the way ``fx.service.apply_rate`` does (half to even),
which PostgreSQL's ``round`` (half away from zero) does not.

Revision ID: budg0005_budgets
Revises: budg0003_ledger
Create Date: 2026-12-01 13:29:40.053431
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "budg0005_budgets"
down_revision: str | None = "budg0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROUND_HALF_EVEN = """
CREATE OR REPLACE FUNCTION budget.round_half_even(value numeric, places integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN abs(value - trunc(value, places)) * power(10::numeric, places) = 0.5
         AND mod(abs(trunc(value, places)) * power(10::numeric, places), 2) = 0
    THEN trunc(value, places)
    ELSE round(value, places)
  END
$$
"""


def upgrade() -> None:
    op.create_table(
        "budget_event_receipts",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_budget_event_receipts")),
        schema="budget",
    )
    op.create_index(
        op.f("ix_budget_budget_event_receipts_processed_at"),
        "budget_event_receipts",
        ["processed_at"],
        unique=False,
        schema="budget",
    )
    op.create_table(
        "budget_preferences",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("threshold_levels", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_budget_preferences")),
        schema="budget",
    )
    op.create_table(
        "budget_amounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=28, scale=10), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_budget_amounts_amount_not_negative")),
        sa.CheckConstraint("extract(day from month) = 1", name=op.f("ck_budget_amounts_month_first_day")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["budget.categories.id"],
            name=op.f("fk_budget_amounts_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_amounts")),
        sa.UniqueConstraint("category_id", "month", name=op.f("uq_budget_amounts_category_id")),
        schema="budget",
    )
    op.create_index(
        "ix_budget_amounts_household_month", "budget_amounts", ["household_id", "month"], unique=False, schema="budget"
    )
    op.create_table(
        "budget_threshold_crossings",
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("crossed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["budget.categories.id"],
            name=op.f("fk_budget_threshold_crossings_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", "month", "level", name=op.f("pk_budget_threshold_crossings")),
        schema="budget",
    )
    op.create_index(
        op.f("ix_budget_budget_threshold_crossings_household_id"),
        "budget_threshold_crossings",
        ["household_id"],
        unique=False,
        schema="budget",
    )
    op.create_table(
        "recurring_schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("payee", sa.String(length=300), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=60)), server_default="{}", nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=28, scale=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_is_estimate", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=500), nullable=False),
        sa.Column("preset", sa.String(length=30), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("processed_through", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "NOT (amount_is_estimate AND mode = 'post')", name=op.f("ck_recurring_schedules_estimate_only_reminds")
        ),
        sa.CheckConstraint("mode IN ('post', 'remind')", name=op.f("ck_recurring_schedules_mode_known")),
        sa.CheckConstraint("count IS NULL OR count > 0", name=op.f("ck_recurring_schedules_count_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["budget.accounts.id"],
            name=op.f("fk_recurring_schedules_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["budget.categories.id"],
            name=op.f("fk_recurring_schedules_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_schedules")),
        schema="budget",
    )
    op.create_index(
        op.f("ix_budget_recurring_schedules_account_id"),
        "recurring_schedules",
        ["account_id"],
        unique=False,
        schema="budget",
    )
    op.create_index(
        "ix_recurring_schedules_household_created",
        "recurring_schedules",
        ["household_id", "created_at", "id"],
        unique=False,
        schema="budget",
    )
    op.create_table(
        "recurring_amount_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=28, scale=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["budget.recurring_schedules.id"],
            name=op.f("fk_recurring_amount_changes_schedule_id_recurring_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_amount_changes")),
        sa.UniqueConstraint("schedule_id", "effective_date", name=op.f("uq_recurring_amount_changes_schedule_id")),
        schema="budget",
    )
    op.create_table(
        "recurring_occurrences",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column("transaction_id", sa.Uuid(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('posted', 'reminded', 'skipped', 'failed')", name=op.f("ck_recurring_occurrences_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["budget.recurring_schedules.id"],
            name=op.f("fk_recurring_occurrences_schedule_id_recurring_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["budget.transactions.id"],
            name=op.f("fk_recurring_occurrences_transaction_id_transactions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_occurrences")),
        sa.UniqueConstraint("schedule_id", "date", name=op.f("uq_recurring_occurrences_schedule_id")),
        schema="budget",
    )
    op.execute(ROUND_HALF_EVEN)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS budget.round_half_even(numeric, integer)")
    op.drop_table("recurring_occurrences", schema="budget")
    op.drop_table("recurring_amount_changes", schema="budget")
    op.drop_index("ix_recurring_schedules_household_created", table_name="recurring_schedules", schema="budget")
    op.drop_index(op.f("ix_budget_recurring_schedules_account_id"), table_name="recurring_schedules", schema="budget")
    op.drop_table("recurring_schedules", schema="budget")
    op.drop_index(
        op.f("ix_budget_budget_threshold_crossings_household_id"),
        table_name="budget_threshold_crossings",
        schema="budget",
    )
    op.drop_table("budget_threshold_crossings", schema="budget")
    op.drop_index("ix_budget_amounts_household_month", table_name="budget_amounts", schema="budget")
    op.drop_table("budget_amounts", schema="budget")
    op.drop_table("budget_preferences", schema="budget")
    op.drop_index(
        op.f("ix_budget_budget_event_receipts_processed_at"), table_name="budget_event_receipts", schema="budget"
    )
    op.drop_table("budget_event_receipts", schema="budget")
