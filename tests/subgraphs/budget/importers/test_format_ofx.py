"""OFX/QFX: every shared real-world fixture, checked against what a plain reading of the file says, and small
files of our own for the cases the fixtures do not cover."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from subgraphs.budget.importers import ParseOptions, Statement, StatementError
from subgraphs.budget.importers.errors import ErrorCode
from subgraphs.budget.importers.format_ofx import OfxImporter, ofx_date
from tests.subgraphs.budget.importers.support import SHARED_OFX, require_shared_ofx, shared_ofx_files, text_bytes

OFX = OfxImporter()


def parse(data: bytes, *, currency: str | None = None, skip_invalid_rows: bool = False) -> Statement:
    return OFX.parse(data, options=ParseOptions(currency=currency, skip_invalid_rows=skip_invalid_rows))


# --- an independent reading of a fixture, with regular expressions, to hold the parser to -------------------


@dataclass
class ExpectedAccount:
    account_id: str
    amounts: list[Decimal] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    fitids: list[str | None] = field(default_factory=list)
    ledger_balance: Decimal | None = None
    valid: bool = True


@dataclass
class Expected:
    error: str | None
    accounts: list[ExpectedAccount]


def _leaf(block: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>\s*(?:<!\[CDATA\[)?([^<\r\n]*)", block)
    return match.group(1).strip() if match else None


def _transactions(block: str, account_id: str) -> ExpectedAccount:
    account = ExpectedAccount(account_id=account_id)
    for transaction in re.findall(r"<STMTTRN>(.*?)</STMTTRN>", block, re.S):
        amount = _leaf(transaction, "TRNAMT") or ""
        posted = _leaf(transaction, "DTPOSTED") or ""
        if re.fullmatch(r"[-+]?\d+(\.\d*)?", amount) and re.match(r"\d{8}", posted) and _is_date(posted[:8]):
            account.amounts.append(Decimal(amount))
            account.dates.append(date(int(posted[:4]), int(posted[4:6]), int(posted[6:8])))
            account.fitids.append(_leaf(transaction, "FITID") or None)
        else:
            account.valid = False
    return account


def read_expectations(text: str) -> Expected:
    """What importing the file must give, read from the raw text without the importer's tokenizer."""
    signon = re.search(r"<SONRS>.*?<CODE>\s*(\d+).*?<SEVERITY>\s*(\w+)", text, re.S)
    if signon and signon.group(1) != "0" and signon.group(2) == "ERROR":
        return Expected(error=ErrorCode.SIGNON_FAILED, accounts=[])
    accounts: list[ExpectedAccount] = []
    problems = False
    for _kind, block in re.findall(r"<(STMTRS|CCSTMTRS)>(.*?)</\1>", text, re.S):
        account = _transactions(block, _leaf(block, "ACCTID") or "")
        problems |= not account.valid
        ledger = re.search(r"<LEDGERBAL>(.*?)</LEDGERBAL>", block, re.S)
        if ledger:
            balance = _leaf(ledger.group(1), "BALAMT")
            as_of = _leaf(ledger.group(1), "DTASOF")
            if balance:
                account.ledger_balance = Decimal(balance)
            elif as_of:
                problems = True  # a balance dated but with no amount
        accounts.append(account)
    for block in re.findall(r"<INVSTMTRS>(.*?)</INVSTMTRS>", text, re.S):
        tranlist = re.search(r"<INVTRANLIST>(.*?)</INVTRANLIST>", block, re.S)
        body = re.sub(r"<INVBANKTRAN>.*?</INVBANKTRAN>", "", tranlist.group(1), flags=re.S) if tranlist else ""
        trades = re.search(r"<(BUY|SELL|INCOME|REINVEST|TRANSFER|SPLIT|RETOFCAP|MARGININTEREST|JRNL)", body)
        positions = re.search(r"<INVPOSLIST>\s*<", block)
        if tranlist and "<INVBANKTRAN>" in tranlist.group(1) and not trades and not positions:
            accounts.append(_transactions(tranlist.group(1), _leaf(block, "ACCTID") or ""))
    if problems:
        return Expected(error=ErrorCode.INVALID_ROWS, accounts=[])
    if accounts:
        return Expected(error=None, accounts=accounts)
    if "<INVSTMTRS>" in text:
        return Expected(error=ErrorCode.INVESTMENT_ONLY, accounts=[])
    statuses = re.findall(r"<STMTTRNRS>.*?<CODE>\s*(\d+).*?<SEVERITY>\s*(\w+)", text, re.S)
    if any(code != "0" and severity == "ERROR" for code, severity in statuses):
        return Expected(error=ErrorCode.BANK_ERROR, accounts=[])
    return Expected(error=ErrorCode.NO_STATEMENT, accounts=[])


def _is_date(text: str) -> bool:
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


FIXTURES = shared_ofx_files()
_ABSENT = pytest.param(
    None, marks=pytest.mark.skip(reason=f"shared OFX fixtures not found at {SHARED_OFX}"), id="absent"
)
ALL_FIXTURES = [pytest.param(p, id=str(p.relative_to(SHARED_OFX))) for p in FIXTURES] or [_ABSENT]
FAIL_NICE = [pytest.param(p, id=p.name) for p in FIXTURES if p.parent.name == "fail_nice"] or [_ABSENT]


@pytest.mark.parametrize("path", ALL_FIXTURES)
def test_every_shared_fixture_imports_as_its_text_says(path: Path) -> None:
    data = path.read_bytes()
    expected = read_expectations(data.decode("latin-1"))
    assert OFX.detect(data[:65536], filename=path.name) >= 0.9
    if expected.error is not None:
        with pytest.raises(StatementError) as caught:
            parse(data)
        assert caught.value.code == expected.error
        assert str(caught.value)  # a message for the user, never empty
        return
    statement = parse(data)
    assert statement.format == "ofx"
    assert [a.account_id for a in statement.accounts] == [e.account_id for e in expected.accounts]
    for account, wanted in zip(statement.accounts, expected.accounts, strict=True):
        assert [row.amount for row in account.rows] == wanted.amounts
        assert all(isinstance(row.amount, Decimal) for row in account.rows)
        assert [row.booking_date for row in account.rows] == wanted.dates
        assert [row.reference for row in account.rows] == wanted.fitids
        assert (account.closing_balance.amount if account.closing_balance else None) == wanted.ledger_balance
        assert all(row.currency and row.line for row in account.rows)


def test_the_fixture_folder_is_read_in_place() -> None:
    require_shared_ofx()
    names = {p.name for p in FIXTURES}
    assert {"bank_medium.ofx", "signon_fail.ofx", "date_missing.ofx"} <= names
    assert len([p for p in FIXTURES if p.parent.name == "fail_nice"]) >= 3


@pytest.mark.parametrize("path", FAIL_NICE)
def test_fail_nice_files_name_each_bad_line(path: Path) -> None:
    lines = path.read_text(encoding="latin-1").splitlines()
    with pytest.raises(StatementError) as caught:
        parse(path.read_bytes())
    error = caught.value
    assert error.code == ErrorCode.INVALID_ROWS
    assert error.issues
    for issue in error.issues:
        assert issue.line is not None
        source = lines[issue.line - 1]
        tag = (issue.field or "").split(".")[-1]
        # the line named holds the bad element, or opens the transaction it is missing from
        assert f"<{tag}>" in source or "<STMTTRN>" in source, (issue, source)


def test_date_missing_collects_every_bad_transaction() -> None:
    require_shared_ofx()
    with pytest.raises(StatementError) as caught:
        parse((SHARED_OFX / "fail_nice" / "date_missing.ofx").read_bytes())
    messages = [issue.message for issue in caught.value.issues]
    assert len(messages) == 3
    assert "missing" in messages[0]
    assert "empty" in messages[1]
    assert "'20120231' is not a valid date" in messages[2]
    assert "nothing was imported" in str(caught.value)


def test_decimal_error_reports_both_faults_of_one_transaction() -> None:
    require_shared_ofx()
    with pytest.raises(StatementError) as caught:
        parse((SHARED_OFX / "fail_nice" / "decimal_error.ofx").read_bytes())
    assert {(i.field, i.record) for i in caught.value.issues} == {("DTPOSTED", 1), ("TRNAMT", 1)}
    assert any("'$120' is not a number" in i.message for i in caught.value.issues)


def test_bad_rows_can_be_skipped_on_request() -> None:
    require_shared_ofx()
    data = (SHARED_OFX / "fail_nice" / "empty_balance.ofx").read_bytes()
    statement = parse(data, skip_invalid_rows=True)
    assert [row.amount for row in statement.rows] == [Decimal("120")]
    assert statement.accounts[0].closing_balance is None
    assert [issue.field for issue in statement.skipped] == ["LEDGERBAL.BALAMT", "AVAILBAL.BALAMT"]


def test_signon_failure_carries_the_banks_message() -> None:
    require_shared_ofx()
    with pytest.raises(StatementError) as caught:
        parse((SHARED_OFX / "signon_fail.ofx").read_bytes())
    assert caught.value.code == ErrorCode.SIGNON_FAILED
    assert "AMEX" in str(caught.value)
    assert "15500" in str(caught.value)
    assert "password was incorrect" in str(caught.value)


def test_a_bank_error_answer_is_not_an_empty_statement() -> None:
    require_shared_ofx()
    with pytest.raises(StatementError) as caught:
        parse((SHARED_OFX / "error_message.ofx").read_bytes())
    assert caught.value.code == ErrorCode.BANK_ERROR
    assert "General Server Error" in str(caught.value)


def test_one_failed_account_among_good_ones_is_reported() -> None:
    failed = "<STMTTRNRS><TRNUID>2<STATUS><CODE>2003<SEVERITY>ERROR<MESSAGE>Account not found</STATUS></STMTTRNRS>"
    data = SGML.replace("</STMTTRNRS></BANKMSGSRSV1>", f"</STMTTRNRS>\n{failed}</BANKMSGSRSV1>").encode("cp1252")
    statement = parse(data)
    assert len(statement.rows) == 2
    (warning,) = statement.warnings
    assert warning.code == ErrorCode.BANK_ERROR
    assert warning.line is not None
    assert data.decode("cp1252").splitlines()[warning.line - 1].startswith("<STMTTRNRS><TRNUID>2")
    assert "Account not found (OFX code 2003)" in warning.message


def test_investment_only_files_point_to_the_portfolio() -> None:
    require_shared_ofx()
    with pytest.raises(StatementError) as caught:
        parse((SHARED_OFX / "vanguard.ofx").read_bytes())
    assert caught.value.code == ErrorCode.INVESTMENT_ONLY
    assert "portfolio" in str(caught.value)
    assert [issue.code for issue in caught.value.issues] == [ErrorCode.INVESTMENT_SKIPPED]
    assert "01234567890" in caught.value.issues[0].message


def test_a_cash_only_investment_account_reads_like_a_bank_account() -> None:
    require_shared_ofx()
    statement = parse((SHARED_OFX / "fidelity-savings.ofx").read_bytes())
    (account,) = statement.accounts
    assert account.account_type == "INVESTMENT"
    assert account.bank_id == "fidelity.com"
    first = account.rows[0]
    assert (first.amount, first.check_number, first.payee) == (
        Decimal("-1500.0000"),
        "0000001001",
        "Check Paid #0000001001",
    )
    assert account.rows[1].payee == "TRANSFERRED FROM VS X10-08144"  # runs of spaces collapsed


def test_dates_are_the_banks_calendar_day_not_utc() -> None:
    require_shared_ofx()
    statement = parse((SHARED_OFX / "investment_medium.ofx").read_bytes())
    # DTPOSTED 20091215202000.000[-4:EST] is 00:20 on the 16th in UTC; the bank booked it on the 15th
    assert {row.booking_date for row in statement.rows} == {date(2009, 12, 15)}
    assert {row.currency for row in statement.rows} == {"USD"}  # <CURRENCY><CURSYM>USD beats CURDEF CAD
    assert statement.accounts[0].currency == "CAD"


def test_bank_medium_in_detail() -> None:
    require_shared_ofx()
    statement = parse((SHARED_OFX / "bank_medium.ofx").read_bytes())
    (account,) = statement.accounts
    assert (account.account_id, account.bank_id, account.account_type, account.currency) == (
        "12300 000012345678",
        "160000100",
        "CHECKING",
        "CAD",
    )
    assert account.period_start == date(2009, 4, 1)
    assert account.period_end == date(2009, 5, 23)
    assert account.available_balance is not None
    assert account.available_balance.amount == Decimal("682.34")
    first = account.rows[0]
    assert first.payee == "MCDONALD'S #112"
    assert first.memo == "POS MERCHANDISE;MCDONALD'S #112"
    assert first.check_number is None
    assert ("TRNTYPE", "POS") in first.raw
    assert first.line == 15


def test_cdata_and_empty_tags() -> None:
    require_shared_ofx()
    suncorp = parse((SHARED_OFX / "suncorp.ofx").read_bytes())
    assert suncorp.rows[0].payee == "EFTPOS WDL HANDYWAY ALDI STORE"
    empty = parse((SHARED_OFX / "ofx-v102-empty-tags.ofx").read_bytes())
    (account,) = empty.accounts
    assert account.closing_balance is None  # every leaf of LEDGERBAL empty: no balance given
    assert account.currency == "AUD"  # CURDEF empty, the transaction's CURSYM says AUD
    row = account.rows[0]
    assert (row.reference, row.payee, row.memo, row.value_date) == (None, None, "CBA:Transfer", date(2018, 5, 7))


SGML = """\
OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240131120000<LANGUAGE>ENG
<FI><ORG>Example Bank<FID>1234</FI><INTU.BID>1234</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>37040044<ACCTID>DE89370400440532013000<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240101<DTEND>20240131
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240102120000[-5:EST]<TRNAMT>-12,30<FITID>A1<NAME>Caf\xe9 M\xfcller &amp; S\xf6hne<MEMO>Latte</STMTTRN>
<STMTTRN><TRNTYPE>XFER<DTPOSTED>20240103<DTAVAIL>20240104<TRNAMT>+250.00<FITID>A2<PAYEE><NAME>Savings transfer<ADDR1>x</PAYEE><BANKACCTTO><BANKID>1<ACCTID>987654<ACCTTYPE>SAVINGS</BANKACCTTO></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1237.70<DTASOF>20240131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""


def test_sgml_cp1252_entities_comma_decimals_and_payee_aggregates() -> None:
    statement = parse(SGML.encode("cp1252"))
    (account,) = statement.accounts
    assert statement.encoding == "cp1252"
    assert account.iban == "DE89370400440532013000"
    assert account.closing_balance is not None
    assert (account.closing_balance.amount, account.closing_balance.as_of) == (Decimal("1237.70"), date(2024, 1, 31))
    first, second = account.rows
    assert (first.booking_date, first.amount, first.payee) == (
        date(2024, 1, 2),
        Decimal("-12.30"),
        "Café Müller & Söhne",
    )
    assert (second.amount, second.payee, second.value_date) == (Decimal("250.00"), "Savings transfer", date(2024, 1, 4))
    assert second.counterparty_account == "987654"


def test_xml_ofx2_credit_card_statement() -> None:
    data = text_bytes(
        """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
        <OFX>
          <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
            <DTSERVER>20240201</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
          <CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>7</TRNUID>
            <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
            <CCSTMTRS><CURDEF>USD</CURDEF><CCACCTFROM><ACCTID>4111111111111111</ACCTID></CCACCTFROM>
              <BANKTRANLIST><DTSTART>20240101</DTSTART><DTEND>20240131</DTEND>
                <STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240105000000.000[-8:PST]</DTPOSTED>
                  <TRNAMT>-89.99</TRNAMT><FITID>2024010500001</FITID><NAME>NETFLIX.COM</NAME></STMTTRN>
                <STMTTRN><TRNTYPE>CHECK</TRNTYPE><DTPOSTED>20240110</DTPOSTED><TRNAMT>-40.00</TRNAMT>
                  <FITID>2024011000002</FITID><CHECKNUM>0101</CHECKNUM><NAME>CHECK 101</NAME></STMTTRN>
              </BANKTRANLIST>
              <LEDGERBAL><BALAMT>-129.99</BALAMT><DTASOF>20240131</DTASOF></LEDGERBAL>
            </CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>
        </OFX>
        """
    )
    assert OFX.detect(data, filename="card.qfx") == 1.0
    statement = parse(data)
    (account,) = statement.accounts
    assert (account.account_type, account.account_id, account.iban) == ("CREDITCARD", "4111111111111111", None)
    assert [(r.booking_date, r.amount, r.check_number) for r in account.rows] == [
        (date(2024, 1, 5), Decimal("-89.99"), None),
        (date(2024, 1, 10), Decimal("-40.00"), "0101"),
    ]


def test_entities_are_never_expanded() -> None:
    data = text_bytes(
        """
        <?xml version="1.0"?>
        <!DOCTYPE OFX [ <!ENTITY boom "BOOM"> <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>
        <OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF>
        <BANKACCTFROM><ACCTID>1</ACCTID></BANKACCTFROM><BANKTRANLIST>
        <STMTTRN><DTPOSTED>20240102</DTPOSTED><TRNAMT>-1.00</TRNAMT><FITID>x</FITID><NAME>&boom;&ext;</NAME></STMTTRN>
        </BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
        """
    )
    assert parse(data).rows[0].payee == "&boom;&ext;"


def test_a_file_without_currency_needs_one() -> None:
    data = SGML.replace("<CURDEF>EUR", "<CURDEF>").encode("cp1252")
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert {i.field for i in caught.value.issues} == {"CURDEF"}
    statement = parse(data, currency="eur")
    # the empty, unclosed <CURDEF> must not swallow the account and transactions that follow it
    assert statement.accounts[0].currency == "EUR"
    assert statement.accounts[0].account_id == "DE89370400440532013000"
    assert [row.amount for row in statement.rows] == [Decimal("-12.30"), Decimal("250.00")]


def test_not_ofx_at_all() -> None:
    with pytest.raises(StatementError) as caught:
        parse(b"Date,Amount\n2024-01-02,1.00\n")
    assert caught.value.code == ErrorCode.INVALID_FILE
    with pytest.raises(StatementError) as caught:
        parse(b"  \n")
    assert caught.value.code == ErrorCode.EMPTY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240102", date(2024, 1, 2)),
        ("20240102120000", date(2024, 1, 2)),
        ("20240102235959.999[-5:EST]", date(2024, 1, 2)),
        ("20240102000000[+10:AEST]", date(2024, 1, 2)),
        ("20091217162416.000[-:EST]", date(2009, 12, 17)),
        ("20180804093914:014", date(2018, 8, 4)),
    ],
)
def test_ofx_dates(text: str, expected: date) -> None:
    assert ofx_date(text) == expected


@pytest.mark.parametrize("text", ["2024012", "20240230", "201120000000", "2024-01-02", "x20240102"])
def test_bad_ofx_dates(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        ofx_date(text)
