"""When the ECB publishes reference rates: around 16:00 Frankfurt time on TARGET business days (Monday to Friday
except 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December). This tells a fresh answer from a
stale one; it never invents a rate for a day without one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = [
    "ECB_TIMEZONE",
    "PUBLICATION_TIME",
    "expected_rate_date",
    "is_publication_day",
    "publication_days_between",
]

ECB_TIMEZONE = ZoneInfo("Europe/Berlin")
"""Frankfurt's time (CET in winter, CEST in summer)."""

PUBLICATION_TIME = dt.time(16, 0)
"""The ECB publishes "around 16:00 CET"; from then on, today's rates are expected."""


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def is_publication_day(day: dt.date) -> bool:
    """Whether the ECB publishes reference rates for ``day`` (a TARGET business day)."""
    if day.weekday() >= 5 or (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)}:
        return False
    easter = easter_sunday(day.year)
    return day not in {easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)}


def expected_rate_date(now: dt.datetime) -> dt.date:
    """The newest date whose rates should be published at ``now`` (timezone-aware): today in Frankfurt once it is
    past ``PUBLICATION_TIME`` on a publication day, else the publication day before."""
    local = now.astimezone(ECB_TIMEZONE)
    day = local.date() if local.time() >= PUBLICATION_TIME else local.date() - dt.timedelta(days=1)
    while not is_publication_day(day):
        day -= dt.timedelta(days=1)
    return day


def publication_days_between(after: dt.date, until: dt.date) -> int:
    """How many publication days fall after ``after``, up to and including ``until`` (0 if none)."""
    count, day = 0, after + dt.timedelta(days=1)
    while day <= until:
        count += is_publication_day(day)
        day += dt.timedelta(days=1)
    return count
