"""Which statement rows the ledger account already has: by import identity first, then by fingerprint.

1. **Import identities.** Each row's import key (``identity.import_keys`` in the ledger account's namespace) is
   looked up among the account's transactions and the rows of its committed imports. A key held by a live
   transaction is a duplicate (or, for a bank reference whose date or amount changed, a conflict); a key whose
   transaction is gone is a transaction the user deleted: the row is skipped, never resurrected.
2. **Fingerprints.** The other rows are matched with ``identity.classify_rows`` against the account's transactions
   around the statement's dates that no key claimed, and against deleted ones (from their import rows): the same
   transaction arriving by another route (a CSV export, then the OFX of the same month) is a duplicate; a genuine
   repeat (a week later, another payee, one coffee more) stays new.

Reads with the account locked or not; the caller decides. Everything is set-based: a few queries whatever the
number of rows.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.importers import StatementRow
from subgraphs.budget.importers.identity import Fingerprint, MatchStatus, classify_rows, normalise_text

__all__ = ["WINDOW_DAYS", "Action", "RowMatch", "Status", "driver_connection", "ledger_state", "match_rows"]

WINDOW_DAYS = 3
"""How many days apart the same transaction may be booked in two exports (card payments post a day or two later)."""


class Status:
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


class Action:
    CREATE = "create"
    LINK = "link"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class RowMatch:
    status: str
    reason: str
    action: str
    matched: uuid.UUID | None = None
    similarity: float | None = None


NEW = RowMatch(status=Status.NEW, reason="no_match", action=Action.CREATE)


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session's current transaction, for COPY and large result sets.

    SQLAlchemy's asyncpg driver sends ``BEGIN`` lazily, with the first statement it runs itself: until then a
    statement sent on the raw connection would run on its own, outside the transaction. So one is run first."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    if not driver.is_in_transaction():
        await connection.execute(text("SELECT 1"))
    if not driver.is_in_transaction():  # pragma: no cover - a driver change; never write outside the transaction
        raise RuntimeError("the session has no database transaction to join")
    return driver


_LIVE_KEYS = """
SELECT t.import_key AS key, t.id, t.date, t.amount
FROM budget.transactions t
WHERE t.account_id = $1 AND t.import_key = ANY($2::text[])
"""

_IDENTITY_KEYS = """
SELECT r.import_key AS key, r.transaction_id AS id, r.date, r.amount, (t.id IS NOT NULL) AS live
FROM budget.import_rows r
JOIN budget.import_batches b ON b.id = r.import_id AND b.status = 'committed'
LEFT JOIN budget.transactions t ON t.id = r.transaction_id AND t.account_id = $1
WHERE r.account_id = $1 AND r.import_key = ANY($2::text[]) AND r.action <> 'skip' AND r.transaction_id IS NOT NULL
"""
"""The committed import rows holding the keys, with the figures the statement gave then."""

_LIVE_POOL = """
SELECT t.id, t.date, t.amount, t.currency, t.payee, t.memo, ident.reference, ident.format, ident.payee AS raw_payee
FROM budget.transactions t
LEFT JOIN LATERAL (
    SELECT r.reference, b.format, r.payee
    FROM budget.import_rows r
    JOIN budget.import_batches b ON b.id = r.import_id AND b.status = 'committed'
    WHERE r.transaction_id = t.id AND r.action <> 'skip'
    ORDER BY (r.reference IS NULL), b.committed_at DESC
    LIMIT 1
) ident ON true
WHERE t.account_id = $1 AND t.date BETWEEN $2 AND $3
"""

_DELETED_POOL = """
SELECT DISTINCT ON (r.transaction_id)
    r.transaction_id AS id, r.date, r.amount, r.currency, r.payee, r.memo, r.reference, b.format
FROM budget.import_rows r
JOIN budget.import_batches b ON b.id = r.import_id AND b.status = 'committed'
WHERE r.account_id = $1 AND r.date BETWEEN $2 AND $3 AND r.action <> 'skip' AND r.transaction_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM budget.transactions t WHERE t.id = r.transaction_id AND t.account_id = $1)
ORDER BY r.transaction_id, (r.reference IS NULL)
"""


def _texts(*values: str | None) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        text = normalise_text(value)
        if text and text not in found:
            found.append(text)
    return tuple(found)


def _incoming_texts(payee: str | None, memo: str | None) -> tuple[str, ...]:
    """What ``identity.fuzzy_fingerprint`` compares: payee, memo, and the two together."""
    p, m = normalise_text(payee), normalise_text(memo)
    return tuple(dict.fromkeys(t for t in (p, m, f"{p} {m}".strip()) if t))


@dataclass(frozen=True, slots=True)
class _Existing:
    id: uuid.UUID
    live: bool
    fingerprint: Fingerprint


def _existing(record: Any, *, live: bool) -> _Existing:
    payee, memo = record["payee"], record["memo"]
    texts = list(_incoming_texts(payee, memo))
    if live and record["raw_payee"]:
        texts.extend(t for t in _texts(record["raw_payee"]) if t not in texts)
    return _Existing(
        id=record["id"],
        live=live,
        fingerprint=Fingerprint(
            booking_date=record["date"],
            amount=record["amount"],
            currency=record["currency"],
            reference=record["reference"],
            source=record["format"],
            texts=tuple(texts),
        ),
    )


async def match_rows(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    rows: Sequence[StatementRow],
    keys: Sequence[str],
    source: str,
) -> list[RowMatch]:
    """How each of ``rows`` (with its import key) stands against the account's ledger; see the module docstring."""
    conn = await driver_connection(session)
    results: list[RowMatch | None] = [None] * len(rows)
    key_list = list(keys)
    live_by_key = {r["key"]: r for r in await conn.fetch(_LIVE_KEYS, account_id, key_list)}
    identities: dict[str, Any] = {}
    for record in await conn.fetch(_IDENTITY_KEYS, account_id, key_list):
        known = identities.get(record["key"])
        if known is None or (record["live"] and not known["live"]):
            identities[record["key"]] = record
    claimed: set[uuid.UUID] = set()
    for i, (row, key) in enumerate(zip(rows, keys, strict=True)):
        identity = identities.get(key)
        live = live_by_key.get(key)
        if identity is not None and identity["live"]:
            # Compared with what the statement said when the identity was recorded: the user may have edited the
            # transaction since, and that is no conflict; the bank changing its figures is.
            found = identity
        elif live is not None:
            found = live
        elif identity is not None:
            claimed.add(identity["id"])
            results[i] = RowMatch(status=Status.DUPLICATE, reason="deleted", action=Action.SKIP)
            continue
        else:
            continue
        if found["id"] in claimed:
            continue
        claimed.add(found["id"])
        if (found["date"], found["amount"]) != (row.booking_date, row.amount):
            results[i] = RowMatch(
                status=Status.CONFLICT, reason="reference_mismatch", action=Action.SKIP, matched=found["id"]
            )
        else:
            results[i] = RowMatch(
                status=Status.DUPLICATE, reason="same_import_key", action=Action.LINK, matched=found["id"]
            )

    rest = [i for i, result in enumerate(results) if result is None]
    if rest:
        await _match_fingerprints(conn, account_id=account_id, rows=rows, rest=rest, source=source, claimed=claimed,
                                  results=results)  # fmt: skip
    return [result or NEW for result in results]


async def _match_fingerprints(
    conn: asyncpg.Connection,
    *,
    account_id: uuid.UUID,
    rows: Sequence[StatementRow],
    rest: list[int],
    source: str,
    claimed: set[uuid.UUID],
    results: list[RowMatch | None],
) -> None:
    window = timedelta(days=WINDOW_DAYS)
    low = min(rows[i].booking_date for i in rest) - window
    high = max(rows[i].booking_date for i in rest) + window
    pool = [
        _existing(r, live=True) for r in await conn.fetch(_LIVE_POOL, account_id, low, high) if r["id"] not in claimed
    ]
    pool += [
        _existing(r, live=False)
        for r in await conn.fetch(_DELETED_POOL, account_id, low, high)
        if r["id"] not in claimed
    ]
    if not pool:
        return
    # Only rows that some existing transaction could match are fingerprinted: the same amount and currency within
    # the window, or the same bank reference (a reference whose figures changed is a conflict).
    days_by_amount: dict[tuple[Decimal, str], set[date]] = defaultdict(set)
    references: set[str] = set()
    for existing in pool:
        days_by_amount[(existing.fingerprint.amount, existing.fingerprint.currency)].add(
            existing.fingerprint.booking_date
        )
        if existing.fingerprint.reference:
            references.add(existing.fingerprint.reference)
    candidates: list[int] = []
    for i in rest:
        row = rows[i]
        days = days_by_amount.get((row.amount, row.currency))
        if (row.reference and row.reference in references) or (
            days and any(abs((row.booking_date - day).days) <= WINDOW_DAYS for day in days)
        ):
            candidates.append(i)
    if not candidates:
        return
    incoming = [
        Fingerprint(
            booking_date=rows[i].booking_date,
            amount=rows[i].amount,
            currency=rows[i].currency,
            reference=rows[i].reference or None,
            source=source,
            texts=_incoming_texts(rows[i].payee, rows[i].memo),
        )
        for i in candidates
    ]
    outcomes = classify_rows(existing=[e.fingerprint for e in pool], incoming=incoming, window_days=WINDOW_DAYS)
    for outcome in outcomes:
        if outcome.status is MatchStatus.NEW or outcome.existing is None:
            continue
        target = pool[outcome.existing]
        i = candidates[outcome.index]
        if not target.live:
            results[i] = RowMatch(status=Status.DUPLICATE, reason="deleted", action=Action.SKIP)
        elif outcome.status is MatchStatus.CONFLICT:
            results[i] = RowMatch(status=Status.CONFLICT, reason=outcome.reason, action=Action.SKIP, matched=target.id)
        else:
            results[i] = RowMatch(
                status=Status.DUPLICATE,
                reason=outcome.reason,
                action=Action.LINK,
                matched=target.id,
                similarity=outcome.similarity,
            )


_STATE = """
SELECT count(*) AS n, coalesce(sum(hashtext(t.id::text || t.date::text || t.amount::text || coalesce(t.payee, ''))), 0)
       AS h
FROM budget.transactions t WHERE t.account_id = $1
"""
_IMPORTS_STATE = """
SELECT count(*) AS n, max(greatest(committed_at, undone_at)) AS at
FROM budget.import_batches WHERE account_id = $1 AND committed_at IS NOT NULL
"""


async def ledger_state(session: AsyncSession, *, account_id: uuid.UUID) -> str:
    """A digest of what classification depends on: the account's transactions (ids, dates, amounts, payees) and
    its committed or undone imports. Equal digests mean a dry run's classification still holds."""
    conn = await driver_connection(session)
    ledger = await conn.fetchrow(_STATE, account_id)
    imports = await conn.fetchrow(_IMPORTS_STATE, account_id)
    text = f"{ledger['n']}|{ledger['h']}|{imports['n']}|{imports['at']}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]
