"""GraphQL types of statement imports."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, MoneyType, paginate
from fincloud.money import Money
from subgraphs.budget.context import Context
from subgraphs.budget.importers.format_csv import CsvMapping
from subgraphs.budget.imports.models import ImportBatch as ImportBatchRow
from subgraphs.budget.imports.models import ImportMappingProfile as ImportMappingProfileRow
from subgraphs.budget.imports.models import ImportRow as ImportRowRow
from subgraphs.budget.imports.progress import Progress
from subgraphs.budget.types import Account, Transaction

__all__ = [
    "Import",
    "ImportCsvColumnInput",
    "ImportCsvMappingInput",
    "ImportFormat",
    "ImportMappingProfile",
    "ImportProgress",
    "ImportRow",
    "ImportRowAction",
    "ImportRowStatus",
    "ImportSettingsInput",
    "ImportStatus",
]


def _id(value: object | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.enum(description="Where an import stands.")
class ImportStatus(Enum):
    NEEDS_INPUT = strawberry.enum_value(
        "needs_input", description="The file cannot be read as set: `problem` says what to choose or fix."
    )
    READY = strawberry.enum_value("ready", description="Dry run done: the rows show what a commit would do.")
    QUEUED = strawberry.enum_value("queued", description="The commit is waiting for a worker.")
    COMMITTING = strawberry.enum_value("committing", description="The commit is running (see `importProgress`).")
    COMMITTED = strawberry.enum_value("committed", description="Written to the ledger.")
    FAILED = strawberry.enum_value(
        "failed", description="The commit failed and wrote nothing; `problem` says why. It can be committed again."
    )
    UNDONE = strawberry.enum_value("undone", description="Undone: the transactions it added were deleted.")


@strawberry.enum(description="How a statement row stands against the ledger.")
class ImportRowStatus(Enum):
    NEW = strawberry.enum_value("new", description="Not in the ledger.")
    DUPLICATE = strawberry.enum_value(
        "duplicate",
        description="Already in the ledger (`matchedTransaction`), or a transaction the user deleted (reason DELETED).",
    )
    CONFLICT = strawberry.enum_value(
        "conflict",
        description="The bank's reference matches a recorded transaction whose date or amount differs: choose.",
    )


@strawberry.enum(description="Why a row was classified as it was.")
class ImportMatchReason(Enum):
    NO_MATCH = strawberry.enum_value("no_match", description="Nothing in the ledger matches it.")
    SAME_IMPORT_KEY = strawberry.enum_value(
        "same_import_key", description="Imported before under the same identity (bank reference, or same fields)."
    )
    SAME_REFERENCE = strawberry.enum_value(
        "same_reference", description="A transaction with the same bank reference and figures."
    )
    LIKELY_DUPLICATE = strawberry.enum_value(
        "likely_duplicate",
        description="The same amount within a few days at a similar payee, from another export of the statement.",
    )
    DELETED = strawberry.enum_value(
        "deleted", description="It matches a transaction the user deleted; it is not brought back."
    )
    REFERENCE_MISMATCH = strawberry.enum_value(
        "reference_mismatch", description="The same bank reference with another date or amount."
    )


@strawberry.enum(description="What committing does with a row.")
class ImportRowAction(Enum):
    CREATE = strawberry.enum_value("create", description="Add it as a new transaction.")
    LINK = strawberry.enum_value(
        "link",
        description="Merge it into the transaction it matched: nothing is added, and the row becomes another import "
        "identity of that transaction (re-importing it finds it). The transaction's own date and amount are kept.",
    )
    SKIP = strawberry.enum_value("skip", description="Leave it out.")


@strawberry.type(description="How sure an import format is that the file is its own.")
class ImportFormatGuess:
    name: str = strawberry.field(description="The format's name, such as `csv` or `ofx`.")
    label: str = strawberry.field(description='What to show, such as "OFX / QFX".')
    confidence: float = strawberry.field(description="0 to 1.")


@strawberry.type(description="An installed import format.")
class ImportFormat:
    name: str = strawberry.field(description="The format's name, to pass as `settings.format`.")
    label: str = strawberry.field(description="What to show.")


@strawberry.type(description="A problem at a place in the file, or a notice about a part that was left out.")
class ImportIssue:
    message: str = strawberry.field(description="What is wrong, in words fit for the user.")
    line: int | None = strawberry.field(description="The 1-based line of the file (text formats).")
    record: int | None = strawberry.field(description="The 1-based row, transaction or entry of the file.")
    field: str | None = strawberry.field(description="The column or element at fault.")
    code: str = strawberry.field(description="Machine-readable kind, such as `invalid_row`.")

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ImportIssue:
        return cls(
            message=str(data.get("message", "")),
            line=data.get("line"),
            record=data.get("record"),
            field=data.get("field"),
            code=str(data.get("code") or "invalid_row"),
        )


@strawberry.type(description="Why the file cannot be imported as set; nothing was written.")
class ImportProblem:
    code: str = strawberry.field(
        description="`unknown_format`, `mapping_required`, `invalid_mapping`, `ambiguous_date_format`, "
        "`statement_account_required` (choose a setting); `invalid_rows`, `invalid_file`, `empty`, ... (fix the "
        "file); `commit_failed`."
    )
    message: str = strawberry.field(description="What is wrong, in words fit for the user.")
    issues: list[ImportIssue] = strawberry.field(description="The rows at fault, with line numbers (capped at 100).")
    truncated: bool = strawberry.field(description="More rows were at fault than listed.")
    candidates: list[str] = strawberry.field(description="The choices, such as the date formats that read the file.")

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ImportProblem:
        return cls(
            code=str(data.get("code", "")),
            message=str(data.get("message", "")),
            issues=[ImportIssue.of(i) for i in data.get("issues") or []],
            truncated=bool(data.get("truncated", False)),
            candidates=[str(c) for c in data.get("candidates") or []],
        )


@strawberry.type(description="A CSV column: by its header, or by position for files without one.")
class ImportCsvColumn:
    header: str | None = strawberry.field(description="The header as written in the file.")
    index: int | None = strawberry.field(description="0-based position.")

    @classmethod
    def of(cls, value: object) -> ImportCsvColumn | None:
        if value is None:
            return None
        return cls(header=None, index=value) if isinstance(value, int) else cls(header=str(value), index=None)


@strawberry.input(description="A CSV column: give `header` (robust when the bank reorders columns) or `index`.")
class ImportCsvColumnInput:
    header: str | None = strawberry.field(default=None, description="The header as written in the file.")
    index: int | None = strawberry.field(default=None, description="0-based position, for files without a header.")

    def value(self) -> str | int | None:
        return self.header if self.header is not None else self.index


@strawberry.type(description="How a bank's CSV layout is read.")
class ImportCsvMapping:
    date: ImportCsvColumn | None = strawberry.field(description="The booking date.")
    amount: ImportCsvColumn | None = strawberry.field(description="A signed amount (or unsigned, with `direction`).")
    debit: ImportCsvColumn | None = strawberry.field(description="Money out, when in a column of its own.")
    credit: ImportCsvColumn | None = strawberry.field(description="Money in, when in a column of its own.")
    direction: ImportCsvColumn | None = strawberry.field(description="A debit/credit mark for an unsigned amount.")
    payee: ImportCsvColumn | None = strawberry.field(description="Who was paid or who paid.")
    memo: list[ImportCsvColumn] = strawberry.field(description="Columns joined into the memo.")
    reference: ImportCsvColumn | None = strawberry.field(description="The bank's reference for the row.")
    currency: ImportCsvColumn | None = strawberry.field(description="A currency per row.")
    value_date: ImportCsvColumn | None = strawberry.field(description="The value date.")
    check_number: ImportCsvColumn | None = strawberry.field(description="A cheque number.")
    category: ImportCsvColumn | None = strawberry.field(description="The bank's category.")
    counterparty_account: ImportCsvColumn | None = strawberry.field(description="The other side's account.")
    date_format: str | None = strawberry.field(description="Such as `DD.MM.YYYY`; null detects it.")
    decimal_separator: str | None = strawberry.field(description="`,` or `.`; null detects it.")
    encoding: str | None = strawberry.field(description="Such as `cp1252`; null detects it.")
    delimiter: str | None = strawberry.field(description="Such as `;`; null detects it.")
    skip_rows: int | None = strawberry.field(description="Lines before the header row; null finds the header.")
    has_header: bool = strawberry.field(description="Whether the table has a header row.")
    negate: bool = strawberry.field(description="Flip every sign (card exports showing purchases as positive).")

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> ImportCsvMapping | None:
        if not data:
            return None
        return cls(
            date=ImportCsvColumn.of(data.get("date")),
            amount=ImportCsvColumn.of(data.get("amount")),
            debit=ImportCsvColumn.of(data.get("debit")),
            credit=ImportCsvColumn.of(data.get("credit")),
            direction=ImportCsvColumn.of(data.get("direction")),
            payee=ImportCsvColumn.of(data.get("payee")),
            memo=[c for c in (ImportCsvColumn.of(v) for v in data.get("memo") or []) if c is not None],
            reference=ImportCsvColumn.of(data.get("reference")),
            currency=ImportCsvColumn.of(data.get("currency")),
            value_date=ImportCsvColumn.of(data.get("value_date")),
            check_number=ImportCsvColumn.of(data.get("check_number")),
            category=ImportCsvColumn.of(data.get("category")),
            counterparty_account=ImportCsvColumn.of(data.get("counterparty_account")),
            date_format=data.get("date_format"),
            decimal_separator=data.get("decimal_separator"),
            encoding=data.get("encoding"),
            delimiter=data.get("delimiter"),
            skip_rows=data.get("skip_rows"),
            has_header=bool(data.get("has_header", True)),
            negate=bool(data.get("negate", False)),
        )


@strawberry.input(description="How to read a bank's CSV layout: the date column, and an amount column or debit/credit.")
class ImportCsvMappingInput:
    date: ImportCsvColumnInput = strawberry.field(description="The booking date.")
    amount: ImportCsvColumnInput | None = strawberry.field(
        default=None, description="A signed amount (or unsigned, with `direction`)."
    )
    debit: ImportCsvColumnInput | None = strawberry.field(
        default=None, description="Money out, in a column of its own."
    )
    credit: ImportCsvColumnInput | None = strawberry.field(
        default=None, description="Money in, in a column of its own."
    )
    direction: ImportCsvColumnInput | None = strawberry.field(
        default=None, description="A debit/credit mark (`S`/`H`, `Af`/`Bij`, `D`/`C`) for an unsigned amount."
    )
    payee: ImportCsvColumnInput | None = strawberry.field(default=None, description="Who was paid or who paid.")
    memo: list[ImportCsvColumnInput] = strawberry.field(
        default_factory=list, description="Columns joined into the memo."
    )
    reference: ImportCsvColumnInput | None = strawberry.field(default=None, description="The bank's reference.")
    currency: ImportCsvColumnInput | None = strawberry.field(default=None, description="A currency per row.")
    value_date: ImportCsvColumnInput | None = strawberry.field(default=None, description="The value date.")
    check_number: ImportCsvColumnInput | None = strawberry.field(default=None, description="A cheque number.")
    category: ImportCsvColumnInput | None = strawberry.field(default=None, description="The bank's category.")
    counterparty_account: ImportCsvColumnInput | None = strawberry.field(
        default=None, description="The other side's account."
    )
    date_format: str | None = strawberry.field(default=None, description="Such as `DD.MM.YYYY`; null detects it.")
    decimal_separator: str | None = strawberry.field(default=None, description="`,` or `.`; null detects it.")
    encoding: str | None = strawberry.field(default=None, description="Such as `cp1252`; null detects it.")
    delimiter: str | None = strawberry.field(default=None, description="Such as `;`; null detects it.")
    skip_rows: int | None = strawberry.field(default=None, description="Lines before the header row.")
    has_header: bool = strawberry.field(default=True, description="Whether the table has a header row.")
    negate: bool = strawberry.field(default=False, description="Flip every sign.")

    def to_json(self) -> dict[str, Any]:
        """``CsvMapping`` JSON (not yet checked: ``CsvMapping.from_json`` does that)."""

        def column(value: ImportCsvColumnInput | None) -> str | int | None:
            return value.value() if value is not None else None

        return {
            "date": column(self.date),
            "amount": column(self.amount),
            "debit": column(self.debit),
            "credit": column(self.credit),
            "direction": column(self.direction),
            "payee": column(self.payee),
            "memo": [c.value() for c in self.memo if c.value() is not None],
            "reference": column(self.reference),
            "currency": column(self.currency),
            "value_date": column(self.value_date),
            "check_number": column(self.check_number),
            "category": column(self.category),
            "counterparty_account": column(self.counterparty_account),
            "date_format": self.date_format,
            "decimal_separator": self.decimal_separator,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "skip_rows": self.skip_rows,
            "has_header": self.has_header,
            "negate": self.negate,
        }


@strawberry.input(description="How to read a statement; anything left out is detected (or kept from before).")
class ImportSettingsInput:
    format: str | None = strawberry.field(default=None, description="An installed format's name (`importFormats`).")
    date_format: str | None = strawberry.field(
        default=None, description="Such as `DD/MM/YYYY`, when the file's dates can be read more than one way."
    )
    encoding: str | None = strawberry.field(default=None, description="CSV: the text encoding, such as `cp1252`.")
    delimiter: str | None = strawberry.field(default=None, description="CSV: the column separator.")
    decimal_separator: str | None = strawberry.field(default=None, description="CSV: `,` or `.`.")
    statement_account: int | None = strawberry.field(
        default=None, description="For a file with several accounts: which one (0-based, see `statementAccounts`)."
    )
    skip_invalid_rows: bool | None = strawberry.field(
        default=None,
        description="Leave bad rows out (listed in `warnings`) instead of refusing the file: rows the file cannot "
        "give, and rows that do not fit the account (another currency, finer than its minor unit; never rounded).",
    )
    mapping: ImportCsvMappingInput | None = strawberry.field(default=None, description="CSV: the column mapping.")
    profile_id: strawberry.ID | None = strawberry.field(
        default=None, description="CSV: a saved mapping profile to use."
    )


@strawberry.type(description="How the file is read.")
class ImportSettings:
    format: str | None = strawberry.field(description="The format chosen or detected.")
    date_format: str | None = strawberry.field(description="The date format chosen, if one was.")
    statement_account: int | None = strawberry.field(description="The file's account chosen, if one was.")
    skip_invalid_rows: bool = strawberry.field(description="Whether bad rows are left out.")
    mapping: ImportCsvMapping | None = strawberry.field(description="CSV: the mapping applied.")
    profile_id: strawberry.ID | None = strawberry.field(description="CSV: the mapping profile used, if one was.")


@strawberry.type(description="A row of the CSV file as text, for the mapping preview.")
class ImportCsvPreviewRow:
    line: int = strawberry.field(description="1-based line in the file.")
    cells: list[str] = strawberry.field(description="The cells as written.")


@strawberry.type(description="How a CSV file reads: its columns, first rows and the mapping proposed.")
class ImportCsvPreview:
    encoding: str = strawberry.field(description="The text encoding detected or chosen.")
    delimiter: str = strawberry.field(description="The column separator detected or chosen.")
    header_line: int | None = strawberry.field(description="The 1-based line of the header row, if there is one.")
    headers: list[str] = strawberry.field(description="Column names (`Column 1`, ... without a header row).")
    rows: list[ImportCsvPreviewRow] = strawberry.field(description="The first rows.")
    proposed_mapping: ImportCsvMapping | None = strawberry.field(
        description="The mapping in use or proposed from the headers; null when none could be found."
    )
    date_formats: list[str] = strawberry.field(description="The date formats that read the date column.")
    decimal_separator: str | None = strawberry.field(description="The decimal separator found in the amounts.")
    problems: list[str] = strawberry.field(description="What could not be recognised.")


@strawberry.type(description="One of the accounts a statement file holds.")
class ImportStatementAccount:
    index: int = strawberry.field(description="Pass as `settings.statementAccount` to import this one.")
    account_number: str | None = strawberry.field(description="The account number as the file gives it.")
    iban: str | None = strawberry.field(description="The IBAN, if the file gives one.")
    name: str | None = strawberry.field(description="The account's name in the file.")
    currency: str | None = strawberry.field(description="Its currency, if the file says.")
    rows: int = strawberry.field(description="Its transactions in the file.")
    period_start: dt.date | None = strawberry.field(description="First day the statement covers.")
    period_end: dt.date | None = strawberry.field(description="Last day the statement covers.")
    closing_balance: MoneyType | None = strawberry.field(description="The balance the bank states at the end.")

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ImportStatementAccount:
        closing = data.get("closing_balance")
        currency = data.get("currency")
        return cls(
            index=int(data["index"]),
            account_number=data.get("account_number"),
            iban=data.get("iban"),
            name=data.get("name"),
            currency=currency,
            rows=int(data.get("rows", 0)),
            period_start=dt.date.fromisoformat(data["period_start"]) if data.get("period_start") else None,
            period_end=dt.date.fromisoformat(data["period_end"]) if data.get("period_end") else None,
            closing_balance=MoneyType(amount=Decimal(closing), currency=currency) if closing and currency else None,
        )


@strawberry.type(description="Rows by classification and, once committed, by outcome.")
class ImportCounts:
    total: int = strawberry.field(description="Rows read from the file.")
    new: int = strawberry.field(description="Rows not in the ledger.")
    duplicate: int = strawberry.field(description="Rows already in the ledger (deleted ones included).")
    conflict: int = strawberry.field(description="Rows in conflict with a recorded transaction.")
    deleted: int = strawberry.field(description="Rows matching transactions the user deleted (not brought back).")
    invalid: int = strawberry.field(description="Bad rows left out (with `skipInvalidRows`).")
    created: int | None = strawberry.field(description="Transactions added by the commit.")
    linked: int | None = strawberry.field(description="Rows merged into existing transactions by the commit.")
    skipped: int | None = strawberry.field(description="Rows the commit left out.")
    removed: int | None = strawberry.field(description="Transactions deleted by undoing the import.")

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ImportCounts:
        return cls(
            total=int(data.get("total", 0)),
            new=int(data.get("new", 0)),
            duplicate=int(data.get("duplicate", 0)),
            conflict=int(data.get("conflict", 0)),
            deleted=int(data.get("deleted", 0)),
            invalid=int(data.get("invalid", 0)),
            created=data.get("created"),
            linked=data.get("linked"),
            skipped=data.get("skipped"),
            removed=data.get("removed"),
        )


@strawberry.type(description="What the categoriser suggested for a row, and why.")
class ImportRowSuggestion:
    category_id: strawberry.ID | None = strawberry.field(description="The category a new transaction gets.")
    tags: list[str] = strawberry.field(description="Tags a new transaction gets.")
    confidence: float | None = strawberry.field(description="0 to 1.")
    reason: str | None = strawberry.field(description='Why, such as "payee default" or "rule \'Groceries\'".')
    source: str | None = strawberry.field(description="What decided: `payee`, `rule`, `learned`.")


@strawberry.type(description="One statement row: what the file says, how it stands against the ledger, its fate.")
class ImportRow:
    index: int = strawberry.field(description="0-based position in the file; used to resolve the row at commit.")
    line: int | None = strawberry.field(description="1-based line in the file (text formats).")
    record: int = strawberry.field(description="1-based row, transaction or entry of the file.")
    date: dt.date = strawberry.field(description="The booking date.")
    amount: MoneyType = strawberry.field(description="Positive for money in, negative for money out.")
    payee: str | None = strawberry.field(description="The payee as the file gives it.")
    memo: str | None = strawberry.field(description="The memo as the file gives it.")
    reference: str | None = strawberry.field(description="The bank's reference (FITID, ...), if any.")
    status: ImportRowStatus = strawberry.field(description="New, duplicate or conflict.")
    reason: ImportMatchReason = strawberry.field(description="Why.")
    similarity: float | None = strawberry.field(description="Payee similarity of a likely duplicate, 0 to 1.")
    action: ImportRowAction = strawberry.field(description="What the commit does (or did) with it.")
    payee_name: str | None = strawberry.field(description="The payee a new transaction gets.")
    suggestion: ImportRowSuggestion | None = strawberry.field(description="The categoriser's suggestion, if any.")
    matched_transaction_id: strawberry.Private[uuid.UUID | None]
    transaction_id: strawberry.Private[uuid.UUID | None]
    committed: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: ImportRowRow, *, committed: bool) -> ImportRow:
        suggested = row.category_id is not None or bool(row.tags) or row.suggestion_reason is not None
        return cls(
            index=row.position,
            line=row.line,
            record=row.record,
            date=row.date,
            amount=MoneyType.of(Money(row.amount, row.currency)),
            payee=row.payee,
            memo=row.memo,
            reference=row.reference,
            status=ImportRowStatus(row.status),
            reason=ImportMatchReason(row.reason),
            similarity=row.similarity,
            action=ImportRowAction(row.action),
            payee_name=row.payee_name,
            suggestion=ImportRowSuggestion(
                category_id=_id(row.category_id),
                tags=list(row.tags or []),
                confidence=row.suggestion_confidence,
                reason=row.suggestion_reason,
                source=row.suggestion_source,
            )
            if suggested
            else None,
            matched_transaction_id=row.matched_transaction_id,
            transaction_id=row.transaction_id,
            committed=committed,
        )

    @strawberry.field(description="The recorded transaction it duplicates or conflicts with; null if none (or gone).")
    async def matched_transaction(self, info: strawberry.Info[Context, None]) -> Transaction | None:
        if self.matched_transaction_id is None:
            return None
        row = await info.context.loaders.transaction_by_id.load(self.matched_transaction_id)
        return Transaction.from_row(row) if row is not None and info.context.viewer.can_read(row.household_id) else None

    @strawberry.field(
        description="Once committed: the transaction the row created or was merged into; null if skipped or deleted."
    )
    async def transaction(self, info: strawberry.Info[Context, None]) -> Transaction | None:
        if not self.committed or self.transaction_id is None or self.action is ImportRowAction.SKIP:
            return None
        row = await info.context.loaders.transaction_by_id.load(self.transaction_id)
        return Transaction.from_row(row) if row is not None and info.context.viewer.can_read(row.household_id) else None


@strawberry.type(description="An uploaded statement file and what became of it: dry run, commit, undo.")
class Import:
    id: strawberry.ID = strawberry.field(description="Import id.")
    account_id: strawberry.ID = strawberry.field(description="The account it imports into.")
    status: ImportStatus = strawberry.field(description="Where it stands.")
    filename: str | None = strawberry.field(description="The uploaded file's name.")
    size: int = strawberry.field(description="The file's size in bytes (kept in object storage).")
    sha256: str = strawberry.field(description="SHA-256 of the file.")
    format: str | None = strawberry.field(description="The format it is read as, such as `csv` or `ofx`.")
    formats: list[ImportFormatGuess] = strawberry.field(
        description="Each format's confidence that the file is its own."
    )
    settings: ImportSettings = strawberry.field(description="How the file is read.")
    csv: ImportCsvPreview | None = strawberry.field(description="For a CSV: the columns, first rows and mapping.")
    statement_accounts: list[ImportStatementAccount] = strawberry.field(description="The accounts the file holds.")
    problem: ImportProblem | None = strawberry.field(description="Why it cannot be imported as set, if it cannot.")
    warnings: list[ImportIssue] = strawberry.field(description="Parts of the file left out, and why.")
    counts: ImportCounts = strawberry.field(description="Rows by classification and outcome.")
    period_start: dt.date | None = strawberry.field(description="First day the statement covers.")
    period_end: dt.date | None = strawberry.field(description="Last day the statement covers.")
    created_at: dt.datetime = strawberry.field(description="When the file was uploaded (UTC).")
    committed_at: dt.datetime | None = strawberry.field(description="When it was committed (UTC).")
    undone_at: dt.datetime | None = strawberry.field(description="When it was undone (UTC).")

    @classmethod
    def from_row(cls, row: ImportBatchRow) -> Import:
        detected = row.detected or {}
        settings = row.settings or {}
        csv = detected.get("csv")
        return cls(
            id=strawberry.ID(str(row.id)),
            account_id=strawberry.ID(str(row.account_id)),
            status=ImportStatus(row.status),
            filename=row.filename,
            size=row.size_bytes,
            sha256=row.sha256,
            format=row.format,
            formats=[ImportFormatGuess(**g) for g in detected.get("formats") or []],
            settings=ImportSettings(
                format=row.format,
                date_format=settings.get("date_format"),
                statement_account=settings.get("statement_account"),
                skip_invalid_rows=bool(settings.get("skip_invalid_rows", False)),
                mapping=ImportCsvMapping.of(settings.get("mapping")) if row.format == "csv" else None,
                profile_id=_id(settings.get("profile_id")),
            ),
            csv=ImportCsvPreview(
                encoding=csv["encoding"],
                delimiter=csv["delimiter"],
                header_line=csv.get("header_line"),
                headers=list(csv.get("headers") or []),
                rows=[ImportCsvPreviewRow(line=r["line"], cells=list(r["cells"])) for r in csv.get("rows") or []],
                proposed_mapping=ImportCsvMapping.of(csv.get("mapping")),
                date_formats=list(csv.get("date_formats") or []),
                decimal_separator=csv.get("decimal_separator"),
                problems=list(csv.get("problems") or []),
            )
            if csv
            else None,
            statement_accounts=[ImportStatementAccount.of(a) for a in detected.get("accounts") or []],
            problem=ImportProblem.of(row.problem) if row.problem else None,
            warnings=[ImportIssue.of(w) for w in row.warnings or []],
            counts=ImportCounts.of(row.counts or {}),
            period_start=row.period_start,
            period_end=row.period_end,
            created_at=row.created_at,
            committed_at=row.committed_at,
            undone_at=row.undone_at,
        )

    @strawberry.field(description="The account it imports into.")
    async def account(self, info: strawberry.Info[Context, None]) -> Account | None:
        row = await info.context.loaders.account_by_id.load(uuid.UUID(str(self.account_id)))
        return Account.from_row(row) if row is not None and info.context.viewer.can_read(row.household_id) else None

    @strawberry.field(description="The statement's rows in file order, with their classification.")
    async def rows(
        self,
        info: strawberry.Info[Context, None],
        status: Annotated[
            ImportRowStatus | None, strawberry.argument(description="Only rows with this classification.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[ImportRow]:
        query = select(ImportRowRow).where(ImportRowRow.import_id == uuid.UUID(str(self.id)))
        if status is not None:
            query = query.where(ImportRowRow.status == status.value)
        committed = self.status in (ImportStatus.COMMITTED,)
        return await paginate(
            info.context.session,
            query,
            keys=[ImportRowRow.position],
            node=lambda row: ImportRow.from_row(row, committed=committed),
            first=first,
            after=after,
        )


@strawberry.type(description="A saved CSV mapping for an account's exports, reused by its next imports.")
class ImportMappingProfile:
    id: strawberry.ID = strawberry.field(description="Profile id.")
    account_id: strawberry.ID = strawberry.field(description="The account whose exports it reads.")
    name: str = strawberry.field(description="Its name, unique per account.")
    mapping: ImportCsvMapping = strawberry.field(description="The mapping.")
    created_at: dt.datetime = strawberry.field(description="When it was saved first (UTC).")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed (UTC).")
    last_used_at: dt.datetime | None = strawberry.field(description="When an import last used it (UTC).")

    @classmethod
    def from_row(cls, row: ImportMappingProfileRow) -> ImportMappingProfile:
        mapping = ImportCsvMapping.of(CsvMapping.from_json(row.mapping).to_json())
        assert mapping is not None
        return cls(
            id=strawberry.ID(str(row.id)),
            account_id=strawberry.ID(str(row.account_id)),
            name=row.name,
            mapping=mapping,
            created_at=row.created_at,
            updated_at=row.updated_at,
            last_used_at=row.last_used_at,
        )


@strawberry.type(description="Progress of an import's commit.")
class ImportProgress:
    import_id: strawberry.ID = strawberry.field(description="The import.")
    status: ImportStatus = strawberry.field(description="Where it stands.")
    phase: str = strawberry.field(
        description="`queued`, `checking` (against the ledger), `payees`, `writing`, `done` or `failed`."
    )
    processed: int = strawberry.field(description="Rows handled so far.")
    total: int = strawberry.field(description="Rows to handle.")
    created: int | None = strawberry.field(description="Transactions added (when done).")
    linked: int | None = strawberry.field(description="Rows merged into existing transactions (when done).")
    skipped: int | None = strawberry.field(description="Rows left out (when done).")
    message: str | None = strawberry.field(description="Why it failed, if it did.")

    @classmethod
    def of(cls, progress: Progress) -> ImportProgress:
        return cls(
            import_id=strawberry.ID(str(progress.import_id)),
            status=ImportStatus(progress.status),
            phase=progress.phase,
            processed=progress.processed,
            total=progress.total,
            created=progress.created,
            linked=progress.linked,
            skipped=progress.skipped,
            message=progress.message,
        )
