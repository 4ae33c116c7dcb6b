"""news keys: every key a stored story is known by

A story can carry a guid in one feed and only its link in another; ``news_items.dedupe_key`` holds one of its keys,
``news_keys`` all of them, so the worker recognises it under any. Stories already stored are known by their
``dedupe_key``.

Revision ID: port0004
Revises: port0003
Create Date: 2026-12-01 21:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "port0004"
down_revision: str | None = "port0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "news_keys",
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("news_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["news_id"], ["portfolio.news_items.id"], name=op.f("fk_news_keys_news_id_news_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_news_keys")),
        schema="portfolio",
    )
    op.create_index("ix_news_keys_news_id", "news_keys", ["news_id"], unique=False, schema="portfolio")
    op.execute(
        "INSERT INTO portfolio.news_keys (key, news_id) SELECT dedupe_key, id FROM portfolio.news_items "
        "ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.drop_index("ix_news_keys_news_id", table_name="news_keys", schema="portfolio")
    op.drop_table("news_keys", schema="portfolio")
