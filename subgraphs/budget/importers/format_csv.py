"""CSV (and TSV) bank exports: whatever the bank's layout, read through a ``CsvMapping``.

Everything a mapping leaves out is detected from the file: the encoding (BOM, UTF-8, UTF-16, else cp1252; see
``_common.decode_text``), the delimiter (``,`` ``;`` tab ``|``, the one giving the most rows of one width), the
header row (after any preamble of account details, found by its column names in English, German, French, Dutch
or Spanish), the date format (from the whole column, ambiguity reported), and the decimal separator (from the
amounts: ``1.234,56`` and ``-12,30`` say comma, ``1,234.56`` and ``12.30`` say point).

``preview_csv`` shows the UI the headers, the first rows and a proposed mapping; the user corrects it and the
import passes it back as ``ParseOptions(profile=mapping.to_json())``, which the UI can keep per account as a
"mapping profile". Without a profile, ``parse`` uses the proposal and fails with ``mapping_required`` when it
cannot make one.

Amounts come from one signed column, or a debit (money out) and a credit (money in) column, or an unsigned
column with a direction column (``Af``/``Bij``, ``S``/``H``, ``D``/``C``, ``DBIT``/``CRDT``). ``negate`` flips
every sign, for card exports that show purchases as positive numbers. A block of lines after a blank line at
the end of the table that are not transactions (closing-balance footers) is left out with a warning.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal

from subgraphs.budget.importers._amounts import AmountError, decimal_separator_votes, parse_amount_text
from subgraphs.budget.importers._common import (
    as_iban,
    clean_text,
    currency_code,
    decode_text,
    default_currency,
    empty_file,
    find_iban,
    finish_rows,
)
from subgraphs.budget.importers._dates import canonical_date_format, detect_date_format, parse_date
from subgraphs.budget.importers.errors import ErrorCode, Issue, IssueCollector, StatementError
from subgraphs.budget.importers.model import ParseOptions, Statement, StatementAccount, StatementRow

__all__ = [
    "CsvImporter",
    "CsvMapping",
    "CsvPreview",
    "CsvRecord",
    "normalise_header",
    "parse_records",
    "preview_csv",
    "read_csv",
    "sniff_dialect",
]

_Problem = Callable[[str, str], None]

Column = str | int
"""A column by header name (as written in the file) or by 0-based position."""

DELIMITERS = (",", ";", "\t", "|")
MAPPING_VERSION = 1
_SNIFF_LINES = 80
_MEMO_JOIN = " | "

_DIRECTION_OUT = {"af", "s", "soll", "d", "dr", "debit", "dbit", "debet", "-", "out", "cargo", "debe", "belastung"}
_DIRECTION_IN = {"bij", "h", "haben", "c", "cr", "credit", "crdt", "+", "in", "abono", "haber", "gutschrift"}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "date", "booking date", "transaction date", "posting date", "posted date", "date posted", "trans date",
        "txn date", "completed date", "buchungstag", "buchungsdatum", "datum", "buchung",
        "date operation", "date de l operation", "date comptable", "date de comptabilisation", "fecha",
        "fecha operacion", "fecha de operacion", "fecha contable", "f operacion", "boekdatum", "boekingsdatum",
        "transactiedatum",
    ),
    "value_date": (
        "value date", "valuta", "valutadatum", "wertstellung", "wertstellungsdatum", "date de valeur",
        "date valeur", "fecha valor", "rentedatum",
    ),
    "amount": (
        "amount", "transaction amount", "betrag", "umsatz", "montant", "importe", "bedrag",
    ),
    "direction": (
        "af bij", "debit credit", "credit debit", "soll haben", "cr dr", "dr cr", "credit debit indicator",
        "debit credit indicator", "s h", "d c", "sens",
    ),
    "debit": (
        "debit", "debit amount", "debits", "withdrawal", "withdrawals", "money out", "paid out", "out", "soll",
        "ausgang", "ausgaben", "belastung", "montant debit", "cargo", "cargos", "debe", "af", "afschrijving",
        "uitgaven",
    ),
    "credit": (
        "credit", "credit amount", "credits", "deposit", "deposits", "money in", "paid in", "in", "haben",
        "eingang", "einnahmen", "gutschrift", "montant credit", "abono", "abonos", "haber", "bij",
        "bijschrijving", "inkomsten",
    ),
    "currency": (
        "currency", "ccy", "currency code", "wahrung", "waehrung", "devise", "moneda", "divisa", "munt", "muntsoort",
    ),
    "reference": (
        "reference", "ref", "bank reference", "transaction id", "transaction reference", "referenz",
        "kundenreferenz", "end to end referenz", "referencia", "reference de l operation", "referentie",
        "transactiereferentie", "fitid",
    ),
    "check_number": (
        "check number", "check or slip", "check", "check no", "cheque number", "cheque no", "cheque",
        "schecknummer", "numero de cheque", "numero cheque",
    ),
    "category": ("category", "kategorie", "categorie", "categoria", "rubrique"),
    "counterparty_account": (
        "iban", "counterparty iban", "counterparty account", "payee account", "kontonummer iban", "kontonummer",
        "iban zahlungsbeteiligter", "iban auftraggeber", "iban empfanger", "tegenrekening", "compte contrepartie",
        "cuenta contrapartida",
    ),
    "payee": (
        "payee", "name", "merchant", "counterparty", "beneficiary", "recipient", "payer", "payer payee",
        "empfanger", "empfaenger", "zahlungsempfanger", "auftraggeber", "auftraggeber empfanger",
        "auftraggeber begunstigter", "empfanger auftraggeber", "begunstigter zahlungspflichtiger",
        "beguenstigter zahlungspflichtiger", "name zahlungsbeteiligter", "zahlungsbeteiligter", "beneficiaire",
        "tiers", "contrepartie", "beneficiario", "ordenante", "naam", "naam omschrijving", "tegenpartij",
    ),
    "memo": (
        "memo", "description", "details", "narrative", "notes", "note", "remarks", "transaction description",
        "verwendungszweck", "buchungstext", "beschreibung", "vorgang", "buchungsdetails", "libelle",
        "libelle operation", "detail", "details de l operation", "informations complementaires", "concepto",
        "descripcion", "observaciones", "mas datos", "omschrijving", "mededelingen",
    ),
}  # fmt: skip
_FIELD_ORDER = (
    "date",
    "value_date",
    "amount",
    "direction",
    "debit",
    "credit",
    "currency",
    "reference",
    "check_number",
    "category",
    "counterparty_account",
    "payee",
)


def normalise_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.replace("ß", "ss")).split())


_SYNONYM_INDEX = {field_name: {normalise_header(s) for s in words} for field_name, words in _SYNONYMS.items()}


def _column_json(value: object, key: str) -> Column | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise StatementError(
            f"mapping.{key}: a column is a header name or a 0-based number", code=ErrorCode.INVALID_MAPPING
        )
    if isinstance(value, int) and value < 0:
        raise StatementError(f"mapping.{key}: column numbers start at 0", code=ErrorCode.INVALID_MAPPING)
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class CsvMapping:
    """How to read one bank's CSV layout; JSON round-trips through ``to_json``/``from_json``.

    Columns are header names (robust when the bank reorders columns) or 0-based numbers (files without a
    header). Give ``amount`` (signed, or unsigned with ``direction``), or ``debit`` and/or ``credit`` (their
    values count as money out and in whatever their sign). ``memo`` may join several columns. ``date_format`` is
    a ``DATE_FORMATS`` label; ``decimal_separator`` ``","`` or ``"."``; ``skip_rows`` the number of lines before
    the header row (or before the first row without a header). ``None`` everywhere means "detect".
    """

    date: Column
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    direction: Column | None = None
    payee: Column | None = None
    memo: tuple[Column, ...] = ()
    reference: Column | None = None
    currency: Column | None = None
    value_date: Column | None = None
    check_number: Column | None = None
    category: Column | None = None
    counterparty_account: Column | None = None
    date_format: str | None = None
    decimal_separator: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    skip_rows: int | None = None
    has_header: bool = True
    negate: bool = False

    def __post_init__(self) -> None:
        def invalid(message: str) -> StatementError:
            return StatementError(f"mapping: {message}", code=ErrorCode.INVALID_MAPPING)

        if self.amount is None and self.debit is None and self.credit is None:
            raise invalid("name the amount column, or the debit and credit columns")
        if self.amount is not None and (self.debit is not None or self.credit is not None):
            raise invalid("use either an amount column or debit/credit columns, not both")
        if self.direction is not None and self.amount is None:
            raise invalid("a direction column goes with an amount column")
        if self.decimal_separator not in (None, ",", "."):
            raise invalid(f"the decimal separator is ',' or '.', not {self.decimal_separator!r}")
        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in '"\r\n'):
            raise invalid(f"the delimiter must be one character such as {', '.join(map(repr, DELIMITERS))}")
        if self.skip_rows is not None and self.skip_rows < 0:
            raise invalid("skip_rows cannot be negative")
        if self.date_format is not None:
            try:
                object.__setattr__(self, "date_format", canonical_date_format(self.date_format))
            except ValueError as exc:
                raise invalid(str(exc)) from None
        if not isinstance(self.memo, tuple):
            object.__setattr__(self, "memo", tuple(self.memo))

    def columns(self) -> dict[str, Column]:
        """The mapped fields and their columns (``memo`` as ``memo``, ``memo.2``, ...)."""
        found: dict[str, Column] = {}
        for name in _FIELD_ORDER:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for number, column in enumerate(self.memo, start=1):
            found["memo" if number == 1 else f"memo.{number}"] = column
        return found

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (``memo`` as a list), with ``version`` for later migrations."""
        data: dict[str, object] = {"version": MAPPING_VERSION}
        for key, value in asdict(self).items():
            data[key] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CsvMapping:
        """The mapping from ``to_json`` output; a clear ``StatementError`` for anything malformed."""
        if not isinstance(data, Mapping):
            raise StatementError("mapping: expected a JSON object", code=ErrorCode.INVALID_MAPPING)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"version"})
        if unknown:
            raise StatementError(f"mapping: unknown key(s) {', '.join(unknown)}", code=ErrorCode.INVALID_MAPPING)
        version = data.get("version", MAPPING_VERSION)
        if version != MAPPING_VERSION:
            raise StatementError(f"mapping: unsupported version {version!r}", code=ErrorCode.INVALID_MAPPING)
        if data.get("date") is None:
            raise StatementError("mapping: the date column is required", code=ErrorCode.INVALID_MAPPING)
        kwargs: dict[str, object] = {}
        for key in ("date", *_FIELD_ORDER[1:]):
            kwargs[key] = _column_json(data.get(key), key)
        memo = data.get("memo", [])
        if isinstance(memo, (str, int)) and not isinstance(memo, bool):
            memo = [memo]
        if not isinstance(memo, (list, tuple)):
            raise StatementError("mapping.memo: a list of columns", code=ErrorCode.INVALID_MAPPING)
        kwargs["memo"] = tuple(_column_json(column, "memo") for column in memo)
        for key in ("date_format", "decimal_separator", "encoding", "delimiter"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise StatementError(f"mapping.{key}: expected text", code=ErrorCode.INVALID_MAPPING)
            kwargs[key] = value
        skip = data.get("skip_rows")
        if skip is not None and (isinstance(skip, bool) or not isinstance(skip, int)):
            raise StatementError("mapping.skip_rows: expected a whole number", code=ErrorCode.INVALID_MAPPING)
        kwargs["skip_rows"] = skip
        for key, default in (("has_header", True), ("negate", False)):
            value = data.get(key, default)
            if not isinstance(value, bool):
                raise StatementError(f"mapping.{key}: expected true or false", code=ErrorCode.INVALID_MAPPING)
            kwargs[key] = value
        return cls(**kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True, slots=True)
class CsvPreview:
    """What the UI shows before an import: how the file was read and the proposed mapping.

    ``header_line`` is the 1-based line of the header row (``None`` without one); ``rows`` the first data rows
    as text cells, each with its line number; ``mapping`` the proposal (``None`` when no date or amount column
    could be found: ``problems`` says what is missing); ``date_formats`` the formats that read the proposed
    date column (more than one: ambiguous, the user picks; the proposal then has none).
    """

    encoding: str
    delimiter: str
    header_line: int | None
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    mapping: CsvMapping | None
    date_formats: tuple[str, ...] = ()
    decimal_separator: str | None = None
    iban: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(slots=True)
class CsvRecord:
    line: int
    cells: list[str]
    blank: bool = field(init=False)

    def __post_init__(self) -> None:
        self.blank = not "".join(self.cells).strip()


@dataclass(slots=True)
class _Table:
    encoding: str
    delimiter: str
    header: CsvRecord | None
    records: list[CsvRecord]  # after the header, blank ones included
    preamble: list[CsvRecord] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        if self.header is None:
            width = max((len(r.cells) for r in self.records), default=0)
            return [f"Column {i + 1}" for i in range(width)]
        return [cell.strip() for cell in self.header.cells]

    def column_values(self, index: int, limit: int | None = None) -> list[str]:
        values = (r.cells[index] for r in self.records if not r.blank and index < len(r.cells))
        return list(itertools.islice(values, limit)) if limit is not None else list(values)


def parse_records(text: str, delimiter: str, *, whole_file: bool = False) -> list[CsvRecord]:
    """The records with the line each starts on. For the whole file, an unbalanced ``"`` (a quote opened and
    never closed, which would swallow every line after it into one cell) fails with the line it opens on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    records: list[CsvRecord] = []
    last = 0
    try:
        for cells in reader:
            records.append(CsvRecord(line=last + 1, cells=cells))
            last = reader.line_num
    except csv.Error as exc:
        raise StatementError(
            f"line {last + 1}: the CSV cannot be read ({exc}); is a quote left open?", code=ErrorCode.INVALID_FILE
        ) from None
    if whole_file and text.count('"') % 2:
        opened = next((r.line for r in reversed(records) if any("\n" in c or "\r" in c for c in r.cells)), None)
        where = f"line {opened}" if opened else "the file"
        raise StatementError(
            f'{where}: a quote (") is opened and never closed, so the lines after it cannot be read',
            code=ErrorCode.INVALID_FILE,
        )
    return records


def _trimmed_width(cells: Sequence[str]) -> int:
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width


def sniff_dialect(text: str) -> tuple[str, int, int]:
    """(delimiter, usual row width, rows of that width) over the first lines: the delimiter that splits the
    most rows into the same number of columns, wider tables winning (``-4,50`` in a ``;`` file splits every
    row in two on ``,`` too, but into far fewer columns)."""
    sample = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_score = (",", 1, 0), 0
    for delimiter in DELIMITERS:
        try:
            records = parse_records(sample, delimiter)
        except StatementError:
            continue
        widths = Counter(len(r.cells) for r in records if not r.blank)
        wide = [(count, width) for width, count in widths.items() if width >= 2]
        if not wide:
            continue
        count, width = max(wide, key=lambda cw: (cw[0] * (cw[1] - 1), cw[1]))
        if count * (width - 1) > best_score:
            best, best_score = (delimiter, width, count), count * (width - 1)
    return best


def _header_score(cells: Sequence[str]) -> int:
    names = {normalise_header(cell) for cell in cells if cell.strip()}
    return sum(1 for name in names if any(name in words for words in _SYNONYM_INDEX.values()))


def _looks_like_data(cells: Sequence[str]) -> bool:
    return any(re.search(r"\d", cell) for cell in cells)


def _read_table(data: bytes, mapping: CsvMapping | None) -> _Table:
    text, encoding = decode_text(data, encoding=mapping.encoding if mapping else None)
    text = text.lstrip("\ufeff")
    if mapping is not None and mapping.delimiter:
        delimiter = mapping.delimiter
        width = 0
    else:
        delimiter, width, count = sniff_dialect(text)
        if count == 0:
            raise StatementError(
                "no columns found: the file does not look like a CSV with ',', ';', tab or '|' between values",
                code=ErrorCode.INVALID_FILE,
            )
    records = parse_records(text, delimiter, whole_file=True)
    if mapping is not None and mapping.skip_rows is not None:
        start = next((i for i, r in enumerate(records) if r.line > mapping.skip_rows), len(records))
        while start < len(records) and records[start].blank:
            start += 1
        header_index: int | None = start if mapping.has_header else None
        first_data = start + 1 if mapping.has_header else start
    else:
        header_index, first_data = _find_header(records, width, has_header=mapping.has_header if mapping else None)
    header = records[header_index] if header_index is not None and header_index < len(records) else None
    preamble_end = header_index if header_index is not None else first_data
    return _Table(
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        records=records[first_data:],
        preamble=records[:preamble_end],
    )


def _find_header(records: list[CsvRecord], width: int, *, has_header: bool | None) -> tuple[int | None, int]:
    """(header index or None, first data index): the header is the row of the table's width naming known
    columns; else the first text-only row of that width followed by data; else there is none."""
    if not width:
        width = Counter(len(r.cells) for r in records if not r.blank).most_common(1)[0][0] if records else 0
    table_rows = [i for i, r in enumerate(records) if not r.blank and abs(len(r.cells) - width) <= 1]
    if not table_rows:
        return None, 0
    if has_header is not False:
        for i in table_rows[:_SNIFF_LINES]:
            if _header_score(records[i].cells) >= 2:
                return i, i + 1
        first = table_rows[0]
        if not _looks_like_data(records[first].cells) and len(table_rows) > 1:
            return first, first + 1
        if has_header:
            return first, first + 1
    return None, table_rows[0]


def _match_score(header: str, words: set[str]) -> int:
    name = normalise_header(header)
    if not name:
        return 0
    if name in words:
        return 3
    tokens = name.split()
    for word in words:
        parts = word.split()
        if tokens[: len(parts)] == parts or tokens[-len(parts) :] == parts:
            return 2
    return 0


def _currency_hint(header: str) -> str | None:
    if "€" in header:
        return "EUR"
    for token in re.findall(r"\b[A-Z]{3}\b", header):
        try:
            return currency_code(token)
        except ValueError:
            continue
    return None


def _mostly(flags: list[bool]) -> bool:
    """True when at least 90% of ``flags`` (and at least one) are true."""
    return bool(flags) and sum(flags) >= max(1, int(len(flags) * 0.9))


def _amount_like(value: str) -> bool:
    if not value.strip():
        return False
    votes = decimal_separator_votes([value])
    if votes[","] or votes["."]:
        return True
    return bool(re.fullmatch(r"[-+(]?\s*[^\d\s]{0,3}\s*\d+\s*[^\d\s]{0,3}\s*[-+)]?", value.strip()))


def _date_like(values: list[str]) -> bool:
    present = [v for v in values if v.strip()]
    if not present:
        return False
    detection = detect_date_format(present[:200])
    return bool(detection.candidates)


def _propose(table: _Table) -> tuple[CsvMapping | None, list[str]]:
    headers = table.headers
    counts = Counter(headers)
    problems: list[str] = []
    chosen: dict[str, int] = {}
    used: set[int] = set()

    def values(index: int) -> list[str]:
        return table.column_values(index, limit=200)

    def fits(name: str, index: int) -> bool:
        column = values(index)
        present = [v for v in column if v.strip()]
        if name in ("date", "value_date"):
            return _date_like(column)
        if name in ("amount", "debit", "credit"):
            return _mostly([_amount_like(v) for v in present]) if present else name != "amount"
        if name == "direction":
            return bool(present) and all(v.strip().casefold() in _DIRECTION_IN | _DIRECTION_OUT for v in present)
        return True

    if table.header is not None:
        for name in _FIELD_ORDER:
            ranked = sorted(
                (
                    (score, -i)
                    for i, h in enumerate(headers)
                    if i not in used and (score := _match_score(h, _SYNONYM_INDEX[name]))
                ),
                reverse=True,
            )
            for score, negative_index in ranked:
                index = -negative_index
                # a date or amount column named exactly so is trusted (its bad values become row errors, which
                # say more than "map the columns"); any other match must also hold values that fit
                trusted = score == 3 and name in ("date", "amount", "debit", "credit")
                if trusted or fits(name, index):
                    chosen[name] = index
                    used.add(index)
                    break
        memo = [i for i, h in enumerate(headers) if i not in used and _match_score(h, _SYNONYM_INDEX["memo"])]
    else:
        memo = []
        for index in range(len(headers)):
            column = values(index)
            present = [v for v in column if v.strip()]
            if not present:
                continue
            if "date" not in chosen and _date_like(column):
                chosen["date"] = index
            elif "date" in chosen and "value_date" not in chosen and "amount" not in chosen and _date_like(column):
                chosen["value_date"] = index
            elif "amount" not in chosen and _mostly([_amount_like(v) for v in present]):
                chosen["amount"] = index
            elif not _mostly([_amount_like(v) for v in present]) and not _date_like(column):
                memo.append(index)
    if "amount" in chosen:
        chosen.pop("debit", None)
        chosen.pop("credit", None)
    else:
        chosen.pop("direction", None)
    if "payee" not in chosen and memo:
        chosen["payee"] = memo.pop(0)
    if "date" not in chosen:
        problems.append("no date column recognised")
    if not ({"amount", "debit", "credit"} & set(chosen)):
        problems.append("no amount column (or debit and credit columns) recognised")
    if problems:
        return None, problems

    def ref(index: int) -> Column:
        name = headers[index]
        return name if table.header is not None and name and counts[name] == 1 else index

    proposal: dict[str, object] = {name: ref(index) for name, index in chosen.items()}
    proposal.update(memo=[ref(i) for i in memo], delimiter=table.delimiter, has_header=table.header is not None)
    return CsvMapping.from_json(proposal), problems


def _resolve(mapping: CsvMapping, table: _Table) -> dict[str, int]:
    headers = table.headers
    resolved: dict[str, int] = {}
    missing = []
    for name, column in mapping.columns().items():
        if isinstance(column, int):
            if table.header is not None and column >= len(headers):
                missing.append(f"{name} (column {column})")
                continue
            resolved[name] = column
        elif column in headers:
            resolved[name] = headers.index(column)
        else:
            lowered = [h.casefold() for h in headers]
            if column.strip().casefold() in lowered:
                resolved[name] = lowered.index(column.strip().casefold())
            else:
                missing.append(f"{name} ({column!r})")
    if missing:
        shown = ", ".join(repr(h) for h in headers)
        raise StatementError(
            f"the mapping names columns this file does not have: {', '.join(missing)}; its columns are {shown}",
            code=ErrorCode.INVALID_MAPPING,
        )
    return resolved


def _date_format_for(values: Callable[[], list[str]], mapping: CsvMapping, options: ParseOptions) -> str | None:
    for given in (mapping.date_format, options.date_format):
        if given:
            try:
                return canonical_date_format(given)
            except ValueError as exc:
                raise StatementError(str(exc), code=ErrorCode.INVALID_MAPPING) from None
    detection = detect_date_format(values())
    if detection.ambiguous:
        raise StatementError(
            "the dates can be read more than one way ("
            + " or ".join(detection.candidates)
            + "); choose the date format",
            code=ErrorCode.AMBIGUOUS_DATE_FORMAT,
            candidates=detection.candidates,
        )
    return detection.chosen


def _separator_for(values: Callable[[], list[str]], mapping: CsvMapping | None, delimiter: str) -> str:
    if mapping is not None and mapping.decimal_separator:
        return mapping.decimal_separator
    votes = decimal_separator_votes(values())
    if votes[","] != votes["."]:
        return "," if votes[","] > votes["."] else "."
    return "," if delimiter == ";" else "."


class CsvImporter:
    """Comma-, semicolon-, tab- or pipe-separated bank exports."""

    name = "csv"
    label = "CSV"

    def detect(self, sample: bytes, *, filename: str | None) -> float:
        suffix = filename.lower().rsplit(".", 1)[-1] if filename and "." in filename else ""
        stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith((b"<", b"!Type", b"!type", b"!Account", b"OFXHEADER")):
            return 0.0
        text = sample.decode("utf-8", errors="replace") if b"\x00" not in sample[:200] else ""
        if not text:
            try:
                text = sample.decode("utf-16", errors="replace")
            except UnicodeError:
                return 0.0
        lines = text.splitlines()
        if len(lines) > 1 and not text.endswith(("\n", "\r")):
            lines = lines[:-1]  # the sample may end mid-line
        delimiter, width, count = sniff_dialect("\n".join(lines))
        if width < 2 or count < 2:
            return 0.1 if suffix in ("csv", "tsv") else 0.0
        confidence = 0.5
        if any(_header_score(line.split(delimiter)) >= 2 for line in lines[:_SNIFF_LINES]):
            confidence += 0.2
        if suffix in ("csv", "tsv", "txt"):
            confidence += 0.2
        return confidence

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement:
        if empty_file(data):
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        mapping = CsvMapping.from_json(options.profile) if options.profile is not None else None
        table = _read_table(data, mapping)
        if mapping is None:
            mapping, problems = _propose(table)
            if mapping is None:
                raise StatementError(
                    "the columns could not be recognised (" + "; ".join(problems) + "); map them by hand",
                    code=ErrorCode.MAPPING_REQUIRED,
                )
        return _Reader(table=table, mapping=mapping, options=options).statement(self.name)


class _Reader:
    def __init__(self, *, table: _Table, mapping: CsvMapping, options: ParseOptions) -> None:
        self.table = table
        self.mapping = mapping
        self.options = options
        self.columns = _resolve(mapping, table)
        self.memo_columns = [name for name in self.columns if name == "memo" or name.startswith("memo.")]
        self.headers = table.headers
        self.date_format = _date_format_for(lambda: table.column_values(self.columns["date"]), mapping, options)
        self.value_date_format = (
            _date_format_for(lambda: table.column_values(self.columns["value_date"]), mapping, options)
            if "value_date" in self.columns
            else None
        )

        def amounts() -> list[str]:
            return [
                value
                for name in ("amount", "debit", "credit")
                if name in self.columns
                for value in table.column_values(self.columns[name])
            ]

        self.separator = _separator_for(amounts, mapping, table.delimiter)
        hint = None
        if table.header is not None:
            amount_column = next(self.columns[n] for n in ("amount", "debit", "credit") if n in self.columns)
            hint = _currency_hint(self.headers[amount_column])
        self.currency = hint or default_currency(options)
        self.issues = IssueCollector(max_errors=options.max_errors)
        self._dates: dict[tuple[str, str], date] = {}

    def cell(self, record: CsvRecord, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(record.cells):
            return ""
        return record.cells[index].strip()

    def statement(self, format_name: str) -> Statement:
        rows: list[StatementRow] = []
        footer: list[list[Issue]] = []
        after_blank = False
        index = 0
        for record in self.table.records:
            if record.blank:
                after_blank = bool(rows)
                continue
            index += 1
            problems: list[Issue] = []
            row = self._row(record, index, problems)
            if row is not None:
                for pending in footer:
                    for issue in pending:
                        self.issues.add(issue)
                footer, after_blank = [], False
                rows.append(row)
            elif after_blank:
                footer.append(problems)
            else:
                for issue in problems:
                    self.issues.add(issue)
        warnings = []
        if footer:
            first = footer[0][0].line if footer[0] else None
            warnings.append(
                Issue(
                    message=f"{len(footer)} line(s) after the table were not transactions and were left out",
                    line=first,
                    code=ErrorCode.ENTRY_SKIPPED,
                )
            )
        if not rows and not self.issues:
            raise StatementError("the file has no transaction rows", code=ErrorCode.NO_STATEMENT)
        kept, skipped = finish_rows(rows, self.issues, options=self.options)
        currencies = {row.currency for row in kept}
        dates = [row.booking_date for row in kept]
        preamble = " ".join(" ".join(r.cells) for r in self.table.preamble)
        account = StatementAccount(
            rows=kept,
            currency=next(iter(currencies)) if len(currencies) == 1 else self.currency,
            iban=find_iban(preamble) if preamble else None,
            account_id=find_iban(preamble) if preamble else None,
            period_start=min(dates, default=None),
            period_end=max(dates, default=None),
        )
        return Statement(
            format=format_name,
            accounts=(account,),
            encoding=self.table.encoding,
            warnings=tuple(warnings),
            skipped=skipped,
        )

    def _row(self, record: CsvRecord, index: int, problems: list[Issue]) -> StatementRow | None:
        # The hot loop of a large import: cells are read by position, dates memoised, and the rest of the work
        # (closures, the raw fields' labels) kept to what a row needs.
        cells = record.cells
        count = len(cells)
        columns = self.columns
        values = {name: cells[position].strip() for name, position in columns.items() if position < count}
        text = values.get

        def problem(message: str, name: str) -> None:
            column = columns.get(name)
            label = self.headers[column] if column is not None and column < len(self.headers) else name
            problems.append(Issue(message=message, line=record.line, record=index, field=label))

        width = len(self.headers)
        if self.table.header is not None and count > width and _trimmed_width(cells) > width:
            problem(f"the row has {_trimmed_width(cells)} columns, the header has {width}", "row")
        booking = self._date(text, "date", self.date_format, problem, required=True)
        value_date = self._date(text, "value_date", self.value_date_format, problem, required=False)
        amount, cell_currency = self._amount(text, problem)
        currency = self.currency
        if currency_text := text("currency", ""):
            try:
                currency = currency_code(currency_text)
            except ValueError as exc:
                problem(str(exc), "currency")
        elif cell_currency:
            try:
                currency = currency_code(cell_currency)
            except ValueError:
                currency = self.currency
        if currency is None and not problems:
            raise StatementError(
                "the file does not say which currency its amounts are in; choose the account's currency",
                code=ErrorCode.CURRENCY_REQUIRED,
            )
        if problems or booking is None or amount is None or currency is None:
            return None
        memo_parts = [text(name, "") for name in self.memo_columns]
        check = text("check_number", "")
        counterparty = text("counterparty_account", "")
        headers = self.headers
        if count <= width:
            raw = tuple(zip(headers, cells, strict=False))
        else:
            raw = tuple(
                (headers[i] if i < width else f"Column {i + 1}", cell)
                for i, cell in enumerate(cells)
                if i < width or cell.strip()
            )
        return StatementRow(
            line=record.line,
            record=index,
            booking_date=booking,
            value_date=value_date,
            amount=-amount if self.mapping.negate else amount,
            currency=currency,
            payee=clean_text(text("payee", "")),
            memo=clean_text(_MEMO_JOIN.join(part for part in memo_parts if part)),
            reference=clean_text(text("reference", "")),
            check_number=check if check.strip("0") else None,
            counterparty_account=as_iban(counterparty) or clean_text(counterparty),
            category=clean_text(text("category", "")),
            raw=raw,
        )

    def _date(
        self, text: Callable[[str, str], str], name: str, date_format: str | None, problem: _Problem, *, required: bool
    ) -> date | None:
        if name not in self.columns:
            return None
        value = text(name, "")
        if not value:
            if required:
                problem("the date is empty", name)
            return None
        if date_format is None:
            problem(f"{value!r} is not a date in any supported format", name)
            return None
        known = self._dates.get((value, date_format))
        if known is not None:
            return known
        try:
            parsed = self._dates[(value, date_format)] = parse_date(value, date_format)
        except ValueError as exc:
            problem(str(exc), name)
            return None
        return parsed

    def _amount(self, text: Callable[[str, str], str], problem: _Problem) -> tuple[Decimal | None, str | None]:
        def read(name: str) -> tuple[Decimal | None, str | None]:
            value = text(name, "")
            if not value:
                return None, None
            try:
                return parse_amount_text(value, decimal_separator=self.separator)
            except AmountError as exc:
                problem(str(exc), name)
                return None, None

        if "amount" in self.columns:
            value, currency = read("amount")
            if value is None:
                if not text("amount", ""):
                    problem("the amount is empty", "amount")
                return None, None
            if "direction" in self.columns:
                mark = text("direction", "").casefold()
                if mark in _DIRECTION_OUT:
                    value = -abs(value)
                elif mark in _DIRECTION_IN:
                    value = abs(value)
                else:
                    problem(f"{mark or 'an empty value'!r} is not a debit/credit mark", "direction")
                    return None, None
            return value, currency
        debit_text, credit_text = text("debit", ""), text("credit", "")
        if not debit_text and not credit_text:
            problem("both the debit and the credit column are empty", "debit" if "debit" in self.columns else "credit")
            return None, None
        debit, debit_currency = read("debit")
        credit, credit_currency = read("credit")
        if (debit_text and debit is None) or (credit_text and credit is None):
            return None, None
        if debit and credit:
            problem("both the debit and the credit column hold an amount", "debit")
            return None, None
        if debit:
            return -abs(debit), debit_currency
        return abs(credit or Decimal(0)), credit_currency


def preview_csv(data: bytes, *, mapping: CsvMapping | None = None, rows: int = 20) -> CsvPreview:
    """How the file reads and a proposed mapping (or ``mapping`` applied to find the header and delimiter)."""
    if empty_file(data):
        raise StatementError("the file is empty", code=ErrorCode.EMPTY)
    return _preview(_read_table(data, mapping), mapping, rows)


def read_csv(
    data: bytes, *, mapping: CsvMapping | None = None, options: ParseOptions, rows: int = 20
) -> tuple[CsvPreview, Statement | StatementError]:
    """``preview_csv`` and ``CsvImporter.parse`` from one reading of the file (a large file is decoded and split
    once): the preview, and the statement read with ``mapping`` or else the proposed one, or why it cannot be."""
    if empty_file(data):
        raise StatementError("the file is empty", code=ErrorCode.EMPTY)
    table = _read_table(data, mapping)
    preview = _preview(table, mapping, rows)
    chosen = mapping if mapping is not None else preview.mapping
    if chosen is None:
        return preview, StatementError(
            "the columns could not be recognised (" + "; ".join(preview.problems) + "); map them by hand",
            code=ErrorCode.MAPPING_REQUIRED,
        )
    try:
        return preview, _Reader(table=table, mapping=chosen, options=options).statement(CsvImporter.name)
    except StatementError as exc:
        return preview, exc


def _preview(table: _Table, mapping: CsvMapping | None, rows: int) -> CsvPreview:
    proposal, problems = (mapping, []) if mapping is not None else _propose(table)
    date_formats: tuple[str, ...] = ()
    separator = None
    if proposal is not None:
        try:
            columns = _resolve(proposal, table)
        except StatementError as exc:
            problems.append(exc.message)
            columns = {}
        if "date" in columns:
            detection = detect_date_format(table.column_values(columns["date"]))
            date_formats = detection.candidates
            if detection.chosen and proposal.date_format is None and mapping is None:
                proposal = replace(proposal, date_format=detection.chosen)
            if detection.ambiguous:
                problems.append("the dates can be read as " + " or ".join(detection.candidates) + ": choose one")
        separator = _separator_for(
            lambda: [v for n in ("amount", "debit", "credit") if n in columns for v in table.column_values(columns[n])],
            proposal,
            table.delimiter,
        )
        if mapping is None:
            proposal = replace(proposal, decimal_separator=separator)
    shown = list(itertools.islice((r for r in table.records if not r.blank), max(0, rows)))
    preamble = " ".join(" ".join(r.cells) for r in table.preamble)
    return CsvPreview(
        encoding=table.encoding,
        delimiter=table.delimiter,
        header_line=table.header.line if table.header is not None else None,
        headers=tuple(table.headers),
        rows=tuple((r.line, tuple(r.cells)) for r in shown),
        mapping=proposal,
        date_formats=date_formats,
        decimal_separator=separator,
        iban=find_iban(preamble) if preamble else None,
        problems=tuple(problems),
    )
