"""The import's writes, set-based: a dry run's rows go in with one ``COPY``; the commit resolves payees with one
``INSERT ... SELECT`` and adds the transactions with ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` from those
rows, a slice at a time so progress can be reported, all in the caller's transaction.

``import_rows`` is the staging table: the commit never goes through Python row by row, and the unique
``(account_id, import_key)`` index on transactions is the last word on idempotence, even against a concurrent
writer.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from typing import Any

import asyncpg

__all__ = [
    "COPY_COLUMNS",
    "copy_rows",
    "create_payees",
    "insert_transactions",
    "record_categorisations",
    "repair_unwritten",
]


COPY_COLUMNS: tuple[str, ...] = (
    "import_id",
    "position",
    "household_id",
    "account_id",
    "line",
    "record",
    "date",
    "amount",
    "currency",
    "payee",
    "memo",
    "reference",
    "import_key",
    "status",
    "reason",
    "similarity",
    "matched_transaction_id",
    "action",
    "transaction_id",
    "payee_name",
    "payee_key",
    "category_id",
    "tags",
    "suggestion_reason",
    "suggestion_source",
    "suggestion_confidence",
)
"""The ``import_rows`` columns a dry run writes, in the order of its records."""


async def copy_rows(
    conn: asyncpg.Connection, records: Sequence[tuple[Any, ...]] | AsyncIterable[tuple[Any, ...]]
) -> None:
    """Write a dry run's rows (tuples in ``COPY_COLUMNS`` order) with ``COPY`` in the binary protocol; an async
    iterable is sent as it is produced."""
    await conn.copy_records_to_table("import_rows", schema_name="budget", columns=list(COPY_COLUMNS), records=records)


_CREATE_PAYEES = """
INSERT INTO budget.payees (id, household_id, name, name_key)
SELECT gen_random_uuid(), $2, (array_agg(r.payee_name ORDER BY r.position))[1], r.payee_key
FROM budget.import_rows r
WHERE r.import_id = $1 AND r.action = 'create' AND r.payee_key <> ''
  AND NOT EXISTS (SELECT 1 FROM budget.payee_aliases a WHERE a.household_id = $2 AND a.alias_key = r.payee_key)
GROUP BY r.payee_key
ON CONFLICT (household_id, name_key) DO NOTHING
"""


async def create_payees(conn: asyncpg.Connection, *, import_id: uuid.UUID, household_id: uuid.UUID) -> int:
    """Add the payees the batch's new transactions name and the household lacks (by name or alias), in one
    statement; returns how many were added. Concurrent writers of the same name get the same row."""
    status = await conn.execute(_CREATE_PAYEES, import_id, household_id)
    return int(status.rsplit(" ", 1)[-1])


_INSERT_TRANSACTIONS = """
INSERT INTO budget.transactions (
    id, household_id, account_id, date, amount, currency, payee, payee_id, memo, tags, category_id, is_split,
    status, import_batch_id, import_key, created_by, created_at, updated_at
)
SELECT r.transaction_id, r.household_id, r.account_id, r.date, r.amount, r.currency,
       coalesce(aliased.name, named.name, r.payee_name), coalesce(aliased.id, named.id), r.memo, r.tags,
       category.id, false, 'cleared', r.import_id, r.import_key, $4,
       -- file order within a day: a microsecond apart
       now() + r.position * interval '1 microsecond', now()
FROM budget.import_rows r
LEFT JOIN budget.payee_aliases alias ON alias.household_id = r.household_id AND alias.alias_key = r.payee_key
LEFT JOIN budget.payees aliased ON aliased.id = alias.payee_id
LEFT JOIN budget.payees named ON named.household_id = r.household_id AND named.name_key = r.payee_key
     AND alias.payee_id IS NULL
LEFT JOIN budget.categories category ON category.id = r.category_id AND category.household_id = r.household_id
     AND category.archived_at IS NULL
WHERE r.import_id = $1 AND r.action = 'create' AND r.position >= $2 AND r.position < $3
ON CONFLICT (account_id, import_key) WHERE import_key IS NOT NULL DO NOTHING
"""


async def insert_transactions(
    conn: asyncpg.Connection,
    *,
    import_id: uuid.UUID,
    total_positions: int,
    created_by: uuid.UUID | None,
    slice_size: int = 25_000,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> int:
    """Add a transaction for every ``create`` row, ``slice_size`` positions at a time (``progress`` is told how
    many positions are done after each slice). Returns how many were added; a row whose key the account already
    holds is not added (see ``repair_unwritten``)."""
    added = 0
    for start in range(0, max(total_positions, 1), slice_size):
        end = min(start + slice_size, total_positions)
        status = await conn.execute(_INSERT_TRANSACTIONS, import_id, start, end, created_by)
        added += int(status.rsplit(" ", 1)[-1])
        if progress is not None:
            await progress(end)
    return added


_RECORD_CATEGORISATIONS = """
INSERT INTO budget.transaction_categorisations
    (transaction_id, household_id, category_id, source, reason, confidence, applied_by, created_at)
SELECT t.id, t.household_id, t.category_id, r.suggestion_source, coalesce(r.suggestion_reason, ''),
       least(greatest(coalesce(r.suggestion_confidence, 1), 0), 1), 'create', now()
FROM budget.import_rows r
JOIN budget.transactions t ON t.id = r.transaction_id AND t.import_batch_id = r.import_id
WHERE r.import_id = $1 AND r.action = 'create' AND t.category_id IS NOT NULL AND t.category_id = r.category_id
  AND r.suggestion_source IN ('rule', 'payee', 'learned')
ON CONFLICT (transaction_id) DO NOTHING
"""


async def record_categorisations(conn: asyncpg.Connection, *, import_id: uuid.UUID) -> int:
    """Keep why each new transaction got its category from the categoriser (``Transaction.categorisation``):
    one statement for the batch. Returns how many were recorded."""
    status = await conn.execute(_RECORD_CATEGORISATIONS, import_id)
    return int(status.rsplit(" ", 1)[-1])


_REPAIR = """
UPDATE budget.import_rows r
SET action = CASE WHEN t.id IS NULL THEN 'skip' ELSE 'link' END,
    status = 'duplicate', reason = 'same_import_key', matched_transaction_id = t.id, transaction_id = t.id
FROM budget.import_rows r2
LEFT JOIN budget.transactions t ON t.account_id = r2.account_id AND t.import_key = r2.import_key
WHERE r.import_id = $1 AND r2.import_id = r.import_id AND r2.position = r.position AND r.action = 'create'
  AND NOT EXISTS (SELECT 1 FROM budget.transactions x WHERE x.id = r.transaction_id)
"""


async def repair_unwritten(conn: asyncpg.Connection, *, import_id: uuid.UUID) -> int:
    """Rows meant to create a transaction whose key another writer recorded first become links to that
    transaction, so the batch's rows say what happened. Returns how many were repaired."""
    status = await conn.execute(_REPAIR, import_id)
    return int(status.rsplit(" ", 1)[-1])
