"""Driving imports in-process: GraphQL operations on the budget schema with a real runtime (PostgreSQL, Redis,
object store), and the worker's commit job run as the worker runs it."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.datastructures import Headers, UploadFile

from fincloud.auth import Viewer
from fincloud.constants import ARQ_QUEUE, TOPIC_IMPORT_COMMIT_REQUESTED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.importers import StatementRow, parse_statement
from subgraphs.budget.models import Account, Transaction, outbox
from subgraphs.budget.schema import schema
from workers.imports import import_commit

REPO_ROOT = Path(__file__).resolve().parents[4]
SHARED_OFX = REPO_ROOT / ".." / "shared" / "fixtures" / "ofx"
"""Real-world OFX statements no one on the project wrote (ofxparse's test suite), read in place, never copied."""

IMPORT_FIELDS = """
  id status format filename size
  problem { code message truncated candidates issues { line record field message code } }
  warnings { line message code }
  counts { total new duplicate conflict deleted invalid created linked skipped removed }
  settings { format dateFormat statementAccount profileId mapping { date { header index } amount { header index }
             debit { header index } credit { header index } payee { header index } memo { header index }
             dateFormat decimalSeparator delimiter } }
  csv { encoding delimiter headers headerLine rows { line cells } dateFormats decimalSeparator problems
        proposedMapping { date { header } amount { header } debit { header } credit { header } } }
  statementAccounts { index accountNumber currency rows closingBalance { amount currency } }
  periodStart periodEnd
"""

ERRORS = """errors { __typename message
  ... on ValidationError { field } ... on NotFoundError { field }
  ... on ImportFileError { code issues { line record field message } } }"""

UPLOAD = f"""mutation Upload($input: ImportUploadInput!) {{
  importUpload(input: $input) {{ import {{ {IMPORT_FIELDS} }} {ERRORS} }}
}}"""

DRY_RUN = f"""mutation DryRun($input: ImportDryRunInput!) {{
  importDryRun(input: $input) {{ import {{ {IMPORT_FIELDS} }} {ERRORS} }}
}}"""

COMMIT = f"""mutation Commit($input: ImportCommitInput!) {{
  importCommit(input: $input) {{ import {{ id status }} {ERRORS} }}
}}"""

UNDO = f"""mutation Undo($input: ImportUndoInput!) {{
  importUndo(input: $input) {{ import {{ id status counts {{ removed }} }} {ERRORS} }}
}}"""

ROWS = """query Rows($id: ID!, $status: ImportRowStatus, $first: Int, $after: String) {
  import(id: $id) {
    status
    rows(status: $status, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        index line date amount { amount currency } payee memo reference status reason similarity action payeeName
        suggestion { categoryId reason source confidence tags }
        matchedTransaction { id date amount { amount } payee }
        transaction { id date amount { amount } payee }
      }
    }
  }
}"""


def shared_ofx(name: str) -> bytes:
    path = SHARED_OFX / name
    if not path.is_file():
        pytest.skip(f"shared OFX fixtures not found at {SHARED_OFX} (a clone outside the workspace)")
    return path.read_bytes()


def upload_file(data: bytes, filename: str = "statement.csv", content_type: str = "text/csv") -> UploadFile:
    """What the subgraph's multipart parser hands a resolver for an uploaded file."""
    return UploadFile(
        io.BytesIO(data), size=len(data), filename=filename, headers=Headers({"content-type": content_type})
    )


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def csv_export_of(rows: tuple[StatementRow, ...] | list[StatementRow], *, shift_days: int = 0) -> bytes:
    """The CSV a bank's web export gives for the same transactions as a statement: date, payee, memo, amount, no
    references, dates possibly a day off (booking vs posting date)."""
    return csv_bytes(
        [["Date", "Payee", "Description", "Amount"]]
        + [
            [
                (row.booking_date + timedelta(days=shift_days)).isoformat(),
                row.payee or "",
                row.memo or "",
                format(row.amount, "f"),
            ]
            for row in rows
        ]
    )


def statement_rows(data: bytes, filename: str) -> tuple[StatementRow, ...]:
    return parse_statement(data, filename=filename).rows


@dataclass
class Importer:
    """One user importing into one account, in-process."""

    runtime: Runtime
    viewer: Viewer
    account_id: uuid.UUID

    async def with_account(self, currency: str) -> Importer:
        """The same user importing into a new account of the same household in ``currency``."""
        from tests.factories import make_account

        async with self.runtime.sessionmaker() as session:
            account = await make_account(session, household_id=self.viewer.household_ids[0], currency=currency)
        return Importer(runtime=self.runtime, viewer=self.viewer, account_id=account.id)

    def context(self) -> Context:
        return Context(runtime=self.runtime, viewer=self.viewer)

    async def run(self, query: str, **variables: Any) -> dict[str, Any]:
        result = await schema.execute(query, variable_values=variables, context_value=self.context())
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    async def upload(
        self, data: bytes, filename: str = "statement.csv", *, settings: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        variables: dict[str, Any] = {"accountId": str(self.account_id), "file": upload_file(data, filename)}
        if settings is not None:
            variables["settings"] = settings
        return dict((await self.run(UPLOAD, input=variables))["importUpload"])

    async def dry_run(self, import_id: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
        return dict((await self.run(DRY_RUN, input={"importId": import_id, "settings": settings}))["importDryRun"])

    async def commit(
        self,
        import_id: str,
        *,
        resolutions: list[dict[str, Any]] | None = None,
        conflicts: str | None = None,
        run_job: bool = True,
    ) -> dict[str, Any]:
        """``importCommit``, then the worker's job for the request the outbox holds (as the relay would)."""
        payload = dict(
            (
                await self.run(
                    COMMIT, input={"importId": import_id, "resolutions": resolutions or [], "conflicts": conflicts}
                )
            )["importCommit"]
        )
        if payload["errors"] or not run_job:
            return payload
        await run_commit_job(self.runtime, uuid.UUID(import_id))
        return payload

    async def imported(self, data: bytes, filename: str = "statement.csv", **settings: Any) -> dict[str, Any]:
        """Upload, check the dry run is ready, commit; returns the committed import."""
        uploaded = await self.upload(data, filename, settings=settings or None)
        assert uploaded["errors"] == [], uploaded["errors"]
        assert uploaded["import"]["status"] == "READY", uploaded["import"]["problem"]
        committed = await self.commit(uploaded["import"]["id"], conflicts="SKIP")
        assert committed["errors"] == [], committed["errors"]
        return await self.status(uploaded["import"]["id"])

    async def status(self, import_id: str) -> dict[str, Any]:
        data = await self.run(f"query I($id: ID!) {{ import(id: $id) {{ {IMPORT_FIELDS} }} }}", id=import_id)
        return dict(data["import"])

    async def rows(self, import_id: str, status: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await self.run(ROWS, id=import_id, status=status, first=100, after=after))["import"]["rows"]
            found += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    async def undo(self, import_id: str) -> dict[str, Any]:
        return dict((await self.run(UNDO, input={"importId": import_id}))["importUndo"])

    async def balance(self) -> Decimal:
        async with self.runtime.sessionmaker() as session:
            account = await session.get(Account, self.account_id)
            assert account is not None
            total = await session.scalar(
                select(func.coalesce(func.sum(Transaction.amount), 0)).where(Transaction.account_id == self.account_id)
            )
        return Decimal(account.opening_balance) + Decimal(total or 0)

    async def ledger(self) -> list[Transaction]:
        async with self.runtime.sessionmaker() as session:
            rows = await session.scalars(
                select(Transaction)
                .where(Transaction.account_id == self.account_id)
                .order_by(Transaction.date, Transaction.created_at)
            )
            return list(rows)


async def run_commit_job(runtime: Runtime, import_id: uuid.UUID) -> str | None:
    """Run ``import_commit`` for the import's pending request, with the event the outbox holds."""
    async with runtime.sessionmaker() as session:
        rows = (
            await session.execute(
                select(outbox).where(outbox.c.topic == TOPIC_IMPORT_COMMIT_REQUESTED).order_by(outbox.c.occurred_at)
            )
        ).all()
    events = [r for r in rows if r.payload["import_id"] == str(import_id)]
    assert events, "importCommit wrote no request to the outbox"
    last = events[-1]
    event = Event(
        id=last.id, topic=last.topic, household_id=last.household_id, occurred_at=last.occurred_at, payload=last.payload
    )
    ctx = {"sessionmaker": runtime.sessionmaker, "store": runtime.store, "redis": runtime.redis}
    return await import_commit(ctx, event.to_json())


__all__ = [
    "ARQ_QUEUE",
    "COMMIT",
    "DRY_RUN",
    "ROWS",
    "UNDO",
    "UPLOAD",
    "Importer",
    "csv_bytes",
    "csv_export_of",
    "run_commit_job",
    "shared_ofx",
    "statement_rows",
    "upload_file",
]
