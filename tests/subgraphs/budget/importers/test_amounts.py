"""Amounts from text straight to Decimal, in the ways banks write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subgraphs.budget.importers._amounts import (
    AmountError,
    decimal_separator_votes,
    parse_amount_text,
    parse_plain_decimal,
)


@pytest.mark.parametrize(
    ("text", "separator", "amount", "currency"),
    [
        ("1.234,56", ",", "1234.56", None),
        ("1,234.56", ".", "1234.56", None),
        ("-12,30", ",", "-12.30", None),
        ("(12.30)", ".", "-12.30", None),
        ("12.30-", ".", "-12.30", None),
        ("+7", ".", "7", None),
        ("\u22123,00", ",", "-3.00", None),  # a typographic minus sign
        ("($4.75)", ".", "-4.75", None),
        ("$2,500.00", ".", "2500.00", None),
        ("-€ 1.234,56", ",", "-1234.56", "EUR"),
        ("1.234,56 €", ",", "1234.56", "EUR"),
        ("£0.99", ".", "0.99", "GBP"),
        ("USD -5.00", ".", "-5.00", "USD"),
        ("12,30 EUR", ",", "12.30", "EUR"),
        ("2 300,00", ",", "2300.00", None),
        ("2\u00a0300,00", ",", "2300.00", None),
        ("1'234.50", ".", "1234.50", None),
        ("12.30 DR", ".", "-12.30", None),
        ("12.30 CR", ".", "12.30", None),
        ("3,40 S", ",", "-3.40", None),
        ("3,40 H", ",", "3.40", None),
        ("0,5", ",", "0.5", None),
        (",75", ",", "0.75", None),
        ("1234567,891", ",", "1234567.891", None),
    ],
)
def test_amounts(text: str, separator: str, amount: str, currency: str | None) -> None:
    value, found = parse_amount_text(text, decimal_separator=separator)
    assert isinstance(value, Decimal)
    assert value == Decimal(amount)
    assert str(value) == amount  # the written precision is kept: 12.30 stays 12.30
    assert found == currency


@pytest.mark.parametrize(
    ("text", "separator", "message"),
    [
        ("12,30", ".", "with ','"),  # read with the wrong separator: refused, not taken as 1230
        ("1.234,56", ".", "not an amount"),
        ("1,23,4", ".", "not an amount"),
        ("abc", ".", "not an amount"),
        ("", ".", "empty"),
        ("12.3.4", ",", "not an amount"),
        ("1e5", ".", "not an amount"),
        ("0.00000000001", ".", "decimal places"),
        ("1000000000000000000", ".", "out of range"),
    ],
)
def test_refused_amounts(text: str, separator: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_amount_text(text, decimal_separator=separator)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("-6.60", "-6.60"), ("+00000000000115.8331", "115.8331"), ("111", "111"), ("-12,30", "-12.30"), ("5.", "5.0")],
)
def test_machine_written_decimals(text: str, amount: str) -> None:
    assert str(parse_plain_decimal(text)) == amount


@pytest.mark.parametrize("text", ["$120", "1,234.56", "", "12 30", "NaN", "Infinity"])
def test_machine_written_decimals_refuse_decoration(text: str) -> None:
    with pytest.raises(AmountError):
        parse_plain_decimal(text)


def test_separator_votes_count_only_decisive_values() -> None:
    votes = decimal_separator_votes(["1.234,56", "-12,30", "1,234", "1234", "", "12.30"])
    assert votes == {",": 2, ".": 1}
