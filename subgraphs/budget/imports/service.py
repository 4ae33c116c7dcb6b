"""Statement imports: upload and dry run, commit (the worker's job), undo, and CSV mapping profiles.
Keyword-only async functions, no GraphQL; callers own the database transaction unless a function says otherwise.

The flow: ``start_import`` keeps the raw file in object storage and runs a **dry run**: the file is read with the
detected (or chosen) settings, every row gets its import key and is classified against the account's ledger (new,
duplicate, conflict: ``matching``) and categorised, and the rows are stored in ``import_rows``; nothing touches
the ledger. ``dry_run`` does it again with other settings. ``request_commit`` records the user's choices for
duplicates and conflicts and asks the worker (through the outbox, so the request cannot be lost) to run
``run_commit``: in one database transaction, with the account locked, it checks that the ledger has not changed
since the dry run (else it classifies again), adds the payees and transactions set-based, and writes
``ImportCompleted`` and the account's change event once for the batch. ``undo_import`` deletes what a batch added.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.constants import TOPIC_IMPORT_COMMIT_REQUESTED, TOPIC_IMPORT_COMPLETED, TOPIC_IMPORT_UNDONE
from fincloud.db import utcnow
from fincloud.events import write_event
from fincloud.money import Money
from fincloud.storage import ObjectStore
from fincloud.uploads import UploadedFile
from subgraphs.budget.importers import StatementError, StatementRow
from subgraphs.budget.importers.format_csv import CsvMapping
from subgraphs.budget.importers.identity import import_keys
from subgraphs.budget.imports.matching import Action, RowMatch, Status, driver_connection, ledger_state, match_rows
from subgraphs.budget.imports.models import ImportBatch, ImportMappingProfile
from subgraphs.budget.imports.progress import Phase, Progress, Publish
from subgraphs.budget.imports.reading import ImportSettings, Reading, SavedProfile, issue_json, read_statement
from subgraphs.budget.imports.writing import (
    copy_rows,
    create_payees,
    insert_transactions,
    record_categorisations,
    repair_unwritten,
)
from subgraphs.budget.models import Account, outbox
from subgraphs.budget.services.account_events import write_account_changed
from subgraphs.budget.services.categorise import Categoriser, Draft, forget_learned_models
from subgraphs.budget.services.ledger import (
    AccountArchivedError,
    LedgerError,
    locked_account,
    normalize_tags,
)
from subgraphs.budget.services.payees import payee_key

__all__ = [
    "ImportNotFoundError",
    "ImportStateError",
    "MappingProfileError",
    "ResolutionError",
    "Status",
    "delete_profile",
    "dry_run",
    "get_import",
    "purge_import_files",
    "request_commit",
    "run_commit",
    "save_profile",
    "start_import",
    "undo_import",
]

logger = logging.getLogger(__name__)

ROW_ACTIONS = frozenset({Action.CREATE, Action.LINK, Action.SKIP})
_STAGING_SLICE = 5_000


class ImportNotFoundError(LedgerError, LookupError):
    """No such import in the caller's households (another household's looks the same)."""

    field = "importId"

    def __init__(self, message: str = "no such import", *, field: str | None = None) -> None:
        super().__init__(message, field=field)


class ImportStateError(LedgerError):
    """The import is not in a state that allows this (already committed, being committed, undone ...)."""

    field = "importId"


class ResolutionError(LedgerError):
    field = "resolutions"


class MappingProfileError(LedgerError):
    field = "mapping"


# ---------------------------------------------------------------------------------------------------------------
# Upload and dry run


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def storage_key(*, household_id: uuid.UUID, import_id: uuid.UUID, filename: str | None) -> str:
    """``imports/<household>/<import>/<name>``: the name tidied to safe characters."""
    name = _UNSAFE_NAME.sub("_", filename or "").strip("._")[:120] or "statement"
    return f"imports/{household_id}/{import_id}/{name}"


async def start_import(
    *,
    session: AsyncSession,
    store: ObjectStore,
    account: Account,
    upload: UploadedFile,
    settings: ImportSettings,
    created_by: uuid.UUID | None,
) -> ImportBatch:
    """Keep the file and run its dry run; ``account`` is one the caller may write to. The file is stored first
    (removed again if the dry run fails with an error), then the batch and its rows are written in the caller's
    transaction. A file that cannot be read as set is not an error: the batch is ``needs_input`` with the
    problem, and ``dry_run`` tries again with other settings."""
    if account.archived_at is not None:
        raise AccountArchivedError("the account is archived; unarchive it to import into it")
    import_id = uuid.uuid4()
    key = storage_key(household_id=account.household_id, import_id=import_id, filename=upload.filename)
    await store.put(key, upload.data, content_type=upload.content_type or "application/octet-stream")
    try:
        batch = ImportBatch(
            id=import_id,
            household_id=account.household_id,
            account_id=account.id,
            status="needs_input",
            filename=upload.filename,
            content_type=upload.content_type,
            size_bytes=upload.size,
            sha256=hashlib.sha256(upload.data).hexdigest(),
            storage_key=key,
            created_by=created_by,
        )
        session.add(batch)
        await session.flush()
        await _analyse(session=session, batch=batch, account=account, data=upload.data, settings=settings)
    except BaseException:
        await store.delete(key)
        raise
    return batch


async def dry_run(
    *,
    session: AsyncSession,
    store: ObjectStore,
    household_ids: Sequence[uuid.UUID],
    import_id: uuid.UUID,
    settings: ImportSettings,
) -> ImportBatch:
    """Read the batch's file again with ``settings`` and classify it against the ledger as it is now."""
    batch = await _locked_batch(session=session, household_ids=household_ids, import_id=import_id)
    if batch.status not in ("needs_input", "ready", "failed"):
        raise ImportStateError(f"the import is {batch.status.replace('_', ' ')}; upload the file again to re-read it")
    account = await session.get(Account, batch.account_id)
    if account is None:
        raise ImportNotFoundError()
    data = await store.get(batch.storage_key)
    await _analyse(session=session, batch=batch, account=account, data=data, settings=settings)
    return batch


async def _profiles(session: AsyncSession, account_id: uuid.UUID) -> list[SavedProfile]:
    rows = await session.scalars(
        select(ImportMappingProfile)
        .where(ImportMappingProfile.account_id == account_id, ImportMappingProfile.format == "csv")
        .order_by(
            ImportMappingProfile.last_used_at.desc().nulls_last(),
            ImportMappingProfile.updated_at.desc(),
            ImportMappingProfile.id,
        )
    )
    return [SavedProfile(id=p.id, mapping=p.mapping) for p in rows]


def _read(data: bytes, filename: str | None, currency: str, settings: ImportSettings, profiles: list[SavedProfile],
          namespace: str) -> tuple[Reading, tuple[str, ...]]:  # fmt: skip
    reading = read_statement(data, filename=filename, currency=currency, settings=settings, profiles=profiles)
    return reading, import_keys(reading.rows, namespace=namespace) if reading.problem is None else ()


def _clean_payee(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = " ".join(value.split())[:300]
    return cleaned or None


class _Staging:
    """Builds ``import_rows`` records (in ``writing.COPY_COLUMNS`` order) from classified, categorised rows: the
    per-row work of a large import, so what repeats (payee names and keys) is worked out once."""

    def __init__(self, *, batch: ImportBatch, account: Account, categoriser: Categoriser) -> None:
        self.batch_id = batch.id
        self.account_id = account.id
        self.household_id = account.household_id
        self.suggest = categoriser.suggest
        self._payees: dict[str | None, tuple[str | None, str]] = {}

    def payee(self, name: str | None) -> tuple[str | None, str]:
        """The name tidied, and its payee key (``""`` for none)."""
        found = self._payees.get(name)
        if found is None:
            cleaned = _clean_payee(name)
            found = self._payees[name] = (cleaned, payee_key(cleaned) if cleaned else "")
        return found

    def record(self, position: int, row: StatementRow, key: str, match: RowMatch) -> tuple[Any, ...]:
        suggestion = self.suggest(
            Draft(account_id=self.account_id, date=row.booking_date, amount=row.amount, payee=row.payee, memo=row.memo)
        )
        payee_name, payee_key_ = self.payee(suggestion.payee or row.payee)
        if suggestion.tags:
            try:
                tags = normalize_tags(suggestion.tags)
            except LedgerError:
                tags = []
        else:
            tags = []
        decided = suggestion.category_id is not None or suggestion.payee is not None or bool(tags)
        action = match.action
        if action == Action.CREATE:
            transaction_id: uuid.UUID | None = uuid.uuid4()
        elif action == Action.LINK:
            transaction_id = match.matched
        else:
            transaction_id = None
        payee = row.payee
        reference = row.reference
        return (
            self.batch_id,
            position,
            self.household_id,
            self.account_id,
            row.line,
            row.record,
            row.booking_date,
            row.amount,
            row.currency,
            payee[:300] if payee else None,
            row.memo,
            reference[:200] if reference else None,
            key,
            match.status,
            match.reason,
            match.similarity,
            match.matched,
            action,
            transaction_id,
            payee_name,
            payee_key_,
            suggestion.category_id,
            tags,
            suggestion.reason[:300] if decided and suggestion.reason else None,
            suggestion.source if decided else None,
            suggestion.confidence if decided else None,
        )


def _counts(matches: Sequence[RowMatch], invalid: int) -> dict[str, int]:
    counts = {"total": len(matches), "new": 0, "duplicate": 0, "conflict": 0, "deleted": 0, "invalid": invalid}
    for match in matches:
        counts[match.status] += 1
        if match.reason == "deleted":
            counts["deleted"] += 1
    return counts


async def _analyse(
    *, session: AsyncSession, batch: ImportBatch, account: Account, data: bytes, settings: ImportSettings
) -> None:
    """Read, classify, categorise and stage the batch's rows; the batch says ``ready`` or ``needs_input``."""
    conn = await driver_connection(session)
    await conn.execute("DELETE FROM budget.import_rows WHERE import_id = $1", batch.id)
    profiles = await _profiles(session, account.id)
    # Parsing a large file takes seconds of CPU: off the event loop, so the subgraph keeps answering.
    reading, keys = await asyncio.to_thread(
        _read, data, batch.filename, account.currency, settings, profiles, str(account.id)
    )
    batch.format = reading.format
    batch.settings = reading.settings.to_json()
    batch.detected = reading.detected
    batch.warnings = [issue_json(w) for w in reading.warnings]
    batch.resolutions = {}
    if reading.problem is not None:
        batch.status = "needs_input"
        batch.problem = reading.problem.to_json()
        batch.counts = {}
        batch.ledger_state = None
        batch.period_start = batch.period_end = None
        return
    rows = reading.rows
    # The digest is taken before reading the ledger: a change in between makes the commit classify again.
    batch.ledger_state = await ledger_state(session, account_id=account.id)
    matches = await match_rows(session, account_id=account.id, rows=rows, keys=keys, source=reading.format or "")
    categoriser = await Categoriser.load(session=session, household_id=account.household_id)
    staging = _Staging(batch=batch, account=account, categoriser=categoriser)

    async def records() -> AsyncIterator[tuple[Any, ...]]:
        # Built a slice at a time while COPY sends the previous ones: PostgreSQL indexes rows on the other core.
        for start in range(0, len(rows), _STAGING_SLICE):
            end = min(start + _STAGING_SLICE, len(rows))
            for position in range(start, end):
                yield staging.record(position, rows[position], keys[position], matches[position])
            await asyncio.sleep(0)

    await copy_rows(conn, records())
    # Fresh statistics for the commit's set-based statements: planned for an empty staging table, joining its
    # rows to the new transactions went row by row (six seconds for 50,000 rows instead of a fraction of one).
    await conn.execute("ANALYZE budget.import_rows")
    skipped = sum(1 for w in reading.warnings if w.code == "invalid_row")
    batch.counts = _counts(matches, skipped)
    batch.problem = None
    batch.status = "ready"
    dates = [row.booking_date for row in rows]
    statement = reading.account
    batch.period_start = (statement.period_start if statement else None) or min(dates, default=None)
    batch.period_end = (statement.period_end if statement else None) or max(dates, default=None)


# ---------------------------------------------------------------------------------------------------------------
# Looking up


async def get_import(*, session: AsyncSession, household_ids: Sequence[uuid.UUID], import_id: uuid.UUID) -> ImportBatch:
    batch = await session.scalar(
        select(ImportBatch).where(ImportBatch.id == import_id, ImportBatch.household_id.in_(household_ids))
    )
    if batch is None:
        raise ImportNotFoundError()
    return batch


async def _locked_batch(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], import_id: uuid.UUID
) -> ImportBatch:
    batch = await session.scalar(
        select(ImportBatch)
        .where(ImportBatch.id == import_id, ImportBatch.household_id.in_(household_ids))
        .with_for_update()
    )
    if batch is None:
        raise ImportNotFoundError()
    return batch


# ---------------------------------------------------------------------------------------------------------------
# Commit


def _state_message(batch: ImportBatch) -> str:
    return {
        "needs_input": "the file cannot be imported as set yet: " + str((batch.problem or {}).get("message", "")),
        "queued": "the import is already being committed",
        "committing": "the import is already being committed",
        "committed": "the import is already committed",
        "undone": "the import was undone; upload the file again to import it",
    }.get(batch.status, f"the import is {batch.status}")


async def request_commit(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    import_id: uuid.UUID,
    resolutions: Mapping[int, str],
    conflicts: str | None,
) -> ImportBatch:
    """Queue the batch's commit with the user's choices: ``resolutions`` by row index (``create`` a transaction,
    ``link`` the row to the transaction it matched, ``skip`` it) and ``conflicts``, what to do with conflicts not
    resolved one by one (required when there are any). Writes the request to the outbox, which hands it to the
    worker once this transaction commits."""
    batch = await _locked_batch(session=session, household_ids=household_ids, import_id=import_id)
    if batch.status not in ("ready", "failed"):
        raise ImportStateError(_state_message(batch))
    if conflicts is not None and conflicts not in ROW_ACTIONS:
        raise ResolutionError("choose create, link or skip for conflicts", field="conflicts")
    conn = await driver_connection(session)
    positions = sorted(resolutions)
    found = {
        r["position"]: r
        for r in await conn.fetch(
            """
            SELECT r.position, r.status, r.reason, r.matched_transaction_id,
                   EXISTS (SELECT 1 FROM budget.transactions t
                           WHERE t.account_id = r.account_id AND t.import_key = r.import_key) AS key_taken
            FROM budget.import_rows r WHERE r.import_id = $1 AND r.position = ANY($2::int[])
            """,
            batch.id,
            positions,
        )
    }
    for position in positions:
        action = resolutions[position]
        row = found.get(position)
        if row is None:
            raise ResolutionError(f"row {position} does not exist in this import")
        if action not in ROW_ACTIONS:
            raise ResolutionError(f"row {position}: choose create, link or skip")
        if action == Action.LINK and row["matched_transaction_id"] is None:
            raise ResolutionError(f"row {position} matches no transaction to link to")
        if action == Action.CREATE and (row["reason"] == "same_import_key" or row["key_taken"]):
            raise ResolutionError(
                f"row {position} is already in the ledger under the same import identity; link or skip it"
            )
    unresolved = await conn.fetchval(
        "SELECT count(*) FROM budget.import_rows WHERE import_id = $1 AND status = 'conflict' "
        "AND NOT (position = ANY($2::int[]))",
        batch.id,
        positions,
    )
    if unresolved and conflicts is None:
        raise ResolutionError(
            f"{unresolved} row(s) conflict with transactions already recorded: choose for each (or for all) whether "
            "to link them (merge), create them, or skip them",
            field="conflicts",
        )
    batch.resolutions = {"rows": {str(p): resolutions[p] for p in positions}, "conflicts": conflicts}
    batch.status = "queued"
    batch.problem = None
    batch.commit_attempts += 1
    await write_event(
        session,
        outbox,
        topic=TOPIC_IMPORT_COMMIT_REQUESTED,
        household_id=batch.household_id,
        payload={"import_id": batch.id, "attempt": batch.commit_attempts},
    )
    return batch


_APPLY_RESOLUTIONS = """
UPDATE budget.import_rows r
SET action = v.action,
    transaction_id = CASE v.action WHEN 'create' THEN gen_random_uuid() WHEN 'link' THEN r.matched_transaction_id END
FROM unnest($2::int[], $3::text[]) AS v(position, action)
WHERE r.import_id = $1 AND r.position = v.position AND r.action <> v.action
  AND (v.action <> 'link' OR r.matched_transaction_id IS NOT NULL)
  AND NOT (v.action = 'create' AND r.reason = 'same_import_key')
"""

_APPLY_CONFLICTS = """
UPDATE budget.import_rows r
SET action = $2,
    transaction_id = CASE $2 WHEN 'create' THEN gen_random_uuid() WHEN 'link' THEN r.matched_transaction_id END
WHERE r.import_id = $1 AND r.status = 'conflict' AND NOT (r.position = ANY($3::int[])) AND r.action <> $2
  AND ($2 <> 'link' OR r.matched_transaction_id IS NOT NULL)
  AND NOT ($2 = 'create' AND r.reason = 'same_import_key')
"""

_ACTION_COUNTS = """
SELECT count(*) FILTER (WHERE action = 'create') AS create, count(*) FILTER (WHERE action = 'link') AS link,
       count(*) FILTER (WHERE action = 'skip') AS skip, count(*) AS total
FROM budget.import_rows WHERE import_id = $1
"""


async def run_commit(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    store: ObjectStore,
    import_id: uuid.UUID,
    publish: Publish | None = None,
) -> ImportBatch | None:
    """The worker's commit of a queued batch, all or nothing: the transactions, the batch's status and its events
    commit together, or the batch is marked ``failed`` with the reason and the ledger is untouched. A batch that is
    not queued (a repeated delivery) is left alone. Progress goes to ``publish``."""

    async def report(progress: Progress) -> None:
        if publish is not None:
            try:
                await publish(progress)
            except Exception:
                logger.warning("import progress not published", exc_info=True)

    async with sessionmaker() as session:
        async with session.begin():
            batch = await session.scalar(select(ImportBatch).where(ImportBatch.id == import_id).with_for_update())
            # "committing" under this lock means a run that died half-way (its writes were rolled back): go again.
            if batch is None or batch.status not in ("queued", "committing"):
                return batch
            batch.status = "committing"
            total = int(batch.counts.get("total", 0))
        await report(Progress(import_id=import_id, status="committing", phase=Phase.CHECKING, total=total))
        try:
            async with session.begin():
                batch = await _commit(session=session, store=store, import_id=import_id, report=report)
        except Exception as exc:
            logger.exception("import commit failed", extra={"import_id": str(import_id)})
            message = str(exc) if isinstance(exc, (LedgerError, StatementError)) else "the commit failed on our side"
            async with session.begin():
                await session.execute(
                    update(ImportBatch)
                    .where(ImportBatch.id == import_id)
                    .values(status="failed", problem={"code": "commit_failed", "message": message}, updated_at=utcnow())
                )
            await report(Progress(import_id=import_id, status="failed", phase=Phase.FAILED, message=message))
            return None
    counts = batch.counts
    await report(
        Progress(
            import_id=import_id,
            status="committed",
            phase=Phase.DONE,
            processed=int(counts.get("total", 0)),
            total=int(counts.get("total", 0)),
            created=counts.get("created"),
            linked=counts.get("linked"),
            skipped=counts.get("skipped"),
        )
    )
    return batch


async def _commit(*, session: AsyncSession, store: ObjectStore, import_id: uuid.UUID, report: Publish) -> ImportBatch:
    batch = await session.scalar(select(ImportBatch).where(ImportBatch.id == import_id).with_for_update())
    assert batch is not None
    account = await locked_account(session=session, household_ids=[batch.household_id], account_id=batch.account_id)
    if account.archived_at is not None:
        raise AccountArchivedError("the account was archived; unarchive it to import into it")
    conn = await driver_connection(session)
    if await ledger_state(session, account_id=account.id) != batch.ledger_state:
        # The ledger changed since the dry run (another import, an edit): classify again, under the lock.
        data = await store.get(batch.storage_key)
        await _analyse(
            session=session, batch=batch, account=account, data=data, settings=ImportSettings.from_json(batch.settings)
        )
        if batch.status != "ready":
            raise StatementError(str((batch.problem or {}).get("message", "the file cannot be read any more")))
    resolutions: dict[str, Any] = batch.resolutions or {}
    chosen = {int(p): a for p, a in (resolutions.get("rows") or {}).items()}
    if chosen:
        positions = sorted(chosen)
        await conn.execute(_APPLY_RESOLUTIONS, batch.id, positions, [chosen[p] for p in positions])
    if resolutions.get("conflicts"):
        await conn.execute(_APPLY_CONFLICTS, batch.id, resolutions["conflicts"], sorted(chosen))
    planned = await conn.fetchrow(_ACTION_COUNTS, batch.id)
    total = int(planned["total"])
    await report(Progress(import_id=batch.id, status="committing", phase=Phase.PAYEES, total=total))
    await create_payees(conn, import_id=batch.id, household_id=account.household_id)

    async def written(done: int) -> None:
        await report(
            Progress(import_id=batch.id, status="committing", phase=Phase.WRITING, processed=done, total=total)
        )

    created = await insert_transactions(
        conn, import_id=batch.id, total_positions=total, created_by=batch.created_by, progress=written
    )
    if created < planned["create"]:
        await repair_unwritten(conn, import_id=batch.id)
        planned = await conn.fetchrow(_ACTION_COUNTS, batch.id)
    await record_categorisations(conn, import_id=batch.id)
    forget_learned_models(account.household_id)  # the household's history just grew
    await conn.execute(
        "UPDATE budget.import_mapping_profiles SET last_used_at = now() WHERE id = $1",
        _profile_id(batch.settings),
    )
    summary = await conn.fetchrow(
        """
        SELECT coalesce(sum(amount), 0) AS added, array_agg(DISTINCT to_char(date, 'YYYY-MM')) AS months,
               array_agg(DISTINCT category_id) FILTER (WHERE category_id IS NOT NULL) AS categories
        FROM budget.transactions WHERE import_batch_id = $1
        """,
        batch.id,
    )
    batch.counts = {
        **batch.counts,
        "created": created,
        "linked": int(planned["link"]),
        "skipped": int(planned["skip"]),
    }
    batch.status = "committed"
    batch.committed_at = utcnow()
    batch.problem = None
    await write_event(
        session,
        outbox,
        topic=TOPIC_IMPORT_COMPLETED,
        household_id=account.household_id,
        payload={
            "import_id": batch.id,
            "account_id": account.id,
            "format": batch.format,
            "filename": batch.filename,
            "counts": batch.counts,
            "amount": Money(summary["added"], account.currency).display_amount(),
            "currency": account.currency,
            "period_start": batch.period_start,
            "period_end": batch.period_end,
            "months": sorted(m for m in summary["months"] or [] if m),
            "category_ids": sorted(str(c) for c in summary["categories"] or []),
            "created_by": batch.created_by,
        },
    )
    # One change event for the account, whatever the number of rows: balance subscribers refresh once.
    if created:
        await write_account_changed(session=session, account=account)
    return batch


def _profile_id(settings: Mapping[str, Any]) -> uuid.UUID | None:
    value = settings.get("profile_id")
    return uuid.UUID(value) if value else None


# ---------------------------------------------------------------------------------------------------------------
# Undo


async def undo_import(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], import_id: uuid.UUID
) -> ImportBatch:
    """Delete the transactions the batch created (those still there), with its events; the batch's rows stop
    counting as import identities, so the same file can be imported again. Refused while any of them is
    reconciled or part of a transfer: undoing must not rewrite a reconciled statement or break a pair."""
    batch = await _locked_batch(session=session, household_ids=household_ids, import_id=import_id)
    if batch.status != "committed":
        raise ImportStateError(
            "only a committed import can be undone" if batch.status != "undone" else "the import was already undone"
        )
    account = await locked_account(session=session, household_ids=[batch.household_id], account_id=batch.account_id)
    conn = await driver_connection(session)
    blocked = await conn.fetchrow(
        """
        SELECT count(*) FILTER (WHERE status = 'reconciled' OR reconciliation_id IS NOT NULL) AS reconciled,
               count(*) FILTER (WHERE transfer_id IS NOT NULL) AS transfers
        FROM budget.transactions WHERE import_batch_id = $1
        """,
        batch.id,
    )
    if blocked["reconciled"]:
        raise ImportStateError(
            f"{blocked['reconciled']} transaction(s) of this import are reconciled; undoing it would change a "
            "reconciled statement"
        )
    if blocked["transfers"]:
        raise ImportStateError(
            f"{blocked['transfers']} transaction(s) of this import are now part of transfers; delete those first"
        )
    # Other imports' rows linked to these transactions lose the link: the transactions go because of the undo,
    # not because the user deleted them, so those rows must not read as deletions later.
    await conn.execute(
        """
        UPDATE budget.import_rows r SET transaction_id = NULL
        FROM budget.transactions t
        WHERE t.import_batch_id = $1 AND r.transaction_id = t.id AND r.import_id <> $1
        """,
        batch.id,
    )
    deleted = await conn.fetchrow(
        """
        WITH gone AS (DELETE FROM budget.transactions WHERE import_batch_id = $1 AND account_id = $2 RETURNING amount)
        SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM gone
        """,
        batch.id,
        account.id,
    )
    batch.status = "undone"
    batch.undone_at = utcnow()
    batch.counts = {**batch.counts, "removed": int(deleted["n"])}
    await write_event(
        session,
        outbox,
        topic=TOPIC_IMPORT_UNDONE,
        household_id=account.household_id,
        payload={
            "import_id": batch.id,
            "account_id": account.id,
            "removed": int(deleted["n"]),
            "amount": Money(-Decimal(deleted["amount"]), account.currency).display_amount(),
            "currency": account.currency,
        },
    )
    if deleted["n"]:
        await write_account_changed(session=session, account=account)
    return batch


# ---------------------------------------------------------------------------------------------------------------
# Mapping profiles


async def save_profile(
    *,
    session: AsyncSession,
    account: Account,
    name: str,
    mapping: Mapping[str, Any],
) -> ImportMappingProfile:
    """Save (or replace, by name) a CSV mapping for the account's next imports; the mapping is checked."""
    cleaned = " ".join(name.split())
    if not 0 < len(cleaned) <= 100:
        raise MappingProfileError("give the profile a name of 1 to 100 characters", field="name")
    try:
        checked = CsvMapping.from_json(mapping).to_json()
    except StatementError as exc:
        raise MappingProfileError(exc.message) from None
    profile = await session.scalar(
        select(ImportMappingProfile)
        .where(ImportMappingProfile.account_id == account.id, ImportMappingProfile.name == cleaned)
        .with_for_update()
    )
    if profile is None:
        profile = ImportMappingProfile(household_id=account.household_id, account_id=account.id, name=cleaned)
        session.add(profile)
    profile.mapping = checked
    profile.updated_at = utcnow()
    await session.flush()
    return profile


async def delete_profile(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], profile_id: uuid.UUID
) -> ImportMappingProfile:
    profile = await session.scalar(
        select(ImportMappingProfile).where(
            ImportMappingProfile.id == profile_id, ImportMappingProfile.household_id.in_(household_ids)
        )
    )
    if profile is None:
        raise MappingProfileError("no such mapping profile", field="id")
    await session.delete(profile)
    await session.flush()
    return profile


async def purge_import_files(*, store: ObjectStore, household_id: uuid.UUID) -> int:
    """Delete the raw statement files of a household's imports (its household was deleted); returns how many."""
    keys = await store.keys(f"imports/{household_id}/")
    for key in keys:
        await store.delete(key)
    return len(keys)
