"""Calendar months as the budget speaks of them: ``"2026-11"`` on the wire, the month's first day in storage."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["MAX_MONTHS", "MonthError", "add_months", "first_day", "month_label", "months_between", "parse_month"]

MAX_MONTHS = 24
"""The widest range of months one request may ask for."""

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthError(ValueError):
    """Not a month, or a range that is empty or too wide; the message is fit for the user."""


def parse_month(text: str) -> dt.date:
    """The first day of the month ``text`` names (``"2026-11"`` → 2026-11-01); ``MonthError`` otherwise."""
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise MonthError(f"{text!r} is not a month: use the form YYYY-MM, such as 2026-11")
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def first_day(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first``'s to ``last``'s, both included; ``MonthError`` if backwards or too many."""
    start, end = first_day(first), first_day(last)
    if end < start:
        raise MonthError("the last month must not come before the first")
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    if count > MAX_MONTHS:
        raise MonthError(f"ask for at most {MAX_MONTHS} months at a time")
    return [add_months(start, n) for n in range(count)]
