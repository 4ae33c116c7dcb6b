"""price versions: a number per instrument that moves whenever its stored prices change

Statement-level triggers on ``prices`` (with transition tables) draw a new number from a sequence for every
instrument a statement touched, so processes can keep price histories in memory and reload only what changed.

Revision ID: port0005
Revises: port0004
Create Date: 2026-12-01 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "port0005"
down_revision: str | None = "port0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    "CREATE SEQUENCE portfolio.price_version_seq",
    """
    CREATE FUNCTION portfolio.prices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO portfolio.price_versions (instrument_id, version)
            SELECT DISTINCT instrument_id, nextval('portfolio.price_version_seq') FROM
                (SELECT DISTINCT instrument_id FROM old_rows) AS touched
                WHERE EXISTS (SELECT 1 FROM portfolio.instruments i WHERE i.id = touched.instrument_id)
            ON CONFLICT (instrument_id) DO UPDATE SET version = excluded.version;
        ELSIF TG_OP = 'TRUNCATE' THEN
            UPDATE portfolio.price_versions SET version = nextval('portfolio.price_version_seq');
        ELSE
            INSERT INTO portfolio.price_versions (instrument_id, version)
            SELECT instrument_id, nextval('portfolio.price_version_seq') FROM
                (SELECT DISTINCT instrument_id FROM new_rows) AS touched
            ON CONFLICT (instrument_id) DO UPDATE SET version = excluded.version;
        END IF;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER prices_inserted AFTER INSERT ON portfolio.prices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.prices_changed()""",
    """CREATE TRIGGER prices_updated AFTER UPDATE ON portfolio.prices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.prices_changed()""",
    """CREATE TRIGGER prices_deleted AFTER DELETE ON portfolio.prices REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.prices_changed()""",
    """CREATE TRIGGER prices_truncated AFTER TRUNCATE ON portfolio.prices
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.prices_changed()""",
)


def upgrade() -> None:
    op.create_table(
        "price_versions",
        sa.Column("instrument_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["portfolio.instruments.id"],
            name=op.f("fk_price_versions_instrument_id_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("instrument_id", name=op.f("pk_price_versions")),
        schema="portfolio",
    )
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute(
        "INSERT INTO portfolio.price_versions (instrument_id, version) "
        "SELECT DISTINCT instrument_id, nextval('portfolio.price_version_seq') FROM "
        "(SELECT DISTINCT instrument_id FROM portfolio.prices) AS priced"
    )


def downgrade() -> None:
    for trigger in ("prices_inserted", "prices_updated", "prices_deleted", "prices_truncated"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON portfolio.prices")
    op.execute("DROP FUNCTION IF EXISTS portfolio.prices_changed()")
    op.drop_table("price_versions", schema="portfolio")
    op.execute("DROP SEQUENCE IF EXISTS portfolio.price_version_seq")
