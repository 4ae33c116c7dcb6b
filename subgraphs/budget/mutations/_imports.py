"""What the import mutations share: which account or import the viewer may change, settings from the input, and
service errors as typed user errors."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from sqlalchemy import select

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.importers import StatementError, available_formats
from subgraphs.budget.importers._dates import canonical_date_format
from subgraphs.budget.importers.format_csv import CsvMapping
from subgraphs.budget.imports.models import ImportBatch
from subgraphs.budget.imports.reading import NEEDS_INPUT_CODES, ImportSettings
from subgraphs.budget.imports.service import ImportNotFoundError
from subgraphs.budget.imports.types import ImportIssue, ImportSettingsInput
from subgraphs.budget.models import Account
from subgraphs.budget.services.ledger import LedgerError

__all__ = [
    "ImportFileError",
    "error_of",
    "file_error",
    "merged_settings",
    "writable_account",
    "writable_import",
]

WRITERS_ONLY = "only the household's owners and editors may import into its accounts"


@strawberry.federation.type(
    shareable=True,
    description="The statement file cannot be imported as it is (bad rows, unreadable file); the ledger was not "
    "changed. `issues` lists the rows at fault with their line numbers.",
)
class ImportFileError(UserError):
    code: str = strawberry.field(description="Machine-readable kind, such as `invalid_rows` or `invalid_file`.")
    issues: list[ImportIssue] = strawberry.field(description="The rows at fault (capped at 100).")


async def writable_account(
    info: strawberry.Info[Context, None], account_id: strawberry.ID, *, field: str = "accountId"
) -> tuple[Account | None, UserError | None]:
    """The account, if the viewer may import into it; else the error. Another household's account answers like
    a missing one; a viewer of the household is refused."""
    viewer = info.context.viewer
    wanted = parse_id(account_id)
    row = await info.context.loaders.account_by_id.load(wanted) if wanted is not None else None
    if row is None or not viewer.can_read(row.household_id):
        return None, NotFoundError(field=field, message="no such account")
    if not viewer.can_write(row.household_id):
        return None, NotFoundError(field=field, message=WRITERS_ONLY)
    return row, None


async def writable_import(
    info: strawberry.Info[Context, None], import_id: strawberry.ID
) -> tuple[uuid.UUID | None, list[uuid.UUID], UserError | None]:
    """The import's id and the households the viewer may change, if the import is in one of them; else the error
    (another household's import answers like a missing one)."""
    viewer = info.context.viewer
    wanted = parse_id(import_id)
    household = (
        await info.context.session.scalar(select(ImportBatch.household_id).where(ImportBatch.id == wanted))
        if wanted is not None
        else None
    )
    await info.context.session.rollback()  # the mutation opens its own transaction next
    if household is None or not viewer.can_read(household):
        return None, [], NotFoundError(field="importId", message="no such import")
    if not viewer.can_write(household):
        return None, [], NotFoundError(field="importId", message=WRITERS_ONLY)
    return wanted, [h for h in viewer.household_ids if viewer.can_write(h)], None


def merged_settings(
    given: ImportSettingsInput | None, base: ImportSettings | None = None
) -> tuple[ImportSettings, list[UserError]]:
    """``base`` with what ``given`` sets, checked; every problem as a ``ValidationError`` on ``settings.*``."""
    data: dict[str, Any] = base.to_json() if base is not None else {}
    errors: list[UserError] = []
    if given is None:
        return ImportSettings.from_json(data), errors
    if given.format is not None:
        names = [importer.name for importer in available_formats()]
        if given.format not in names:
            errors.append(ValidationError(field="settings.format", message=f"use one of {', '.join(names)}"))
        elif given.format != data.get("format"):
            data.pop("mapping", None)
            data["format"] = given.format
    if given.date_format is not None:
        try:
            data["date_format"] = canonical_date_format(given.date_format)
        except ValueError as exc:
            errors.append(ValidationError(field="settings.dateFormat", message=str(exc)))
    if given.decimal_separator is not None:
        if given.decimal_separator not in (",", "."):
            errors.append(ValidationError(field="settings.decimalSeparator", message="use ',' or '.'"))
        data["decimal_separator"] = given.decimal_separator
    if given.delimiter is not None:
        if len(given.delimiter) != 1 or given.delimiter in '"\r\n':
            errors.append(ValidationError(field="settings.delimiter", message="use one character, such as ';'"))
        data["delimiter"] = given.delimiter
    if given.encoding is not None:
        data["encoding"] = given.encoding
    if given.statement_account is not None:
        if given.statement_account < 0:
            errors.append(ValidationError(field="settings.statementAccount", message="accounts are numbered from 0"))
        data["statement_account"] = given.statement_account
    if given.skip_invalid_rows is not None:
        data["skip_invalid_rows"] = given.skip_invalid_rows
    if given.profile_id is not None:
        profile = parse_id(given.profile_id)
        if profile is None:
            errors.append(ValidationError(field="settings.profileId", message="no such mapping profile"))
        data["profile_id"] = str(profile) if profile else None
        data.pop("mapping", None)
    if given.mapping is not None:
        try:
            data["mapping"] = CsvMapping.from_json(given.mapping.to_json()).to_json()
        except StatementError as exc:
            errors.append(ValidationError(field="settings.mapping", message=exc.message))
    return ImportSettings.from_json(data), errors


def error_of(exc: LedgerError) -> UserError:
    """A service error as the typed error the payload carries."""
    if isinstance(exc, ImportNotFoundError | LookupError):
        return NotFoundError(field=exc.field, message=str(exc))
    return ValidationError(field=exc.field, message=str(exc))


def file_error(problem: dict[str, Any] | None) -> ImportFileError | None:
    """The batch's problem as an error when it is in the file itself (not a setting the user still has to choose)."""
    if not problem or problem.get("code") in NEEDS_INPUT_CODES:
        return None
    return ImportFileError(
        message=str(problem.get("message", "")),
        code=str(problem.get("code", "")),
        issues=[ImportIssue.of(issue) for issue in problem.get("issues") or []],
    )
