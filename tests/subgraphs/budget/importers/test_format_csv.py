"""CSV exports of several banks' layouts, the mapping profile, the preview, and row errors."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from subgraphs.budget.importers import ParseOptions, Statement, StatementError
from subgraphs.budget.importers.errors import ErrorCode
from subgraphs.budget.importers.format_csv import CsvImporter, CsvMapping, preview_csv, read_csv
from tests.subgraphs.budget.importers.support import data_file, text_bytes

CSV = CsvImporter()


def parse(data: bytes, mapping: CsvMapping | None = None, **options: object) -> Statement:
    profile = mapping.to_json() if mapping is not None else None
    return CSV.parse(data, options=ParseOptions(profile=profile, **options))  # type: ignore[arg-type]


def test_german_girokonto_cp1252_semicolons_soll_haben() -> None:
    statement = parse(data_file("de_girokonto_cp1252.csv"))
    (account,) = statement.accounts
    assert statement.encoding == "cp1252"
    assert account.iban == "DE89370400440532013000"  # from the preamble above the table
    assert account.currency == "EUR"
    assert (account.period_start, account.period_end) == (date(2024, 3, 1), date(2024, 3, 28))
    assert [(r.line, r.booking_date, r.value_date, r.amount) for r in account.rows] == [
        (7, date(2024, 3, 1), date(2024, 3, 1), Decimal("-3.40")),
        (8, date(2024, 3, 1), date(2024, 3, 1), Decimal("-3.40")),
        (9, date(2024, 3, 4), date(2024, 3, 4), Decimal("-62.00")),
        (10, date(2024, 3, 15), date(2024, 3, 15), Decimal("2450.00")),
        (11, date(2024, 3, 28), date(2024, 3, 29), Decimal("-1150.00")),
    ]
    rent = account.rows[4]
    assert rent.payee == "Hausverwaltung Schäfer"
    assert rent.memo == "Dauerauftrag | Miete März"
    assert rent.raw_fields["Auftraggeber/Empfänger"] == "Hausverwaltung Schäfer"
    assert account.rows[0].payee == "Bäckerei Größer"
    # the "Kontostand am 31.03.2024" line after the blank line is a footer, not a bad row
    assert [w.line for w in statement.warnings] == [13]


def test_us_checking_parentheses_and_dollars() -> None:
    data = data_file("us_checking.csv")
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert caught.value.code == ErrorCode.CURRENCY_REQUIRED
    statement = parse(data, currency="USD")
    rows = statement.rows
    assert [(r.booking_date, r.amount) for r in rows] == [
        (date(2024, 1, 2), Decimal("-4.75")),
        (date(2024, 1, 2), Decimal("-4.75")),
        (date(2024, 1, 3), Decimal("-150.00")),
        (date(2024, 1, 15), Decimal("2500.00")),
        (date(2024, 1, 16), Decimal("-1234.56")),
        (date(2024, 1, 23), Decimal("-4.75")),
    ]
    assert rows[0].payee == "STARBUCKS STORE #1234 SEATTLE WA"  # no payee column: the description is the payee
    assert rows[2].check_number == "1042"
    assert {r.currency for r in rows} == {"USD"}
    assert rows[4].raw_fields["Balance"] == "$3,105.94"


def test_french_utf8_bom_debit_credit_with_space_thousands() -> None:
    statement = parse(data_file("fr_compte_utf8_bom.csv"), currency="EUR")
    assert statement.encoding == "utf-8-sig"
    assert [(r.booking_date, r.value_date, r.amount, r.payee) for r in statement.rows] == [
        (date(2024, 2, 5), date(2024, 2, 5), Decimal("-4.50"), "CB CAFÉ DE LA GARE 04/02"),
        (date(2024, 2, 7), date(2024, 2, 7), Decimal("-62.10"), "PRLV SEPA EDF ÉLECTRICITÉ"),
        (date(2024, 2, 13), date(2024, 2, 13), Decimal("2300.00"), "VIR SEPA EMPLOYEUR SARL SALAIRE FÉVRIER"),
        (date(2024, 2, 20), date(2024, 2, 21), Decimal("-18.90"), "CB LIBRAIRIE À LA PAGE"),
    ]


def test_dutch_af_bij_direction_column() -> None:
    data = text_bytes(
        """
        "Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","Mutatiesoort","Mededelingen"
        "20240102","Albert Heijn 1403","NL91ABNA0417164300","","BA","Af","23,45","Betaalautomaat","Pasvolgnr: 001"
        "20240125","Werkgever BV","NL91ABNA0417164300","NL69INGB0123456789","GT","Bij","3.100,00","Overschrijving","Salaris januari"
        """
    )
    statement = parse(data)
    assert [(r.booking_date, r.amount, r.currency, r.payee) for r in statement.rows] == [
        (date(2024, 1, 2), Decimal("-23.45"), "EUR", "Albert Heijn 1403"),  # EUR from the header "Bedrag (EUR)"
        (date(2024, 1, 25), Decimal("3100.00"), "EUR", "Werkgever BV"),
    ]
    assert statement.rows[1].memo == "Salaris januari"


def test_spanish_headers_with_a_currency_column() -> None:
    data = text_bytes(
        """
        Fecha operación;Fecha valor;Concepto;Importe;Divisa
        02/01/2024;02/01/2024;Mercadona;-45,20;EUR
        28/01/2024;29/01/2024;Nómina enero;1.850,00;EUR
        """
    )
    statement = parse(data)
    assert [(r.amount, r.memo, r.payee, r.currency) for r in statement.rows] == [
        (Decimal("-45.20"), None, "Mercadona", "EUR"),
        (Decimal("1850.00"), None, "Nómina enero", "EUR"),
    ]


@pytest.mark.parametrize("delimiter", ["\t", "|", ",", ";"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    lines = ["Date|Payee|Amount", "2024-01-02|Coffee|-3.50", "2024-01-03|Salary|1500.00"]
    data = "\n".join(line.replace("|", delimiter) for line in lines).encode()
    statement = parse(data, currency="EUR")
    assert [(r.payee, r.amount) for r in statement.rows] == [
        ("Coffee", Decimal("-3.50")),
        ("Salary", Decimal("1500.00")),
    ]


def test_utf16_with_bom() -> None:
    data = "Date\tPayee\tAmount\n2024-01-02\tCafé Zürich\t-4.50\n".encode("utf-16")
    statement = parse(data, currency="CHF")
    assert statement.encoding == "utf-16"
    assert statement.rows[0].payee == "Café Zürich"


def test_ambiguous_dates_ask_the_user() -> None:
    data = text_bytes(
        """
        Date,Payee,Amount
        01/02/2024,Coffee,-3.50
        03/04/2024,Books,-12.00
        """
    )
    with pytest.raises(StatementError) as caught:
        parse(data, currency="GBP")
    assert caught.value.code == ErrorCode.AMBIGUOUS_DATE_FORMAT
    assert caught.value.candidates == ("DD/MM/YYYY", "MM/DD/YYYY")
    british = parse(data, currency="GBP", date_format="DD/MM/YYYY")
    assert [r.booking_date for r in british.rows] == [date(2024, 2, 1), date(2024, 4, 3)]
    american = parse(
        data, CsvMapping(date="Date", amount="Amount", payee="Payee", date_format="M/D/YYYY"), currency="USD"
    )
    assert [r.booking_date for r in american.rows] == [date(2024, 1, 2), date(2024, 3, 4)]


def test_every_bad_row_is_reported_with_its_line() -> None:
    data = text_bytes(
        """
        Date;Payee;Amount
        02.01.2024;Bakery;-3,40
        31.02.2024;Impossible day;-1,00
        03.01.2024;Books;-12,00
        04.01.2024;Typo;-1O,00
        ;No date;-2,00
        05.01.2024;Fine;-5,00
        """
    )
    with pytest.raises(StatementError) as caught:
        parse(data, currency="EUR")
    error = caught.value
    assert error.code == ErrorCode.INVALID_ROWS
    assert [(i.line, i.field) for i in error.issues] == [(3, "Date"), (5, "Amount"), (6, "Date")]
    assert "'31.02.2024' is not a date in the format DD.MM.YYYY" in error.issues[0].message
    assert "'-1O,00' is not an amount" in error.issues[1].message
    assert str(error).startswith("3 problems found, nothing was imported: line 3, Date:")
    skipped = parse(data, currency="EUR", skip_invalid_rows=True)
    assert [r.payee for r in skipped.rows] == ["Bakery", "Books", "Fine"]
    assert [i.line for i in skipped.skipped] == [3, 5, 6]


def test_errors_are_capped_but_counted_as_more() -> None:
    lines = ["Date,Payee,Amount"] + [f"2024-01-{d:02d},Shop,oops" for d in range(1, 21)]
    with pytest.raises(StatementError) as caught:
        parse("\n".join(lines).encode(), currency="EUR", max_errors=5)
    assert len(caught.value.issues) == 5
    assert caught.value.truncated
    assert "5+ problems" in str(caught.value)


def test_debit_and_credit_both_filled_is_an_error() -> None:
    data = text_bytes(
        """
        Buchungstag;Empfänger;Soll;Haben
        02.01.2024;Bäckerei;3,40;1,00
        03.01.2024;Nobody;;
        04.01.2024;Zero;0,00;
        """
    )
    with pytest.raises(StatementError) as caught:
        parse(data, currency="EUR")
    assert [(i.line, i.message) for i in caught.value.issues] == [
        (2, "both the debit and the credit column hold an amount"),
        (3, "both the debit and the credit column are empty"),
    ]


def test_mapping_json_round_trip() -> None:
    mapping = CsvMapping(
        date="Buchungstag",
        debit="Soll",
        credit=6,
        payee="Auftraggeber/Empfänger",
        memo=("Buchungstext", "Verwendungszweck"),
        value_date="Valuta",
        date_format="dd.mm.yyyy",
        decimal_separator=",",
        encoding="cp1252",
        delimiter=";",
        skip_rows=5,
        negate=False,
    )
    saved = json.loads(json.dumps(mapping.to_json()))
    assert saved["version"] == 1
    assert saved["memo"] == ["Buchungstext", "Verwendungszweck"]
    assert saved["date_format"] == "DD.MM.YYYY"
    assert CsvMapping.from_json(saved) == mapping


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "Betrag"}, "date column is required"),
        ({"date": "Datum"}, "amount column"),
        ({"date": "Datum", "amount": "Betrag", "debit": "Soll"}, "not both"),
        ({"date": "Datum", "amount": "Betrag", "colour": "blue"}, "unknown key"),
        ({"date": "Datum", "amount": 1.5}, "header name or a 0-based number"),
        ({"date": "Datum", "amount": -1}, "start at 0"),
        ({"date": "Datum", "amount": "Betrag", "decimal_separator": "x"}, "decimal separator"),
        ({"date": "Datum", "amount": "Betrag", "date_format": "sometime"}, "unknown date format"),
        ({"date": "Datum", "amount": "Betrag", "version": 9}, "unsupported version"),
        ({"date": "Datum", "debit": "Soll", "direction": "S/H"}, "direction column goes with an amount"),
    ],
)
def test_bad_mappings_are_refused_clearly(data: dict[str, object], message: str) -> None:
    with pytest.raises(StatementError, match=message) as caught:
        CsvMapping.from_json(data)
    assert caught.value.code == ErrorCode.INVALID_MAPPING


def test_a_mapping_naming_a_missing_column_lists_the_files_columns() -> None:
    mapping = CsvMapping(date="Date", amount="Betrag")
    with pytest.raises(StatementError) as caught:
        parse(data_file("us_checking.csv"), mapping, currency="USD")
    assert caught.value.code == ErrorCode.INVALID_MAPPING
    assert "amount ('Betrag')" in str(caught.value)
    assert "'Check Number'" in str(caught.value)


def test_headerless_file_by_column_numbers_and_negated_card_amounts() -> None:
    data = text_bytes(
        """
        2024-01-05,NETFLIX.COM,15.99
        2024-01-09,PAYMENT THANK YOU,-200.00
        """
    )
    mapping = CsvMapping(date=0, payee=1, amount=2, has_header=False, negate=True)
    statement = parse(data, mapping, currency="USD")
    assert [(r.line, r.payee, r.amount) for r in statement.rows] == [
        (1, "NETFLIX.COM", Decimal("-15.99")),
        (2, "PAYMENT THANK YOU", Decimal("200.00")),
    ]
    assert statement.rows[0].raw == (("Column 1", "2024-01-05"), ("Column 2", "NETFLIX.COM"), ("Column 3", "15.99"))


def test_headerless_file_gets_a_proposal_from_its_contents() -> None:
    data = text_bytes(
        """
        02.01.2024;02.01.2024;REWE SAGT DANKE;-23,45
        05.01.2024;05.01.2024;Gehalt Januar;2.300,00
        """
    )
    preview = preview_csv(data)
    assert preview.header_line is None
    assert preview.mapping is not None
    assert (preview.mapping.date, preview.mapping.value_date, preview.mapping.payee, preview.mapping.amount) == (
        0,
        1,
        2,
        3,
    )
    statement = parse(data, preview.mapping, currency="EUR")
    assert [r.amount for r in statement.rows] == [Decimal("-23.45"), Decimal("2300.00")]


def test_skip_rows_overrides_header_detection() -> None:
    data = text_bytes(
        """
        Export of account 12345
        generated 2024-02-01
        When,Who,How much
        2024-01-31,Landlord,-900.00
        """
    )
    mapping = CsvMapping(date="When", payee="Who", amount="How much", skip_rows=2)
    assert [r.line for r in parse(data, mapping, currency="EUR").rows] == [4]


def test_preview_proposes_a_mapping_the_ui_can_save() -> None:
    preview = preview_csv(data_file("de_girokonto_cp1252.csv"), rows=2)
    assert (preview.encoding, preview.delimiter, preview.header_line) == ("cp1252", ";", 6)
    assert preview.headers[:3] == ("Buchungstag", "Valuta", "Auftraggeber/Empfänger")
    assert [line for line, _cells in preview.rows] == [7, 8]
    assert preview.rows[0][1][2] == "Bäckerei Größer"
    assert preview.iban == "DE89370400440532013000"
    assert preview.date_formats == ("DD.MM.YYYY",)
    assert preview.decimal_separator == ","
    assert preview.mapping == CsvMapping(
        date="Buchungstag",
        value_date="Valuta",
        debit="Soll",
        credit="Haben",
        currency="Währung",
        payee="Auftraggeber/Empfänger",
        memo=("Buchungstext", "Verwendungszweck"),
        date_format="DD.MM.YYYY",
        decimal_separator=",",
        delimiter=";",
    )
    assert preview.problems == ()
    assert CsvMapping.from_json(json.loads(json.dumps(preview.mapping.to_json()))) == preview.mapping


def test_preview_leaves_an_ambiguous_date_format_to_the_user() -> None:
    preview = preview_csv(b"Date,Payee,Amount\n01/02/2024,Coffee,-3.50\n")
    assert preview.mapping is not None
    assert preview.mapping.date_format is None
    assert preview.date_formats == ("DD/MM/YYYY", "MM/DD/YYYY")
    assert any("DD/MM/YYYY or MM/DD/YYYY" in p for p in preview.problems)


def test_unrecognised_columns_need_a_mapping() -> None:
    data = b"foo;bar;baz\nx;y;z\nu;v;w\n"
    preview = preview_csv(data)
    assert preview.mapping is None
    assert preview.problems == (
        "no date column recognised",
        "no amount column (or debit and credit columns) recognised",
    )
    with pytest.raises(StatementError) as caught:
        parse(data)
    assert caught.value.code == ErrorCode.MAPPING_REQUIRED


def test_a_quote_left_open_names_its_line() -> None:
    data = b'Date,Payee,Amount\n2024-01-02,"Unclosed,-1.00\n2024-01-03,Fine,-2.00\n'
    with pytest.raises(StatementError) as caught:
        parse(data, currency="EUR")
    assert caught.value.code == ErrorCode.INVALID_FILE
    assert str(caught.value).startswith("line 2: a quote")


def test_detect() -> None:
    assert CSV.detect(data_file("de_girokonto_cp1252.csv"), filename="Umsaetze.csv") >= 0.7
    assert CSV.detect(data_file("us_checking.csv"), filename=None) >= 0.5
    assert CSV.detect(b"OFXHEADER:100\nDATA:OFXSGML\n", filename="x.csv") == 0.0
    assert CSV.detect(b"!Type:Bank\nD1/2'24\n", filename=None) == 0.0
    assert CSV.detect(b"just one line of prose", filename=None) == 0.0
    # A whole small file (it ends with a newline): its last line counts, so a header and one row are a table.
    assert CSV.detect(b"Date,Payee,Amount\n2024-03-01,Bakery,-2.10\n", filename=None) >= 0.5
    # A sample cut mid-line does not count its last, partial line.
    assert CSV.detect(b"Date,Payee,Amount\n2024-03-01,Bak", filename=None) == 0.0


@pytest.mark.parametrize("name", ["de_girokonto_cp1252.csv", "fr_compte_utf8_bom.csv", "us_checking.csv"])
def test_read_csv_is_preview_and_parse_from_one_reading(name: str) -> None:
    data = data_file(name)
    options = ParseOptions(currency="USD")
    preview, statement = read_csv(data, options=options)
    assert preview == preview_csv(data)
    assert statement == CSV.parse(data, options=options)
    # With a mapping given, that mapping reads the file.
    assert preview.mapping is not None
    again, same = read_csv(data, mapping=preview.mapping, options=options)
    assert same == statement
    assert again.mapping == preview.mapping


def test_read_csv_reports_what_stops_the_parse_next_to_the_preview() -> None:
    data = text_bytes(
        """
        When,Who,How much
        01/02/2024,Bakery,-2.10
        """
    )
    preview, outcome = read_csv(data, options=ParseOptions(currency="EUR"))
    assert preview.headers == ("When", "Who", "How much")
    assert isinstance(outcome, StatementError)
    assert outcome.code == ErrorCode.MAPPING_REQUIRED
    mapping = CsvMapping(date="When", payee="Who", amount="How much")
    _preview, ambiguous = read_csv(data, mapping=mapping, options=ParseOptions(currency="EUR"))
    assert isinstance(ambiguous, StatementError)
    assert ambiguous.code == ErrorCode.AMBIGUOUS_DATE_FORMAT
