"""Exact money: ``Decimal`` amounts, ISO 4217 currencies, and rounding only at explicit boundaries.

"Never use floating point in an accounting system." An amount is a ``Decimal``; a ``Money`` pairs it with a
currency and refuses arithmetic across currencies. Stored amounts use ``AMOUNT`` (PostgreSQL ``NUMERIC``), so no
float ever touches them, and they travel over GraphQL as strings (see ``fincloud.graphql.Decimal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

import iso4217
from sqlalchemy import Numeric

__all__ = [
    "AMOUNT",
    "CurrencyInfo",
    "CurrencyMismatchError",
    "Money",
    "MoneyError",
    "currencies",
    "minor_units",
    "normalize_currency",
    "parse_amount",
]

AMOUNT = Numeric(28, 10, asdecimal=True)
"""The column type of every stored amount: 18 integer digits, 10 fractional (covers crypto and unit prices)."""

_UNITLESS_MAX_PLACES = 8
"""Decimal places allowed for ISO codes without minor units (XAU, XDR, ...)."""

_MAX_ABS = Decimal("1e18")


class MoneyError(ValueError):
    """An amount or currency that cannot be accepted, with a message fit for the user."""


class CurrencyMismatchError(MoneyError):
    """Arithmetic or comparison between two different currencies."""


@lru_cache(maxsize=512)
def _currency(code: str) -> iso4217.Currency:
    try:
        return iso4217.Currency(code)
    except ValueError:
        raise MoneyError(f"unknown currency code {code!r} (expected an ISO 4217 code such as EUR)") from None


def normalize_currency(code: str) -> str:
    """Upper-cased ISO 4217 code; raises ``MoneyError`` for anything else."""
    cleaned = code.strip().upper()
    if len(cleaned) != 3 or not cleaned.isalpha():
        raise MoneyError(f"unknown currency code {code!r} (expected an ISO 4217 code such as EUR)")
    return _currency(cleaned).code


def minor_units(code: str) -> int:
    """Decimal places of the currency's minor unit: EUR 2, JPY 0, BHD 3; codes without one (XAU) allow 8."""
    exponent = _currency(normalize_currency(code)).exponent
    return _UNITLESS_MAX_PLACES if exponent is None else int(exponent)


@dataclass(frozen=True, slots=True)
class CurrencyInfo:
    """One ISO 4217 currency, as the standard lists it."""

    code: str
    """Alphabetic code, such as ``EUR``."""
    name: str
    """The standard's English name, such as ``Euro`` or ``Yen``."""
    numeric: str
    """Three-digit numeric code, such as ``978``."""
    minor_units: int | None
    """Decimal places of the minor unit (EUR 2, JPY 0, BHD 3); ``None`` where ISO 4217 defines none (XAU, XDR),
    in which case amounts may carry up to 8 places (see ``minor_units()``)."""


@lru_cache(maxsize=1)
def currencies() -> tuple[CurrencyInfo, ...]:
    """Every current ISO 4217 currency (funds and precious metals included), ordered by code."""
    return tuple(
        CurrencyInfo(
            code=currency.code,
            name=currency.currency_name,
            numeric=f"{int(currency.number):03d}",
            minor_units=None if currency.exponent is None else int(currency.exponent),
        )
        for currency in sorted(iso4217.Currency, key=lambda c: c.code)
    )


def parse_amount(value: str | int | Decimal) -> Decimal:
    """A finite ``Decimal`` from a string or int; floats are refused so no binary rounding sneaks in."""
    if isinstance(value, (bool, float)):
        raise MoneyError("amounts must be given as strings or integers, never floats")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise MoneyError(f"{value!r} is not a decimal number") from None
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    if abs(amount) >= _MAX_ABS:
        raise MoneyError(f"{value!r} is too large")
    return amount


@dataclass(frozen=True, slots=True)
class Money:
    """An immutable amount in one currency. ``Money("12.30", "EUR") + Money("1", "USD")`` raises."""

    amount: Decimal
    currency: str

    def __init__(self, amount: str | int | Decimal, currency: str) -> None:
        object.__setattr__(self, "amount", parse_amount(amount))
        object.__setattr__(self, "currency", normalize_currency(currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def exact(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Money that must already be in whole minor units (what a transaction records); raises otherwise."""
        money = cls(amount, currency)
        places = minor_units(money.currency)
        exponent = money.amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise MoneyError(f"{money.currency} amounts have at most {places} decimal places, got {amount}")
        return money

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def quantize(self, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Round to the currency's minor unit. A boundary operation: name the rounding mode you mean."""
        step = Decimal(1).scaleb(-minor_units(self.currency))
        return Money(self.amount.quantize(step, rounding=rounding), self.currency)

    def display_amount(self) -> str:
        """The amount with exactly the currency's minor-unit places (``'12.30'``), for the wire and humans."""
        places = minor_units(self.currency)
        if -min(0, _exponent(self.amount)) > places:
            return _plain(self.amount.normalize())
        return _plain(self.amount.quantize(Decimal(1).scaleb(-places)))

    def __str__(self) -> str:
        return f"{self.display_amount()} {self.currency}"


def _exponent(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _plain(amount: Decimal) -> str:
    """Fixed-point text, never scientific notation."""
    return format(amount, "f")
