"""Import keys make re-imports idempotent; fuzzy matching finds the same transaction across formats without
ever merging a genuine repeat."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from subgraphs.budget.importers import ParseOptions, StatementRow, parse_statement
from subgraphs.budget.importers.identity import (
    Fingerprint,
    MatchStatus,
    account_namespace,
    classify_rows,
    fuzzy_fingerprint,
    import_keys,
    normalise_text,
    payee_similarity,
)
from tests.subgraphs.budget.importers.support import data_file

ACCOUNT = "3f2b1c9e-ledger-account"


def make_row(
    day: int, amount: str, payee: str | None, *, memo: str | None = None, ref: str | None = None
) -> StatementRow:
    return StatementRow(
        line=day,
        record=day,
        booking_date=date(2024, 1, 1) + timedelta(days=day - 1),
        amount=Decimal(amount),
        currency="EUR",
        payee=payee,
        memo=memo,
        reference=ref,
    )


def prints(rows: tuple[StatementRow, ...] | list[StatementRow], source: str) -> list[Fingerprint]:
    return [fuzzy_fingerprint(row, source=source) for row in rows]


def test_the_same_file_twice_gives_the_same_keys() -> None:
    for name, options in (
        ("de_girokonto_cp1252.csv", ParseOptions()),
        ("us_checking_jan.qfx", ParseOptions()),
        ("quicken_us.qif", ParseOptions(currency="USD")),
        ("camt053_v02.xml", ParseOptions()),
    ):
        first = parse_statement(data_file(name), filename=name, options=options)
        again = parse_statement(data_file(name), filename=name, options=options)
        keys = import_keys(first.rows, namespace=ACCOUNT)
        assert keys == import_keys(again.rows, namespace=ACCOUNT)
        assert len(set(keys)) == len(keys), name


def test_two_identical_coffees_stay_two() -> None:
    statement = parse_statement(data_file("de_girokonto_cp1252.csv"))
    first, second = statement.rows[:2]
    assert (first.booking_date, first.amount, first.payee, first.memo) == (
        second.booking_date,
        second.amount,
        second.payee,
        second.memo,
    )
    key1, key2 = import_keys(statement.rows[:2], namespace=ACCOUNT)
    assert key1 != key2
    assert key1.startswith("h1:")
    assert key1.endswith(":1")
    assert key2.endswith(":2")
    assert key1.rsplit(":", 1)[0] == key2.rsplit(":", 1)[0]


def test_overlapping_statements_share_keys_for_shared_days() -> None:
    ledger = [
        make_row(3, "-3.40", "Bäckerei", memo="Karte 4711 0815 2024-01-03 07:55"),
        make_row(12, "-3.40", "Bäckerei"),
        make_row(12, "-3.40", "Bäckerei"),  # the second coffee of the day
        make_row(15, "-62.00", "Stadtwerke"),
        make_row(20, "-3.40", "Bäckerei"),
        make_row(28, "2450.00", "Arbeitgeber"),
    ]
    january_1_to_20 = [r for r in ledger if r.booking_date <= date(2024, 1, 20)]
    january_10_to_31 = [r for r in ledger if r.booking_date >= date(2024, 1, 10)]
    early = import_keys(january_1_to_20, namespace=ACCOUNT)
    late = import_keys(january_10_to_31, namespace=ACCOUNT)
    shared = [r for r in ledger if date(2024, 1, 10) <= r.booking_date <= date(2024, 1, 20)]
    assert early[1:] == late[: len(shared)]
    assert len(set(early) | set(late)) == len(ledger)  # the union is every transaction exactly once


def test_keys_ignore_what_varies_between_exports() -> None:
    a = make_row(3, "-6.60", "REWE Markt GmbH", memo="Karte 4711 0815 Terminal 99812345")
    b = make_row(3, "-6.6", "rewe markt  gmbh.", memo="KARTE 4711 0815 TERMINAL 99812399")
    assert import_keys([a], namespace=ACCOUNT) == import_keys([b], namespace=ACCOUNT)
    other_day = make_row(4, "-6.60", "REWE Markt GmbH", memo="Karte 4711 0815 Terminal 99812345")
    assert import_keys([a], namespace=ACCOUNT) != import_keys([other_day], namespace=ACCOUNT)


def test_reference_keys_are_namespaced_and_repeats_kept_apart() -> None:
    row = make_row(2, "-4.75", "Coffee", ref="202401020001")
    (key,) = import_keys([row], namespace=ACCOUNT)
    assert key.startswith("r1:")
    # the reference is the identity: other text on a re-export does not change the key
    assert import_keys([dataclasses.replace(row, payee="COFFEE #12")], namespace=ACCOUNT) == (key,)
    assert import_keys([row], namespace="another-account") != (key,)
    repeated = import_keys([row, make_row(5, "-9.00", "Other", ref="202401020001")], namespace=ACCOUNT)
    assert repeated == (key, f"{key}:2")


def test_account_namespace_from_the_statement() -> None:
    (account,) = parse_statement(data_file("us_checking_jan.qfx")).accounts
    assert account_namespace(account) == "021000021/000123456789"
    (camt,) = parse_statement(data_file("camt053_v02.xml")).accounts
    assert account_namespace(camt) == "DE89370400440532013000"


def test_normalise_text() -> None:
    assert normalise_text("REWE Markt GmbH, Karte 4711 0815") == "rewe markt gmbh karte"
    assert normalise_text("  Bäckerei   Größer  ") == "backerei grosser"
    assert normalise_text("MCDONALD'S #112") == "mcdonald s 112"
    assert normalise_text(None) == ""


def test_csv_then_ofx_of_the_same_month() -> None:
    csv = parse_statement(data_file("us_checking.csv"), options=ParseOptions(currency="USD"))
    ofx = parse_statement(data_file("us_checking_jan.qfx"))
    results = classify_rows(existing=prints(csv.rows, "csv"), incoming=prints(ofx.rows, "ofx"))
    assert [(r.status, r.existing) for r in results] == [
        (MatchStatus.DUPLICATE, 0),  # coffee on the 2nd
        (MatchStatus.DUPLICATE, 1),  # the 2nd's second coffee, posted on the 3rd
        (MatchStatus.DUPLICATE, 2),  # check 1042, posted a day later
        (MatchStatus.DUPLICATE, 3),  # "ACME CORP" + memo "PAYROLL ..." vs "ACME CORP PAYROLL"
        (MatchStatus.NEW, None),  # the same 4.75 at another payee (Shell) is not a coffee
        (MatchStatus.DUPLICATE, 4),  # Amazon, a day later
        (MatchStatus.DUPLICATE, 5),  # coffee on the 23rd
        (MatchStatus.NEW, None),  # the same coffee a week later is a genuine repeat
    ]
    assert {r.reason for r in results if r.status is MatchStatus.DUPLICATE} == {"likely_duplicate"}
    assert all(r.similarity is not None and r.similarity >= 0.6 for r in results if r.existing is not None)


def test_the_same_ofx_again_is_a_duplicate_by_reference() -> None:
    ofx = parse_statement(data_file("us_checking_jan.qfx"))
    results = classify_rows(existing=prints(ofx.rows, "ofx"), incoming=prints(ofx.rows, "ofx"))
    assert [(r.status, r.existing, r.reason) for r in results] == [
        (MatchStatus.DUPLICATE, i, "same_reference") for i in range(len(ofx.rows))
    ]


def test_same_reference_with_other_figures_is_a_conflict() -> None:
    old = make_row(2, "-4.75", "Coffee", ref="A1")
    results = classify_rows(
        existing=prints([old], "ofx"),
        incoming=prints(
            [dataclasses.replace(old, amount=Decimal("-47.50")), make_row(3, "-4.75", "Coffee", ref="A1")], "ofx"
        ),
    )
    assert [(r.status, r.reason) for r in results] == [
        (MatchStatus.CONFLICT, "reference_mismatch"),
        (MatchStatus.NEW, "no_match"),  # the one existing row is already taken by the conflict
    ]


def test_different_references_from_one_bank_are_never_merged() -> None:
    existing = prints([make_row(2, "-4.75", "Coffee", ref="A1")], "ofx")
    incoming = prints([make_row(3, "-4.75", "Coffee", ref="A2")], "ofx")
    assert classify_rows(existing=existing, incoming=incoming)[0].status is MatchStatus.NEW
    # from another format the references are not comparable, and the rows look like one transaction
    assert (
        classify_rows(existing=existing, incoming=prints([make_row(3, "-4.75", "Coffee", ref="X9")], "camt053"))[
            0
        ].status
        is MatchStatus.DUPLICATE
    )


def test_a_third_coffee_is_new_when_two_were_there() -> None:
    existing = prints([make_row(2, "-3.40", "Bakery"), make_row(2, "-3.40", "Bakery")], "csv")
    incoming = prints(
        [make_row(2, "-3.40", "BAKERY"), make_row(2, "-3.40", "BAKERY"), make_row(2, "-3.40", "BAKERY")], "ofx"
    )
    assert [r.status for r in classify_rows(existing=existing, incoming=incoming)] == [
        MatchStatus.DUPLICATE,
        MatchStatus.DUPLICATE,
        MatchStatus.NEW,
    ]


def test_rows_without_text_match_only_on_the_same_day() -> None:
    existing = prints([make_row(2, "-20.00", None)], "csv")
    assert (
        classify_rows(existing=existing, incoming=prints([make_row(2, "-20.00", None)], "qif"))[0].status
        is MatchStatus.DUPLICATE
    )
    assert (
        classify_rows(existing=existing, incoming=prints([make_row(3, "-20.00", None)], "qif"))[0].status
        is MatchStatus.NEW
    )


def test_the_window_and_the_currency_bound_a_match() -> None:
    existing = prints([make_row(10, "-50.00", "Grocer")], "csv")
    assert (
        classify_rows(existing=existing, incoming=prints([make_row(13, "-50.00", "Grocer")], "ofx"))[0].status
        is MatchStatus.DUPLICATE
    )
    assert (
        classify_rows(existing=existing, incoming=prints([make_row(14, "-50.00", "Grocer")], "ofx"))[0].status
        is MatchStatus.NEW
    )
    in_dollars = dataclasses.replace(make_row(10, "-50.00", "Grocer"), currency="USD")
    assert classify_rows(existing=existing, incoming=prints([in_dollars], "ofx"))[0].status is MatchStatus.NEW


def test_the_same_amount_at_another_payee_the_same_day_is_new() -> None:
    existing = prints([make_row(10, "-4.75", "STARBUCKS STORE #1234", memo="SEATTLE WA")], "csv")
    incoming = prints([make_row(10, "-4.75", "SHELL OIL 57442", memo="CAR WASH")], "ofx")
    (result,) = classify_rows(existing=existing, incoming=incoming)
    assert result.status is MatchStatus.NEW


def test_payee_similarity_bounds() -> None:
    def similarity(a: str, b: str) -> float:
        value = payee_similarity(fuzzy_fingerprint(make_row(1, "-1", a)), fuzzy_fingerprint(make_row(1, "-1", b)))
        assert value is not None
        return value

    assert similarity("Amazon Marketplace", "AMAZON MKTPLACE PMTS") >= 0.6
    assert similarity("REWE Markt GmbH", "REWE SAGT DANKE 4711") >= 0.6
    assert similarity("Stadtwerke München", "STADTWERKE MUENCHEN") >= 0.6
    assert similarity("Lidl", "Aldi") < 0.6
    assert similarity("Netflix", "Spotify") < 0.6
    assert similarity("Edeka", "Rewe") < 0.6
