"""Helpers the built-in importers share: decoding text files, tidying text, currencies, finishing a statement."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence

from fincloud.money import MoneyError, normalize_currency
from subgraphs.budget.importers.errors import ErrorCode, Issue, IssueCollector, StatementError
from subgraphs.budget.importers.model import ParseOptions, StatementRow

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WHITESPACE = re.compile(r"\s+")


def decode_text(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """The file as text and the encoding used.

    With ``encoding`` given, exactly that (an error if the bytes do not fit). Otherwise: a byte-order mark
    (UTF-8, UTF-16, UTF-32); else strict UTF-8 (which plain ASCII also is); else UTF-16 without a BOM when the
    NUL bytes say so; else Windows-1252, the code page Western European banks export in (its printable range is
    a superset of latin-1's, and it has the euro sign); only bytes that cp1252 cannot hold go to
    charset-normalizer. A short German or French export is too little text for a statistical detector to tell
    cp1252 from cp1250 or mac_roman reliably, so cp1252 is preferred on purpose; a mapping profile can name the
    encoding for anything else.
    """
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise StatementError(f"unknown text encoding {encoding!r}", code=ErrorCode.INVALID_MAPPING) from None
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise StatementError(
                f"the file is not valid {codec} text (byte {exc.start + 1})", code=ErrorCode.INVALID_FILE
            ) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise StatementError(
                    f"the file starts with a {codec} byte-order mark but is not valid {codec} (byte {exc.start + 1})"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        codec = "utf-16-le" if sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00") else "utf-16-be"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


def clean_text(value: str | None) -> str | None:
    """Text with runs of whitespace collapsed and the ends trimmed; ``None`` for nothing."""
    if value is None:
        return None
    if "  " in value or "\t" in value or "\n" in value or "\r" in value or "\xa0" in value:
        value = _WHITESPACE.sub(" ", value)
    return value.strip() or None


def currency_code(value: str) -> str:
    """An ISO 4217 code, or ``ValueError`` with a message for the user."""
    try:
        return normalize_currency(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


def default_currency(options: ParseOptions) -> str | None:
    """``options.currency`` checked, or ``None``."""
    if options.currency is None:
        return None
    try:
        return currency_code(options.currency)
    except ValueError as exc:
        raise StatementError(f"options.currency: {exc}", code=ErrorCode.INVALID_MAPPING) from None


def finish_rows(
    rows: Sequence[StatementRow], issues: IssueCollector, *, options: ParseOptions
) -> tuple[tuple[StatementRow, ...], tuple[Issue, ...]]:
    """The good rows and the skipped issues; raises when rows were bad and skipping was not asked for, or when
    every row was bad."""
    if issues and (not options.skip_invalid_rows or not rows):
        issues.raise_if_any()
    return tuple(rows), tuple(issues.issues)


def empty_file(data: bytes) -> bool:
    return not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff")


_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_IBAN_IN_TEXT = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def as_iban(value: str | None) -> str | None:
    """``value`` as a compact IBAN when it is one (country, check digits, ISO 7064 mod 97-10 check), else ``None``."""
    if not value:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    if not _IBAN.fullmatch(compact):
        return None
    rearranged = compact[4:] + compact[:4]
    return compact if int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1 else None


def find_iban(text: str) -> str | None:
    """The first valid IBAN written in ``text`` (spaced in fours or not)."""
    for match in _IBAN_IN_TEXT.finditer(text.upper()):
        iban = as_iban(match.group(0))
        if iban:
            return iban
    return None
