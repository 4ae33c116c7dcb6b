"""Amounts from text straight to ``Decimal``: decimal comma or point, thousands separators, signs in any of the
places banks put them, currency symbols. No float anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

__all__ = ["AmountError", "decimal_separator_votes", "parse_amount_text", "parse_plain_decimal"]

MAX_FRACTION_DIGITS = 10
"""Amounts are stored as NUMERIC(28, 10): more decimal places would be rounded away silently."""

_MAX_ABS = Decimal("1e18")

_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS", "$": None}
_MINUS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash
_GROUPING = {".": ",' \u00a0\u202f\u2009", ",": ".' \u00a0\u202f\u2009"}
_NUMBER = {
    sep: re.compile(
        rf"^(?:\d{{1,3}}(?:[{re.escape(group)}]\d{{3}})+|\d+)(?:{re.escape(sep)}\d*)?$|^{re.escape(sep)}\d+$"
    )
    for sep, group in _GROUPING.items()
}
_PLAIN = {".": re.compile(r"-?\d+(?:\.\d+)?\Z"), ",": re.compile(r"-?\d+(?:,\d+)?\Z")}
_PLAIN_VOTE = re.compile(r"\s*-?(\d+)(?:([.,])(\d+))?\s*\Z")
_CODE_PREFIX = re.compile(r"^([A-Za-z]{3})\s*(?=[-+\u2212\u2013(\d.,])")
_CODE_SUFFIX = re.compile(r"(?<=[\d.,)\-+\s])\s*([A-Za-z]{3})$")
_SUFFIX_MARK = re.compile(r"\s+(CR|DR|Cr|Dr|cr|dr|S|H)$")


class AmountError(ValueError):
    """Text that is not an amount; the message says why, for the user."""


def _strip_decorations(text: str) -> tuple[str, bool, str | None]:
    """(bare number, negative?, currency code seen) with signs, brackets, symbols and CR/DR marks removed."""
    s = text.strip()
    negative = False
    currency: str | None = None
    mark = _SUFFIX_MARK.search(s)
    if mark:
        negative = mark.group(1).upper() in ("DR", "S")
        s = s[: mark.start()].rstrip()
    if s.startswith("(") and s.endswith(")"):
        negative = not negative
        s = s[1:-1].strip()
    for _ in range(3):  # "-€ 12.30", "€-12.30", "12,30 € -", "USD -12.30"
        before = s
        if s and s[0] in _MINUS:
            negative = not negative
            s = s[1:].lstrip()
        elif s and s[-1] in _MINUS:
            negative = not negative
            s = s[:-1].rstrip()
        elif s and s[0] == "+":
            s = s[1:].lstrip()
        elif s and s[-1] == "+":
            s = s[:-1].rstrip()
        if s and s[0] in _SYMBOLS:
            currency = _SYMBOLS[s[0]] or currency
            s = s[1:].lstrip()
        elif s and s[-1] in _SYMBOLS:
            currency = _SYMBOLS[s[-1]] or currency
            s = s[:-1].rstrip()
        if match := _CODE_PREFIX.match(s):
            currency = match.group(1).upper()
            s = s[match.end() :]
        elif match := _CODE_SUFFIX.search(s):
            currency = match.group(1).upper()
            s = s[: match.start()].rstrip()
        if s.startswith("(") and s.endswith(")"):
            negative = not negative
            s = s[1:-1].strip()
        if s == before:
            break
    return s, negative, currency


def _checked(value: Decimal, text: str) -> Decimal:
    if not value.is_finite() or abs(value) >= _MAX_ABS:
        raise AmountError(f"{text!r} is out of range")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_FRACTION_DIGITS:
        raise AmountError(f"{text!r} has more than {MAX_FRACTION_DIGITS} decimal places")
    return value


def parse_amount_text(text: str, *, decimal_separator: str) -> tuple[Decimal, str | None]:
    """``Decimal`` and the currency code written next to it (``None`` if none or ``$``).

    Accepts ``1.234,56`` / ``1,234.56`` / ``1 234,56`` / ``1'234.56`` (per ``decimal_separator``), signs before or
    after (``-12,30``, ``12.30-``), brackets for negatives (``(12.30)``), ``CR``/``DR`` and German ``S``/``H``
    marks, currency symbols and ISO codes on either side. Grouping must be in threes, so ``12,30`` read with a
    decimal point is refused rather than taken as 1230.
    """
    if decimal_separator not in _NUMBER:
        raise ValueError(f"decimal separator must be '.' or ',', not {decimal_separator!r}")
    if not text or not text.strip():
        raise AmountError("the amount is empty")
    if _PLAIN[decimal_separator].match(text):  # the common case, "-12,30": no decorations to strip
        whole, _, fraction = text.lstrip("-").partition(decimal_separator)
        if len(fraction) <= MAX_FRACTION_DIGITS and len(whole.lstrip("0")) <= 18:
            return Decimal(text.replace(",", ".")), None  # in range and exact: what _checked would accept
        return _checked(Decimal(text.replace(",", ".")), text), None
    bare, negative, currency = _strip_decorations(text)
    if not _NUMBER[decimal_separator].match(bare):
        other = "," if decimal_separator == "." else "."
        hint = f" (it would be one with '{other}' as the decimal separator)" if _NUMBER[other].match(bare) else ""
        raise AmountError(f"{text.strip()!r} is not an amount{hint}")
    digits = "".join(ch for ch in bare if ch.isdigit() or ch == decimal_separator).replace(decimal_separator, ".")
    if digits.endswith("."):
        digits += "0"
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets digits through
        raise AmountError(f"{text.strip()!r} is not an amount") from None
    return _checked(-value if negative else value, text.strip()), currency


def parse_plain_decimal(text: str) -> Decimal:
    """A machine-written number (OFX ``TRNAMT``, CAMT ``Amt``): optional sign, digits, one ``.`` or ``,``.

    ``+00000000000115.8331`` is 115.8331; ``-12,30`` (some European OFX exports) is -12.30; ``$120`` is refused.
    """
    s = text.strip()
    if not re.fullmatch(r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)", s):
        raise AmountError(f"{s!r} is not a number" if s else "the amount is empty")
    normalised = s.replace(",", ".")
    if normalised.endswith("."):
        normalised += "0"
    return _checked(Decimal(normalised), s)


def decimal_separator_votes(values: Iterable[str]) -> dict[str, int]:
    """How many values can only be read with ``.`` and how many only with ``,`` as decimal separator.

    ``1.234,56`` votes for ``,``; ``12.30`` for ``.``; ``1,234`` and ``1234`` are undecided and do not vote.
    """
    votes = {".": 0, ",": 0}
    for value in values:
        if not value or not value.strip():
            continue
        plain = _PLAIN_VOTE.match(value)
        if plain is not None:  # "-12,30", "1234", "1.234": decided by the digits around the one separator
            whole, separator, fraction = plain.group(1), plain.group(2), plain.group(3)
            if separator and not (len(fraction) == 3 and 1 <= len(whole) <= 3):
                votes[separator] += 1
            continue
        bare, _negative, _currency = _strip_decorations(value)
        dot, comma = bool(_NUMBER["."].match(bare)), bool(_NUMBER[","].match(bare))
        if dot and not comma:
            votes["."] += 1
        elif comma and not dot:
            votes[","] += 1
    return votes
