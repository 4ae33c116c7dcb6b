"""Reading an uploaded statement for one ledger account: which format, which settings, which of the file's
accounts, and whether every row fits the ledger account. Pure: bytes and settings in, a ``Reading`` out.

What the user may set (``ImportSettings``) wins over what is detected; what is detected is kept (``detected``) so
the UI can show it and offer the alternatives. A CSV without a mapping uses the first saved mapping profile of the
account that fits the file's columns, else the mapping proposed from its headers.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from fincloud.money import minor_units
from subgraphs.budget.importers import ParseOptions, Statement, StatementAccount, StatementError, StatementRow
from subgraphs.budget.importers.errors import ErrorCode, Issue
from subgraphs.budget.importers.format_csv import CsvMapping, CsvPreview, preview_csv, read_csv
from subgraphs.budget.importers.registry import MIN_CONFIDENCE, default_registry, detect_format, get_importer

__all__ = [
    "NEEDS_INPUT_CODES",
    "ImportSettings",
    "Problem",
    "Reading",
    "SavedProfile",
    "read_statement",
]

NEEDS_INPUT_CODES = frozenset(
    {
        ErrorCode.UNKNOWN_FORMAT,
        ErrorCode.MAPPING_REQUIRED,
        ErrorCode.INVALID_MAPPING,
        ErrorCode.AMBIGUOUS_DATE_FORMAT,
        ErrorCode.CURRENCY_REQUIRED,
        "statement_account_required",
    }
)
"""Problems the user solves by choosing something (a format, a mapping, a date format, one of the file's
accounts); any other problem is in the file itself."""

PREVIEW_ROWS = 20

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportSettings:
    """How to read the file; ``None`` means "detect". CSV-only settings (``mapping``, ``encoding``,
    ``delimiter``, ``decimal_separator``) are ignored for other formats; ``date_format`` applies to CSV and QIF."""

    format: str | None = None
    mapping: Mapping[str, Any] | None = None
    """``CsvMapping.to_json()``."""
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal_separator: str | None = None
    statement_account: int | None = None
    """Which of the file's accounts (0-based) goes to the ledger account, for files holding several."""
    skip_invalid_rows: bool = False
    profile_id: uuid.UUID | None = None
    """A saved mapping profile to use (its mapping, unless ``mapping`` is given)."""

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["mapping"] = dict(self.mapping) if self.mapping is not None else None
        data["profile_id"] = str(self.profile_id) if self.profile_id else None
        return {key: value for key, value in data.items() if value not in (None, False)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ImportSettings:
        data = dict(data or {})
        profile = data.get("profile_id")
        return cls(
            format=data.get("format"),
            mapping=data.get("mapping"),
            date_format=data.get("date_format"),
            encoding=data.get("encoding"),
            delimiter=data.get("delimiter"),
            decimal_separator=data.get("decimal_separator"),
            statement_account=data.get("statement_account"),
            skip_invalid_rows=bool(data.get("skip_invalid_rows", False)),
            profile_id=uuid.UUID(profile) if profile else None,
        )

    @property
    def csv_overrides(self) -> dict[str, str]:
        return {
            key: value
            for key, value in (
                ("encoding", self.encoding),
                ("delimiter", self.delimiter),
                ("decimal_separator", self.decimal_separator),
                ("date_format", self.date_format),
            )
            if value
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class SavedProfile:
    id: uuid.UUID
    mapping: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class Problem:
    """Why the file cannot be imported as set. ``needs_input``: the user can fix it by choosing something."""

    code: str
    message: str
    issues: tuple[Issue, ...] = ()
    truncated: bool = False
    candidates: tuple[str, ...] = ()

    @property
    def needs_input(self) -> bool:
        return self.code in NEEDS_INPUT_CODES

    @classmethod
    def of(cls, error: StatementError) -> Problem:
        return cls(
            code=error.code,
            message=error.message,
            issues=error.issues,
            truncated=error.truncated,
            candidates=error.candidates,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "issues": [issue_json(issue) for issue in self.issues],
            "truncated": self.truncated,
            "candidates": list(self.candidates),
        }


def issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "message": issue.message,
        "line": issue.line,
        "record": issue.record,
        "field": issue.field,
        "code": issue.code,
    }


@dataclass(frozen=True, kw_only=True, slots=True)
class Reading:
    """The outcome: the rows to import (of one statement account) or the problem, and what was detected."""

    format: str | None
    settings: ImportSettings
    """The settings as applied (the mapping used, the profile chosen)."""
    detected: dict[str, Any] = field(default_factory=dict)
    rows: tuple[StatementRow, ...] = ()
    account: StatementAccount | None = None
    problem: Problem | None = None
    warnings: tuple[Issue, ...] = ()


def _preview_json(preview: CsvPreview) -> dict[str, Any]:
    return {
        "encoding": preview.encoding,
        "delimiter": preview.delimiter,
        "header_line": preview.header_line,
        "headers": list(preview.headers),
        "rows": [{"line": line, "cells": list(cells)} for line, cells in preview.rows],
        "mapping": preview.mapping.to_json() if preview.mapping is not None else None,
        "date_formats": list(preview.date_formats),
        "decimal_separator": preview.decimal_separator,
        "iban": preview.iban,
        "problems": list(preview.problems),
    }


def _account_json(index: int, account: StatementAccount) -> dict[str, Any]:
    closing = account.closing_balance
    return {
        "index": index,
        "account_number": account.account_id,
        "iban": account.iban,
        "bank_id": account.bank_id,
        "name": account.name,
        "currency": account.currency,
        "rows": len(account.rows),
        "period_start": account.period_start.isoformat() if account.period_start else None,
        "period_end": account.period_end.isoformat() if account.period_end else None,
        "closing_balance": str(closing.amount) if closing else None,
        "closing_balance_date": closing.as_of.isoformat() if closing and closing.as_of else None,
    }


def _head(data: bytes, size: int = 64 * 1024) -> bytes:
    """The first lines of a file (about ``size`` bytes, whole lines): enough to check a mapping's columns."""
    if len(data) <= size:
        return data
    cut = data.rfind(b"\n", 0, size)
    return data[: cut + 1] if cut > 0 else data[:size]


def _read_csv(
    data: bytes,
    settings: ImportSettings,
    profiles: Sequence[SavedProfile],
    options: ParseOptions,
    detected: dict[str, Any],
) -> tuple[ImportSettings, Statement | None, Problem | None]:
    """The CSV read with the mapping given, else the first profile whose columns the file has, else the one
    proposed from the headers (with the user's overrides of encoding, delimiter, decimal and date format)."""
    overrides = settings.csv_overrides
    mapping: CsvMapping | None = None
    if settings.mapping is not None:
        mapping = CsvMapping.from_json({**settings.mapping, **overrides})
    elif settings.profile_id is not None:
        chosen = next((p for p in profiles if p.id == settings.profile_id), None)
        if chosen is None:
            return settings, None, Problem(code=ErrorCode.INVALID_MAPPING, message="no such mapping profile")
        mapping = CsvMapping.from_json({**chosen.mapping, **overrides})
    else:
        head = _head(data)
        for profile in profiles:
            try:
                candidate = CsvMapping.from_json({**profile.mapping, **overrides})
                if not preview_csv(head, mapping=candidate, rows=0).problems:
                    mapping, settings = candidate, replace(settings, profile_id=profile.id)
                    break
            except StatementError:
                continue
        if mapping is None and overrides:
            proposed = preview_csv(data, rows=0).mapping
            if proposed is not None:
                mapping = CsvMapping.from_json({**proposed.to_json(), **overrides})
    preview, outcome = read_csv(data, mapping=mapping, options=options, rows=PREVIEW_ROWS)
    detected["csv"] = _preview_json(preview)
    applied = mapping if mapping is not None else preview.mapping
    if applied is not None:
        settings = replace(settings, mapping=applied.to_json())
    if isinstance(outcome, StatementError):
        return settings, None, Problem.of(outcome)
    return settings, outcome, None


def _choose_account(
    statement: Statement, settings: ImportSettings, currency: str
) -> tuple[StatementAccount | None, Problem | None]:
    accounts = statement.accounts
    if settings.statement_account is not None:
        if not 0 <= settings.statement_account < len(accounts):
            return None, Problem(
                code="statement_account_required",
                message=f"the file holds {len(accounts)} account(s); choose one of 0 to {len(accounts) - 1}",
            )
        return accounts[settings.statement_account], None
    if len(accounts) == 1:
        return accounts[0], None
    fitting = [a for a in accounts if a.rows and (a.currency or currency) == currency]
    if len(fitting) == 1:
        return fitting[0], None
    return None, Problem(
        code="statement_account_required",
        message=f"the file holds {len(accounts)} accounts; choose which one to import into this account",
        candidates=tuple(str(i) for i in range(len(accounts))),
    )


def _misfit(row: StatementRow, currency: str, places: int) -> str | None:
    """Why the row cannot go into a ledger account in ``currency`` (another currency, or finer than its minor
    unit), or ``None``."""
    if row.currency != currency:
        return f"the amount is in {row.currency}, the account is in {currency}"
    exponent = row.amount.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and -exponent > places
        and row.amount != row.amount.quantize(Decimal(1).scaleb(-places))
    ):
        return f"{currency} amounts have at most {places} decimal places, got {row.amount}"
    return None


def _check_rows(
    rows: Sequence[StatementRow], currency: str, max_errors: int, *, skip: bool
) -> tuple[tuple[StatementRow, ...], tuple[Issue, ...], Problem | None]:
    """``(rows kept, rows left out, problem)``: every row must be in the ledger account's currency and in whole
    minor units. A row that is not is a problem, or, with ``skip``, left out and named (never rounded)."""
    places = minor_units(currency)
    kept: list[StatementRow] = []
    issues: list[Issue] = []
    count = 0
    for row in rows:
        message = _misfit(row, currency, places)
        if message is None:
            kept.append(row)
            continue
        count += 1
        if skip or len(issues) < max_errors:
            issues.append(Issue(message=message, line=row.line, record=row.record, field="amount"))
    if not issues:
        return tuple(rows), (), None
    if skip:
        return tuple(kept), tuple(issues), None
    return (
        tuple(rows),
        (),
        Problem(
            code=ErrorCode.INVALID_ROWS,
            message=f"{count} row(s) do not fit the account, nothing was imported",
            issues=tuple(issues),
            truncated=count > len(issues),
        ),
    )


def read_statement(
    data: bytes,
    *,
    filename: str | None,
    currency: str,
    settings: ImportSettings,
    profiles: Sequence[SavedProfile] = (),
    max_errors: int = 100,
) -> Reading:
    """Read ``data`` for a ledger account in ``currency``. Never raises for a bad file: the problem is in the
    ``Reading`` (with line numbers), together with what could be detected."""
    detected: dict[str, Any] = {}
    try:
        guesses = detect_format(data, filename=filename)
    except StatementError as exc:
        return Reading(format=None, settings=settings, detected=detected, problem=Problem.of(exc))
    detected["formats"] = [
        {"name": g.name, "label": g.label, "confidence": round(g.confidence, 3)} for g in guesses if g.confidence > 0
    ]
    format_name = settings.format
    if format_name is None and guesses and guesses[0].confidence >= MIN_CONFIDENCE:
        format_name = guesses[0].name
    if format_name is None:
        return Reading(
            format=None,
            settings=settings,
            detected=detected,
            problem=Problem(
                code=ErrorCode.UNKNOWN_FORMAT,
                message="the file's format was not recognised; choose one",
                candidates=tuple(g.name for g in guesses),
            ),
        )
    options = ParseOptions(
        currency=currency,
        date_format=settings.date_format,
        max_errors=max_errors,
        skip_invalid_rows=settings.skip_invalid_rows,
    )
    try:
        importer = get_importer(format_name)
        if importer.name == "csv":
            # One reading of the file for the preview and the statement (the registry's parse would read it again).
            settings, parsed, problem = _read_csv(data, settings, profiles, options, detected)
            if problem is not None or parsed is None:
                return Reading(format=importer.name, settings=settings, detected=detected, problem=problem)
            statement = parsed
        else:
            statement = default_registry().parse(data, filename=filename, format=importer.name, options=options)
    except StatementError as exc:
        return Reading(format=format_name, settings=settings, detected=detected, problem=Problem.of(exc))
    except Exception:
        logger.exception("reading a %s statement failed", format_name)
        return Reading(
            format=format_name,
            settings=settings,
            detected=detected,
            problem=Problem(
                code=ErrorCode.IMPORTER_FAILED,
                message=f"the {format_name} importer could not read this file (an error on our side, logged)",
            ),
        )
    detected["accounts"] = [_account_json(i, a) for i, a in enumerate(statement.accounts)]
    detected["encoding"] = statement.encoding
    account, problem = _choose_account(statement, settings, currency)
    rows: tuple[StatementRow, ...] = ()
    left_out: tuple[Issue, ...] = ()
    if problem is None and account is not None:
        rows, left_out, problem = _check_rows(account.rows, currency, max_errors, skip=settings.skip_invalid_rows)
    warnings = (*statement.warnings, *statement.skipped, *left_out)
    if problem is not None or account is None:
        return Reading(
            format=statement.format, settings=settings, detected=detected, problem=problem, warnings=warnings
        )
    return Reading(
        format=statement.format,
        settings=settings,
        detected=detected,
        rows=rows,
        account=account,
        warnings=warnings,
    )
