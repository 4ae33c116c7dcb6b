"""GraphQL types of exports and attachments."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from enum import Enum
from typing import Annotated

import strawberry

from fincloud.db import utcnow
from fincloud.graphql import Connection, UserInputError, decode_cursor, encode_cursor, page_size, to_connection
from fincloud.service import Runtime
from subgraphs.budget.files.exports import ExportFormat as ExportFormatValue
from subgraphs.budget.files.links import DownloadLink, download_link, link_signer
from subgraphs.budget.files.models import Attachment as AttachmentRow
from subgraphs.budget.files.models import Export as ExportRow
from subgraphs.budget.ledger_types import TransactionStatusType

__all__ = ["Attachment", "Export", "ExportFormat", "ExportStatus", "TransactionStatus", "attachment_page"]


@strawberry.enum(description="File format of an export.")
class ExportFormat(Enum):
    CSV = strawberry.enum_value(
        ExportFormatValue.CSV.value,
        description="Comma-separated values, UTF-8 with a byte-order mark: one row per transaction, for "
        "spreadsheets and re-import.",
    )
    OFX = strawberry.enum_value(
        ExportFormatValue.OFX.value,
        description="OFX 2.2 (XML): one bank or credit-card statement per account, as banks send them; read by "
        "FinCloud's importer and by other finance programs.",
    )


@strawberry.enum(description="Whether an export's file can be downloaded yet.")
class ExportStatus(Enum):
    PENDING = strawberry.enum_value(
        "pending", description="A large export the worker is writing; ask for `export(id)` again in a few seconds."
    )
    READY = strawberry.enum_value("ready", description="The file is written; `url` downloads it.")
    FAILED = strawberry.enum_value("failed", description="The file could not be written; `error` says why.")


TransactionStatus = TransactionStatusType
"""The ledger's status enum, shared so the schema has one ``TransactionStatus``."""


def _link(runtime: Runtime, *, key: str, filename: str, kind: str, size: int) -> DownloadLink:
    return download_link(
        store=runtime.store,
        signer=link_signer(runtime),
        object_key=key,
        filename=filename,
        content_type=kind,
        size=size,
        now=utcnow(),
    )


@strawberry.type(description="A file of transactions in object storage, with a short-lived link to download it.")
class Export:
    id: strawberry.ID = strawberry.field(description="Export id.")
    household_id: strawberry.ID = strawberry.field(description="The household whose transactions it holds.")
    format: ExportFormat = strawberry.field(description="CSV or OFX.")
    status: ExportStatus = strawberry.field(
        description="READY once the file is written: at once for an export of up to 20,000 (the server's setting) "
        "transactions, a little later (by the worker) for a larger one."
    )
    error: str | None = strawberry.field(description="Why a FAILED export failed.")
    filename: str = strawberry.field(description='The file\'s name, such as "transactions-2026-12-01.csv".')
    row_count: int = strawberry.field(
        description="Transactions in the file (a split transaction counts once); while PENDING, how many matched "
        "when it was asked for."
    )
    size_bytes: int = strawberry.field(description="Size of the file in bytes (0 until READY).")
    created_at: dt.datetime = strawberry.field(description="When it was asked for (UTC).")
    available_until: dt.datetime = strawberry.field(
        description="When the file is deleted from storage (UTC); ask for `export(id)` before then for a new link."
    )
    url: str | None = strawberry.field(
        description="Where a browser downloads the file, without the access token: a presigned S3 URL or "
        "FinCloud's own signed link; null until READY. Anyone holding it can download until `expiresAt`: do not "
        "share it."
    )
    expires_at: dt.datetime | None = strawberry.field(
        description="When `url` stops working (UTC), a few minutes from now."
    )

    @classmethod
    def of(cls, row: ExportRow, runtime: Runtime) -> Export:
        link = None
        if row.status == "ready":
            kind = "text/csv; charset=utf-8" if row.format == "csv" else "application/x-ofx"
            link = _link(runtime, key=row.object_key, filename=row.filename, kind=kind, size=row.size_bytes)
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            format=ExportFormat[row.format.upper()],
            status=ExportStatus[row.status.upper()],
            error=row.error,
            filename=row.filename,
            row_count=row.row_count,
            size_bytes=row.size_bytes,
            created_at=row.created_at,
            available_until=row.delete_after,
            url=link.url if link else None,
            expires_at=link.expires_at if link else None,
        )


@strawberry.type(description="A document (receipt, invoice, statement) attached to a transaction or an account.")
class Attachment:
    id: strawberry.ID = strawberry.field(description="Attachment id.")
    transaction_id: strawberry.ID | None = strawberry.field(description="The transaction it is attached to.")
    account_id: strawberry.ID | None = strawberry.field(description="The account it is attached to.")
    filename: str = strawberry.field(description="The document's file name.")
    content_type: str = strawberry.field(
        description="Its type as read from its content, such as application/pdf or image/jpeg."
    )
    size_bytes: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, in hex.")
    created_at: dt.datetime = strawberry.field(description="When it was attached (UTC).")
    url: str = strawberry.field(
        description="Where a browser downloads the document, without the access token, until `urlExpiresAt`."
    )
    url_expires_at: dt.datetime = strawberry.field(description="When `url` stops working (UTC).")

    @classmethod
    def of(cls, row: AttachmentRow, runtime: Runtime) -> Attachment:
        link = _link(runtime, key=row.object_key, filename=row.filename, kind=row.content_type, size=row.size_bytes)
        return cls(
            id=strawberry.ID(str(row.id)),
            transaction_id=strawberry.ID(str(row.transaction_id)) if row.transaction_id else None,
            account_id=strawberry.ID(str(row.account_id)) if row.account_id else None,
            filename=row.filename,
            content_type=row.content_type,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
            created_at=row.created_at,
            url=link.url,
            url_expires_at=link.expires_at,
        )


def attachment_page(
    rows: Sequence[AttachmentRow], runtime: Runtime, *, first: int | None, after: str | None
) -> Connection[Attachment]:
    """A page of an item's attachments (already loaded, oldest first), after the cursor ``after``."""
    limit = page_size(first)
    if after is not None:
        created, ident = decode_cursor(after, arity=2)
        try:
            position = (dt.datetime.fromisoformat(created), uuid.UUID(ident))
        except ValueError:
            raise UserInputError("invalid cursor", field="after") from None
        rows = [r for r in rows if (r.created_at, r.id) > position]
    return to_connection(
        rows[: limit + 1],
        limit=limit,
        node=lambda row: Attachment.of(row, runtime),
        cursor=lambda row: encode_cursor(row.created_at, row.id),
    )


FirstArgument = Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")]
AfterArgument = Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")]
