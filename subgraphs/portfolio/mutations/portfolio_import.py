from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from decimal import Decimal

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from fincloud.graphql import NotFoundError, UserError, ValidationError
from fincloud.money import MoneyError, normalize_currency
from fincloud.uploads import UploadedFile, UploadTooLargeError, read_upload
from subgraphs.budget.importers._dates import canonical_date_format
from subgraphs.budget.importers.errors import ErrorCode, Issue, StatementError
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.importers import ParseOptions, parse_investment_statement
from subgraphs.portfolio.importers.base import ParsedStatement, WarningCode
from subgraphs.portfolio.mutations._common import writable_portfolio
from subgraphs.portfolio.services.statement_import import ImportResult, StatementImportError, import_statement


@strawberry.input(
    description="A broker's statement to import into a portfolio: an OFX/QFX investment statement or a broker's CSV"
    " export. Importing the same file again adds nothing."
)
class PortfolioImportInput:
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio to import into.")
    file: Upload = strawberry.field(
        description="The statement, sent as a GraphQL multipart request (size limit: the server's upload limit)."
    )
    format: str | None = strawberry.field(
        default=None, description="`ofx` or `csv` (or an installed plugin's name); detected from the file if left out."
    )
    preset: str | None = strawberry.field(
        default=None, description="A known CSV layout: `trading212` or `degiro`. Ignored for OFX."
    )
    mapping: JSON | None = strawberry.field(
        default=None,
        description='A CSV column mapping, overriding `preset`: an object such as `{"date": "Date", "kind":'
        ' "Action", "symbol": "Ticker", "quantity": "Shares", "price": "Price", "currency":'
        ' "Currency"}` (columns by header or 0-based position). Left out, columns are proposed from the headers.',
    )
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 currency of the amounts, for a file that does not say (the file wins)."
    )
    date_format: str | None = strawberry.field(
        default=None,
        description="How a CSV writes dates (`DD/MM/YYYY`, `MM/DD/YYYY`, `YYYY-MM-DD`, ...) when the"
        " dates alone are ambiguous.",
    )
    account: str | None = strawberry.field(
        default=None,
        description="In an OFX file holding several investment accounts, the account id (`ACCTID`) to import.",
    )
    dry_run: bool = strawberry.field(
        default=False, description="Do everything and report it, then roll back: nothing is written."
    )
    skip_invalid_rows: bool = strawberry.field(
        default=False,
        description="Import the rows that can be read and skip (and list) the others. Without it, one bad row stops"
        " the import and nothing is written.",
    )


@strawberry.type(description="A row of the statement that could not be imported, or a notice about how it was read.")
class PortfolioImportIssue:
    message: str = strawberry.field(description="What happened, in words fit for the user.")
    line: int | None = strawberry.field(description="The 1-based line of the file where the row starts.")
    record: int | None = strawberry.field(description="The 1-based transaction or data row of the file.")
    field: str | None = strawberry.field(description="The column, element or input at fault.")
    code: str = strawberry.field(description="Machine-readable kind, such as `invalid_row` or `total_mismatch`.")

    @classmethod
    def of(cls, issue: Issue) -> PortfolioImportIssue:
        return cls(message=issue.message, line=issue.line, record=issue.record, field=issue.field, code=issue.code)


@strawberry.type(description="A security the statement names and the instrument it was recorded as.")
class PortfolioImportInstrument:
    id: strawberry.ID | None = strawberry.field(
        description="The instrument; null in a dry run for an instrument that would be created."
    )
    key: str = strawberry.field(description="How the statement identifies it: ticker, else ISIN or CUSIP.")
    symbol: str = strawberry.field(description="The instrument's symbol.")
    name: str = strawberry.field(description="The instrument's name.")
    created: bool = strawberry.field(
        description="True when the import added it as a listed instrument; false when an existing one was used."
    )
    matched_by: str | None = strawberry.field(
        description="How an existing instrument was found: `isin`, `cusip` or `symbol`; null when created."
    )


@strawberry.type(description="Units of one instrument as the broker states them and as the portfolio holds them.")
class PortfolioImportPositionCheck:
    instrument_id: strawberry.ID | None = strawberry.field(
        description="The instrument; null when the security is not one of the household's instruments (the file"
        " lists it, no activity trades it), or in a dry run for an instrument that would be created."
    )
    symbol: str = strawberry.field(description="The instrument's symbol (the statement's key when there is none).")
    broker_units: Decimal = strawberry.field(description="Units the statement's positions state.")
    portfolio_units: Decimal = strawberry.field(
        description="Units the portfolio holds after the import, on the statement's date."
    )
    matches: bool = strawberry.field(
        description="Whether the two agree. A difference usually means the statement covers only part of the"
        " account's history, or activities were recorded elsewhere."
    )


@strawberry.type(description="The outcome of `portfolioImport`.")
class PortfolioImportPayload:
    dry_run: bool = strawberry.field(description="True when nothing was written.")
    import_id: strawberry.ID | None = strawberry.field(
        default=None, description="What the new activities are tagged with; null in a dry run or when none were new."
    )
    format: str | None = strawberry.field(default=None, description="The format the file was read as.")
    account: str | None = strawberry.field(
        default=None, description="The broker's account id, as the file states it (`BROKERID/ACCTID`)."
    )
    new_count: int = strawberry.field(
        default=0, description="Activities recorded (in a dry run: that would be recorded)."
    )
    duplicate_count: int = strawberry.field(
        default=0, description="Activities the portfolio already held (an earlier import of the same rows)."
    )
    skipped_count: int = strawberry.field(
        default=0, description="Rows left out because they could not be read or recorded (`skipInvalidRows`)."
    )
    row_errors: list[PortfolioImportIssue] = strawberry.field(
        default_factory=list,
        description="The rows that could not be imported, with their lines: skipped with `skipInvalidRows`, else the"
        " reason nothing was written.",
    )
    warnings: list[PortfolioImportIssue] = strawberry.field(
        default_factory=list, description="Everything else worth telling the user about how the file was read."
    )
    instruments: list[PortfolioImportInstrument] = strawberry.field(
        default_factory=list, description="The statement's securities and the instruments they were recorded as."
    )
    position_check: list[PortfolioImportPositionCheck] = strawberry.field(
        default_factory=list,
        description="The broker's positions against the portfolio's holdings after the import; empty when the"
        " file states no positions (CSV exports).",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Empty on success. `NotFoundError` on `portfolioId`; `ValidationError` on the input at fault,"
        " such as `file` (with the rows at fault in `rowErrors`) or `mapping`. Nothing was written.",
    )

    @classmethod
    def of(cls, result: ImportResult, statement: ParsedStatement) -> PortfolioImportPayload:
        return cls(
            dry_run=result.dry_run,
            import_id=strawberry.ID(str(result.import_id)) if result.import_id else None,
            format=statement.format,
            account=statement.account.key if statement.account else None,
            new_count=result.new,
            duplicate_count=result.duplicates,
            skipped_count=result.skipped,
            row_errors=[PortfolioImportIssue.of(i) for i in result.row_errors],
            warnings=[PortfolioImportIssue.of(i) for i in result.warnings],
            instruments=[
                PortfolioImportInstrument(
                    id=strawberry.ID(str(i.instrument_id)) if i.instrument_id else None,
                    key=i.key,
                    symbol=i.symbol,
                    name=i.name,
                    created=i.created,
                    matched_by=i.matched_by or None,
                )
                for i in result.instruments
            ],
            position_check=[
                PortfolioImportPositionCheck(
                    instrument_id=strawberry.ID(str(p.instrument_id)) if p.instrument_id else None,
                    symbol=p.symbol,
                    broker_units=p.broker_units.normalize(),
                    portfolio_units=p.portfolio_units.normalize(),
                    matches=p.matches,
                )
                for p in result.positions
            ],
        )


async def portfolio_import(info: strawberry.Info[Context, None], input: PortfolioImportInput) -> PortfolioImportPayload:
    """Read a broker's statement and record its activities in a portfolio (owners and editors), all or nothing."""
    session = info.context.session
    async with session.begin():
        portfolio = await writable_portfolio(info, input.portfolio_id)
        base_currency = portfolio.base_currency if portfolio is not None else None
    if base_currency is None:  # nothing of the file is read for a portfolio the caller may not change
        return _refused(input, NotFoundError(field="portfolioId", message="no such portfolio"))
    options, problem = _options(input, base_currency)
    if problem is not None:
        return _refused(input, problem)
    assert options is not None
    upload, problem = await _read(info, input)
    if problem is not None:
        return _refused(input, problem)
    assert upload is not None
    try:
        # Parsing is pure and can take a moment on a long history: off the event loop, outside any transaction.
        statement = await asyncio.to_thread(
            parse_investment_statement,
            upload.data,
            filename=upload.filename,
            format=(input.format or "").strip().lower() or None,
            options=options,
        )
    except StatementError as exc:
        return _refused(input, ValidationError(field=_field_of(exc, input), message=str(exc)), exc.issues)
    try:
        async with session.begin():
            portfolio = await writable_portfolio(info, input.portfolio_id)
            if portfolio is None:
                return _refused(input, NotFoundError(field="portfolioId", message="no such portfolio"))
            result = await import_statement(
                session=session,
                portfolio=portfolio,
                statement=statement,
                dry_run=input.dry_run,
                skip_invalid_rows=input.skip_invalid_rows,
            )
    except StatementImportError as exc:
        refused = _refused(input, ValidationError(field=exc.field, message=str(exc)), exc.row_errors)
        refused.format = statement.format
        refused.account = statement.account.key if statement.account else None
        refused.warnings = [PortfolioImportIssue.of(i) for i in statement.warnings]
        return refused
    return PortfolioImportPayload.of(result, statement)


def _refused(input: PortfolioImportInput, error: UserError, issues: Sequence[Issue] = ()) -> PortfolioImportPayload:
    return PortfolioImportPayload(
        dry_run=input.dry_run, row_errors=[PortfolioImportIssue.of(i) for i in issues], errors=[error]
    )


def _options(input: PortfolioImportInput, base_currency: str) -> tuple[ParseOptions | None, UserError | None]:
    currency = None
    if input.currency is not None and input.currency.strip():
        try:
            currency = normalize_currency(input.currency)
        except MoneyError as exc:
            return None, ValidationError(field="currency", message=str(exc))
    date_format = None
    if input.date_format is not None and input.date_format.strip():
        try:
            date_format = canonical_date_format(input.date_format)
        except ValueError as exc:
            return None, ValidationError(field="dateFormat", message=str(exc))
    mapping = input.mapping
    if mapping is not None and not isinstance(mapping, Mapping):
        return None, ValidationError(field="mapping", message="the mapping is a JSON object of fields to columns")
    options = ParseOptions(
        currency=currency,
        base_currency=base_currency,
        account=(input.account or "").strip() or None,
        preset=(input.preset or "").strip() or None,
        mapping=mapping,
        date_format=date_format,
    )
    return options, None


async def _read(
    info: strawberry.Info[Context, None], input: PortfolioImportInput
) -> tuple[UploadedFile | None, UserError | None]:
    if not callable(getattr(input.file, "read", None)):
        return None, ValidationError(field="file", message="send the statement as a file (a multipart request)")
    try:
        upload = await read_upload(input.file, max_bytes=info.context.runtime.settings.UPLOAD_MAX_BYTES)
    except UploadTooLargeError as exc:
        return None, ValidationError(field="file", message=str(exc))
    if not upload.data.strip():
        return None, ValidationError(field="file", message="the file is empty")
    return upload, None


def _field_of(exc: StatementError, input: PortfolioImportInput) -> str:
    """The input a file's refusal is best fixed with."""
    if exc.code == ErrorCode.UNKNOWN_FORMAT:
        return "format" if input.format else "file"
    if exc.code == ErrorCode.AMBIGUOUS_DATE_FORMAT:
        return "dateFormat"
    if exc.code == ErrorCode.CURRENCY_REQUIRED:
        return "currency"
    if exc.code == WarningCode.ACCOUNT_REQUIRED:
        return "account"
    if exc.code in (ErrorCode.INVALID_MAPPING, ErrorCode.MAPPING_REQUIRED):
        return "preset" if exc.message.startswith("unknown CSV preset") else "mapping"
    return "file"
