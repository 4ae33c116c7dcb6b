"""QIF: Quicken's line format, with accounts, splits, apostrophe years and European variants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from subgraphs.budget.importers import ParseOptions, Statement, StatementError
from subgraphs.budget.importers.errors import ErrorCode
from subgraphs.budget.importers.format_qif import QifImporter
from subgraphs.budget.importers.model import SplitHint
from tests.subgraphs.budget.importers.support import data_file, text_bytes

QIF = QifImporter()


def parse(
    data: bytes, *, currency: str | None = "USD", date_format: str | None = None, skip: bool = False
) -> Statement:
    return QIF.parse(data, options=ParseOptions(currency=currency, date_format=date_format, skip_invalid_rows=skip))


def test_quicken_export_with_two_accounts_and_an_investment_register() -> None:
    statement = parse(data_file("quicken_us.qif"))
    checking, card = statement.accounts
    assert (checking.name, checking.account_type, checking.currency) == ("Everyday Checking", "BANK", "USD")
    assert (card.name, card.account_type) == ("Visa Card", "CREDITCARD")
    assert [(r.line, r.booking_date, r.amount, r.payee) for r in checking.rows] == [
        (8, date(2024, 1, 2), Decimal("-4.75"), "STARBUCKS STORE #1234"),
        (15, date(2024, 1, 2), Decimal("-4.75"), "STARBUCKS STORE #1234"),
        (21, date(2024, 1, 3), Decimal("-150.00"), "City Plumbing Co."),
        (29, date(2024, 1, 15), Decimal("2500.00"), "ACME Corp Payroll"),
        (36, date(2024, 1, 20), Decimal("-1234.56"), "Costco Wholesale"),
        (50, date(2024, 1, 25), Decimal("-500.00"), "Transfer to savings"),
    ]
    assert [(r.booking_date, r.amount) for r in card.rows] == [
        (date(2024, 1, 28), Decimal("-89.99")),
        (date(2024, 1, 31), Decimal("250.00")),
    ]
    assert (checking.period_start, checking.period_end) == (date(2024, 1, 2), date(2024, 1, 25))
    coffee, _second, plumber, salary, costco, transfer = checking.rows
    assert (coffee.memo, coffee.category, coffee.raw_fields["Cleared"]) == ("Morning latte", "Dining:Coffee", "X")
    assert (plumber.check_number, plumber.reference) == ("1042", "1042")
    assert [v for k, v in plumber.raw if k == "Address"] == ["123 Main St", "Seattle WA"]
    assert (salary.reference, salary.raw_fields["Number"]) == (None, "DEP")  # "DEP" is no bank reference
    assert costco.splits == (
        SplitHint(category="Groceries", memo="Food", amount=Decimal("-934.56")),
        SplitHint(category="Household", memo="Paper goods", amount=Decimal("-250.00")),
        SplitHint(category="Gifts", amount=Decimal("-50.00")),
    )
    assert sum(s.amount or 0 for s in costco.splits) == costco.amount
    assert transfer.category == "[Rainy Day Savings]"
    (warning,) = statement.warnings
    assert warning.code == ErrorCode.INVESTMENT_SKIPPED
    assert warning.line == 74
    assert "Brokerage" in warning.message


def test_european_qif_dates_and_decimal_commas() -> None:
    data = text_bytes(
        """
        !Type:Bank
        D31.01.2024
        T-1.234,56
        PVermieter
        ^
        D01.02.2024
        T2.450,00
        PArbeitgeber
        ^
        """
    )
    statement = parse(data, currency="EUR")
    assert [(r.booking_date, r.amount) for r in statement.rows] == [
        (date(2024, 1, 31), Decimal("-1234.56")),
        (date(2024, 2, 1), Decimal("2450.00")),
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1/2'24", date(2024, 1, 2)),
        (" 1/ 2' 4", date(2004, 1, 2)),
        ("12/31'99", date(2099, 12, 31)),
        ("1/2/1998", date(1998, 1, 2)),
    ],
)
def test_apostrophe_years_are_from_2000(written: str, expected: date) -> None:
    data = f"!Type:Cash\nD{written}\nT-1.00\n^\nD12/31/2023\nT-2.00\n^\n".encode()
    assert parse(data).rows[0].booking_date == expected


def test_ambiguous_dates_ask_the_user() -> None:
    data = b"!Type:Bank\nD01/02/2024\nT-1.00\n^\nD03/04/2024\nT-2.00\n^\n"
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert caught.value.code == ErrorCode.AMBIGUOUS_DATE_FORMAT
    assert set(caught.value.candidates) == {"DD/MM/YYYY", "MM/DD/YYYY"}
    assert parse(data, date_format="DD/MM/YYYY").rows[0].booking_date == date(2024, 2, 1)


def test_bad_records_name_their_lines() -> None:
    data = text_bytes(
        """
        !Type:Bank
        D01/15/2024
        T-10.00
        PGood
        ^
        D01/16/2024
        Tten dollars
        PBad amount
        ^
        PNo date
        T-1.00
        ^
        D01/17/2024
        PNo amount
        ^
        D02/30/2024
        T-3.00
        ^
        """
    )
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert [(i.line, i.field) for i in caught.value.issues] == [(7, "T"), (10, "D"), (13, "T"), (16, "D")]
    assert "'ten dollars' is not an amount" in caught.value.issues[0].message
    assert "no date" in caught.value.issues[1].message
    kept = parse(data, skip=True)
    assert [r.payee for r in kept.rows] == ["Good"]
    assert len(kept.skipped) == 4


def test_qif_needs_a_currency_and_a_type_header() -> None:
    data = b"!Type:Bank\nD2024-01-02\nT-1.00\n^\n"
    with pytest.raises(StatementError) as caught:
        parse(data, currency=None)
    assert caught.value.code == ErrorCode.CURRENCY_REQUIRED
    with pytest.raises(StatementError, match="line 1: a transaction field comes before any '!Type:' header"):
        parse(b"D2024-01-02\nT-1.00\n^\n")


def test_investment_only_and_list_only_files() -> None:
    with pytest.raises(StatementError) as caught:
        parse(b"!Type:Invst\nD1/2'24\nNBuy\nYVTI\nT490.20\n^\n")
    assert caught.value.code == ErrorCode.INVESTMENT_ONLY
    with pytest.raises(StatementError) as caught:
        parse(b"!Type:Cat\nNFood\nE\n^\nNSalary\nI\n^\n")
    assert caught.value.code == ErrorCode.NO_STATEMENT


def test_a_final_record_without_caret_is_kept() -> None:
    assert [r.amount for r in parse(b"!Type:Bank\r\nD2024-01-02\r\nT-1.00\r\n").rows] == [Decimal("-1.00")]


def test_detect() -> None:
    assert QIF.detect(data_file("quicken_us.qif"), filename=None) >= 0.9
    assert QIF.detect(b"\xef\xbb\xbf!Type:Bank\n", filename=None) >= 0.9
    assert QIF.detect(b"Date,Amount\n", filename="x.csv") == 0.0
