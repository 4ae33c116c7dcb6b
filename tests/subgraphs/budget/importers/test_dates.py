"""Date formats come from a whole column; one that two formats read differently is reported, not guessed."""

from __future__ import annotations

from datetime import date

import pytest

from subgraphs.budget.importers._dates import canonical_date_format, detect_date_format, parse_date


@pytest.mark.parametrize(
    ("values", "chosen"),
    [
        (["2024-01-02", "2024-12-31"], "YYYY-MM-DD"),
        (["02.01.2024", "31.12.2024"], "DD.MM.YYYY"),
        (["02.01.24", "31.12.24"], "DD.MM.YY"),
        (["13/01/2024", "02/01/2024"], "DD/MM/YYYY"),
        (["01/13/2024", "01/02/2024"], "MM/DD/YYYY"),
        (["1/2/24", "1/31/24"], "MM/DD/YY"),
        (["31/1/24", "2/1/24"], "DD/MM/YY"),
        (["20240102", "20241231"], "YYYYMMDD"),
        (["02 Jan 2024", "31 Dec 2024"], "DD MMM YYYY"),
        (["Jan 2, 2024", "Dec 31, 2024"], "MMM DD, YYYY"),
        (["2024-01-02 13:45:00", "2024-01-03T08:00:00+01:00"], "YYYY-MM-DD"),
        (["02.01.2024", "", "  "], "DD.MM.YYYY"),
    ],
)
def test_unambiguous_columns(values: list[str], chosen: str) -> None:
    detection = detect_date_format(values)
    assert detection.chosen == chosen
    assert not detection.ambiguous


def test_day_month_ambiguity_is_reported_with_both_readings() -> None:
    detection = detect_date_format(["01/02/2024", "03/04/2024", "12/11/2024"])
    assert detection.chosen is None
    assert detection.ambiguous
    assert detection.candidates == ("DD/MM/YYYY", "MM/DD/YYYY")


def test_identical_readings_are_not_ambiguous() -> None:
    # 01/01 and 05/05 read the same either way: nothing for the user to choose
    assert detect_date_format(["01/01/2024", "05/05/2024"]).chosen == "DD/MM/YYYY"


def test_text_that_is_no_date_does_not_decide() -> None:
    detection = detect_date_format(["01/02/2024", "03/04/2024", "Closing balance"])
    assert detection.ambiguous
    detection = detect_date_format(["13/02/2024", "Closing balance"])
    assert detection.chosen == "DD/MM/YYYY"


def test_nothing_fits() -> None:
    detection = detect_date_format(["yesterday", "soon"])
    assert (detection.chosen, detection.candidates) == (None, ())


def test_parse_date_checks_the_calendar() -> None:
    assert parse_date("29.02.2024", "DD.MM.YYYY") == date(2024, 2, 29)
    with pytest.raises(ValueError, match=r"not a date in the format DD\.MM\.YYYY"):
        parse_date("29.02.2023", "DD.MM.YYYY")
    with pytest.raises(ValueError, match="YYYYMMDD"):
        parse_date("2024012", "YYYYMMDD")


@pytest.mark.parametrize(
    ("name", "label"),
    [("dd.mm.yyyy", "DD.MM.YYYY"), ("D/M/YY", "DD/MM/YY"), ("ISO", "YYYY-MM-DD"), ("%m/%d/%Y", "MM/DD/YYYY")],
)
def test_format_names(name: str, label: str) -> None:
    assert canonical_date_format(name) == label


def test_unknown_format_name() -> None:
    with pytest.raises(ValueError, match="unknown date format"):
        canonical_date_format("%Q")
