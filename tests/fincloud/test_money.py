from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from fincloud.money import CurrencyMismatchError, Money, MoneyError, minor_units, parse_amount


def test_arithmetic_is_exact() -> None:
    total = Money("0.10", "EUR") + Money("0.20", "EUR")
    assert total == Money("0.30", "EUR")
    assert total.amount == Decimal("0.30")
    assert (Money("5", "USD") - Money("7.25", "USD")).display_amount() == "-2.25"


def test_mixing_currencies_raises() -> None:
    with pytest.raises(CurrencyMismatchError, match="cannot combine EUR with USD"):
        _ = Money("1", "EUR") + Money("1", "USD")
    with pytest.raises(CurrencyMismatchError):
        _ = Money("1", "EUR") < Money("2", "USD")


@pytest.mark.parametrize(("code", "places"), [("EUR", 2), ("JPY", 0), ("BHD", 3), ("CLF", 4), ("XAU", 8)])
def test_minor_units_follow_iso_4217(code: str, places: int) -> None:
    assert minor_units(code) == places


def test_exact_refuses_sub_minor_unit_amounts() -> None:
    assert Money.exact("12.30", "eur").currency == "EUR"
    assert Money.exact("1.500", "BHD").amount == Decimal("1.500")
    with pytest.raises(MoneyError, match="JPY amounts have at most 0 decimal places"):
        Money.exact("100.5", "JPY")
    with pytest.raises(MoneyError, match="at most 2 decimal places"):
        Money.exact("0.001", "EUR")


def test_rounding_happens_only_when_asked_with_a_named_mode() -> None:
    price = Money("2.675", "EUR")
    assert price.amount == Decimal("2.675")
    assert price.quantize().amount == Decimal("2.68")  # half-even: 2.675 → 2.68 (7 is odd)
    assert Money("2.665", "EUR").quantize().amount == Decimal("2.66")
    assert Money("2.665", "EUR").quantize(ROUND_HALF_UP).amount == Decimal("2.67")


@pytest.mark.parametrize("bad", [0.1, "1e400", "NaN", "Infinity", "twelve", True])
def test_parse_amount_refuses_floats_and_non_numbers(bad: object) -> None:
    with pytest.raises(MoneyError):
        parse_amount(bad)  # type: ignore[arg-type]


def test_unknown_currency() -> None:
    with pytest.raises(MoneyError, match="unknown currency code 'ABC'"):
        Money("1", "ABC")


def test_display_never_uses_scientific_notation() -> None:
    assert Money("1E+3", "EUR").display_amount() == "1000.00"
    assert Money("0.00000001", "XAU").display_amount() == "0.00000001"
    assert str(Money("-0.5", "USD")) == "-0.50 USD"
