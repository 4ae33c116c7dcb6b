"""ledger api: the split check trigger works on transactions and on deleted parts

``budget.check_split_sum()`` (from ``budg0003_ledger``) chose the transaction id with one CASE expression that
names ``NEW.transaction_id``; PL/pgSQL prepares the whole expression against the row type of the table that fired
the trigger, so on ``transactions`` (which has no ``transaction_id``) every split transaction failed at commit, and
on a deleted part ``NEW`` is null. The id is now chosen by statements that only run for their own table and
operation. Written by hand.

Revision ID: budg0004_ledger_api
Revises: budg0003_ledger
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "budg0004_ledger_api"
down_revision: str | None = "budg0003_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPLIT_CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION budget.check_split_sum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tid uuid;
    t record;
    parts numeric;
    n integer;
BEGIN
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

PREVIOUS_FUNCTION = """
CREATE OR REPLACE FUNCTION budget.check_split_sum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tid uuid := CASE WHEN TG_TABLE_NAME = 'splits' THEN COALESCE(NEW.transaction_id, OLD.transaction_id)
                     ELSE NEW.id END;
    t record;
    parts numeric;
    n integer;
BEGIN
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


def upgrade() -> None:
    op.execute(SPLIT_CHECK_FUNCTION)


def downgrade() -> None:
    op.execute(PREVIOUS_FUNCTION)
