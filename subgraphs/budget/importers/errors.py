"""What goes wrong with a statement file, said so that a user can fix it.

An importer either returns a whole ``Statement`` or raises ``StatementError``; it never returns part of a file
silently. Row problems are collected (up to ``ParseOptions.max_errors``) and raised together, each ``Issue``
naming the line (text formats) or the record (XML entries, OFX transactions) and the field at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ErrorCode", "Issue", "StatementError"]


class ErrorCode:
    """Machine-readable ``StatementError.code`` / ``Issue.code`` values the import service can branch on."""

    UNKNOWN_FORMAT = "unknown_format"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    INVALID_FILE = "invalid_file"
    INVALID_ROWS = "invalid_rows"
    INVALID_ROW = "invalid_row"
    INVALID_MAPPING = "invalid_mapping"
    MAPPING_REQUIRED = "mapping_required"
    AMBIGUOUS_DATE_FORMAT = "ambiguous_date_format"
    CURRENCY_REQUIRED = "currency_required"
    UNSAFE_XML = "unsafe_xml"
    SIGNON_FAILED = "signon_failed"
    BANK_ERROR = "bank_error"
    NO_STATEMENT = "no_statement"
    INVESTMENT_ONLY = "investment_only"
    INVESTMENT_SKIPPED = "investment_skipped"
    ENTRY_SKIPPED = "entry_skipped"
    IMPORTER_FAILED = "importer_failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class Issue:
    """One problem (or, in ``Statement.warnings``, one notice) about a place in the file.

    ``line`` is the 1-based physical line where the row or element starts (``None`` for XML formats read
    without line information); ``record`` the 1-based index of the row, transaction or entry in the file.
    """

    message: str
    line: int | None = None
    record: int | None = None
    field: str | None = None
    code: str = ErrorCode.INVALID_ROW

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        elif self.record is not None:
            where.append(f"record {self.record}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class StatementError(ValueError):
    """The file cannot be imported as it is. ``str(error)`` is a message for the user.

    ``issues`` lists every row problem found (capped; ``truncated`` says more were left out); ``candidates``
    lists the choices the user can make when the file is ambiguous (date formats, for
    ``code == "ambiguous_date_format"``).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.INVALID_FILE,
        issues: Sequence[Issue] = (),
        truncated: bool = False,
        candidates: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.issues = tuple(issues)
        self.truncated = truncated
        self.candidates = tuple(candidates)

    def __str__(self) -> str:
        if not self.issues:
            return self.message
        shown = "; ".join(str(issue) for issue in self.issues[:5])
        more = len(self.issues) - 5
        tail = f"; and {more} more" if more > 0 else ""
        tail += " (further problems not listed)" if self.truncated else ""
        return f"{self.message}: {shown}{tail}"


class IssueCollector:
    """Collects row issues up to a cap; ``raise_if_any`` turns them into one ``StatementError``."""

    def __init__(self, *, max_errors: int) -> None:
        self.max_errors = max(1, max_errors)
        self.issues: list[Issue] = []
        self.truncated = False

    def add(self, issue: Issue) -> None:
        if len(self.issues) < self.max_errors:
            self.issues.append(issue)
        else:
            self.truncated = True

    def __bool__(self) -> bool:
        return bool(self.issues)

    def raise_if_any(self) -> None:
        if self.issues:
            count = len(self.issues)
            plural = "s" if count > 1 or self.truncated else ""
            raise StatementError(
                f"{count}{'+' if self.truncated else ''} problem{plural} found, nothing was imported",
                code=ErrorCode.INVALID_ROWS,
                issues=self.issues,
                truncated=self.truncated,
            )
