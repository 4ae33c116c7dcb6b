"""Checks shared by the parsers of published rates."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from fincloud.money import MoneyError, normalize_currency
from subgraphs.budget.fx.base import FxSourceError

logger = logging.getLogger(__name__)


def parse_date(value: object, *, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FxSourceError(f"{what}: {value!r} is not a date") from None


def parse_rate(value: object, *, what: str) -> Decimal:
    """A positive, finite ``Decimal`` from the source's text (or a ``Decimal`` a JSON parser made of it)."""
    if isinstance(value, (bool, float)):
        raise FxSourceError(f"{what}: rates must be read as decimals, got {type(value).__name__}")
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise FxSourceError(f"{what}: {value!r} is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise FxSourceError(f"{what}: {value!r} is not a positive rate")
    return rate


def currency_or_none(code: object, *, source: str) -> str | None:
    """The ISO 4217 code, or ``None`` (logged) for a code FinCloud does not know: one exotic currency must not
    cost the others."""
    try:
        return normalize_currency(str(code))
    except MoneyError:
        logger.warning("fx source published an unknown currency; skipped", extra={"source": source, "code": code})
        return None
