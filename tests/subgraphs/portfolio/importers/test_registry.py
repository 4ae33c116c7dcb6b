"""The investment formats are entry-point plugins: the built-in ones as installed, a third party's the same way;
the registry picks one by name or by sniffing and turns every failure into a ``StatementError``."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint

import pytest

from subgraphs.budget.importers.errors import ErrorCode, StatementError
from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.importers import (
    InvestmentImporter,
    ParsedStatement,
    ParseOptions,
    available_importers,
    detect,
    get_importer,
    parse_investment_statement,
)
from subgraphs.portfolio.importers.base import ENTRY_POINT_GROUP
from subgraphs.portfolio.importers.registry import InvestmentImporterRegistry
from tests.subgraphs.portfolio.importers.support import kinds, ofx_statement, text_bytes

HERE = "tests.subgraphs.portfolio.importers.test_registry"

OFX_FILE = ofx_statement(
    "<INVBANKTRAN><STMTTRN><TRNTYPE>DEP</TRNTYPE><DTPOSTED>20240201</DTPOSTED><TRNAMT>500</TRNAMT>"
    "<FITID>D1</FITID></STMTTRN><SUBACCTFUND>CASH</SUBACCTFUND></INVBANKTRAN>"
)
CSV_FILE = text_bytes("""
    Date,Action,Symbol,Quantity,Price,Currency
    2024-01-15,Buy,VWRL,3,101.50,EUR
    """)


class FakeImporter:
    """What a third-party broker format looks like."""

    name = "fake"
    label = "Fake Broker"

    def sniff(self, data: bytes, filename: str | None) -> bool:
        return data.startswith(b"FAKEBROKER")

    def parse(self, data: bytes, *, options: ParseOptions) -> ParsedStatement:
        return ParsedStatement(format=self.name, cash_currency=options.currency)


class CrashingImporter(FakeImporter):
    name = "crashing"

    def sniff(self, data: bytes, filename: str | None) -> bool:
        raise RuntimeError("sniff bug")

    def parse(self, data: bytes, *, options: ParseOptions) -> ParsedStatement:
        raise KeyError("parse bug")


class OfxImpostor(FakeImporter):
    name = "ofx"


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_the_built_in_formats_are_installed_as_entry_points() -> None:
    assert [importer.name for importer in available_importers()] == ["csv", "ofx"]
    assert all(isinstance(importer, InvestmentImporter) for importer in available_importers())
    assert get_importer("ofx").label


def test_detection_picks_the_format_of_the_file() -> None:
    ofx, csv = detect(OFX_FILE, "broker.ofx"), detect(CSV_FILE, "broker.csv")
    assert ofx is not None
    assert ofx.name == "ofx"
    assert csv is not None
    assert csv.name == "csv"
    assert detect(b"%PDF-1.7 not a statement", "statement.pdf") is None


def test_parsing_through_the_registry() -> None:
    assert kinds(parse_investment_statement(OFX_FILE, filename="broker.ofx")) == [Kind.DEPOSIT]
    assert kinds(parse_investment_statement(CSV_FILE)) == [Kind.BUY]
    assert kinds(parse_investment_statement(CSV_FILE, format="csv")) == [Kind.BUY]


@pytest.mark.parametrize(
    ("data", "format", "code"),
    [
        (b"", None, ErrorCode.EMPTY),
        (b"%PDF-1.7", None, ErrorCode.UNKNOWN_FORMAT),
        (CSV_FILE, "qif", ErrorCode.UNKNOWN_FORMAT),
        (CSV_FILE, "ofx", ErrorCode.INVALID_FILE),
    ],
)
def test_failures_are_statement_errors(data: bytes, format: str | None, code: str) -> None:
    with pytest.raises(StatementError) as caught:
        parse_investment_statement(data, format=format)
    assert caught.value.code == code
    assert str(caught.value)


def test_a_third_party_format_is_loaded_and_a_broken_one_left_out(caplog: pytest.LogCaptureFixture) -> None:
    found = [
        entry_point("ofx", "subgraphs.portfolio.importers.format_ofx:OfxInvestmentImporter"),
        entry_point("fake", f"{HERE}:FakeImporter"),
        entry_point("crashing", f"{HERE}:CrashingImporter"),
        entry_point("missing", f"{HERE}:NoSuchImporter"),
        entry_point("wrongname", f"{HERE}:FakeImporter"),
        entry_point("ofx", f"{HERE}:OfxImpostor"),
    ]
    with caplog.at_level(logging.ERROR, logger="subgraphs.portfolio.importers.registry"):
        registry = InvestmentImporterRegistry.from_entry_points(found)
    assert registry.names() == ("crashing", "fake", "ofx")
    assert type(registry.get("ofx")).__name__ == "OfxInvestmentImporter"
    assert any("missing" in record.getMessage() for record in caplog.records)
    fake = registry.parse(b"FAKEBROKER 1", options=ParseOptions(currency="EUR"))
    assert (fake.format, fake.cash_currency) == ("fake", "EUR")
    with caplog.at_level(logging.ERROR, logger="subgraphs.portfolio.importers.registry"):
        assert registry.detect(OFX_FILE) is registry.get("ofx")  # the crashing sniffer counts as a no
        with pytest.raises(StatementError) as caught:
            registry.parse(b"anything", format="crashing")
    assert caught.value.code == ErrorCode.IMPORTER_FAILED


def test_two_importers_cannot_share_a_name() -> None:
    with pytest.raises(ValueError, match="fake"):
        InvestmentImporterRegistry([FakeImporter(), FakeImporter()])
