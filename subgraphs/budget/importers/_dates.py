"""Date formats detected from a whole column of values, never guessed from one.

A format is chosen only when it reads every date of the column and no other format that also reads them all
gives different dates. ``01/02/2024`` alone fits DD/MM/YYYY and MM/DD/YYYY: that is ambiguous and the user
chooses; a single ``13/02/2024`` in the column settles it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["DATE_FORMATS", "DateDetection", "canonical_date_format", "detect_date_format", "parse_date"]

DATE_FORMATS: dict[str, str] = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "YYYY/MM/DD": "%Y/%m/%d",
    "YYYY.MM.DD": "%Y.%m.%d",
    "YYYYMMDD": "%Y%m%d",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD.MM.YY": "%d.%m.%y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YY": "%d/%m/%y",
    "MM/DD/YY": "%m/%d/%y",
    "DD-MM-YYYY": "%d-%m-%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
    "DD-MM-YY": "%d-%m-%y",
    "MM-DD-YY": "%m-%d-%y",
    "DD MMM YYYY": "%d %b %Y",
    "DD-MMM-YYYY": "%d-%b-%Y",
    "DD-MMM-YY": "%d-%b-%y",
    "MMM DD, YYYY": "%b %d, %Y",
    "DD MMMM YYYY": "%d %B %Y",
}
"""Supported formats by label, in order of preference; one- or two-digit days and months are both accepted
(``D/M/YY`` is ``DD/MM/YY``). Month names are English. Two-digit years 00-68 are 20xx, 69-99 19xx."""

_ALIASES = {
    "ISO": "YYYY-MM-DD",
    "D/M/YY": "DD/MM/YY",
    "M/D/YY": "MM/DD/YY",
    "D/M/YYYY": "DD/MM/YYYY",
    "M/D/YYYY": "MM/DD/YYYY",
    "D.M.YYYY": "DD.MM.YYYY",
    "D.M.YY": "DD.MM.YY",
    "D-M-YYYY": "DD-MM-YYYY",
    "M-D-YYYY": "MM-DD-YYYY",
}
_BY_PATTERN = {pattern: label for label, pattern in DATE_FORMATS.items()}
_SHAPE = re.compile(r"^[0-9A-Za-z]+(?:[-./ ][0-9A-Za-z]+,?){0,2}$|^[A-Za-z]{3,9} \d{1,2}, \d{4}$")
_TIME_SUFFIX = re.compile(
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?[AaPp][Mm])?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?)$"
)


def canonical_date_format(name: str) -> str:
    """The ``DATE_FORMATS`` label for a label, an alias (``D/M/YY``, ``ISO``) or a strptime pattern."""
    cleaned = name.strip()
    upper = cleaned.upper()
    if upper in DATE_FORMATS:
        return upper
    if upper in _ALIASES:
        return _ALIASES[upper]
    if cleaned in _BY_PATTERN:
        return _BY_PATTERN[cleaned]
    raise ValueError(f"unknown date format {name!r}; use one of {', '.join(DATE_FORMATS)}")


def _date_part(value: str) -> str:
    text = value.strip()
    stripped = _TIME_SUFFIX.sub("", text)
    return stripped or text


def parse_date(value: str, date_format: str) -> date:
    """The calendar date in ``value`` (a trailing time of day is ignored), read with a ``DATE_FORMATS`` label."""
    parsed = _parse_cached(value.strip(), date_format)
    if parsed is None:
        if not value.strip():
            raise ValueError("the date is empty")
        raise ValueError(f"{value.strip()!r} is not a date in the format {date_format}")
    return parsed


def _numeric_pattern(label: str) -> re.Pattern[str] | None:
    """A regular expression with ``y``/``m``/``d`` groups for an all-numeric format (much faster than
    ``strptime``); ``None`` for formats with month names."""
    if "MMM" in label:
        return None
    compact = not any(ch in label for ch in "-./ ")
    day_month = r"\d{2}" if compact else r"\d{1,2}"
    pattern = re.escape(label)
    for token, group in (
        ("YYYY", r"(?P<y>\d{4})"),
        ("YY", r"(?P<yy>\d{2})"),
        ("MM", rf"(?P<m>{day_month})"),
        ("DD", rf"(?P<d>{day_month})"),
    ):
        pattern = pattern.replace(token, group)
    return re.compile(pattern)


_NUMERIC = {label: _numeric_pattern(label) for label in DATE_FORMATS}


@functools.lru_cache(maxsize=65536)
def _parse_cached(value: str, date_format: str) -> date | None:
    """The date, or ``None``; memoised, as a statement repeats its dates."""
    text = _date_part(value)
    if not text:
        return None
    numeric = _NUMERIC[date_format]
    if numeric is not None:
        match = numeric.fullmatch(text)
        if match is None:
            return None
        parts = match.groupdict()
        year = int(parts["y"]) if parts.get("y") else _two_digit_year(int(parts["yy"]))
        try:
            return date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            return None
    if text.upper() == text.lower() or not _SHAPE.match(text):
        return None  # month names need letters
    try:
        return datetime.strptime(text, DATE_FORMATS[date_format]).date()
    except ValueError:
        return None


def _two_digit_year(year: int) -> int:
    """As ``strptime``'s ``%y``: 00-68 are 2000-2068, 69-99 are 1969-1999."""
    return 2000 + year if year < 69 else 1900 + year


@dataclass(frozen=True, kw_only=True, slots=True)
class DateDetection:
    """``chosen`` is the format to use (``None`` when ambiguous or nothing fits); ``candidates`` the formats that
    read every value (when ambiguous, one per distinct reading), else the best partial fit."""

    chosen: str | None
    candidates: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        return self.chosen is None and len(self.candidates) > 1


def detect_date_format(values: Iterable[str], *, formats: Iterable[str] | None = None) -> DateDetection:
    """The format that reads all ``values`` unambiguously (see the module docstring).

    Values no format can read (a "Closing balance" footer, a typo) do not take part: the rows holding them fail
    on their own. When no format reads every remaining value, the one reading most is chosen, unless another
    reads as many.
    """
    labels = list(formats) if formats is not None else list(DATE_FORMATS)
    unique = sorted({_date_part(v) for v in set(values) if v and v.strip()})
    readings: dict[str, dict[str, date]] = {label: {} for label in labels}
    for text in unique:
        for label in labels:
            try:
                readings[label][text] = parse_date(text, label)
            except ValueError:
                continue
    readable = {text for reading in readings.values() for text in reading}
    if not readable:
        return DateDetection(chosen=None, candidates=())
    most = max(len(reading) for reading in readings.values())
    best = [label for label in labels if len(readings[label]) == most]
    distinct: dict[tuple[tuple[str, date], ...], str] = {}
    for label in best:
        distinct.setdefault(tuple(sorted(readings[label].items())), label)
    if len(distinct) == 1:
        return DateDetection(chosen=best[0], candidates=(best[0],))
    return DateDetection(chosen=None, candidates=tuple(distinct.values()))
