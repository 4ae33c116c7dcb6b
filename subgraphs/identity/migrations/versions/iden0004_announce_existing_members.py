"""announce existing members

Households created before identity emitted `identity.member_changed` have never been announced, so notification's
replica of the members (`noti0002`) would not know them and nobody in them would be notified. Write one event per
current membership into identity's own outbox, with the payload `write_member_changed` writes (what
`subgraphs.identity.services.member_events.announce_members`, and `fincloud announce-members`, do at any later
time); the worker's relay delivers them like any other event. Like `announce_members`, the users are locked
(`FOR SHARE`) before the memberships are read and the events are stamped after the lock, so a change made meanwhile
commits either before this announcement or with a later event.

Revision ID: iden0004
Revises: iden0003
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "iden0004"
down_revision: str | None = "iden0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("SELECT 1 FROM identity.users ORDER BY id FOR SHARE"))
    op.execute(
        sa.text(
            """
            INSERT INTO identity.outbox (id, topic, household_id, payload, occurred_at)
            SELECT gen_random_uuid(), 'identity.member_changed', m.household_id,
                   jsonb_build_object(
                       'household_id', m.household_id::text,
                       'user_id', m.user_id::text,
                       'role', m.role,
                       'email', u.email,
                       'email_verified', u.email_verified_at IS NOT NULL,
                       'name', u.name,
                       'removed', false
                   ),
                   clock_timestamp()
            FROM identity.memberships m
            JOIN identity.users u ON u.id = m.user_id
            ORDER BY m.household_id, m.user_id
            """
        )
    )
    op.execute(sa.text("SELECT pg_notify('fincloud_outbox', 'identity')"))


def downgrade() -> None:
    # Events already relayed cannot be taken back, and the replica they filled is harmless: nothing to undo.
    pass
