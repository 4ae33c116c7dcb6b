"""The formats are entry-point plugins: the built-in ones as installed, a third party's the same way."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint

import pytest

from subgraphs.budget.importers import (
    Importer,
    ParseOptions,
    Statement,
    StatementAccount,
    StatementError,
    available_formats,
    detect_format,
    get_importer,
    parse_statement,
)
from subgraphs.budget.importers import registry as registry_module
from subgraphs.budget.importers.base import ENTRY_POINT_GROUP
from subgraphs.budget.importers.errors import ErrorCode
from subgraphs.budget.importers.registry import ImporterRegistry
from tests.subgraphs.budget.importers.support import data_file

HERE = "tests.subgraphs.budget.importers.test_registry"


class FakeImporter:
    """What a third-party bank format looks like."""

    name = "fake"
    label = "Fake Bank"

    def detect(self, sample: bytes, *, filename: str | None) -> float:
        return 0.99 if sample.startswith(b"FAKEBANK") else 0.0

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement:
        return Statement(format="whatever", accounts=(StatementAccount(rows=(), account_id=data[8:].decode().strip()),))


class CrashingImporter(FakeImporter):
    name = "crashing"

    def detect(self, sample: bytes, *, filename: str | None) -> float:
        raise RuntimeError("detect bug")

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement:
        raise KeyError("parse bug")


class CsvImpostor(FakeImporter):
    name = "csv"


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_the_built_in_formats_are_registered_as_entry_points() -> None:
    assert [i.name for i in available_formats()] == ["camt053", "csv", "ofx", "qif"]
    assert all(isinstance(i, Importer) for i in available_formats())
    assert get_importer("ofx").label == "OFX / QFX"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("de_girokonto_cp1252.csv", "csv"),
        ("us_checking.csv", "csv"),
        ("fr_compte_utf8_bom.csv", "csv"),
        ("us_checking_jan.qfx", "ofx"),
        ("quicken_us.qif", "qif"),
        ("camt053_v02.xml", "camt053"),
        ("camt053_v08.xml", "camt053"),
    ],
)
def test_each_sample_is_detected_and_parsed(name: str, fmt: str) -> None:
    data = data_file(name)
    assert detect_format(data, filename=name)[0].name == fmt
    assert detect_format(data)[0].name == fmt  # the content decides, the name only helps
    statement = parse_statement(data, filename=name, options=ParseOptions(currency="USD"))
    assert statement.format == fmt
    assert statement.rows


def test_unrecognised_files_ask_for_a_format() -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", filename="photo.png")
    assert caught.value.code == ErrorCode.UNKNOWN_FORMAT
    assert caught.value.candidates == ("camt053", "csv", "ofx", "qif")
    assert "CSV" in str(caught.value)


def test_a_named_format_wins_over_detection() -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(data_file("us_checking.csv"), format="qif", options=ParseOptions(currency="USD"))
    assert caught.value.code == ErrorCode.INVALID_FILE  # read as QIF, as asked
    with pytest.raises(StatementError) as caught:
        parse_statement(b"x", format="mt940")
    assert caught.value.code == ErrorCode.UNKNOWN_FORMAT


def test_empty_and_oversized_files(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(b" \r\n ")
    assert caught.value.code == ErrorCode.EMPTY
    monkeypatch.setattr(registry_module, "MAX_FILE_BYTES", 100)
    with pytest.raises(StatementError) as caught:
        parse_statement(data_file("us_checking.csv"))
    assert caught.value.code == ErrorCode.TOO_LARGE


def test_a_third_party_plugin_is_loaded_and_chosen_by_detection() -> None:
    registry = ImporterRegistry.from_entry_points(
        [
            entry_point("csv", "subgraphs.budget.importers.format_csv:CsvImporter"),
            entry_point("fake", f"{HERE}:FakeImporter"),
        ]
    )
    assert registry.names() == ("csv", "fake")
    statement = registry.parse(b"FAKEBANK 12345\n")
    assert statement.format == "fake"  # a plugin's statement carries its registered name
    assert statement.accounts[0].account_id == "12345"


def test_broken_or_misnamed_plugins_are_left_out_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fincloud.plugins"):
        registry = ImporterRegistry.from_entry_points(
            [
                entry_point("csv", f"{HERE}:CsvImpostor"),
                entry_point("csv", "subgraphs.budget.importers.format_csv:CsvImporter"),
                entry_point("broken", f"{HERE}_missing:Nothing"),
                entry_point("other", f"{HERE}:FakeImporter"),
                entry_point("fake", f"{HERE}:FakeImporter"),
            ]
        )
    assert registry.names() == ("csv", "fake")
    assert type(registry.get("csv")).__name__ == "CsvImporter"  # a plugin cannot take a built-in's name
    logged = caplog.text
    assert "'broken'" in logged
    assert "'other'" in logged
    assert "'csv'" in logged
    assert "is shadowed by subgraphs.budget.importers.format_csv:CsvImporter" in logged


def test_an_importer_bug_reaches_the_user_as_a_clear_error(caplog: pytest.LogCaptureFixture) -> None:
    registry = ImporterRegistry([CrashingImporter(), FakeImporter()])
    with caplog.at_level(logging.ERROR, logger="subgraphs.budget.importers.registry"):
        assert registry.detect(b"FAKEBANK 1")[0].name == "fake"  # a failing detect counts as 0
        with pytest.raises(StatementError) as caught:
            registry.parse(b"anything", format="crashing")
    assert caught.value.code == ErrorCode.IMPORTER_FAILED
    assert isinstance(caught.value.__cause__, KeyError)
    assert "parse bug" in caplog.text


def test_two_importers_cannot_share_a_name() -> None:
    with pytest.raises(ValueError, match="two import formats"):
        ImporterRegistry([FakeImporter(), FakeImporter()])
