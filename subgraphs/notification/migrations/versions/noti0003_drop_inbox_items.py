"""drop inbox_items

The household-wide inbox of the first release. Per-user `notifications` (`noti0002`) replaced it: the GraphQL inbox
reads those, and no event has been routed to the job that filled `inbox_items` since. Its rows are dropped with it;
nothing has shown them since `noti0002`. The downgrade recreates the table empty.

Revision ID: noti0003
Revises: noti0002
Create Date: 2026-12-01 22:45:20.009077
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "noti0003"
down_revision: str | None = "noti0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_inbox_items_household_created", table_name="inbox_items", schema="notification")
    op.drop_table("inbox_items", schema="notification")


def downgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
        sa.UniqueConstraint("event_id", name=op.f("uq_inbox_items_event_id")),
        schema="notification",
    )
    op.create_index(
        "ix_inbox_items_household_created",
        "inbox_items",
        ["household_id", "created_at", "id"],
        unique=False,
        schema="notification",
    )
