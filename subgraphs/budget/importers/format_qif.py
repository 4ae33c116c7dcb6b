"""QIF (Quicken Interchange Format): ``!Type:Bank``, ``CCard``, ``Cash``, ``Oth A``, ``Oth L`` transactions.

One field per line, a letter then the value, ``^`` ending a record:

- ``D`` date (``1/2'24``, ``01/02/2024``, ``2024-01-02``, ``02.01.2024``; the order is detected from all the
  file's dates, ``'`` meaning a year from 2000), ``T``/``U`` amount (``-1,234.56`` or ``-1.234,56``), ``P`` payee,
  ``M`` memo, ``N`` number (a cheque number when numeric; ``ATM``/``DEP``/``XFER`` are kept as raw text only),
  ``L`` category (a hint), ``C`` cleared mark, ``A`` address lines, ``S``/``E``/``$``/``%`` splits (hints);
- ``!Account`` blocks name the account for the sections after them, so one file may hold several accounts;
- ``!Type:Invst`` sections belong to the portfolio and are left out with a warning; category, class and
  memorised lists are skipped.

QIF names no currency: ``ParseOptions.currency`` (the destination account's) is required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from subgraphs.budget.importers._amounts import AmountError, decimal_separator_votes, parse_amount_text
from subgraphs.budget.importers._common import clean_text, decode_text, default_currency, empty_file, finish_rows
from subgraphs.budget.importers._dates import canonical_date_format, detect_date_format, parse_date
from subgraphs.budget.importers.errors import ErrorCode, Issue, IssueCollector, StatementError
from subgraphs.budget.importers.model import ParseOptions, SplitHint, Statement, StatementAccount, StatementRow

__all__ = ["QifImporter"]

_BANKING = {"bank": "BANK", "ccard": "CREDITCARD", "cash": "CASH", "oth a": "ASSET", "oth l": "LIABILITY"}
_INVESTMENT = {"invst", "port", "401(k)/403(b)"}
_FIELD_NAMES = {
    "D": "Date",
    "T": "Amount",
    "U": "Amount (U)",
    "P": "Payee",
    "M": "Memo",
    "N": "Number",
    "L": "Category",
    "C": "Cleared",
    "A": "Address",
    "S": "Split category",
    "E": "Split memo",
    "$": "Split amount",
    "%": "Split percent",
}
_APOSTROPHE_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*'\s*(\d{1,4})\s*$")
_DETECT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*!(?:Type|Account|Option|Clear)\b", re.IGNORECASE)


class QifImporter:
    """Quicken Interchange Format bank, card and cash registers."""

    name = "qif"
    label = "QIF (Quicken)"

    def detect(self, sample: bytes, *, filename: str | None) -> float:
        if _DETECT.match(sample):
            return 0.95
        return 0.2 if filename and filename.lower().endswith(".qif") else 0.0

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement:
        if empty_file(data):
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        text, encoding = decode_text(data)
        sections, warnings = _read_sections(text)
        if not any(section.records for section in sections):
            if warnings:
                raise StatementError(
                    "this file holds only investment registers, which belong in a portfolio, not a budget",
                    code=ErrorCode.INVESTMENT_ONLY,
                    issues=warnings,
                )
            raise StatementError("this QIF file holds no transactions", code=ErrorCode.NO_STATEMENT)
        currency = default_currency(options)
        if currency is None:
            raise StatementError(
                "QIF files do not say their currency; choose the account's currency",
                code=ErrorCode.CURRENCY_REQUIRED,
            )
        records = [record for section in sections for record in section.records]
        date_format = _date_format(records, options)
        separator = _decimal_separator(records)
        issues = IssueCollector(max_errors=options.max_errors)
        accounts: list[StatementAccount] = []
        index = 0
        for section in sections:
            rows = []
            for record in section.records:
                index += 1
                row = _row(
                    record, index, currency=currency, date_format=date_format, separator=separator, issues=issues
                )
                if row is not None:
                    rows.append(row)
            if not section.records:
                continue
            dates = [row.booking_date for row in rows]
            accounts.append(
                StatementAccount(
                    rows=tuple(rows),
                    currency=currency,
                    name=section.account_name,
                    account_type=section.account_type,
                    period_start=min(dates, default=None),
                    period_end=max(dates, default=None),
                )
            )
        all_rows = [row for account in accounts for row in account.rows]
        _rows, skipped = finish_rows(all_rows, issues, options=options)
        return Statement(
            format=self.name, accounts=tuple(accounts), encoding=encoding, warnings=tuple(warnings), skipped=skipped
        )


@dataclass(slots=True)
class _Record:
    line: int
    fields: list[tuple[str, str, int]] = field(default_factory=list)  # (code, value, line)

    def first(self, code: str) -> tuple[str, int] | None:
        for field_code, value, line in self.fields:
            if field_code == code:
                return value, line
        return None


@dataclass(slots=True)
class _Section:
    account_type: str
    account_name: str | None
    records: list[_Record] = field(default_factory=list)


def _read_sections(text: str) -> tuple[list[_Section], list[Issue]]:
    sections: list[_Section] = []
    warnings: list[Issue] = []
    mode = "none"  # "bank", "account", "investment", "list", "none"
    account_name: str | None = None
    account_block: dict[str, str] = {}
    current: _Record | None = None
    section: _Section | None = None
    skipped_investment = 0
    investment_line = 0

    def end_record() -> None:
        nonlocal current, account_name, skipped_investment
        if current is None or not current.fields:
            current = None
            return
        if mode == "bank" and section is not None:
            section.records.append(current)
        elif mode == "investment":
            skipped_investment += 1
        current = None

    def flush_investment() -> None:
        nonlocal skipped_investment
        if skipped_investment:
            where = f" of account {account_name}" if account_name else ""
            warnings.append(
                Issue(
                    message=f"{skipped_investment} investment transaction(s){where} were left out",
                    line=investment_line,
                    field="!Type:Invst",
                    code=ErrorCode.INVESTMENT_SKIPPED,
                )
            )
            skipped_investment = 0

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        if not line.strip():
            continue
        if line.startswith("!"):
            end_record()
            flush_investment()
            header = line[1:].strip()
            lowered = header.lower()
            if lowered == "account":
                mode, account_block = "account", {}
            elif lowered.startswith("type:"):
                kind = lowered[5:].strip()
                if kind in _BANKING:
                    mode = "bank"
                    section = _Section(account_type=_BANKING[kind], account_name=account_name)
                    sections.append(section)
                elif kind in _INVESTMENT:
                    mode, investment_line = "investment", number
                else:
                    mode = "list"
            continue
        if line.strip() == "^":
            if mode == "account":
                account_name = clean_text(account_block.get("N")) or account_name
                mode = "none"
            else:
                end_record()
            continue
        code, value = line[0], line[1:]
        if mode == "account":
            account_block.setdefault(code, value)
            continue
        if mode == "none":
            raise StatementError(
                f"line {number}: a transaction field comes before any '!Type:' header; is this a QIF file?",
                code=ErrorCode.INVALID_FILE,
            )
        if current is None:
            current = _Record(line=number)
        current.fields.append((code, value, number))
    end_record()
    flush_investment()
    return sections, warnings


def _normalise_date(text: str) -> str:
    """``1/ 2'24`` -> ``1/2/2024``; ``1/2' 4`` -> ``1/2/2004``: Quicken writes ``'`` for years from 2000."""
    match = _APOSTROPHE_DATE.match(text)
    if match:
        first, second, year = match.groups()
        full = str(2000 + int(year)) if len(year) <= 2 else year
        return f"{first}/{second}/{full}"
    stripped = text.strip()
    return stripped if any(ch.isalpha() for ch in stripped) else re.sub(r"\s+", "", stripped)


def _date_format(records: list[_Record], options: ParseOptions) -> str | None:
    if options.date_format:
        try:
            return canonical_date_format(options.date_format)
        except ValueError as exc:
            raise StatementError(f"options.date_format: {exc}", code=ErrorCode.INVALID_MAPPING) from None
    values = [_normalise_date(found[0]) for record in records if (found := record.first("D"))]
    detection = detect_date_format(values)
    if detection.ambiguous:
        raise StatementError(
            "the dates can be read more than one way ("
            + " or ".join(detection.candidates)
            + "); choose the date format",
            code=ErrorCode.AMBIGUOUS_DATE_FORMAT,
            candidates=detection.candidates,
        )
    return detection.chosen


def _decimal_separator(records: list[_Record]) -> str:
    amounts = [value for record in records for code, value, _line in record.fields if code in "TU$"]
    votes = decimal_separator_votes(amounts)
    return "," if votes[","] > votes["."] else "."


def _amount(text: str, separator: str) -> Decimal:
    value, _currency = parse_amount_text(text, decimal_separator=separator)
    return value


def _row(
    record: _Record,
    index: int,
    *,
    currency: str,
    date_format: str | None,
    separator: str,
    issues: IssueCollector,
) -> StatementRow | None:
    problems: list[Issue] = []

    def problem(message: str, line: int, field_name: str) -> None:
        problems.append(Issue(message=message, line=line, record=index, field=field_name))

    booking: date | None = None
    found = record.first("D")
    if found is None:
        problem("the transaction has no date (D)", record.line, "D")
    elif date_format is None:
        problem(f"{found[0].strip()!r} is not a date in any supported format", found[1], "D")
    else:
        try:
            booking = parse_date(_normalise_date(found[0]), date_format)
        except ValueError as exc:
            problem(str(exc), found[1], "D")
    amount: Decimal | None = None
    found = record.first("T") or record.first("U")
    if found is None:
        problem("the transaction has no amount (T)", record.line, "T")
    else:
        try:
            amount = _amount(found[0], separator)
        except AmountError as exc:
            problem(str(exc), found[1], "T")
    parts: list[SplitHint] = []
    for code, value, line in record.fields:
        if code not in "SE$%":
            continue
        if code == "S" or not parts:
            parts.append(SplitHint())
        part = parts[-1]
        if code == "S":
            parts[-1] = replace(part, category=clean_text(value))
        elif code == "E":
            parts[-1] = replace(part, memo=clean_text(value))
        else:
            try:
                figure = _amount(value.strip().rstrip("%"), separator)
            except AmountError as exc:
                problem(str(exc), line, code)
                continue
            parts[-1] = replace(part, amount=figure) if code == "$" else replace(part, percent=figure)
    splits = tuple(parts)
    for problem_issue in problems:
        issues.add(problem_issue)
    if problems or booking is None or amount is None:
        return None
    number = clean_text((record.first("N") or ("", 0))[0])
    numeric = number if number and number.isdigit() and number.strip("0") else None
    return StatementRow(
        line=record.line,
        record=index,
        booking_date=booking,
        amount=amount,
        currency=currency,
        payee=clean_text((record.first("P") or ("", 0))[0]),
        memo=clean_text((record.first("M") or ("", 0))[0]),
        reference=numeric,
        check_number=numeric,
        category=clean_text((record.first("L") or ("", 0))[0]),
        splits=splits,
        raw=tuple((_FIELD_NAMES.get(code, code), value.strip()) for code, value, _line in record.fields),
    )
