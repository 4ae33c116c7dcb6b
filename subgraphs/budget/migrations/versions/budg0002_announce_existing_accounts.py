"""announce existing accounts

Accounts created before budget emitted `budget.account_changed` have never been announced, so portfolio's replica
would not know them and could not link them to a portfolio. Write one event per existing account into budget's own
outbox (the same payload `write_account_changed` writes); the worker's relay delivers them like any other event.

Revision ID: budg0002
Revises: budg0001
Create Date: 2026-11-28 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "budg0002"
down_revision: str | None = "budg0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            """
            INSERT INTO budget.outbox (id, topic, household_id, payload, occurred_at)
            SELECT gen_random_uuid(), 'budget.account_changed', a.household_id,
                   jsonb_build_object(
                       'account_id', a.id::text,
                       'household_id', a.household_id::text,
                       'type', a.type,
                       'currency', a.currency,
                       'archived', false,
                       'deleted', false
                   ),
                   now()
            FROM budget.accounts a
            """
        )
    )
    op.execute(sa.text("SELECT pg_notify('fincloud_outbox', 'budget')"))


def downgrade() -> None:
    # Events already relayed cannot be taken back, and the replica they filled is harmless: nothing to undo.
    pass
