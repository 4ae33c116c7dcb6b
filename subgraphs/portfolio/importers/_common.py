"""Helpers the investment importers share: checked numbers, ISINs, and turning drafted activities into a
finished ``ParsedStatement`` (fingerprints, exchange rates against the caller's base currency)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal

from fincloud.money import minor_units
from subgraphs.budget.importers._common import currency_code
from subgraphs.budget.importers.errors import ErrorCode, Issue, StatementError
from subgraphs.portfolio.activities import QUANTITY_PLACES, Activity
from subgraphs.portfolio.importers.base import ParsedActivity, ParsedStatement, ParseOptions, WarningCode
from subgraphs.portfolio.importers.identity import fingerprints

MAX_PLACES = 10
"""Quantities, prices and amounts are stored with ten decimals (``NUMERIC(28, 10)``)."""

MEMO_LENGTH = 500
"""The longest memo an activity can be stored with."""

_ISIN = re.compile(r"[A-Z]{2}[A-Z0-9]{9}\d")


class NumberError(ValueError):
    """A figure that cannot be recorded as it is; the message says why, for the user."""


def places(value: Decimal) -> int:
    """Decimal places ``value`` needs (trailing zeros do not count: ``1.500`` needs 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def exact(value: Decimal, what: str) -> Decimal:
    """``value`` when it fits in ten decimals (trailing zeros beyond them dropped), else ``NumberError``."""
    if places(value) > MAX_PLACES:
        raise NumberError(f"{what} {format(value, 'f')} has more than {MAX_PLACES} decimal places")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        return value.quantize(QUANTITY_PLACES)
    return value


def rounded(value: Decimal) -> Decimal:
    """``value`` rounded half-even to ten decimals, trailing zeros dropped: for figures the importer derives (an
    inverted exchange rate, a fee converted at the row's rate), the one place an import rounds."""
    value = value.quantize(QUANTITY_PLACES, rounding=ROUND_HALF_EVEN).normalize()
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else value


def plain(value: Decimal) -> str:
    """``value`` as written for a person: no trailing zeros, no exponent (``1089.3300`` -> ``1089.33``)."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def minor_unit(currency: str) -> Decimal:
    """The currency's smallest unit: ``0.01`` for EUR, ``1`` for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def is_isin(value: str) -> bool:
    """An ISIN with a correct check digit (ISO 6166: letters as 10-35, then the Luhn check over the digits)."""
    if not _ISIN.fullmatch(value):
        return False
    digits = "".join(str(int(ch, 36)) for ch in value)
    total = 0
    for position, digit in enumerate(reversed(digits)):
        number = int(digit) * (2 if position % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0


def option_currency(options: ParseOptions, name: str) -> str | None:
    value = getattr(options, name)
    if value is None:
        return None
    try:
        return currency_code(value)
    except ValueError as exc:
        raise StatementError(f"options.{name}: {exc}", code=ErrorCode.INVALID_MAPPING) from None


def memo_text(*parts: str | None) -> str:
    """Non-empty parts joined with `` | ``, cut to what an activity can hold."""
    text = " | ".join(part for part in parts if part)
    return text if len(text) <= MEMO_LENGTH else text[: MEMO_LENGTH - 1] + "…"


@dataclass(frozen=True, slots=True)
class Draft:
    """An activity read from the file, before fingerprints are given."""

    activity: Activity
    line: int | None
    record: int


def finish(statement: ParsedStatement, drafts: list[Draft], *, options: ParseOptions, source: str) -> ParsedStatement:
    """``statement`` with ``drafts`` as its activities: rates dropped when the caller's base currency is not the
    statement's, fingerprints given in the account's namespace."""
    base = option_currency(options, "base_currency")
    if base and statement.cash_currency and base != statement.cash_currency:
        dropped = [d for d in drafts if d.activity.fx_rate is not None]
        if dropped:
            statement.warnings.append(
                Issue(
                    message=(
                        f"the file's exchange rates are to {statement.cash_currency}, the portfolio's base currency is"
                        f" {base}: the rates of {len(dropped)} activities were not kept and will be looked up"
                    ),
                    line=dropped[0].line,
                    code=WarningCode.FX_RATE_DROPPED,
                )
            )
            drafts = [replace(d, activity=replace(d.activity, fx_rate=None)) for d in drafts]
    namespace = statement.account.key if statement.account else ""
    keys = fingerprints([d.activity for d in drafts], namespace=namespace, source=source)
    statement.activities = [
        ParsedActivity(activity=d.activity, line=d.line, record=d.record, fingerprint=key)
        for d, key in zip(drafts, keys, strict=True)
    ]
    return statement
