"""month figures: converted sums of whole months, remembered per version of the month and of the rates

``ledger_months`` holds a version per household and month, drawn from a sequence by statement-level triggers on
every change to the month's transactions or split parts, and to the household's category kinds. ``month_figures``
keeps a report dimension's converted sums for whole months (``month_figures_done`` says which months are kept,
empty ones included), each under the month's version, the rates' version and the base currency it was computed
for: a change to any of them makes the kept figures unused, never wrong (ADR 14).

Revision ID: budg0011_month_figures
Revises: budg0010_rollups
Create Date: 2026-12-01 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "budg0011_month_figures"
down_revision: str | None = "budg0010_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = (
    "CREATE SEQUENCE budget.ledger_month_version_seq",
    """CREATE TABLE budget.ledger_months (
        household_id uuid NOT NULL,
        month date NOT NULL,
        version bigint NOT NULL,
        CONSTRAINT pk_ledger_months PRIMARY KEY (household_id, month)
    )""",
    """CREATE TABLE budget.month_figures_done (
        household_id uuid NOT NULL,
        dimension varchar(10) NOT NULL,
        month date NOT NULL,
        base varchar(3) NOT NULL,
        fx_version bigint NOT NULL,
        ledger_version bigint NOT NULL,
        CONSTRAINT pk_month_figures_done PRIMARY KEY (household_id, dimension, month, base, fx_version, ledger_version)
    )""",
    """CREATE TABLE budget.month_figures (
        household_id uuid NOT NULL,
        dimension varchar(10) NOT NULL,
        month date NOT NULL,
        base varchar(3) NOT NULL,
        fx_version bigint NOT NULL,
        ledger_version bigint NOT NULL,
        key uuid,
        flow varchar(7) NOT NULL,
        currency varchar(3) NOT NULL,
        converted numeric,
        unconverted numeric,
        parts bigint NOT NULL
    )""",
    """CREATE UNIQUE INDEX uq_month_figures ON budget.month_figures
    (household_id, dimension, month, base, fx_version, ledger_version, key, flow, currency) NULLS NOT DISTINCT""",
    """
    CREATE FUNCTION budget.ledger_months_touched() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO budget.ledger_months AS m (household_id, month, version)
            SELECT household_id, month, nextval('budget.ledger_month_version_seq')
              FROM (SELECT DISTINCT household_id, date_trunc('month', date)::date AS month FROM new_rows) k
             ORDER BY household_id, month
            ON CONFLICT (household_id, month) DO UPDATE SET version = excluded.version;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO budget.ledger_months AS m (household_id, month, version)
            SELECT household_id, month, nextval('budget.ledger_month_version_seq')
              FROM (SELECT DISTINCT household_id, date_trunc('month', date)::date AS month FROM old_rows) k
             ORDER BY household_id, month
            ON CONFLICT (household_id, month) DO UPDATE SET version = excluded.version;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION budget.ledger_months_recategorised() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE budget.ledger_months m SET version = nextval('budget.ledger_month_version_seq')
         WHERE m.household_id IN (SELECT n.household_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                                   WHERE o.kind IS DISTINCT FROM n.kind);
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER categories_kind_changed AFTER UPDATE ON budget.categories
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION budget.ledger_months_recategorised()""",
)


def _touch_triggers() -> list[str]:
    statements = []
    for table in ("transactions", "splits"):
        for operation, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            statements.append(
                f"CREATE TRIGGER {table}_touch_months_{operation.lower()} AFTER {operation} ON budget.{table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION budget.ledger_months_touched()"
            )
    return statements


BACKFILL = """
    INSERT INTO budget.ledger_months (household_id, month, version)
    SELECT household_id, month, nextval('budget.ledger_month_version_seq')
      FROM (SELECT DISTINCT household_id, date_trunc('month', date)::date AS month FROM budget.category_days) k
"""


def upgrade() -> None:
    for statement in (*STATEMENTS, *_touch_triggers(), BACKFILL):
        op.execute(statement)


def downgrade() -> None:
    for table in ("transactions", "splits"):
        for operation in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_touch_months_{operation} ON budget.{table}")
    op.execute("DROP TRIGGER IF EXISTS categories_kind_changed ON budget.categories")
    op.execute("DROP FUNCTION IF EXISTS budget.ledger_months_recategorised()")
    op.execute("DROP FUNCTION IF EXISTS budget.ledger_months_touched()")
    for table in ("month_figures", "month_figures_done", "ledger_months"):
        op.execute(f"DROP TABLE IF EXISTS budget.{table}")
    op.execute("DROP SEQUENCE IF EXISTS budget.ledger_month_version_seq")
