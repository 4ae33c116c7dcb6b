"""CAMT.053 statements in the 001.02 and 001.08 schemas, batches, balances, and unsafe XML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from subgraphs.budget.importers import ParseOptions, Statement, StatementError
from subgraphs.budget.importers.errors import ErrorCode
from subgraphs.budget.importers.format_camt import Camt053Importer
from tests.subgraphs.budget.importers.support import data_file

CAMT = Camt053Importer()


def parse(data: bytes, *, skip: bool = False) -> Statement:
    return CAMT.parse(data, options=ParseOptions(skip_invalid_rows=skip))


def test_v02_statement() -> None:
    statement = parse(data_file("camt053_v02.xml"))
    (account,) = statement.accounts
    assert (account.iban, account.account_id, account.bank_id, account.currency) == (
        "DE89370400440532013000",
        "DE89370400440532013000",
        "COBADEFFXXX",
        "EUR",
    )
    assert account.opening_balance is not None
    assert account.closing_balance is not None
    assert (account.opening_balance.amount, account.opening_balance.as_of) == (Decimal("1000.00"), date(2024, 2, 29))
    assert (account.closing_balance.amount, account.closing_balance.as_of) == (Decimal("2114.75"), date(2024, 3, 31))
    assert (account.period_start, account.period_end) == (date(2024, 3, 1), date(2024, 3, 31))
    assert account.opening_balance.amount + sum(r.amount for r in account.rows) == account.closing_balance.amount
    rows = account.rows
    assert [(r.record, r.booking_date, r.value_date, r.amount, r.payee, r.reference) for r in rows] == [
        (1, date(2024, 3, 1), date(2024, 3, 1), Decimal("-3.40"), "Bäckerei Größer", "2024030100001"),
        (2, date(2024, 3, 15), date(2024, 3, 15), Decimal("2450.00"), "Arbeitgeber GmbH", "2024031500007"),
        # the batch direct debit, split into its three transactions
        (3, date(2024, 3, 28), date(2024, 3, 29), Decimal("-1150.00"), "Hausverwaltung Schäfer", "MIETE-2024-03"),
        (3, date(2024, 3, 28), date(2024, 3, 29), Decimal("-62.00"), "Stadtwerke München", "STROM-2024-03"),
        (3, date(2024, 3, 28), date(2024, 3, 29), Decimal("-119.85"), "Stadtwerke München", "2024032800003/3"),
    ]
    assert rows[0].memo == "Kartenzahlung girocard"
    assert rows[1].memo == "Gehalt März 2024"  # two Ustrd lines joined
    assert rows[1].counterparty_account == "DE02120300000000202051"  # the debtor's account, money came in
    assert rows[2].counterparty_account == "DE75512108001245126199"
    assert ("MndtId", "M-7731") in rows[2].raw
    assert ("Ntry.BkTxCd", "PMNT/CCRD/POSD") in rows[0].raw
    assert all(r.line is None for r in rows)
    (pending,) = statement.warnings
    assert (pending.code, pending.record) == (ErrorCode.ENTRY_SKIPPED, 4)
    assert "PDNG" in pending.message


def test_v08_statement_with_two_accounts() -> None:
    statement = parse(data_file("camt053_v08.xml"))
    current, savings = statement.accounts
    assert (current.iban, current.currency) == ("CH9300762011623852957", "CHF")
    # no OPBD: the previous closing balance (PRCD) opens the statement, DBIT makes it negative
    assert current.opening_balance is not None
    assert current.closing_balance is not None
    assert current.opening_balance.amount == Decimal("-250.00")
    assert current.closing_balance.as_of == date(2024, 3, 31)
    assert current.opening_balance.amount + sum(r.amount for r in current.rows) == current.closing_balance.amount
    salary, insurance = current.rows
    # BookgDt/DtTm 2024-03-26T00:30:00+01:00 is the 26th as written (the 25th in UTC)
    assert (salary.booking_date, salary.amount, salary.payee) == (
        date(2024, 3, 26),
        Decimal("5200.00"),
        "Uhrenfabrik Biel AG",
    )
    assert salary.reference == "CH-240325-000981"
    assert (insurance.payee, insurance.memo) == ("Krankenkasse Helvetia", "210000000003139471430009017")
    assert (savings.iban, savings.account_id, savings.currency) == (None, "0235-12345678", "EUR")
    (interest,) = savings.rows
    assert (interest.amount, interest.memo, interest.payee) == (Decimal("0.05"), "Zinsgutschrift", None)


def _document(entries: str, version: str = "02") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
{entries}
</Stmt></BkToCstmrStmt></Document>""".encode()


def test_a_batch_that_does_not_add_up_stays_one_row() -> None:
    data = _document(
        """<Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2024-03-01</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef><AddtlNtryInf>SAMMLER</AddtlNtryInf>
        <NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">60.00</Amt></TxAmt></AmtDtls></TxDtls>
        <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">30.00</Amt></TxAmt></AmtDtls></TxDtls></NtryDtls></Ntry>"""
    )
    (row,) = parse(data).rows
    assert (row.amount, row.reference, row.memo) == (Decimal("-100.00"), "B1", "SAMMLER")


def test_bad_entries_name_their_record() -> None:
    data = _document(
        """<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt></Ntry>
        <Ntry><Amt Ccy="EUR">2.00</Amt><BookgDt><Dt>2024-03-02</Dt></BookgDt></Ntry>
        <Ntry><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-02-30</Dt></BookgDt></Ntry>
        <Ntry><Amt Ccy="EUR">-4.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-04</Dt></BookgDt></Ntry>
        <Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>"""
    )
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert [(i.record, i.field) for i in caught.value.issues] == [
        (2, "Ntry.Amt"),
        (3, "BookgDt"),
        (4, "Ntry.Amt"),
        (5, "BookgDt"),
    ]
    assert "CdtDbtInd" in caught.value.issues[0].message
    assert "'2024-02-30' is not an ISO date" in caught.value.issues[1].message
    assert str(caught.value.issues[1]).startswith("record 3, BookgDt:")
    assert [r.amount for r in parse(data, skip=True).rows] == [Decimal("-1.00")]


def test_dtd_and_entities_are_refused() -> None:
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&b;</BkToCstmrStmt></Document>"""
    with pytest.raises(StatementError) as caught:
        parse(laughs)
    assert caught.value.code == ErrorCode.UNSAFE_XML
    external = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>"""
    with pytest.raises(StatementError) as caught:
        parse(external)
    assert caught.value.code == ErrorCode.UNSAFE_XML


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(StatementError) as caught:
        parse(b'<?xml version="1.0"?>\n<Document>\n<BkToCstmrStmt>\n</Document>\n')
    assert caught.value.code == ErrorCode.INVALID_FILE
    assert str(caught.value).startswith("line 4")


def test_other_camt_messages_are_not_statements() -> None:
    notification = _document("").replace(b"camt.053", b"camt.054")
    assert CAMT.detect(notification, filename=None) == 0.0
    with pytest.raises(StatementError, match=r"camt\.054"):
        parse(notification)


def test_detect() -> None:
    assert CAMT.detect(data_file("camt053_v02.xml"), filename=None) == 1.0
    assert CAMT.detect(data_file("camt053_v08.xml"), filename="x.xml") == 1.0
    assert CAMT.detect(b"<OFX>", filename=None) == 0.0
