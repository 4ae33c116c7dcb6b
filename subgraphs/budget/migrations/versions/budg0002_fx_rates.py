"""fx rates

Published reference rates (ECB, failover sources) and households' manual overrides in one table. Written by hand:
the model lives in ``subgraphs/budget/fx/models.py``. A branch of its own from ``budg0001``; ``fincloud migrate``
upgrades every head.

Revision ID: budg0002_fx
Revises: budg0001
Create Date: 2026-11-29 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "budg0002_fx"
down_revision: str | None = "budg0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=28, scale=12), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_fx_rates_rate_positive")),
        sa.CheckConstraint("base <> quote", name=op.f("ck_fx_rates_distinct_currencies")),
        sa.CheckConstraint(
            "(household_id IS NULL) = (source <> 'manual')", name=op.f("ck_fx_rates_override_is_manual")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rates")),
        # NULLS NOT DISTINCT: published rows (household_id NULL) are unique per (base, quote, date, source) too.
        sa.UniqueConstraint(
            "household_id",
            "base",
            "quote",
            "date",
            "source",
            name=op.f("uq_fx_rates_household_id"),
            postgresql_nulls_not_distinct=True,
        ),
        schema="budget",
    )


def downgrade() -> None:
    op.drop_table("fx_rates", schema="budget")
