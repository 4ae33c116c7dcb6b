"""A user's uploaded price history: the file and what is read from it, side by side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from subgraphs.portfolio.prices.csv_history import PricePoint, RowError, parse_price_csv


def read(text: str, *, encoding: str = "utf-8", **options: str) -> tuple[list[PricePoint], list[RowError]]:
    return parse_price_csv(text.encode(encoding), default_currency=options.pop("currency", "USD"), **options)


def table(points: list[PricePoint]) -> list[tuple[str, str, str]]:
    return [(p.date.isoformat(), str(p.price), p.currency) for p in points]


def test_a_yahoo_download_is_read_from_its_close_column_not_the_adjusted_one() -> None:
    points, errors = read(
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2024-03-11,172.940002,174.380005,172.050003,172.750000,172.262375,60139500\n"
        "2024-03-12,173.149994,174.029999,171.009995,173.229996,172.741043,59825400\n"
        "2024-03-13,172.770004,173.190002,170.759995,171.130005,170.646988,52488700\n"
    )
    assert errors == []
    assert table(points) == [
        ("2024-03-11", "172.750000", "USD"),
        ("2024-03-12", "173.229996", "USD"),
        ("2024-03-13", "171.130005", "USD"),
    ]
    assert [p.line for p in points] == [2, 3, 4]


def test_an_adjusted_close_is_used_when_it_is_the_only_price() -> None:
    points, errors = read("Date,Adj Close\n2024-03-13,170.646988\n")
    assert (table(points), errors) == ([("2024-03-13", "170.646988", "USD")], [])


def test_a_german_export_with_decimal_commas_a_currency_column_and_a_preamble() -> None:
    points, errors = read(
        "Wertpapier;Vanguard FTSE All-World\n"
        "ISIN;IE00BK5BQT80\n"
        "\n"
        "Datum;Schlusskurs;Währung\n"
        "13.03.2024;113,30;EUR\n"
        "12.03.2024;113,40;EUR\n"
        "11.03.2024;1.112,50;CHF\n",
        encoding="cp1252",
        currency="USD",
    )
    assert errors == []
    assert table(points) == [  # oldest first, whatever the file's order
        ("2024-03-11", "1112.50", "CHF"),
        ("2024-03-12", "113.40", "EUR"),
        ("2024-03-13", "113.30", "EUR"),
    ]
    assert [p.line for p in points] == [7, 6, 5]


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_kept() -> None:
    points, errors = read(
        "Date,Price,Currency\n"  # 1
        "2024-03-01,101.5,USD\n"  # 2
        "2024-03-02,-3.20,USD\n"  # 3
        "2024-03-03,0,USD\n"  # 4
        "2024-03-04,,USD\n"  # 5
        "2024-03-05,null,USD\n"  # 6
        "2024-03-06,12.3O,USD\n"  # 7: a letter O
        "2024-13-07,101.7,USD\n"  # 8
        ",101.8,USD\n"  # 9
        "2024-03-09,101.9,XYZ\n"  # 10
        "2024-03-01,102.0,USD\n"  # 11
        "\n"  # 12: blank lines are not rows
        "2024-03-12,€ 102.1,USD\n"  # 13
        "2024-03-13,102.12345678901,USD\n"  # 14
        "2024-03-14,£102.2,\n"  # 15
    )
    assert table(points) == [("2024-03-01", "101.5", "USD"), ("2024-03-14", "102.2", "GBP")]
    assert [(e.line, e.message) for e in errors] == [
        (3, "the price must be positive, not -3.20"),
        (4, "the price must be positive, not 0"),
        (5, "the price is empty"),
        (6, "no price on this line ('null')"),
        (7, "'12.3O' is not an amount"),
        (8, "'2024-13-07' is not a date in the format YYYY-MM-DD"),
        (9, "the date is empty"),
        (10, "unknown currency code 'XYZ' (expected an ISO 4217 code such as EUR)"),
        (11, "2024-03-01 is already priced on line 2"),
        (13, "the price is written in EUR but the currency column says USD"),
        (14, "'102.12345678901' has more than 10 decimal places"),
    ]
    assert str(errors[0]) == "line 3: the price must be positive, not -3.20"


def test_dates_that_read_two_ways_are_refused_until_the_format_is_given() -> None:
    text = "Date;Close\n01/02/2024;10,50\n03/02/2024;10,70\n05/02/2024;10,60\n"
    points, errors = read(text)
    assert points == []
    assert errors == [
        RowError(
            1,
            "the dates in 'Date' can be read more than one way (DD/MM/YYYY or MM/DD/YYYY: '01/02/2024' is one of"
            " them); choose the date format",
        )
    ]
    points, errors = read(text, date_format="DD/MM/YYYY")
    assert (table(points), errors) == (
        [("2024-02-01", "10.50", "USD"), ("2024-02-03", "10.70", "USD"), ("2024-02-05", "10.60", "USD")],
        [],
    )
    points, _ = read(text, date_format="M/D/YYYY")
    assert [p.date for p in points] == [dt.date(2024, 1, 2), dt.date(2024, 3, 2), dt.date(2024, 5, 2)]


def test_one_unambiguous_date_settles_the_column() -> None:
    points, errors = read("Date,Close\n01/02/2024,10.5\n13/02/2024,10.7\n")
    assert errors == []
    assert [p.date for p in points] == [dt.date(2024, 2, 1), dt.date(2024, 2, 13)]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", RowError(1, "the file is empty")),
        (b"Date,Open,Volume\n2024-03-13,1,2\n", RowError(1, "no header row naming a date column and a close or price column (like Date,Close)")),
        (b"Date,Close\n", RowError(1, "the file has a header but no prices under it")),
        (b"Note\nDate,Close\nsoon,1\n", RowError(2, "no value in 'Date' is a date")),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_says_why(data: bytes, error: RowError) -> None:
    assert parse_price_csv(data, default_currency="EUR") == ([], [error])


def test_the_encoding_is_detected() -> None:
    text = "Datum\tKurs\tWährung\n13.03.2024\t1.234,5\tEUR\n"
    for encoded in (text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252")):
        points, errors = parse_price_csv(encoded, default_currency="EUR")
        assert (table(points), errors) == ([("2024-03-13", "1234.5", "EUR")], [])


def test_the_default_currency_must_be_a_currency() -> None:
    with pytest.raises(ValueError, match="unknown currency code"):
        parse_price_csv(b"Date,Close\n2024-03-13,1\n", default_currency="euro")
    assert parse_price_csv(b"Date,Close\n2024-03-13,1\n", default_currency="eur")[0][0].price == Decimal(1)
