"""Schedules by RRULE (RFC 5545), evaluated by python-dateutil, on calendar dates.

A schedule is a rule body (``FREQ=MONTHLY;BYMONTHDAY=1``), a start date (the rule's DTSTART), and an optional end
date (UNTIL, inclusive) or count (COUNT, the number of occurrences from the start, skipped ones included). The
end and the count are fields of their own, so the body may not carry DTSTART, UNTIL or COUNT; times of day
(BYHOUR, BYMINUTE, BYSECOND) and sub-daily frequencies mean nothing for a transaction and are refused.

Presets (``Preset``) give the rules users ask for most; they are ordinary rules once stored:

- ``monthly_first``: ``FREQ=MONTHLY;BYMONTHDAY=1``.
- ``every_two_weeks``: ``FREQ=WEEKLY;INTERVAL=2;BYDAY=<the start's weekday>``.
- ``last_business_day``: ``FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1`` (weekdays; public holidays are not
  known).
- ``yearly``: ``FREQ=YEARLY;BYMONTH=<m>;BYMONTHDAY=<d>`` of the start, except that a start on 29 February gives
  ``BYMONTHDAY=-1``: the last day of February every year, not only in leap years.

A hand-written rule follows RFC 5545 to the letter: ``FREQ=MONTHLY;BYMONTHDAY=31`` skips months without a 31st
(use ``BYMONTHDAY=-1`` for the last day of every month). A rule must occur within ``HORIZON_YEARS`` of its start.
dateutil searches for the next occurrence without yielding, so a rule that can never occur (30 February) would
keep it busy for seconds while it walks to the year 9999; validation therefore runs under a work budget and
refuses such a rule instead.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from types import FrameType
from typing import Any, TypeVar

from dateutil.rrule import rrule, rrulestr

__all__ = [
    "HORIZON_YEARS",
    "MAX_COUNT",
    "Preset",
    "RuleError",
    "Schedule",
    "preset_rule",
    "validate_schedule",
]

HORIZON_YEARS = 10
MAX_COUNT = 1000
MAX_INTERVAL = 1000
_WORK_BUDGET = 500_000
"""Python lines dateutil may run to validate one rule (a daily rule over the ten-year horizon needs ~150 000)."""

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ALLOWED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "BYWEEKNO", "BYYEARDAY", "WKST"}
_FIELDS = {"DTSTART": "startDate", "UNTIL": "endDate", "COUNT": "count"}
_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_PART = re.compile(r"^([A-Z]+)=([A-Z0-9,+\-]+)$")

T = TypeVar("T")


class Preset(StrEnum):
    MONTHLY_FIRST = "monthly_first"
    EVERY_TWO_WEEKS = "every_two_weeks"
    LAST_BUSINESS_DAY = "last_business_day"
    YEARLY = "yearly"


class RuleError(ValueError):
    """A schedule the caller must change; ``field`` names the input field at fault (GraphQL spelling)."""

    def __init__(self, message: str, *, field: str = "rule") -> None:
        super().__init__(message)
        self.field = field


def preset_rule(preset: Preset, start: dt.date) -> str:
    """The rule body of ``preset`` for a schedule starting on ``start``."""
    if preset is Preset.MONTHLY_FIRST:
        return "FREQ=MONTHLY;BYMONTHDAY=1"
    if preset is Preset.EVERY_TWO_WEEKS:
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={_WEEKDAYS[start.weekday()]}"
    if preset is Preset.LAST_BUSINESS_DAY:
        return "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    day = -1 if (start.month, start.day) == (2, 29) else start.day
    return f"FREQ=YEARLY;BYMONTH={start.month};BYMONTHDAY={day}"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


@dataclass(frozen=True, slots=True)
class Schedule:
    """A validated schedule (see ``validate_schedule``); every method answers calendar dates."""

    rule: str
    start: dt.date
    end: dt.date | None = None
    count: int | None = None

    def _rrule(self) -> rrule:
        parsed = rrulestr(f"RRULE:{self.rule}", dtstart=_midnight(self.start))
        assert isinstance(parsed, rrule)
        if self.count is not None:
            return parsed.replace(count=self.count)
        if self.end is not None:
            return parsed.replace(until=_midnight(self.end))
        return parsed

    def between(self, after: dt.date, until: dt.date, *, limit: int | None = None) -> list[dt.date]:
        """Occurrences later than ``after`` and no later than ``until``, in order (at most ``limit``)."""
        if until <= after:
            return []
        found: list[dt.date] = []
        for occurrence in self._rrule().xafter(_midnight(after), inc=False):
            day = occurrence.date()
            if day > until or (limit is not None and len(found) >= limit):
                break
            found.append(day)
        return found

    def last(self) -> dt.date | None:
        """No occurrence comes after this date: the last one of a schedule with a count, the end date of one
        with an end; ``None`` when the schedule never ends."""
        if self.count is not None:
            occurrences = list(self._rrule())
            return occurrences[-1].date() if occurrences else None
        return self.end


class _Exhausted(Exception):
    pass


def _within_budget(work: Callable[[], T], budget: int) -> T:
    """Run ``work`` with a limit on the Python lines it executes; ``_Exhausted`` past it. The tracer is this
    thread's only while ``work`` runs (the previous one, a debugger's or coverage's, is put back)."""
    spent = 0

    def line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal spent
        if event == "line":
            spent += 1
            if spent > budget:
                raise _Exhausted
        return line

    def call(frame: FrameType, event: str, arg: Any) -> Any:
        return line

    previous = sys.gettrace()
    sys.settrace(call)
    try:
        return work()
    finally:
        sys.settrace(previous)


def _normalise(rule: str) -> str:
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    body = body.upper().strip().strip(";")
    if not body:
        raise RuleError("enter a rule, such as FREQ=MONTHLY;BYMONTHDAY=1, or choose a preset")
    if len(body) > 500:
        raise RuleError("the rule is too long")
    seen: set[str] = set()
    parts = []
    for part in body.split(";"):
        found = _PART.match(part.strip())
        if found is None:
            raise RuleError(f"{part.strip()!r} is not a rule part: write NAME=VALUE, such as BYMONTHDAY=1")
        name, value = found.groups()
        if name in _FIELDS:
            raise RuleError(f"give {name} as the {_FIELDS[name]} field, not in the rule")
        if name not in _ALLOWED:
            raise RuleError(f"{name} is not supported in a schedule of dated transactions")
        if name in seen:
            raise RuleError(f"{name} is given twice")
        seen.add(name)
        if name == "FREQ" and value not in _FREQUENCIES:
            raise RuleError("FREQ is one of DAILY, WEEKLY, MONTHLY or YEARLY")
        if name == "INTERVAL" and not (value.isdigit() and 1 <= int(value) <= MAX_INTERVAL):
            raise RuleError(f"INTERVAL is a whole number from 1 to {MAX_INTERVAL}")
        parts.append(f"{name}={value}")
    if "FREQ" not in seen:
        raise RuleError("the rule needs a FREQ, such as FREQ=MONTHLY")
    return ";".join(parts)


def validate_schedule(*, rule: str, start: dt.date, end: dt.date | None = None, count: int | None = None) -> Schedule:
    """The schedule, normalised (upper case, no ``RRULE:`` prefix); ``RuleError`` naming the field at fault."""
    if end is not None and count is not None:
        raise RuleError("give an end date or a number of occurrences, not both", field="count")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise RuleError(f"the number of occurrences is from 1 to {MAX_COUNT}", field="count")
    if end is not None and end < start:
        raise RuleError("the end date must not come before the start date", field="endDate")
    schedule = Schedule(rule=_normalise(rule), start=start, end=end, count=count)
    try:
        first_years = (
            start.replace(year=start.year + HORIZON_YEARS)
            if (start.month, start.day) != (2, 29)
            else (dt.date(start.year + HORIZON_YEARS, 3, 1))
        )
        first = _within_budget(
            lambda: schedule.between(start - dt.timedelta(days=1), first_years, limit=1), _WORK_BUDGET
        )
    except _Exhausted:
        raise RuleError(f"the rule does not occur within {HORIZON_YEARS} years of the start date") from None
    except (ValueError, TypeError) as exc:
        raise RuleError(f"not a valid rule: {exc}") from None
    if not first:
        if end is not None:
            raise RuleError("the rule does not occur between the start and end dates", field="endDate")
        raise RuleError(f"the rule does not occur within {HORIZON_YEARS} years of the start date")
    return schedule
