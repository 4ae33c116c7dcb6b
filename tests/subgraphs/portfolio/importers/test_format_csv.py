"""Broker CSV exports: columns proposed from headers in four languages, the two presets with files in their
brokers' layouts, and what a row may not be (an unknown action, too many decimals, a tax with no rate)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from subgraphs.budget.importers.errors import ErrorCode, StatementError
from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.importers.base import ParsedStatement, ParseOptions, WarningCode
from subgraphs.portfolio.importers.format_csv import PRESETS, CsvInvestmentImporter, CsvInvestmentMapping
from tests.subgraphs.portfolio.importers.support import kinds, text_bytes

CSV = CsvInvestmentImporter()


def parse(data: bytes, **options: object) -> ParsedStatement:
    return CSV.parse(data, options=ParseOptions(**options))  # type: ignore[arg-type]


ENGLISH = text_bytes("""
    Date,Action,Symbol,ISIN,Name,Quantity,Price,Amount,Fee,Currency,ID
    2024-01-15,Buy,AAPL,US0378331005,Apple Inc.,10,150.25,-1507.50,5.00,USD,T1
    2024-01-20,Sell,AAPL,US0378331005,Apple Inc.,-4,160.00,635.05,4.95,USD,T2
    2024-02-15,Dividend,AAPL,US0378331005,Apple Inc.,,,2.40,,USD,T3
    2024-02-20,Deposit,,,,,,1000,,USD,T4
    2024-03-01,Interest,,,,,,0.85,,USD,T5
    2024-03-05,Withdrawal,,,,,,-250,,USD,T6
    2024-03-10,Fee,,,,,,-1.50,,USD,T7
    """)


def test_english_headers_are_mapped_and_read() -> None:
    assert CSV.sniff(ENGLISH, "history.csv")
    statement = parse(ENGLISH)
    assert statement.errors == []
    assert statement.warnings == []
    assert kinds(statement) == [
        Kind.BUY,
        Kind.SELL,
        Kind.DIVIDEND,
        Kind.DEPOSIT,
        Kind.INTEREST,
        Kind.WITHDRAWAL,
        Kind.FEE,
    ]
    buy, sell, dividend, deposit, interest, withdrawal, fee = (p.activity for p in statement.activities)
    assert (buy.date, buy.instrument, buy.quantity, buy.price, buy.fee) == (
        date(2024, 1, 15),
        "AAPL",
        Decimal(10),
        Decimal("150.25"),
        Decimal("5.00"),
    )
    assert (sell.quantity, sell.price, sell.fee, sell.external_id) == (4, 160, Decimal("4.95"), "T2")
    assert (dividend.amount, dividend.instrument) == (Decimal("2.40"), "AAPL")
    assert (deposit.amount, deposit.instrument, withdrawal.amount) == (1000, None, 250)
    assert (interest.amount, fee.amount) == (Decimal("0.85"), Decimal("1.50"))
    assert [p.line for p in statement.activities] == [2, 3, 4, 5, 6, 7, 8]
    assert statement.cash_currency == "USD"
    (apple,) = statement.instruments
    assert (apple.key, apple.isin, apple.name, apple.currency) == ("AAPL", "US0378331005", "Apple Inc.", "USD")


def test_german_headers_with_decimal_comma_and_semicolons() -> None:
    data = text_bytes(
        """
        Datum;Transaktion;Wertpapier;ISIN;Stück;Kurs;Betrag;Gebühr;Währung
        15.03.2024;Kauf;Apple Inc.;US0378331005;10;175,50;-1.756,00;1,00;EUR
        20.03.2024;Verkauf;Apple Inc.;US0378331005;2,5;180,25;449,62;1,00;EUR
        28.03.2024;Dividende;Apple Inc.;US0378331005;;;3,10;;EUR
        02.04.2024;Einzahlung;;;;;1.000,00;;EUR
        """,
        encoding="cp1252",
    )
    statement = parse(data)
    assert statement.encoding == "cp1252"
    assert kinds(statement) == [Kind.BUY, Kind.SELL, Kind.DIVIDEND, Kind.DEPOSIT]
    buy, sell, dividend, deposit = (p.activity for p in statement.activities)
    assert (buy.quantity, buy.price, buy.fee, buy.currency) == (10, Decimal("175.50"), Decimal("1.00"), "EUR")
    assert (sell.quantity, sell.price) == (Decimal("2.5"), Decimal("180.25"))
    assert (dividend.amount, deposit.amount) == (Decimal("3.10"), Decimal("1000.00"))
    assert buy.instrument == "US0378331005"
    assert statement.warnings == []  # 10 * 175.50 + 1 = 1756.00; 2.5 * 180.25 - 1 = 449.625


def test_french_headers() -> None:
    data = text_bytes("""
        Date;Opération;Produit;Code ISIN;Quantité;Cours;Montant;Frais;Devise
        05/03/2024;Achat;Air Liquide;FR0000120073;3;180,00;-541,90;1,90;EUR
        25/03/2024;Vente;Air Liquide;FR0000120073;1;190,00;188,10;1,90;EUR
        30/05/2024;Dividende;Air Liquide;FR0000120073;;;8,40;;EUR
        """)
    statement = parse(data)
    assert kinds(statement) == [Kind.BUY, Kind.SELL, Kind.DIVIDEND]
    assert statement.activities[0].activity.date == date(2024, 3, 5)
    assert statement.activities[0].activity.fee == Decimal("1.90")


def test_dutch_headers() -> None:
    data = text_bytes("""
        Datum,Type,Product,ISIN,Aantal,Koers,Bedrag,Kosten,Valuta
        2024-04-02,Koop,ASML,NL0010273215,2,"880,00","-1762,00","2,00",EUR
        2024-04-20,Verkoop,ASML,NL0010273215,1,"900,00","898,00","2,00",EUR
        """)
    statement = parse(data)
    assert kinds(statement) == [Kind.BUY, Kind.SELL]
    assert statement.activities[0].activity.price == Decimal("880.00")


def test_an_unknown_action_is_a_row_error_naming_the_word_and_line() -> None:
    data = ENGLISH.replace(b"2024-03-01,Interest", b"2024-03-01,Bonus shares")
    statement = parse(data)
    (error,) = statement.errors
    assert (error.line, error.record, error.field) == (6, 5, "Action")
    assert "'Bonus shares'" in error.message
    assert Kind.INTEREST not in kinds(statement)


def test_more_than_ten_decimals_is_a_row_error_naming_the_line() -> None:
    data = ENGLISH.replace(b"Buy,AAPL,US0378331005,Apple Inc.,10,", b"Buy,AAPL,US0378331005,Apple Inc.,0.12345678901,")
    statement = parse(data)
    (error,) = statement.errors
    assert (error.line, error.field) == (2, "Quantity")
    assert "more than 10 decimal places" in error.message
    ten = parse(ENGLISH.replace(b"Apple Inc.,10,150.25,-1507.50", b"Apple Inc.,0.1234567891,150.25,"))
    assert ten.errors == []
    assert ten.activities[0].activity.quantity == Decimal("0.1234567891")


def test_other_unreadable_rows() -> None:
    data = text_bytes("""
        Date,Action,Symbol,ISIN,Quantity,Price,Amount,Currency
        2024-01-15,Buy,AAPL,,0,150,,USD
        2024-01-16,Buy,AAPL,,1,-5,,USD
        2024-01-17,Buy,,,1,5,,USD
        2024-01-18,Buy,AAPL,US0378331006,1,5,,USD
        2024-01-19,Dividend,AAPL,,,,-3,USD
        2024-01-20,Buy,AAPL,,1,5,,XYZ
        2024-13-45,Buy,AAPL,,1,5,,USD
        2024-01-21,,AAPL,,1,5,,USD
        2024-01-22,Interest,,,,,-0.40,USD
        """)
    statement = parse(data)
    problems = {error.line: error.message for error in statement.errors}
    assert "quantity greater than 0" in problems[2]
    assert "negative" in problems[3]
    assert "symbol, ISIN or name" in problems[4]
    assert "not a valid ISIN" in problems[5]
    assert "negative" in problems[6]
    assert "XYZ" in problems[7]
    assert "not a date" in problems[8]
    assert "action is empty" in problems[9]
    (charged,) = statement.activities
    assert (charged.line, charged.activity.kind, charged.activity.amount) == (10, Kind.FEE, Decimal("0.40"))


def test_reparsing_gives_the_same_fingerprints_and_identical_rows_differ() -> None:
    data = text_bytes("""
        Date,Action,Symbol,Quantity,Price,Currency
        2024-01-15,Buy,VWRL,1,100.10,EUR
        2024-01-15,Buy,VWRL,1,100.10,EUR
        2024-01-16,Buy,VWRL,1,100.10,EUR
        """)
    first, again = parse(data), parse(data)
    prints = [p.fingerprint for p in first.activities]
    assert prints == [p.fingerprint for p in again.activities]
    assert len(set(prints)) == 3
    assert prints[0].startswith("h1:")
    assert prints[0].rsplit(":", 1)[0] == prints[1].rsplit(":", 1)[0]
    with_ids = parse(ENGLISH)
    assert all(p.fingerprint.startswith("r1:") for p in with_ids.activities)


def test_an_explicit_mapping_as_json_with_words_and_ignored_rows() -> None:
    data = text_bytes("""
        Account statement for U1234
        When|What|Ticker|Units|Unit price|Gross|Costs|Withheld|Ccy
        03/04/2024|ACQUIRED|SAP|5|180.20|901.00|2.00||EUR
        04/05/2024|CASH MOVE|||||||EUR
        05/05/2024|CASH DIV|SAP|||11.00||2.90|EUR
        06/05/2024|SPLITRATIO|SAP||||||EUR
        """)
    mapping = CsvInvestmentMapping(
        date="When",
        kind="What",
        symbol="Ticker",
        quantity="Units",
        price="Unit price",
        amount="Gross",
        fee=("Costs",),
        tax=("Withheld",),
        currency="Ccy",
        date_format="DD/MM/YYYY",
        actions=(("acquired", "buy"), ("cash move", "ignore"), ("cash div", "dividend"), ("splitratio", "split")),
    )
    statement = parse(data, mapping=mapping.to_json())
    assert CsvInvestmentMapping.from_json(mapping.to_json()) == mapping
    assert kinds(statement) == [Kind.BUY, Kind.DIVIDEND]
    assert statement.activities[1].activity.tax == Decimal("2.90")
    assert [(w.code, w.line) for w in statement.warnings] == [
        (WarningCode.TOTAL_MISMATCH, 3),
        (WarningCode.ENTRY_SKIPPED, 4),
    ]
    (error,) = statement.errors
    assert error.line == 6
    assert "ratio" in error.message


def test_splits_read_their_ratio() -> None:
    data = text_bytes("""
        Date,Action,Symbol,Quantity,Price,Currency,Ratio
        2024-06-10,Stock split,NVDA,,,USD,10:1
        2024-06-11,Reverse split,XYZ,,,USD,1 for 20
        2024-06-12,Split,ABC,,,USD,one to one
        """)
    statement = parse(data)
    forward, reverse = (p.activity for p in statement.activities)
    assert (forward.kind, forward.split_to, forward.split_from, forward.instrument) == (Kind.SPLIT, 10, 1, "NVDA")
    assert (reverse.split_to, reverse.split_from) == (1, 20)
    (error,) = statement.errors
    assert error.line == 4
    assert "split ratio" in error.message


def test_transfers_and_reinvestments_put_their_fees_apart() -> None:
    data = text_bytes("""
        Date,Action,Symbol,Quantity,Price,Amount,Fee,Currency
        2024-02-01,Transfer in,VWRL,12,95.10,,1.00,EUR
        2024-02-02,Dividend reinvestment,VWRL,0.2,100,20.50,0.50,EUR
        """)
    statement = parse(data)
    assert kinds(statement) == [Kind.TRANSFER_IN, Kind.FEE, Kind.DIVIDEND_REINVEST, Kind.FEE]
    transfer, _fee, reinvest, reinvest_fee = (p.activity for p in statement.activities)
    assert (transfer.quantity, transfer.price, transfer.fee) == (12, Decimal("95.10"), 0)
    assert (reinvest.amount, reinvest.quantity, reinvest_fee.amount) == (
        Decimal("20.50"),
        Decimal("0.2"),
        Decimal("0.50"),
    )
    assert [p.record for p in statement.activities] == [1, 1, 2, 2]


def test_ambiguous_dates_need_a_format() -> None:
    data = text_bytes("""
        Date,Action,Symbol,Quantity,Price,Currency
        01/02/2024,Buy,VWRL,1,100,EUR
        03/04/2024,Buy,VWRL,1,100,EUR
        """)
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert caught.value.code == ErrorCode.AMBIGUOUS_DATE_FORMAT
    assert set(caught.value.candidates) >= {"DD/MM/YYYY", "MM/DD/YYYY"}
    statement = parse(data, date_format="DD/MM/YYYY")
    assert statement.activities[0].activity.date == date(2024, 2, 1)


def test_without_any_currency_the_caller_must_say() -> None:
    data = text_bytes("""
        Date,Action,Symbol,Quantity,Price
        2024-01-02,Buy,VWRL,1,100
        """)
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert caught.value.code == ErrorCode.CURRENCY_REQUIRED
    assert parse(data, currency="EUR").activities[0].activity.currency == "EUR"


def test_a_fee_in_the_account_currency_without_a_rate_is_an_error() -> None:
    data = text_bytes("""
        Date,Action,Symbol,Quantity,Price,Currency,Total,Total currency,Fee,Fee currency,FX
        2024-01-02,Buy,MSFT,2,400,USD,740.00,EUR,1.00,EUR,
        2024-01-03,Buy,MSFT,2,400,USD,740.00,EUR,1.00,EUR,0.925
        """)
    mapping = CsvInvestmentMapping(
        date="Date",
        kind="Action",
        symbol="Symbol",
        quantity="Quantity",
        price="Price",
        currency="Currency",
        amount="Total",
        amount_currency="Total currency",
        fee=("Fee",),
        fee_currency="Fee currency",
        fx_rate="FX",
    )
    statement = parse(data, mapping=mapping)
    (error,) = statement.errors
    assert error.line == 2
    assert "no exchange rate" in error.message
    (bought,) = statement.activities
    assert (bought.activity.fee, bought.activity.fx_rate, bought.activity.currency) == (
        Decimal("1.0810810811"),  # 1 EUR at 0.925 EUR per USD, rounded half-even to ten places
        Decimal("0.925"),
        "USD",
    )
    assert statement.cash_currency == "EUR"


def test_no_recognisable_columns() -> None:
    with pytest.raises(StatementError) as caught:
        parse(b"Foo,Bar\n1,2\n3,4\n")
    assert caught.value.code == ErrorCode.MAPPING_REQUIRED
    assert not CSV.sniff(b"Foo,Bar\n1,2\n3,4\n", "x.csv")
    with pytest.raises(StatementError) as header_only:
        parse(b"Date,Action,Symbol,Quantity,Price,Currency\n")
    assert header_only.value.code == ErrorCode.NO_STATEMENT
    with pytest.raises(StatementError) as missing:
        parse(ENGLISH, mapping={"date": "Date", "kind": "Type"})
    assert missing.value.code == ErrorCode.INVALID_MAPPING
    with pytest.raises(StatementError, match="unknown CSV preset"):
        parse(ENGLISH, preset="robinhood")


# --- presets, each with a small file in its broker's layout ------------------------------------------------------

TRADING212 = text_bytes("""
    Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,Currency (Price / share),Exchange rate,Result,Currency (Result),Total,Currency (Total),Withholding tax,Currency (Withholding tax),Notes,ID,Currency conversion fee,Currency (Currency conversion fee)
    Deposit,2023-12-18 11:45:06.326,,,,,,,,,,31.00,"EUR",,,"Transaction ID: PB6XHFHSNDT97F32",30c841b3-068d-44f0-9809-e75638e211cd,,
    Market buy,2023-12-18 14:30:03.613,US17275R1023,CSCO,"Cisco Systems",0.0290530000,49.96,USD,1.09303,,"EUR",1.33,"EUR",,,,EOF7504196256,0.01,"EUR"
    Limit buy,2023-12-19 15:00:00,IE00B4L5Y983,IWDA,"iShares Core MSCI World UCITS ETF",2.0000000000,82.00,EUR,1.00000,,"EUR",164.00,"EUR",,,,EOF7504196300,,
    Market sell,2023-12-26 14:30:05.104,US17275R1023,CSCO,"Cisco Systems",0.0100000000,50.50,USD,1.10231,0.01,"EUR",0.46,"EUR",,,,EOF7802023054,,
    Dividend (Dividend),2023-12-27 12:05:25,US17275R1023,CSCO,"Cisco Systems",1.5000000000,0.39,USD,Not available,,,0.45,"EUR",0.09,USD,,,,
    Dividend (Ordinary),2024-01-10 09:00:00,IE00B4L5Y983,IWDA,"iShares Core MSCI World UCITS ETF",2.0000000000,0.50,EUR,Not available,,,1.00,"EUR",,,,,,
    Interest on cash,2023-12-31 22:06:41.36,,,,,,,,,,0.02,"EUR",,,"Interest on cash",8ffba791-cfc3-4002-b65d-bd63cf483d9d,,
    Currency conversion,2024-01-02 10:00:00,,,,,,,,,,5.00,"EUR",,,,c0a1,,
    Withdrawal,2024-01-05 10:00:00,,,,,,,,,,-10.00,"EUR",,,"Sent to bank",w1,,
    """)  # fmt: skip


def test_trading212_preset() -> None:
    statement = parse(TRADING212, preset="trading212")
    assert statement.errors == []
    assert kinds(statement) == [
        Kind.DEPOSIT,
        Kind.BUY,
        Kind.BUY,
        Kind.SELL,
        Kind.DIVIDEND,
        Kind.DIVIDEND,
        Kind.INTEREST,
        Kind.WITHDRAWAL,
    ]
    deposit, usd_buy, eur_buy, usd_sell, usd_dividend, eur_dividend, interest, withdrawal = (
        p.activity for p in statement.activities
    )
    assert (deposit.amount, deposit.currency, deposit.external_id) == (
        Decimal("31.00"),
        "EUR",
        "30c841b3-068d-44f0-9809-e75638e211cd",
    )
    assert (usd_buy.instrument, usd_buy.quantity, usd_buy.price, usd_buy.currency) == (
        "CSCO",
        Decimal("0.0290530000"),
        Decimal("49.96"),
        "USD",
    )
    assert usd_buy.fee == Decimal("0.0109303")  # the 0.01 EUR conversion fee at 1.09303 USD per EUR
    assert usd_buy.fx_rate == Decimal("0.9148879720")  # 1 / 1.09303, rounded half-even to ten places
    assert (eur_buy.currency, eur_buy.fx_rate, eur_buy.instrument) == ("EUR", None, "IWDA")
    assert usd_sell.quantity == Decimal("0.01")
    # withholding in USD, no rate: recorded gross in USD from the shares and the dividend per share
    assert (usd_dividend.currency, usd_dividend.amount, usd_dividend.tax) == ("USD", Decimal("0.585"), Decimal("0.09"))
    assert (eur_dividend.currency, eur_dividend.amount) == ("EUR", Decimal("1.00"))
    assert (interest.amount, interest.instrument, withdrawal.amount) == (Decimal("0.02"), None, Decimal("10.00"))
    assert statement.cash_currency == "EUR"
    assert [(w.code, w.line) for w in statement.warnings] == [(WarningCode.ENTRY_SKIPPED, 9)]
    assert {i.key for i in statement.instruments} == {"CSCO", "IWDA"}
    assert statement.instrument("IWDA").asset_class.value == "fund"  # type: ignore[union-attr]
    assert parse(TRADING212).activities == statement.activities  # the layout is recognised without the preset


def test_trading212_pence_prices() -> None:
    data = TRADING212.splitlines()[0] + (
        b"\nMarket buy,2024-01-05 10:00:00,GB00B03MLX29,SHEL,Shell,2.0000000000,2500.50,GBX,0.86,,EUR,58.15,EUR,,,,"
        b"EOF1,,\n"
    )
    (bought,) = parse(data, preset="trading212").activities
    assert (bought.activity.currency, bought.activity.price) == ("GBP", Decimal("25.0050"))
    assert bought.activity.fx_rate == Decimal("1.1627906977")  # the total says the rate is GBP per EUR


DEGIRO = text_bytes("""
    Date,Time,Product,ISIN,Reference,Venue,Quantity,Price,,Local value,,Value,,Exchange rate,Transaction and/or third,,Total,,Order ID
    15-03-2025,09:15,APPLE INC,US0378331005,NDQ,XNAS,10,175.50,USD,-1755.00,USD,-1616.77,EUR,1.0855,-1.00,EUR,-1617.77,EUR,aaa-111
    15-03-2025,09:15,APPLE INC,US0378331005,NDQ,XNAS,5,175.50,USD,-877.50,USD,-808.38,EUR,1.0855,,,-808.38,EUR,aaa-111
    20-09-2025,14:30,APPLE INC,US0378331005,NDQ,XNAS,-15,195.00,USD,2925.00,USD,2694.61,EUR,1.0855,-1.00,EUR,2693.61,EUR,bbb-222
    01-06-2025,10:00,VANGUARD FTSE ALL-WORLD,IE00BK5BQT80,XET,XETA,5,110.25,EUR,-551.25,EUR,-551.25,EUR,,-2.50,EUR,-553.75,EUR,ccc-333
    """)  # fmt: skip


def test_degiro_preset() -> None:
    statement = parse(DEGIRO, preset="degiro")
    assert statement.errors == []
    assert statement.warnings == []
    assert kinds(statement) == [Kind.BUY, Kind.BUY, Kind.SELL, Kind.BUY]
    first, _partial, sold, etf = (p.activity for p in statement.activities)
    assert (first.instrument, first.quantity, first.price, first.currency) == (
        "US0378331005",
        10,
        Decimal("175.50"),
        "USD",
    )
    assert first.fee == Decimal("1.0855")  # 1.00 EUR in USD at the row's 1.0855 USD per EUR
    assert first.fx_rate == Decimal("0.9212344542")
    assert (sold.quantity, sold.fee) == (15, Decimal("1.0855"))
    assert (etf.currency, etf.fee, etf.fx_rate) == ("EUR", Decimal("2.50"), None)
    assert first.date == date(2025, 3, 15)
    # two fills of one order share its id and still get two fingerprints
    prints = [p.fingerprint for p in statement.activities]
    assert prints[1] == prints[0] + ":2"
    assert statement.instrument("US0378331005").name == "APPLE INC"  # type: ignore[union-attr]
    assert statement.net_units() == {"US0378331005": 0, "IE00BK5BQT80": 5}


def test_degiro_layout_in_another_language_and_with_decimal_commas() -> None:
    dutch = text_bytes("""
        Datum,Tijd,Product,ISIN,Beurs,Uitvoeringsplaats,Aantal,Koers,,Lokale waarde,,Waarde,,Wisselkoers,Transactiekosten en/of,,Totaal,,Order ID
        01-06-2025,10:00,VANGUARD FTSE ALL-WORLD,IE00BK5BQT80,XET,XETA,5,"110,25",EUR,"-551,25",EUR,"-551,25",EUR,,"-2,50",EUR,"-553,75",EUR,ccc-333
        """)  # fmt: skip
    statement = parse(dutch)
    (bought,) = statement.activities
    assert (bought.activity.price, bought.activity.fee) == (Decimal("110.25"), Decimal("2.50"))


def test_a_preset_refuses_a_file_of_another_layout() -> None:
    with pytest.raises(StatementError) as caught:
        parse(ENGLISH, preset="degiro")
    assert caught.value.code == ErrorCode.INVALID_MAPPING
    assert "DEGIRO" in str(caught.value)
    with pytest.raises(StatementError) as wrong:
        parse(ENGLISH, preset="trading212")
    assert wrong.value.code == ErrorCode.INVALID_MAPPING


def test_presets_cite_their_source() -> None:
    assert set(PRESETS) == {"trading212", "degiro"}
    assert all("github.com" in preset.source for preset in PRESETS.values())


def test_degiro_layout_is_recognised_by_position_whatever_the_language() -> None:
    spanish = text_bytes("""
        Fecha,Hora,Producto,ISIN,Bolsa de,Centro de ejecución,Cantidad,Precio,,Valor local,,Valor,,Tipo de cambio,Costes de transacción,,Total,,ID Orden
        15-03-2025,09:15,APPLE INC,US0378331005,NDQ,XNAS,-2,"195,00",USD,"390,00",USD,"359,28",EUR,"1,0855","-1,00",EUR,"358,28",EUR,zzz-9
        """)  # fmt: skip
    assert CSV.sniff(spanish, "Transactions.csv")
    (sold,) = parse(spanish).activities
    assert (sold.activity.kind, sold.activity.quantity, sold.activity.price) == (Kind.SELL, 2, Decimal("195.00"))


def test_an_ignored_row_is_left_out_whatever_its_other_cells_hold() -> None:
    data = TRADING212.replace(b"Currency conversion,2024-01-02 10:00:00,", b"Currency conversion,not a date,")
    statement = parse(data, preset="trading212")
    assert statement.errors == []
    assert [w.line for w in statement.warnings] == [9]
