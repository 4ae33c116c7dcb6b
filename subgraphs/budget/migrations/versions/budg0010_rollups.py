"""rollups: per-day sums of the ledger kept by statement-level triggers

``account_days`` holds, per account and date, the sum of its transactions by status; ``category_days``, per
household, category (NULL: uncategorised), currency and date, the inflows and outflows of the parts of its
non-transfer transactions (a split transaction's parts, any other transaction as one part). Balances, net worth,
the flow reports and budget figures read them instead of the transactions (ADR 0014).

The triggers are statement-level with transition tables: a COPY or an ``INSERT ... SELECT`` of 100,000 rows costs
one grouped upsert, not 100,000. A split part carries its transaction's date and currency (filled on insert and
kept in step when the transaction moves), so removing a split transaction, whose parts go by cascade after it,
still knows which day to take them from.

Revision ID: budg0010_rollups
Revises: budg0005_budgets, budg0006_search, budg0007_rules, budg0008_imports, budg0009_files
Create Date: 2026-12-01 17:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "budg0010_rollups"
down_revision: str | tuple[str, ...] | None = (
    "budg0005_budgets",
    "budg0006_search",
    "budg0007_rules",
    "budg0008_imports",
    "budg0009_files",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    """
    CREATE TABLE budget.account_days (
        account_id uuid NOT NULL,
        date date NOT NULL,
        household_id uuid NOT NULL,
        pending numeric NOT NULL DEFAULT 0,
        cleared numeric NOT NULL DEFAULT 0,
        reconciled numeric NOT NULL DEFAULT 0,
        transactions integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_account_days PRIMARY KEY (account_id, date)
    )
    """,
    "CREATE INDEX ix_account_days_household_date ON budget.account_days (household_id, date)",
    """
    CREATE TABLE budget.category_days (
        household_id uuid NOT NULL,
        category_id uuid,
        currency varchar(3) NOT NULL,
        date date NOT NULL,
        inflow numeric NOT NULL DEFAULT 0,
        outflow numeric NOT NULL DEFAULT 0,
        inflows integer NOT NULL DEFAULT 0,
        outflows integer NOT NULL DEFAULT 0
    )
    """,
    """CREATE UNIQUE INDEX uq_category_days ON budget.category_days (household_id, date, category_id, currency)
    NULLS NOT DISTINCT""",
)

# ---------------------------------------------------------------------------------------------------------------
# Split parts carry their transaction's date and currency.

SPLIT_COLUMNS = (
    "ALTER TABLE budget.splits ADD COLUMN date date",
    "ALTER TABLE budget.splits ADD COLUMN currency varchar(3)",
    """UPDATE budget.splits s SET date = t.date, currency = t.currency
       FROM budget.transactions t WHERE t.id = s.transaction_id""",
    "ALTER TABLE budget.splits ALTER COLUMN date SET NOT NULL",
    "ALTER TABLE budget.splits ALTER COLUMN currency SET NOT NULL",
    """
    CREATE FUNCTION budget.split_takes_transaction_day() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT t.date, t.currency INTO NEW.date, NEW.currency FROM budget.transactions t
         WHERE t.id = NEW.transaction_id;
        RETURN NEW;
    END $$
    """,
    """CREATE TRIGGER splits_take_transaction_day BEFORE INSERT OR UPDATE OF transaction_id ON budget.splits
    FOR EACH ROW EXECUTE FUNCTION budget.split_takes_transaction_day()""",
    """
    CREATE FUNCTION budget.splits_follow_transactions() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE budget.splits s SET date = n.date, currency = n.currency
          FROM new_rows n
         WHERE s.transaction_id = n.id AND n.is_split AND (s.date <> n.date OR s.currency <> n.currency);
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER transactions_move_splits AFTER UPDATE ON budget.transactions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION budget.splits_follow_transactions()""",
)

# ---------------------------------------------------------------------------------------------------------------
# The rollups. Each trigger groups the statement's rows into signed changes per key and adds them in key order
# (so that two writers lock shared rows in the same order); keys whose last row went are removed.

ACCOUNT_CHANGES = """
    SELECT account_id, date, household_id,
           {sign} amount * (status = 'pending')::int AS pending,
           {sign} amount * (status = 'cleared')::int AS cleared,
           {sign} amount * (status = 'reconciled')::int AS reconciled,
           {sign} 1 AS transactions
      FROM {table}
"""

ACCOUNT_APPLY = """
    WITH changes AS ({changes}),
    grouped AS (
        SELECT account_id, date, household_id, sum(pending) AS pending, sum(cleared) AS cleared,
               sum(reconciled) AS reconciled, sum(transactions)::int AS transactions
          FROM changes GROUP BY account_id, date, household_id
        HAVING sum(pending) <> 0 OR sum(cleared) <> 0 OR sum(reconciled) <> 0 OR sum(transactions) <> 0
    )
    INSERT INTO budget.account_days AS d (account_id, date, household_id, pending, cleared, reconciled, transactions)
    SELECT * FROM grouped ORDER BY account_id, date
    ON CONFLICT (account_id, date) DO UPDATE
       SET pending = d.pending + excluded.pending, cleared = d.cleared + excluded.cleared,
           reconciled = d.reconciled + excluded.reconciled, transactions = d.transactions + excluded.transactions;
    DELETE FROM budget.account_days d USING (SELECT DISTINCT account_id, date FROM ({changes}) c) k
     WHERE d.account_id = k.account_id AND d.date = k.date AND d.transactions = 0;
"""

CATEGORY_CHANGES = """
    SELECT household_id, category_id, currency, date,
           {sign} greatest(amount, 0) AS inflow, {sign} least(amount, 0) AS outflow,
           {sign} (amount > 0)::int AS inflows, {sign} (amount <= 0)::int AS outflows
      FROM {table} {where}
"""

CATEGORY_APPLY = """
    WITH changes AS ({changes}),
    grouped AS (
        SELECT household_id, date, category_id, currency, sum(inflow) AS inflow, sum(outflow) AS outflow,
               sum(inflows)::int AS inflows, sum(outflows)::int AS outflows
          FROM changes GROUP BY household_id, date, category_id, currency
        HAVING sum(inflow) <> 0 OR sum(outflow) <> 0 OR sum(inflows) <> 0 OR sum(outflows) <> 0
    )
    INSERT INTO budget.category_days AS d (household_id, date, category_id, currency, inflow, outflow, inflows, outflows)
    SELECT * FROM grouped ORDER BY household_id, date, category_id, currency
    ON CONFLICT (household_id, date, category_id, currency) DO UPDATE
       SET inflow = d.inflow + excluded.inflow, outflow = d.outflow + excluded.outflow,
           inflows = d.inflows + excluded.inflows, outflows = d.outflows + excluded.outflows;
    DELETE FROM budget.category_days d
     USING (SELECT DISTINCT household_id, date, category_id, currency FROM ({changes}) c) k
     WHERE d.household_id = k.household_id AND d.date = k.date AND d.category_id IS NOT DISTINCT FROM k.category_id
       AND d.currency = k.currency AND d.inflows + d.outflows = 0;
"""

PARTS_OF_TRANSACTIONS = "WHERE NOT is_split AND transfer_id IS NULL"
"""A split transaction counts through its parts (the ``splits`` triggers); a transfer is neither income nor
expense."""


def _changes(template: str, operation: str, **extra: str) -> str:
    if operation == "INSERT":
        return template.format(sign="", table="new_rows", **extra)
    if operation == "DELETE":
        return template.format(sign="-", table="old_rows", **extra)
    return (
        template.format(sign="", table="new_rows", **extra)
        + " UNION ALL "
        + template.format(sign="-", table="old_rows", **extra)
    )


def _rollup_triggers(*, name: str, table: str, apply: str, changes: str, **extra: str) -> list[str]:
    statements = []
    for operation in ("INSERT", "UPDATE", "DELETE"):
        function = f"budget.{name}_{operation.lower()}"
        body = apply.format(changes=_changes(changes, operation, **extra))
        referencing = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[operation]
        statements.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\nRETURN NULL;\nEND $$"
        )
        statements.append(
            f"CREATE TRIGGER {name}_{operation.lower()} AFTER {operation} ON budget.{table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


ROLLUP_TRIGGERS = (
    _rollup_triggers(
        name="account_days_from_transactions", table="transactions", apply=ACCOUNT_APPLY, changes=ACCOUNT_CHANGES
    )
    + _rollup_triggers(
        name="category_days_from_transactions",
        table="transactions",
        apply=CATEGORY_APPLY,
        changes=CATEGORY_CHANGES,
        where=PARTS_OF_TRANSACTIONS,
    )
    + _rollup_triggers(
        name="category_days_from_splits", table="splits", apply=CATEGORY_APPLY, changes=CATEGORY_CHANGES, where=""
    )
)

FX_VERSION = (
    "CREATE SEQUENCE budget.fx_rates_version_seq",
    """CREATE TABLE budget.fx_rates_version (
        id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version bigint NOT NULL
    )""",
    "INSERT INTO budget.fx_rates_version (version) VALUES (nextval('budget.fx_rates_version_seq'))",
    # A statement that changes no row (a fetch that finds nothing new) keeps the version: each branch reads only
    # the transition table its own trigger has.
    """
    CREATE FUNCTION budget.fx_rates_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
                RETURN NULL;
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
                RETURN NULL;
            END IF;
        END IF;
        INSERT INTO budget.fx_rates_version (version) VALUES (nextval('budget.fx_rates_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = excluded.version;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER fx_rates_inserted AFTER INSERT ON budget.fx_rates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION budget.fx_rates_changed()""",
    """CREATE TRIGGER fx_rates_updated AFTER UPDATE ON budget.fx_rates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION budget.fx_rates_changed()""",
    """CREATE TRIGGER fx_rates_deleted AFTER DELETE ON budget.fx_rates REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION budget.fx_rates_changed()""",
    """CREATE TRIGGER fx_rates_truncated AFTER TRUNCATE ON budget.fx_rates
    FOR EACH STATEMENT EXECUTE FUNCTION budget.fx_rates_changed()""",
)
"""A new version of the rates on every change, for the processes' caches of resolved rates (``fx.service``): a
sequence, so a rolled-back change never hands its number to a later one."""

BACKFILL = (
    """
    INSERT INTO budget.account_days (account_id, date, household_id, pending, cleared, reconciled, transactions)
    SELECT account_id, date, household_id,
           coalesce(sum(amount) FILTER (WHERE status = 'pending'), 0),
           coalesce(sum(amount) FILTER (WHERE status = 'cleared'), 0),
           coalesce(sum(amount) FILTER (WHERE status = 'reconciled'), 0), count(*)
      FROM budget.transactions GROUP BY account_id, date, household_id
    """,
    """
    INSERT INTO budget.category_days (household_id, date, category_id, currency, inflow, outflow, inflows, outflows)
    SELECT household_id, date, category_id, currency, sum(greatest(amount, 0)), sum(least(amount, 0)),
           count(*) FILTER (WHERE amount > 0), count(*) FILTER (WHERE amount <= 0)
      FROM (SELECT household_id, date, category_id, currency, amount FROM budget.transactions
             WHERE NOT is_split AND transfer_id IS NULL
            UNION ALL
            SELECT household_id, date, category_id, currency, amount FROM budget.splits) p
     GROUP BY household_id, date, category_id, currency
    """,
)


def upgrade() -> None:
    for statement in (*TABLES, *SPLIT_COLUMNS, *BACKFILL, *ROLLUP_TRIGGERS, *FX_VERSION):
        op.execute(statement)


def downgrade() -> None:
    for name, table in (
        ("account_days_from_transactions", "transactions"),
        ("category_days_from_transactions", "transactions"),
        ("category_days_from_splits", "splits"),
    ):
        for operation in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{operation} ON budget.{table}")
            op.execute(f"DROP FUNCTION IF EXISTS budget.{name}_{operation}()")
    op.execute("DROP TRIGGER IF EXISTS transactions_move_splits ON budget.transactions")
    op.execute("DROP FUNCTION IF EXISTS budget.splits_follow_transactions()")
    op.execute("DROP TRIGGER IF EXISTS splits_take_transaction_day ON budget.splits")
    op.execute("DROP FUNCTION IF EXISTS budget.split_takes_transaction_day()")
    op.execute("ALTER TABLE budget.splits DROP COLUMN IF EXISTS currency")
    op.execute("ALTER TABLE budget.splits DROP COLUMN IF EXISTS date")
    for name in ("inserted", "updated", "deleted", "truncated"):
        op.execute(f"DROP TRIGGER IF EXISTS fx_rates_{name} ON budget.fx_rates")
    op.execute("DROP FUNCTION IF EXISTS budget.fx_rates_changed()")
    op.execute("DROP TABLE IF EXISTS budget.fx_rates_version")
    op.execute("DROP SEQUENCE IF EXISTS budget.fx_rates_version_seq")
    op.execute("DROP TABLE IF EXISTS budget.category_days")
    op.execute("DROP TABLE IF EXISTS budget.account_days")
