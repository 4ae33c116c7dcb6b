"""OFX investment statements: every shared real-world fixture held to an independent reading of its text, and
statements written here for each kind of transaction the fixtures do not show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from subgraphs.budget.importers.errors import ErrorCode, StatementError
from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.importers.base import AssetClass, ParsedStatement, ParseOptions, WarningCode
from subgraphs.portfolio.importers.format_ofx import OfxInvestmentImporter
from tests.subgraphs.portfolio.importers.support import (
    SHARED_OFX,
    kinds,
    line_of,
    ofx_statement,
    sgml,
    shared_ofx_files,
)

OFX = OfxInvestmentImporter()


def parse(data: bytes, **options: object) -> ParsedStatement:
    return OFX.parse(data, options=ParseOptions(**options))  # type: ignore[arg-type]


# --- an independent reading of a fixture, with regular expressions ------------------------------------------------

_TRANSACTION = re.compile(
    r"<(BUYDEBT|BUYMF|BUYOPT|BUYOTHER|BUYSTOCK|CLOSUREOPT|INCOME|INVEXPENSE|JRNLFUND|JRNLSEC|MARGININTEREST|"
    r"REINVEST|RETOFCAP|SELLDEBT|SELLMF|SELLOPT|SELLOTHER|SELLSTOCK|SPLIT|TRANSFER|INVBANKTRAN)>(.*?)</\1>",
    re.S,
)
_POSITION = re.compile(r"<(POSSTOCK|POSMF|POSDEBT|POSOPT|POSOTHER)>(.*?)</\1>", re.S)
_UNIT_MOVES = ("BUY", "SELL", "REINVEST", "TRANSFER")


def _leaf(block: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>\s*([^<\r\n]*)", block)
    return match.group(1).strip() if match else None


def _number(block: str, tag: str) -> Decimal:
    text = _leaf(block, tag)
    return Decimal(text) if text else Decimal(0)


@dataclass
class Transaction:
    tag: str
    body: str

    @property
    def fitid(self) -> str | None:
        return _leaf(self.body, "FITID")

    @property
    def day(self) -> date:
        text = _leaf(self.body, "DTTRADE") or _leaf(self.body, "DTPOSTED") or ""
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))

    @property
    def secid(self) -> str | None:
        return _leaf(self.body, "UNIQUEID")

    def signed_units(self) -> Decimal:
        """Units in (+) or out (-), as the file says them."""
        units = _number(self.body, "UNITS")
        if self.tag == "TRANSFER":
            return abs(units) if _leaf(self.body, "TFERACTION") == "IN" else -abs(units)
        return abs(units) if self.tag.startswith(("BUY", "REINVEST")) else -abs(units)


@dataclass
class Expected:
    curdef: str | None
    account: str | None
    transactions: list[Transaction] = field(default_factory=list)
    positions: list[tuple[str, Decimal]] = field(default_factory=list)
    available_cash: Decimal | None = None
    listed: dict[str, str | None] = field(default_factory=dict)


def read_expectations(text: str) -> Expected:
    """What the file says, read from the raw text without the importer's reader."""
    statement = re.search(r"<INVSTMTRS>(.*?)</INVSTMTRS>", text, re.S)
    assert statement is not None
    block = statement.group(1)
    expected = Expected(curdef=_leaf(block, "CURDEF"), account=_leaf(block, "ACCTID"))
    tranlist = re.search(r"<INVTRANLIST>(.*?)</INVTRANLIST>", block, re.S)
    if tranlist:
        expected.transactions = [Transaction(tag, body) for tag, body in _TRANSACTION.findall(tranlist.group(1))]
    positions = re.search(r"<INVPOSLIST>(.*?)</INVPOSLIST>", block, re.S)
    if positions:
        expected.positions = [
            (_leaf(body, "UNIQUEID") or "", _number(body, "UNITS"))
            for _tag, body in _POSITION.findall(positions.group(1))
        ]
    cash = re.search(r"<INVBAL>.*?<AVAILCASH>\s*([^<\s]+)", block, re.S)
    expected.available_cash = Decimal(cash.group(1)) if cash else None
    for info in re.findall(r"<SECINFO>(.*?)</SECINFO>", text, re.S):
        expected.listed.setdefault(_leaf(info, "UNIQUEID") or "", _leaf(info, "TICKER"))
    return expected


def _trade_total_mismatch(transaction: Transaction) -> bool:
    """Whether a stock or fund trade's TOTAL is off by more than a cent from units * price ± costs."""
    body = transaction.body
    units, price, total = abs(_number(body, "UNITS")), _number(body, "UNITPRICE"), _leaf(body, "TOTAL")
    costs = sum((_number(body, tag) for tag in ("COMMISSION", "FEES", "LOAD", "TAXES")), Decimal(0))
    if transaction.tag.startswith("SELL"):
        costs += sum((_number(body, tag) for tag in ("PENALTY", "WITHHOLDING", "STATEWITHHOLDING")), Decimal(0))
        expected = units * price - costs
    else:
        expected = units * price + costs
    return total is not None and abs(abs(Decimal(total)) - expected) > Decimal("0.01")


FIXTURES = shared_ofx_files()
_ABSENT = pytest.param(
    None, marks=pytest.mark.skip(reason=f"shared OFX fixtures not found at {SHARED_OFX}"), id="absent"
)
INVESTMENT = [
    pytest.param(p, id=str(p.relative_to(SHARED_OFX))) for p in FIXTURES if b"<INVSTMTRS>" in p.read_bytes()
] or [_ABSENT]
NOT_INVESTMENT = [
    pytest.param(p, id=str(p.relative_to(SHARED_OFX))) for p in FIXTURES if b"<INVSTMTRS>" not in p.read_bytes()
] or [_ABSENT]


@pytest.mark.parametrize("path", INVESTMENT)
def test_every_investment_fixture_accounts_for_each_transaction(path: Path) -> None:
    data = path.read_bytes()
    expected = read_expectations(data.decode("latin-1"))
    assert OFX.sniff(data, path.name)
    statement = parse(data)
    assert statement.cash_currency == expected.curdef
    assert statement.account is not None
    assert statement.account.account_id == expected.account
    assert statement.available_cash == expected.available_cash
    # every transaction aggregate gave activities, a row error or a notice that it moves nothing; never two
    made = {parsed.record for parsed in statement.activities}
    failed = {error.record for error in statement.errors if error.record}
    skipped = {w.record for w in statement.warnings if w.code == WarningCode.ENTRY_SKIPPED}
    assert made | failed | skipped == set(range(1, len(expected.transactions) + 1))
    assert not (made & failed)
    assert not (made & skipped)
    assert not (failed & skipped)
    lines = data.decode("latin-1").split("\n")  # lines as the reader counts them (vanguard.ofx ends them \r\r\n)
    for parsed in statement.activities:
        transaction = expected.transactions[parsed.record - 1]
        activity = parsed.activity
        assert activity.external_id == transaction.fitid
        assert activity.date == transaction.day
        assert parsed.line is not None
        assert f"<{transaction.tag}>" in lines[parsed.line - 1]
        assert all(isinstance(v, Decimal) for v in (activity.quantity, activity.price, activity.amount, activity.fee))
        if transaction.tag.startswith(_UNIT_MOVES) and activity.kind is not Kind.FEE:
            assert activity.quantity == abs(transaction.signed_units()) > 0
            incoming = transaction.signed_units() > 0
            prefix = next(p for p in _UNIT_MOVES if transaction.tag.startswith(p))
            wanted = {"BUY": Kind.BUY, "SELL": Kind.SELL, "REINVEST": Kind.DIVIDEND_REINVEST}.get(prefix)
            assert activity.kind is (wanted or (Kind.TRANSFER_IN if incoming else Kind.TRANSFER_OUT))
        if transaction.tag == "INVBANKTRAN":
            cash_in = _number(transaction.body, "TRNAMT") > 0
            assert activity.kind in ((Kind.DEPOSIT, Kind.INTEREST) if cash_in else (Kind.WITHDRAWAL, Kind.FEE))
            assert activity.amount == abs(_number(transaction.body, "TRNAMT"))


@pytest.mark.parametrize("path", INVESTMENT)
def test_every_investment_fixture_checks_trade_totals(path: Path) -> None:
    data = path.read_bytes()
    expected = read_expectations(data.decode("latin-1"))
    statement = parse(data)
    off = {
        number
        for number, transaction in enumerate(expected.transactions, start=1)
        if transaction.tag in ("BUYSTOCK", "BUYMF", "BUYOTHER", "SELLSTOCK", "SELLMF", "SELLOTHER")
        and _trade_total_mismatch(transaction)
    }
    warned = {w.record for w in statement.warnings if w.code == WarningCode.TOTAL_MISMATCH}
    assert warned == off


@pytest.mark.parametrize("path", INVESTMENT)
def test_every_investment_fixture_reconciles_units_with_its_positions(path: Path) -> None:
    """Where a security's transactions in the file add up to the position the broker states, its history is
    complete and the importer must agree; elsewhere it must report the same difference."""
    data = path.read_bytes()
    expected = read_expectations(data.decode("latin-1"))
    statement = parse(data)
    assert [(p.units) for p in statement.positions] == [units for _secid, units in expected.positions]
    key_of = {instrument.unique_id: instrument.key for instrument in statement.instruments}
    moved: dict[str, Decimal] = {}
    for transaction in expected.transactions:
        if transaction.tag.startswith(_UNIT_MOVES) and transaction.secid:
            moved[transaction.secid] = moved.get(transaction.secid, Decimal(0)) + transaction.signed_units()
    held: dict[str, Decimal] = {}
    for secid, units in expected.positions:
        held[secid] = held.get(secid, Decimal(0)) + units
    differences = statement.unit_differences() if expected.positions else {}
    for secid in set(moved) | set(held):
        key = key_of[secid]
        net, stated = moved.get(secid, Decimal(0)), held.get(secid, Decimal(0))
        if not expected.positions:
            continue
        if net == stated:
            assert key not in differences
        else:
            assert differences[key] == (net, stated)


@pytest.mark.parametrize("path", INVESTMENT)
def test_every_investment_fixture_lists_its_securities(path: Path) -> None:
    data = path.read_bytes()
    expected = read_expectations(data.decode("latin-1"))
    statement = parse(data)
    by_id = {i.unique_id: i for i in statement.instruments}
    for secid, ticker in expected.listed.items():
        assert by_id[secid].symbol == ticker
        assert by_id[secid].asset_class in set(AssetClass)
    keys = [i.key for i in statement.instruments]
    assert len(keys) == len(set(keys))
    referenced = {p.activity.instrument for p in statement.activities} | {p.instrument for p in statement.positions}
    assert referenced - {None} <= set(keys)


@pytest.mark.parametrize("path", INVESTMENT)
def test_every_investment_fixture_gives_stable_distinct_fingerprints(path: Path) -> None:
    data = path.read_bytes()
    first, second = parse(data), parse(data)
    prints = [p.fingerprint for p in first.activities]
    assert prints == [p.fingerprint for p in second.activities]
    assert len(prints) == len(set(prints))


@pytest.mark.parametrize("path", NOT_INVESTMENT)
def test_bank_and_broken_fixtures_are_refused_with_a_message(path: Path) -> None:
    data = path.read_bytes()
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert str(caught.value)
    assert caught.value.code in (
        WarningCode.NOT_INVESTMENT,
        ErrorCode.NO_STATEMENT,
        ErrorCode.BANK_ERROR,
        ErrorCode.SIGNON_FAILED,
    )
    if re.search(rb"<(STMTRS|CCSTMTRS)>", data):
        assert "budget" in str(caught.value)


@pytest.mark.parametrize("path", INVESTMENT)
def test_a_cut_off_investment_fixture_never_crashes(path: Path) -> None:
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        outcome = _parse_or_refuse(data[:cut])
        if isinstance(outcome, StatementError):
            assert str(outcome)
        else:
            assert all(error.message for error in outcome.errors)


def _parse_or_refuse(data: bytes) -> ParsedStatement | StatementError:
    try:
        return parse(data)
    except StatementError as exc:
        return exc


# --- statements written here -------------------------------------------------------------------------------------


@pytest.fixture(params=["sgml", "xml"])
def style(request: pytest.FixtureRequest) -> str:
    """Every statement below is read as OFX 1.x SGML (leaves left unclosed) and as OFX 2.x XML."""
    return str(request.param)


def make(style: str, transactions: str, **kwargs: object) -> bytes:
    data = ofx_statement(transactions, xml=style == "xml", **kwargs)  # type: ignore[arg-type]
    return sgml(data) if style == "sgml" else data


def _invtran(fitid: str, day: str = "20240115", memo: str = "") -> str:
    memo_tag = f"<MEMO>{memo}</MEMO>" if memo else ""
    return f"<INVTRAN><FITID>{fitid}</FITID><DTTRADE>{day}120000.000[-5:EST]</DTTRADE>{memo_tag}</INVTRAN>"


def _secid(uid: str = "037833100", kind: str = "CUSIP") -> str:
    return f"<SECID><UNIQUEID>{uid}</UNIQUEID><UNIQUEIDTYPE>{kind}</UNIQUEIDTYPE></SECID>"


BUY = f"""
<BUYSTOCK><INVBUY>{_invtran("B1")}{_secid()}
<UNITS>10</UNITS><UNITPRICE>150.25</UNITPRICE><COMMISSION>4.95</COMMISSION><FEES>0.05</FEES><TAXES>1.00</TAXES>
<TOTAL>-1508.50</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INVBUY>
<BUYTYPE>BUY</BUYTYPE></BUYSTOCK>
"""
SELL = f"""
<SELLSTOCK><INVSELL>{_invtran("S1", "20240120")}{_secid()}
<UNITS>-4</UNITS><UNITPRICE>160</UNITPRICE><COMMISSION>4.95</COMMISSION><WITHHOLDING>2.00</WITHHOLDING>
<TOTAL>633.05</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INVSELL>
<SELLTYPE>SELL</SELLTYPE></SELLSTOCK>
"""


def test_a_purchase_and_a_sale_with_negative_units(style: str) -> None:
    data = make(style, BUY + SELL)
    statement = parse(data)
    buy, sell = (p.activity for p in statement.activities)
    assert (buy.kind, buy.instrument, buy.quantity, buy.price) == (Kind.BUY, "AAPL", Decimal(10), Decimal("150.25"))
    assert (buy.fee, buy.tax, buy.currency, buy.fx_rate) == (Decimal("5.00"), Decimal("1.00"), "USD", None)
    assert buy.date == date(2024, 1, 15)
    assert buy.external_id == "B1"
    assert (sell.kind, sell.quantity, sell.price) == (Kind.SELL, Decimal(4), Decimal(160))
    assert (sell.fee, sell.tax) == (Decimal("4.95"), Decimal("2.00"))
    assert statement.errors == []
    assert statement.warnings == []
    assert [p.line for p in statement.activities] == [line_of(data, "<BUYSTOCK>"), line_of(data, "<SELLSTOCK>")]
    assert statement.available_cash == Decimal("100.50")
    assert statement.account is not None
    assert statement.account.key == "broker.example/U123"


def test_sgml_and_xml_give_the_same_activities() -> None:
    data = ofx_statement(BUY + SELL, xml=True)
    xml, sgml_ = parse(data), parse(sgml(data))
    assert [p.activity for p in xml.activities] == [p.activity for p in sgml_.activities]
    assert [p.fingerprint for p in xml.activities] == [p.fingerprint for p in sgml_.activities]


def test_a_total_that_does_not_add_up_is_a_warning_naming_the_line(style: str) -> None:
    data = make(style, BUY.replace("-1508.50", "-1518.50"))
    statement = parse(data)
    assert kinds(statement) == [Kind.BUY]
    (warning,) = statement.warnings
    assert warning.code == WarningCode.TOTAL_MISMATCH
    assert warning.line == line_of(data, "<BUYSTOCK>")
    assert "1518.5" in warning.message
    assert "10 USD" in warning.message


def test_a_purchase_total_written_positive_is_not_a_mismatch(style: str) -> None:
    statement = parse(make(style, BUY.replace("-1508.50", "1508.50")))
    assert statement.warnings == []


def test_a_failed_request_beside_a_statement_is_a_warning(style: str) -> None:
    failed = (
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>2</TRNUID><STATUS><CODE>2000</CODE><SEVERITY>ERROR</SEVERITY>"
        "<MESSAGE>General Server Error</MESSAGE></STATUS></STMTTRNRS></BANKMSGSRSV1>"
    )
    statement = parse(make(style, BUY, extra=failed))
    assert kinds(statement) == [Kind.BUY]
    assert [w.code for w in statement.warnings] == [ErrorCode.BANK_ERROR]


def test_a_total_within_the_minor_unit_is_fine(style: str) -> None:
    statement = parse(make(style, BUY.replace("-1508.50", "-1508.51")))
    assert statement.warnings == []


@pytest.mark.parametrize(
    ("aggregate", "inner", "kind"),
    [
        ("BUYMF", "INVBUY", Kind.BUY),
        ("BUYOTHER", "INVBUY", Kind.BUY),
        ("SELLMF", "INVSELL", Kind.SELL),
        ("SELLOTHER", "INVSELL", Kind.SELL),
    ],
)
def test_every_kind_of_security_trades(aggregate: str, inner: str, kind: Kind, style: str) -> None:
    units = "-3" if kind is Kind.SELL else "3"
    data = make(
        style,
        f"<{aggregate}><{inner}>{_invtran('T')}{_secid('IE00B4L5Y983', 'ISIN')}<UNITS>{units}</UNITS>"
        f"<UNITPRICE>80.10</UNITPRICE><TOTAL>{'240.30' if kind is Kind.SELL else '-240.30'}</TOTAL></{inner}></{aggregate}>",
    )
    (parsed,) = parse(data).activities
    assert (parsed.activity.kind, parsed.activity.instrument, parsed.activity.quantity) == (kind, "IWDA", Decimal(3))


def test_a_bond_price_is_a_percentage_of_par(style: str) -> None:
    data = make(
        style,
        f"<BUYDEBT><INVBUY>{_invtran('D1')}{_secid('912810RW0')}<UNITS>5000</UNITS><UNITPRICE>98.5</UNITPRICE>"
        "<COMMISSION>10</COMMISSION><TOTAL>-4957.50</TOTAL></INVBUY><ACCRDINT>22.50</ACCRDINT></BUYDEBT>",
    )
    statement = parse(data)
    (parsed,) = statement.activities
    assert (parsed.activity.quantity, parsed.activity.price) == (Decimal(5000), Decimal("0.985"))
    assert [w.code for w in statement.warnings] == [WarningCode.NOTE]
    assert "accrued interest" in statement.warnings[0].message
    assert statement.instrument("912810RW0") is not None
    assert statement.instrument("912810RW0").asset_class is AssetClass.BOND  # type: ignore[union-attr]


def test_an_option_price_is_per_contract(style: str) -> None:
    data = make(
        style,
        f"<BUYOPT><INVBUY>{_invtran('O1')}{_secid('AAPL250620C200', 'OTHER')}<UNITS>2</UNITS>"
        "<UNITPRICE>3.40</UNITPRICE><COMMISSION>1.30</COMMISSION><TOTAL>-681.30</TOTAL></INVBUY>"
        "<OPTBUYTYPE>BUYTOOPEN</OPTBUYTYPE><SHPERCTRCT>100</SHPERCTRCT></BUYOPT>"
        f"<SELLOPT><INVSELL>{_invtran('O2')}{_secid('AAPL250620C200', 'OTHER')}<UNITS>-2</UNITS>"
        "<UNITPRICE>4</UNITPRICE><TOTAL>800</TOTAL></INVSELL><OPTSELLTYPE>SELLTOCLOSE</OPTSELLTYPE>"
        "<SHPERCTRCT>100</SHPERCTRCT></SELLOPT>",
    )
    statement = parse(data)
    buy, sell = (p.activity for p in statement.activities)
    assert (buy.kind, buy.quantity, buy.price, buy.fee) == (Kind.BUY, Decimal(2), Decimal("340.00"), Decimal("1.30"))
    assert (sell.kind, sell.price) == (Kind.SELL, Decimal(400))
    assert statement.warnings == []


def test_a_short_sale_is_a_sale_with_a_note(style: str) -> None:
    statement = parse(make(style, SELL.replace("<SELLTYPE>SELL</SELLTYPE>", "<SELLTYPE>SELLSHORT</SELLTYPE>")))
    assert kinds(statement) == [Kind.SELL]
    assert "short sale" in statement.activities[0].activity.memo
    assert [w.code for w in statement.warnings] == [WarningCode.NOTE]


@pytest.mark.parametrize("income", ["DIV", "CGLONG", "CGSHORT", "INTEREST"])
def test_a_reinvestment_with_a_commission_gives_a_fee_too(income: str, style: str) -> None:
    data = make(
        style,
        f"<REINVEST>{_invtran('R1', memo='DIVIDEND REINVESTMENT')}{_secid()}<INCOMETYPE>{income}</INCOMETYPE>"
        "<TOTAL>-26.00</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC><UNITS>0.125</UNITS><UNITPRICE>200</UNITPRICE>"
        "<COMMISSION>0.50</COMMISSION><TAXES>0.50</TAXES></REINVEST>",
    )
    statement = parse(data)
    reinvest, fee = (p.activity for p in statement.activities)
    assert (reinvest.kind, reinvest.quantity, reinvest.price) == (Kind.DIVIDEND_REINVEST, Decimal("0.125"), 200)
    assert (reinvest.amount, reinvest.tax, reinvest.fee) == (Decimal("26.00"), Decimal("0.50"), 0)
    assert (fee.kind, fee.amount, fee.instrument) == (Kind.FEE, Decimal("0.50"), "AAPL")
    assert statement.activities[0].record == statement.activities[1].record == 1
    assert statement.activities[0].fingerprint != statement.activities[1].fingerprint
    assert statement.warnings == []


@pytest.mark.parametrize(
    ("income", "kind"),
    [
        ("DIV", Kind.DIVIDEND),
        ("CGLONG", Kind.DIVIDEND),
        ("CGSHORT", Kind.DIVIDEND),
        ("MISC", Kind.DIVIDEND),
        ("INTEREST", Kind.INTEREST),
    ],
)
def test_income_is_a_dividend_or_interest(income: str, kind: Kind, style: str) -> None:
    data = make(
        style,
        f"<INCOME>{_invtran('I1')}{_secid()}<INCOMETYPE>{income}</INCOMETYPE><TOTAL>12.40</TOTAL>"
        "<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND><WITHHOLDING>1.86</WITHHOLDING></INCOME>",
    )
    (parsed,) = parse(data).activities
    activity = parsed.activity
    assert (activity.kind, activity.amount, activity.tax, activity.instrument) == (
        kind,
        Decimal("12.40"),
        Decimal("1.86"),
        "AAPL",
    )


def test_expenses_margin_interest_and_return_of_capital(style: str) -> None:
    data = make(
        style,
        f"<INVEXPENSE>{_invtran('E1')}{_secid()}<TOTAL>-2.50</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC></INVEXPENSE>"
        f"<MARGININTEREST>{_invtran('M1')}<TOTAL>-7.10</TOTAL><SUBACCTFUND>MARGIN</SUBACCTFUND></MARGININTEREST>"
        f"<RETOFCAP>{_invtran('C1')}{_secid()}<TOTAL>30</TOTAL><SUBACCTSEC>CASH</SUBACCTSEC></RETOFCAP>",
    )
    statement = parse(data)
    expense, margin, capital = (p.activity for p in statement.activities)
    assert (expense.kind, expense.amount, expense.instrument) == (Kind.FEE, Decimal("2.50"), "AAPL")
    assert (margin.kind, margin.amount, margin.instrument, margin.memo) == (
        Kind.FEE,
        Decimal("7.10"),
        None,
        "margin interest",
    )
    assert (capital.kind, capital.amount, capital.memo) == (Kind.DIVIDEND, Decimal(30), "return of capital")
    assert [w.code for w in statement.warnings] == [WarningCode.NOTE]


def test_transfers_in_and_out(style: str) -> None:
    data = make(
        style,
        f"<TRANSFER>{_invtran('X1')}{_secid()}<SUBACCTSEC>CASH</SUBACCTSEC><UNITS>25</UNITS>"
        "<TFERACTION>IN</TFERACTION><POSTYPE>LONG</POSTYPE><UNITPRICE>101.20</UNITPRICE></TRANSFER>"
        f"<TRANSFER>{_invtran('X2')}{_secid()}<SUBACCTSEC>CASH</SUBACCTSEC><UNITS>-5</UNITS>"
        "<TFERACTION>OUT</TFERACTION><POSTYPE>LONG</POSTYPE><AVGCOSTBASIS>99</AVGCOSTBASIS></TRANSFER>"
        f"<TRANSFER>{_invtran('X3')}{_secid()}<SUBACCTSEC>CASH</SUBACCTSEC><UNITS>0</UNITS>"
        "<TFERACTION>IN</TFERACTION><POSTYPE>LONG</POSTYPE><UNITPRICE>1</UNITPRICE></TRANSFER>",
    )
    statement = parse(data)
    moved_in, moved_out = (p.activity for p in statement.activities)
    assert (moved_in.kind, moved_in.quantity, moved_in.price) == (Kind.TRANSFER_IN, Decimal(25), Decimal("101.20"))
    assert (moved_out.kind, moved_out.quantity, moved_out.price) == (Kind.TRANSFER_OUT, Decimal(5), Decimal(99))
    (skipped,) = statement.warnings
    assert (skipped.code, skipped.record) == (WarningCode.ENTRY_SKIPPED, 3)


def test_splits_and_a_split_without_a_ratio(style: str) -> None:
    data = make(
        style,
        f"<SPLIT>{_invtran('P1')}{_secid()}<SUBACCTSEC>CASH</SUBACCTSEC><OLDUNITS>10</OLDUNITS><NEWUNITS>40</NEWUNITS>"
        "<NUMERATOR>4</NUMERATOR><DENOMINATOR>1</DENOMINATOR></SPLIT>\n"
        f"<SPLIT>{_invtran('P2')}{_secid()}<SUBACCTSEC>CASH</SUBACCTSEC><OLDUNITS>40</OLDUNITS><NEWUNITS>4</NEWUNITS>"
        "<NUMERATOR>1</NUMERATOR><DENOMINATOR>10</DENOMINATOR><FRACCASH>3.20</FRACCASH></SPLIT>\n"
        f"<SPLIT>{_invtran('P3')}{_secid()}<SUBACCTSEC>CASH</SUBACCTSEC>"
        "<NUMERATOR>2</NUMERATOR><DENOMINATOR>0</DENOMINATOR></SPLIT>",
    )
    statement = parse(data)
    forward, reverse = (p.activity for p in statement.activities)
    assert (forward.kind, forward.split_to, forward.split_from) == (Kind.SPLIT, Decimal(4), Decimal(1))
    assert (reverse.split_to, reverse.split_from) == (Decimal(1), Decimal(10))
    assert "fractional" in statement.warnings[0].message
    (error,) = statement.errors
    assert error.line == line_of(data, "<SPLIT>", 3)
    assert "DENOMINATOR" in error.message
    assert statement.net_units() == {"AAPL": Decimal(0)}


def test_cash_entries_by_type_and_sign(style: str) -> None:
    entries = [
        ("DEP", "500.00", Kind.DEPOSIT),
        ("DEBIT", "-200.00", Kind.WITHDRAWAL),
        ("INT", "1.25", Kind.INTEREST),
        ("INT", "-0.75", Kind.FEE),
        ("DIV", "0.40", Kind.INTEREST),
        ("FEE", "-5.00", Kind.FEE),
        ("SRVCHG", "-1.00", Kind.FEE),
        ("FEE", "5.00", Kind.DEPOSIT),
        ("XFER", "-50", Kind.WITHDRAWAL),
    ]
    text = "\n".join(
        f"<INVBANKTRAN><STMTTRN><TRNTYPE>{kind}</TRNTYPE><DTPOSTED>20240201</DTPOSTED><TRNAMT>{amount}</TRNAMT>"
        f"<FITID>K{n}</FITID><NAME>entry {n}</NAME></STMTTRN><SUBACCTFUND>CASH</SUBACCTFUND></INVBANKTRAN>"
        for n, (kind, amount, _) in enumerate(entries)
    )
    statement = parse(make(style, text))
    assert kinds(statement) == [kind for _, _, kind in entries]
    assert [p.activity.amount for p in statement.activities] == [abs(Decimal(a)) for _, a, _ in entries]
    assert all(p.activity.instrument is None for p in statement.activities)
    assert [w.record for w in statement.warnings] == [8]  # the refunded fee, read by its sign


def test_journals_between_sub_accounts_make_no_activity(style: str) -> None:
    data = make(
        style,
        f"<JRNLFUND>{_invtran('J1')}<SUBACCTTO>MARGIN</SUBACCTTO><SUBACCTFROM>CASH</SUBACCTFROM>"
        "<TOTAL>100</TOTAL></JRNLFUND>"
        f"<JRNLSEC>{_invtran('J2')}{_secid()}<SUBACCTTO>MARGIN</SUBACCTTO><SUBACCTFROM>CASH</SUBACCTFROM>"
        "<UNITS>5</UNITS></JRNLSEC>",
    )
    statement = parse(data)
    assert statement.activities == []
    assert [(w.code, w.record) for w in statement.warnings] == [
        (WarningCode.ENTRY_SKIPPED, 1),
        (WarningCode.ENTRY_SKIPPED, 2),
    ]


def test_unsupported_and_unreadable_transactions_are_row_errors_with_lines(style: str) -> None:
    data = make(
        style,
        BUY.replace("<UNITS>10</UNITS>", "<UNITS>1.12345678901</UNITS>")
        + "\n"
        + f"<CLOSUREOPT>{_invtran('Z1')}{_secid()}<OPTACTION>EXERCISE</OPTACTION><UNITS>1</UNITS></CLOSUREOPT>\n"
        + f"<BUYSTOCK><INVBUY><INVTRAN><FITID>Z2</FITID></INVTRAN>{_secid()}<UNITS>1</UNITS>"
        "<UNITPRICE>1</UNITPRICE></INVBUY></BUYSTOCK>\n"
        + f"<BUYSTOCK><INVBUY>{_invtran('Z3')}<UNITS>1</UNITS><UNITPRICE>1</UNITPRICE></INVBUY></BUYSTOCK>\n"
        + f"<BUYSTOCK><INVBUY>{_invtran('Z4')}{_secid()}<UNITS>1</UNITS><UNITPRICE>-1</UNITPRICE></INVBUY></BUYSTOCK>\n"
        + f"<FUTURETRADE>{_invtran('Z5')}</FUTURETRADE>\n"
        + SELL,
    )
    statement = parse(data)
    assert kinds(statement) == [Kind.SELL]
    messages = {error.record: (error.line, error.message) for error in statement.errors}
    assert messages[1][0] == line_of(data, "<UNITS>1.12345678901")
    assert "more than 10 decimal places" in messages[1][1]
    assert "CLOSUREOPT" in messages[2][1]
    assert messages[2][0] == line_of(data, "<CLOSUREOPT>")
    assert "DTTRADE" in messages[3][1]
    assert "SECID" in messages[4][1]
    assert "negative" in messages[5][1]
    assert "FUTURETRADE" in messages[6][1]


def test_foreign_currency_with_a_rate_and_converted_amounts(style: str) -> None:
    data = make(
        style,
        f"<BUYMF><INVBUY>{_invtran('F1')}{_secid('IE00B4L5Y983', 'ISIN')}<UNITS>2</UNITS><UNITPRICE>90</UNITPRICE>"
        "<TOTAL>-180</TOTAL><CURRENCY><CURRATE>1.0850</CURRATE><CURSYM>EUR</CURSYM></CURRENCY></INVBUY></BUYMF>"
        f"<INCOME>{_invtran('F2')}{_secid()}<INCOMETYPE>DIV</INCOMETYPE><TOTAL>10.85</TOTAL>"
        "<ORIGCURRENCY><CURRATE>1.0850</CURRATE><CURSYM>EUR</CURSYM></ORIGCURRENCY></INCOME>"
        f"<INCOME>{_invtran('F3')}{_secid()}<INCOMETYPE>DIV</INCOMETYPE><TOTAL>3</TOTAL>"
        "<CURRENCY><CURRATE>1.0</CURRATE><CURSYM>USD</CURSYM></CURRENCY></INCOME>",
    )
    statement = parse(data)
    bought, converted, same = (p.activity for p in statement.activities)
    assert (bought.currency, bought.fx_rate, bought.price) == ("EUR", Decimal("1.0850"), Decimal(90))
    assert (converted.currency, converted.fx_rate, converted.amount) == ("USD", None, Decimal("10.85"))
    assert "converted from EUR at 1.0850" in converted.memo
    assert (same.currency, same.fx_rate) == ("USD", None)
    dropped = parse(data, base_currency="CHF")
    assert [p.activity.fx_rate for p in dropped.activities] == [None, None, None]
    assert [w.code for w in dropped.warnings] == [WarningCode.FX_RATE_DROPPED]
    assert [p.fingerprint for p in dropped.activities] == [p.fingerprint for p in statement.activities]


def test_positions_balances_and_securities(style: str) -> None:
    positions = (
        f"<POSSTOCK><INVPOS>{_secid()}<HELDINACCT>CASH</HELDINACCT><POSTYPE>LONG</POSTYPE><UNITS>6</UNITS>"
        "<UNITPRICE>170</UNITPRICE><MKTVAL>1020</MKTVAL><DTPRICEASOF>20240229</DTPRICEASOF></INVPOS></POSSTOCK>"
        f"<POSDEBT><INVPOS>{_secid('912810RW0')}<HELDINACCT>CASH</HELDINACCT><POSTYPE>LONG</POSTYPE>"
        "<UNITS>1000</UNITS><UNITPRICE>97</UNITPRICE><MKTVAL>970</MKTVAL></INVPOS></POSDEBT>"
        f"<POSOTHER><INVPOS>{_secid('GOLDBAR', 'PRIVATE')}<HELDINACCT>CASH</HELDINACCT><POSTYPE>SHORT</POSTYPE>"
        "<UNITS>2</UNITS><UNITPRICE>2000</UNITPRICE><MKTVAL>-4000</MKTVAL></INVPOS></POSOTHER>"
    )
    statement = parse(make(style, BUY + SELL, positions=positions))
    stock, bond, gold = statement.positions
    assert (stock.instrument, stock.units, stock.unit_price, stock.as_of) == ("AAPL", 6, 170, date(2024, 2, 29))
    assert (bond.instrument, bond.unit_price, bond.market_value) == ("912810RW0", Decimal("0.97"), Decimal(970))
    assert (gold.instrument, gold.units) == ("GOLD", Decimal(-2))
    assert statement.unit_differences() == {"912810RW0": (0, 1000), "GOLD": (0, -2)}
    assert statement.net_units()["AAPL"] == statement.held_units()["AAPL"] == 6
    classes = {i.key: i.asset_class for i in statement.instruments}
    assert classes == {
        "AAPL": AssetClass.EQUITY,
        "IWDA": AssetClass.FUND,
        "912810RW0": AssetClass.BOND,
        "AAPL250620C200": AssetClass.OPTION,
        "GOLD": AssetClass.OTHER,
    }
    iwda = statement.instrument("IWDA")
    assert iwda is not None
    assert (iwda.isin, iwda.currency, iwda.name) == (
        "IE00B4L5Y983",
        "EUR",
        "iShares Core MSCI World",
    )
    apple = statement.instrument("AAPL")
    assert apple is not None
    assert apple.cusip == "037833100"


def test_a_security_missing_from_the_list_is_keyed_by_its_id_with_a_warning(style: str) -> None:
    statement = parse(make(style, BUY.replace("037833100", "594918104")))
    assert statement.activities[0].activity.instrument == "594918104"
    assert [w.code for w in statement.warnings] == [WarningCode.UNKNOWN_SECURITY]
    instrument = statement.instrument("594918104")
    assert instrument is not None
    assert instrument.asset_class is AssetClass.EQUITY
    assert instrument.cusip == "594918104"


def test_two_securities_with_one_ticker_are_keyed_by_their_ids(style: str) -> None:
    seclist = (
        "<STOCKINFO><SECINFO><SECID><UNIQUEID>111</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>"
        "<SECNAME>One</SECNAME><TICKER>DUP</TICKER></SECINFO></STOCKINFO>"
        "<STOCKINFO><SECINFO><SECID><UNIQUEID>222</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>"
        "<SECNAME>Two</SECNAME><TICKER>DUP</TICKER></SECINFO></STOCKINFO>"
    )
    statement = parse(make(style, BUY.replace("037833100", "222"), seclist=seclist))
    assert sorted(i.key for i in statement.instruments) == ["111", "222"]
    assert statement.activities[0].activity.instrument == "222"


def test_several_accounts_need_a_choice(style: str) -> None:
    other = make(style, SELL, account="<BROKERID>broker.example</BROKERID><ACCTID>U999</ACCTID>")
    second = re.search(rb"<INVSTMTMSGSRSV1>.*</INVSTMTMSGSRSV1>", other, re.S)
    assert second is not None
    data = make(style, BUY).replace(b"<SECLISTMSGSRSV1>", second.group(0) + b"\n<SECLISTMSGSRSV1>")
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert caught.value.code == WarningCode.ACCOUNT_REQUIRED
    assert set(caught.value.candidates) == {"broker.example/U123", "broker.example/U999"}
    chosen = parse(data, account="U999")
    assert kinds(chosen) == [Kind.SELL]
    assert chosen.account is not None
    assert chosen.account.account_id == "U999"
    assert [w.code for w in chosen.warnings] == [WarningCode.OTHER_STATEMENTS]
    with pytest.raises(StatementError, match="none is 'U000'"):
        parse(data, account="U000")


def test_a_file_without_currency_takes_the_callers(style: str) -> None:
    data = re.sub(rb"<CURDEF>USD(</CURDEF>)?", b"", make(style, BUY))
    (error,) = parse(data).errors
    assert "CURDEF" in error.message
    assert kinds(parse(data, currency="usd")) == [Kind.BUY]


def test_a_file_that_is_not_ofx_is_refused() -> None:
    assert not OFX.sniff(b"Date,Action\n2024-01-01,Buy\n", "x.csv")
    with pytest.raises(StatementError) as caught:
        parse(b"Date,Action\n2024-01-01,Buy\n")
    assert caught.value.code == ErrorCode.INVALID_FILE
    with pytest.raises(StatementError) as empty:
        parse(b"  \n")
    assert empty.value.code == ErrorCode.EMPTY
