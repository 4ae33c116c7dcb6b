"""A user's own price history, uploaded as a CSV file: a close (or price) for each date.

What the file needs is a header row naming a date column and a price column, after any preamble::

    Date,Open,High,Low,Close,Adj Close,Volume          (Yahoo Finance's download)
    Datum;Schlusskurs;Währung                          (a German bank's export)

The price column is the first found of ``close``, ``price``, ``last``, ``nav`` and their German, French, Spanish
and Dutch names, else ``adj close``: the actual close values a holding, while an adjusted close folds later
dividends into earlier prices and would count them twice next to the dividends recorded as activities. An optional
currency column gives each row's currency; else a code or symbol written with the price (``€ 12,30``); else
``default_currency``.

Everything else is detected with the budget importers' helpers, as a bank statement's CSV is: the encoding (BOM,
UTF-8, UTF-16, else Windows-1252), the delimiter (``,`` ``;`` tab ``|``: the one that splits the header row), the
date format (from the whole column: ``01/02/2024`` alone is ambiguous between DD/MM and MM/DD and is refused with
both readings named, unless the caller names ``date_format``; one ``13/02/2024`` settles it), and the decimal
separator (``1.234,56`` and ``12,30`` say comma; ``1,234.56`` and ``12.30`` say point; undecided, a ``;``-delimited
file is taken to use a comma). Prices are read from their text into ``Decimal``; at most 10 decimal places.

Every problem is a ``RowError`` with the 1-based physical line it is on (the header's line for a problem with a
whole column): the caller shows them all at once, and stores the good points or nothing, as it prefers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fincloud.money import normalize_currency
from subgraphs.budget.importers._amounts import decimal_separator_votes, parse_amount_text
from subgraphs.budget.importers._common import currency_code, decode_text, empty_file
from subgraphs.budget.importers._dates import canonical_date_format, detect_date_format, parse_date
from subgraphs.budget.importers.errors import StatementError
from subgraphs.portfolio.prices._parse import MISSING

__all__ = ["PricePoint", "RowError", "parse_price_csv"]

DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_LINES = 30
"""The header row must be among the file's first this many rows."""

DATE_HEADERS = frozenset(
    {"date", "day", "trade date", "close date", "pricing date", "valuation date", "nav date", "as of", "as of date"}
    | {"datum", "handelsdatum", "kursdatum", "fecha", "data", "date de cotation"}
)
PRICE_HEADERS = (
    "close", "close price", "closing price", "price", "last", "last price", "nav", "nav per share", "unit price",
    "schluss", "schlusskurs", "kurs", "preis", "cours", "cours de cloture", "cierre", "precio", "koers", "slotkoers",
    "adj close", "adjusted close", "adj close price",
)  # fmt: skip
"""In order of preference (see the module docstring)."""
CURRENCY_HEADERS = frozenset({"currency", "ccy", "curr", "wahrung", "waehrung", "devise", "moneda", "divisa"})


@dataclass(frozen=True, slots=True)
class PricePoint:
    """One day's price from the file: ``price`` units of ``currency`` for one unit of the instrument."""

    date: dt.date
    price: Decimal
    currency: str
    line: int
    """Where it was read (1-based), to point at it later."""


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong on ``line`` (1-based), said for the user."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class _Header:
    line: int
    date: int
    price: int
    currency: int | None
    names: list[str]


def _normalise(text: str) -> str:
    """``"Adj. Close*"`` → ``"adj close"``; ``"Währung"`` → ``"wahrung"``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def _records(text: str, delimiter: str) -> list[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    records: list[_Record] = []
    last = 0
    for cells in reader:
        records.append(_Record(line=last + 1, cells=cells))
        last = reader.line_num
    return records


def _header(record: _Record) -> _Header | None:
    names = [_normalise(cell) for cell in record.cells]
    date = next((i for i, name in enumerate(names) if name in DATE_HEADERS), None)
    price = next((names.index(wanted) for wanted in PRICE_HEADERS if wanted in names), None)
    if date is None or price is None:
        return None
    currency = next((i for i, name in enumerate(names) if name in CURRENCY_HEADERS), None)
    return _Header(record.line, date, price, currency, [cell.strip() for cell in record.cells])


def _table(text: str) -> tuple[_Header, list[_Record], str] | None:
    """The header, the records after it and the delimiter: the first delimiter that splits a header out."""
    for delimiter in DELIMITERS:
        records = _records(text, delimiter)
        candidates = [r for r in records if "".join(r.cells).strip()][:HEADER_SEARCH_LINES]
        for record in candidates:
            header = _header(record)
            if header is not None:
                return header, [r for r in records if r.line > header.line], delimiter
    return None


def _cell(record: _Record, index: int | None) -> str:
    if index is None or index >= len(record.cells):
        return ""
    return record.cells[index].strip()


def _ambiguity(values: Sequence[str], candidates: Sequence[str]) -> str:
    """The first value the candidate formats read differently, to show the user."""
    for value in values:
        readings: set[dt.date | None] = set()
        for label in candidates:
            try:
                readings.add(parse_date(value, label))
            except ValueError:
                readings.add(None)
        if len(readings) > 1:
            return value
    return values[0] if values else ""


def parse_price_csv(
    data: bytes, *, default_currency: str, date_format: str | None = None
) -> tuple[list[PricePoint], list[RowError]]:
    """The points of a price-history CSV, oldest first, and every problem found (see the module docstring).

    ``default_currency`` (an ISO 4217 code; ``ValueError`` otherwise) prices rows that name no currency.
    ``date_format`` (a label of the budget importers' ``DATE_FORMATS`` such as ``DD/MM/YYYY``, or an alias such as
    ``ISO``) settles dates the column alone leaves ambiguous. A row is refused for an unreadable or empty date or
    price, a price that is zero or negative, an unknown or contradictory currency, or a date already seen; a whole
    file for no header row or dates that cannot be read (or read only ambiguously)."""
    currency = normalize_currency(default_currency)
    chosen_format = canonical_date_format(date_format) if date_format else None
    if empty_file(data):
        return [], [RowError(1, "the file is empty")]
    try:
        text, _encoding = decode_text(data)
    except StatementError as exc:
        return [], [RowError(1, str(exc))]
    table = _table(text.lstrip("\ufeff"))
    if table is None:
        return [], [RowError(1, "no header row naming a date column and a close or price column (like Date,Close)")]
    header, records, delimiter = table
    rows = [record for record in records if "".join(record.cells).strip()]
    if not rows:
        return [], [RowError(header.line, "the file has a header but no prices under it")]

    date_values = [v for v in (_cell(r, header.date) for r in rows) if v]
    if chosen_format is None:
        detection = detect_date_format(date_values)
        if detection.ambiguous:
            example = _ambiguity(date_values, detection.candidates)
            message = (
                f"the dates in {header.names[header.date]!r} can be read more than one way "
                f"({' or '.join(detection.candidates)}: {example!r} is one of them); choose the date format"
            )
            return [], [RowError(header.line, message)]
        if detection.chosen is None:
            return [], [RowError(header.line, f"no value in {header.names[header.date]!r} is a date")]
        chosen_format = detection.chosen

    votes = decimal_separator_votes(_cell(r, header.price) for r in rows)
    if votes[","] != votes["."]:
        separator = "," if votes[","] > votes["."] else "."
    else:
        separator = "," if delimiter == ";" else "."

    points: list[PricePoint] = []
    errors: list[RowError] = []
    seen: dict[dt.date, int] = {}
    for record in rows:
        try:
            point = _point(record, header, date_format=chosen_format, separator=separator, currency=currency)
            if point.date in seen:
                raise ValueError(f"{_cell(record, header.date)} is already priced on line {seen[point.date]}")
        except ValueError as exc:  # AmountError is one too
            errors.append(RowError(record.line, str(exc)))
            continue
        seen[point.date] = record.line
        points.append(point)
    points.sort(key=lambda point: point.date)
    return points, errors


def _point(record: _Record, header: _Header, *, date_format: str, separator: str, currency: str) -> PricePoint:
    """One row read; ``ValueError`` with the user's message for anything wrong in it."""
    date_text, price_text = _cell(record, header.date), _cell(record, header.price)
    if not date_text:
        raise ValueError("the date is empty")
    day = parse_date(date_text, date_format)
    if price_text.upper() in MISSING:
        raise ValueError(f"no price on this line ({price_text!r})" if price_text else "the price is empty")
    price, written = parse_amount_text(price_text, decimal_separator=separator)
    if price <= 0:
        raise ValueError(f"the price must be positive, not {price_text}")
    row_currency = currency_code(written) if written else None
    column = _cell(record, header.currency)
    if column:
        named = currency_code(column)
        if row_currency and row_currency != named:
            raise ValueError(f"the price is written in {row_currency} but the currency column says {named}")
        row_currency = named
    return PricePoint(day, price, row_currency or currency, record.line)
