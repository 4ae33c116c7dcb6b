"""Checks and conversions shared by the sources' parsers: prices as exact decimals, JSON without floats, times."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from fincloud.money import MoneyError, normalize_currency
from subgraphs.portfolio.prices.base import PriceSourceError

MISSING = frozenset({"", "N/D", "NULL", "NONE", "NAN", "N/A", "-"})
"""Text that sources print where a number would be when they have none (Stooq ``N/D``, Yahoo ``null``)."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_json(data: bytes, *, what: str) -> Any:
    """The JSON document with every non-integer number as the exact ``Decimal`` of its text (``parse_float``):
    ``0.1`` is ``Decimal("0.1")``, ``2.717e-05`` is ``Decimal("0.00002717")``. Integers stay ``int``."""
    try:
        return json.loads(data, parse_float=Decimal)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise PriceSourceError(f"{what}: not JSON ({exc})") from None


def parse_price(value: object, *, what: str) -> Decimal:
    """A positive, finite ``Decimal`` from the source's text, a JSON integer, or a ``Decimal`` ``load_json`` made.
    A float is refused: it would mean the text was already read through binary floating point."""
    if isinstance(value, (bool, float)):
        raise PriceSourceError(f"{what}: prices must be read as decimals, got {type(value).__name__}")
    try:
        price = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise PriceSourceError(f"{what}: {value!r} is not a number") from None
    if not price.is_finite() or price <= 0:
        raise PriceSourceError(f"{what}: {value!r} is not a positive price")
    return price


def is_missing(value: object) -> bool:
    """Whether a cell or JSON value says "no number here" rather than holding a wrong one."""
    return value is None or (isinstance(value, str) and value.strip().upper() in MISSING)


def currency_or_none(code: object) -> str | None:
    """The ISO 4217 code, or ``None`` for anything else."""
    if not isinstance(code, str):
        return None
    try:
        return normalize_currency(code)
    except MoneyError:
        return None


def from_timestamp(value: object, *, what: str, milliseconds: bool = False) -> dt.datetime:
    """A Unix timestamp (seconds, or ``milliseconds``) as an aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise PriceSourceError(f"{what}: {value!r} is not a timestamp")
    try:
        step = dt.timedelta(milliseconds=int(value)) if milliseconds else dt.timedelta(seconds=int(value))
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + step
    except (OverflowError, ValueError):
        raise PriceSourceError(f"{what}: {value!r} is out of range") from None


def day_end(day: dt.date, *, now: dt.datetime) -> dt.datetime:
    """``as_of`` for a source that gives a day but no time: the end of that UTC day (the latest the price can
    have been set), or ``now`` if that is earlier, so a quote is never dated in the future."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    return min(end, now)


def epoch_seconds(day: dt.date) -> int:
    """The Unix time of midnight UTC at the start of ``day``."""
    return int(dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC).timestamp())
