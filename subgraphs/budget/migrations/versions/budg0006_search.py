"""search and reports: a full-text document per transaction, pg_trgm, report and sort indexes; split check fix

``transactions.search_vector`` is a stored generated column: PostgreSQL keeps it in step with payee, tags, memo and
notes, folded (lower case, accents dropped) and split by the ``simple`` configuration, which stems nothing, so
payees in any language match as written. A GIN index serves ``@@``. Fuzzy payee matching scores the household's
payee names with ``pg_trgm`` when the server offers the extension (every PostgreSQL build with contrib does; the
embedded ``pgserver`` build does not, and search then matches payee names by substring, see docs/adr/0010).
``ix_transactions_report`` covers every column the reports read, so a period is an index-only range scan;
``ix_transactions_household_amount`` serves the amount sorts.

Also replaces ``budget.check_split_sum()``: its single CASE over ``NEW.transaction_id`` / ``NEW.id`` failed with
"record new has no field transaction_id" whenever both of its triggers fired in one session, so no split
transaction could commit.

Written by hand: the column and indexes are declared in ``subgraphs/budget/models.py`` and
``subgraphs/budget/search/models.py``.

Revision ID: budg0006_search
Revises: budg0003_ledger
Create Date: 2026-12-01 14:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "budg0006_search"
down_revision: str | None = "budg0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLD_FUNCTION = r"""
CREATE FUNCTION budget.search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(normalize(lower(value), NFKD), '[\u0300-\u036f]', '', 'g')
$$
"""

DOCUMENT_FUNCTION = """
CREATE FUNCTION budget.transaction_search_document(payee text, memo text, notes text, tags text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple', budget.search_fold(coalesce(payee, ''))), 'A')
        || setweight(to_tsvector('simple', budget.search_fold(coalesce(array_to_string(tags, ' '), ''))), 'B')
        || setweight(to_tsvector('simple', budget.search_fold(coalesce(memo, ''))), 'C')
        || setweight(to_tsvector('simple', budget.search_fold(coalesce(notes, ''))), 'D')
$$
"""

SPLIT_CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION budget.check_split_sum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tid uuid;
    t record;
    parts numeric;
    n integer;
BEGIN
    -- One branch per table: PL/pgSQL plans NEW.transaction_id against the row type it first saw, so a single
    -- CASE over both tables fails on whichever table fires second in a session.
    IF TG_TABLE_NAME = 'splits' THEN
        IF TG_OP = 'DELETE' THEN
            tid := OLD.transaction_id;
        ELSE
            tid := NEW.transaction_id;
        END IF;
    ELSE
        tid := NEW.id;
    END IF;
    SELECT amount, is_split INTO t FROM budget.transactions WHERE id = tid;
    IF NOT FOUND THEN
        RETURN NULL;  -- the transaction was deleted with its parts
    END IF;
    SELECT COALESCE(sum(amount), 0), count(*) INTO parts, n FROM budget.splits WHERE transaction_id = tid;
    IF t.is_split AND (n < 2 OR parts <> t.amount) THEN
        RAISE EXCEPTION 'the splits of transaction % sum to %, not %', tid, parts, t.amount
            USING ERRCODE = 'check_violation', CONSTRAINT = 'splits_sum_to_amount';
    END IF;
    IF NOT t.is_split AND n > 0 THEN
        RAISE EXCEPTION 'transaction % has splits but is not split', tid
            USING ERRCODE = 'check_violation', CONSTRAINT = 'splits_sum_to_amount';
    END IF;
    RETURN NULL;
END
$$
"""

TRIGRAM = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    ELSE
        RAISE NOTICE 'pg_trgm is not available on this server: fuzzy payee search falls back to substrings';
    END IF;
END
$$
"""


def upgrade() -> None:
    op.execute(SPLIT_CHECK_FUNCTION)
    op.execute(FOLD_FUNCTION)
    op.execute(DOCUMENT_FUNCTION)
    op.execute(
        "ALTER TABLE budget.transactions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(budget.transaction_search_document(payee, memo, notes, tags)) STORED"
    )
    op.execute("CREATE INDEX ix_transactions_search ON budget.transactions USING gin (search_vector)")
    op.execute("CREATE INDEX ix_transactions_household_amount ON budget.transactions (household_id, amount, id)")
    op.execute(
        "CREATE INDEX ix_transactions_report ON budget.transactions (household_id, date) "
        "INCLUDE (id, account_id, amount, currency, category_id, payee_id, is_split, transfer_id)"
    )
    op.execute(TRIGRAM)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS budget.ix_transactions_report")
    op.execute("DROP INDEX IF EXISTS budget.ix_transactions_household_amount")
    op.execute("DROP INDEX IF EXISTS budget.ix_transactions_search")
    op.execute("ALTER TABLE budget.transactions DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP FUNCTION IF EXISTS budget.transaction_search_document(text, text, text, text[])")
    op.execute("DROP FUNCTION IF EXISTS budget.search_fold(text)")
