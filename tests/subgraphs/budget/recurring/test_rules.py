"""RRULE presets and validation: the dates a user gets, across month ends and leap years."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from subgraphs.budget.recurring.rules import Preset, RuleError, Schedule, preset_rule, validate_schedule


def dates(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(day) for day in text.split()]


def occurrences(preset: Preset, start: str, until: str) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    schedule = validate_schedule(rule=preset_rule(preset, first), start=first)
    return schedule.between(first - dt.timedelta(days=1), dt.date.fromisoformat(until))


@pytest.mark.parametrize(
    ("preset", "start", "until", "expected"),
    [
        # The 1st of every month, starting mid-month: the first occurrence is the next 1st.
        (Preset.MONTHLY_FIRST, "2024-01-15", "2024-05-01", "2024-02-01 2024-03-01 2024-04-01 2024-05-01"),
        # Every two weeks on the start's weekday (a Friday), across a month end and 29 February.
        (
            Preset.EVERY_TWO_WEEKS,
            "2024-02-16",
            "2024-04-12",
            "2024-02-16 2024-03-01 2024-03-15 2024-03-29 2024-04-12",
        ),
        # The last weekday: 29 Feb 2024 (leap, a Thursday), Fri 29 Mar (31st is a Sunday), Fri 31 May,
        # Fri 28 Jun (30th is a Sunday), Wed 31 Jul, Fri 30 Aug (31st a Saturday).
        (
            Preset.LAST_BUSINESS_DAY,
            "2024-02-01",
            "2024-08-31",
            "2024-02-29 2024-03-29 2024-04-30 2024-05-31 2024-06-28 2024-07-31 2024-08-30",
        ),
        (
            Preset.LAST_BUSINESS_DAY,
            "2025-02-01",
            "2025-03-31",
            "2025-02-28 2025-03-31",
        ),
        # Yearly on the start's day.
        (Preset.YEARLY, "2023-12-31", "2026-12-31", "2023-12-31 2024-12-31 2025-12-31 2026-12-31"),
        # Yearly from 29 February: the last day of February every year, not only every fourth.
        (Preset.YEARLY, "2024-02-29", "2028-03-01", "2024-02-29 2025-02-28 2026-02-28 2027-02-28 2028-02-29"),
    ],
)
def test_presets_give_the_dates_users_expect(preset: Preset, start: str, until: str, expected: str) -> None:
    assert occurrences(preset, start, until) == dates(expected)


def test_a_hand_written_rule_follows_rfc_5545_to_the_letter() -> None:
    # The 31st of every month skips months without one; -1 is the last day of every month.
    start = dt.date(2024, 1, 31)
    thirty_first = validate_schedule(rule="FREQ=MONTHLY;BYMONTHDAY=31", start=start)
    last_day = validate_schedule(rule="rrule:freq=monthly;bymonthday=-1", start=start)
    assert last_day.rule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    until = dt.date(2024, 5, 31)
    assert thirty_first.between(start, until) == dates("2024-03-31 2024-05-31")
    assert last_day.between(start, until) == dates("2024-02-29 2024-03-31 2024-04-30 2024-05-31")


def test_an_end_date_or_a_count_ends_the_schedule() -> None:
    start = dt.date(2026, 1, 1)
    counted = validate_schedule(rule="FREQ=MONTHLY;BYMONTHDAY=1", start=start, count=3)
    ended = validate_schedule(rule="FREQ=MONTHLY;BYMONTHDAY=1", start=start, end=dt.date(2026, 2, 15))
    assert counted.between(start - dt.timedelta(days=1), dt.date(2030, 1, 1)) == dates(
        "2026-01-01 2026-02-01 2026-03-01"
    )
    assert counted.last() == dt.date(2026, 3, 1)
    assert ended.between(start - dt.timedelta(days=1), dt.date(2030, 1, 1)) == dates("2026-01-01 2026-02-01")
    assert ended.last() == dt.date(2026, 2, 15)
    assert Schedule(rule="FREQ=DAILY", start=start).last() is None


@pytest.mark.parametrize(
    ("rule", "end", "count", "field", "message"),
    [
        ("", None, None, "rule", "enter a rule"),
        ("FREQ=HOURLY", None, None, "rule", "FREQ is one of DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("BYMONTHDAY=1", None, None, "rule", "the rule needs a FREQ"),
        ("FREQ=MONTHLY;COUNT=3", None, None, "rule", "give COUNT as the count field"),
        ("FREQ=MONTHLY;UNTIL=20270101", None, None, "rule", "give UNTIL as the endDate field"),
        ("FREQ=DAILY;BYHOUR=9", None, None, "rule", "BYHOUR is not supported"),
        ("FREQ=MONTHLY;FREQ=DAILY", None, None, "rule", "FREQ is given twice"),
        ("FREQ=MONTHLY;BYDAY=XX", None, None, "rule", "not a valid rule"),
        ("FREQ=MONTHLY;INTERVAL=0", None, None, "rule", "INTERVAL is a whole number"),
        ("FREQ=MONTHLY;BYMONTHDAY=1 ; DROP TABLE", None, None, "rule", "is not a rule part"),
        ("FREQ=MONTHLY", dt.date(2025, 1, 1), None, "endDate", "must not come before the start"),
        ("FREQ=MONTHLY", dt.date(2027, 1, 1), 3, "count", "not both"),
        ("FREQ=MONTHLY", None, 0, "count", "from 1 to 1000"),
        ("FREQ=YEARLY;BYMONTH=6", dt.date(2026, 3, 1), None, "endDate", "does not occur between"),
    ],
)
def test_bad_schedules_are_refused_with_the_field_at_fault(
    rule: str, end: dt.date | None, count: int | None, field: str, message: str
) -> None:
    with pytest.raises(RuleError, match=message) as refused:
        validate_schedule(rule=rule, start=dt.date(2026, 1, 1), end=end, count=count)
    assert refused.value.field == field


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # 30 February
        "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",  # 31 April
        "FREQ=DAILY;BYSETPOS=3",  # the third of a one-day set
    ],
)
def test_a_rule_that_can_never_occur_is_refused_quickly(rule: str) -> None:
    """dateutil would walk to the year 9999 (seconds of CPU) looking for one; validation gives up early."""
    started = time.perf_counter()
    with pytest.raises(RuleError, match="does not occur within 10 years"):
        validate_schedule(rule=rule, start=dt.date(2026, 1, 1))
    assert time.perf_counter() - started < 2


def test_a_rare_but_real_rule_is_accepted() -> None:
    # Friday 29 February: next in 2036, within ten years of 2027 (but not of 2025).
    rule = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR"
    schedule = validate_schedule(rule=rule, start=dt.date(2027, 1, 1))
    assert schedule.between(dt.date(2027, 1, 1), dt.date(2040, 1, 1)) == dates("2036-02-29")
    with pytest.raises(RuleError, match="does not occur within 10 years"):
        validate_schedule(rule=rule, start=dt.date(2025, 1, 1))
