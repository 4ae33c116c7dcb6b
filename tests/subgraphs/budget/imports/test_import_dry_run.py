"""Reading an uploaded statement again with other settings: the date format, a hand-made column mapping, one of
the file's accounts, another format; bad settings are typed errors that change nothing."""

from __future__ import annotations

from tests.subgraphs.budget.imports.support import Importer, csv_bytes, shared_ofx

HEADER = ["Date", "Payee", "Memo", "Amount"]


async def test_an_ambiguous_date_column_waits_for_the_user(importer: Importer) -> None:
    data = csv_bytes([HEADER, ["01/02/2024", "Bakery", "", "-2.10"], ["03/04/2024", "Grocer", "", "-20.00"]])
    payload = await importer.upload(data)
    assert payload["errors"] == []  # nothing wrong with the file: a choice to make
    imported = payload["import"]
    assert imported["status"] == "NEEDS_INPUT"
    assert imported["problem"]["code"] == "ambiguous_date_format"
    assert imported["problem"]["candidates"] == ["DD/MM/YYYY", "MM/DD/YYYY"]
    chosen = await importer.dry_run(imported["id"], {"dateFormat": "MM/DD/YYYY"})
    assert chosen["errors"] == []
    assert chosen["import"]["status"] == "READY"
    assert [r["date"] for r in await importer.rows(imported["id"])] == ["2024-01-02", "2024-03-04"]
    # And read the other way, the rows follow.
    other = await importer.dry_run(imported["id"], {"dateFormat": "DD/MM/YYYY"})
    assert other["import"]["settings"]["dateFormat"] == "DD/MM/YYYY"
    assert [r["date"] for r in await importer.rows(imported["id"])] == ["2024-02-01", "2024-04-03"]


async def test_unknown_columns_are_mapped_by_hand_with_debit_and_credit(importer: Importer) -> None:
    data = csv_bytes(
        [
            ["Wann", "Wer", "Raus", "Rein"],
            ["2024-02-01", "Landlord", "950.00", ""],
            ["2024-02-03", "Employer", "", "3,100.00"],
        ]
    )
    payload = await importer.upload(data)
    imported = payload["import"]
    assert imported["status"] == "NEEDS_INPUT"
    assert imported["problem"]["code"] == "mapping_required"
    assert imported["csv"]["headers"] == ["Wann", "Wer", "Raus", "Rein"]
    mapped = await importer.dry_run(
        imported["id"],
        {
            "mapping": {
                "date": {"header": "Wann"},
                "payee": {"index": 1},
                "debit": {"header": "Raus"},
                "credit": {"header": "Rein"},
            }
        },
    )
    assert mapped["errors"] == []
    assert mapped["import"]["status"] == "READY"
    rows = await importer.rows(imported["id"])
    assert [(r["payee"], r["amount"]["amount"]) for r in rows] == [("Landlord", "-950.00"), ("Employer", "3100.00")]


async def test_a_bad_mapping_is_a_validation_error(importer: Importer) -> None:
    payload = await importer.upload(csv_bytes([HEADER, ["2024-02-01", "A", "", "-1.00"]]))
    refused = await importer.dry_run(
        payload["import"]["id"], {"mapping": {"date": {"header": "Date"}}, "dateFormat": "YYYY-13"}
    )
    assert {(e["field"], e["__typename"]) for e in refused["errors"]} == {
        ("settings.mapping", "ValidationError"),
        ("settings.dateFormat", "ValidationError"),
    }
    assert (await importer.status(payload["import"]["id"]))["status"] == "READY"


async def test_a_file_with_several_accounts_asks_which_one(importer: Importer) -> None:
    payload = await importer.upload(shared_ofx("multiple_accounts2.ofx"), "multiple_accounts2.ofx")
    imported = payload["import"]
    assert imported["problem"]["code"] == "statement_account_required"
    assert [a["accountNumber"] for a in imported["statementAccounts"]] == ["9100", "9200"]
    chosen = await importer.dry_run(imported["id"], {"statementAccount": 1})
    assert chosen["import"]["status"] == "READY"
    assert chosen["import"]["settings"]["statementAccount"] == 1


async def test_a_format_can_be_chosen_when_detection_fails(importer: Importer) -> None:
    payload = await importer.upload(b"no statement here, just words\n", "notes.txt")
    assert payload["import"]["problem"]["code"] == "unknown_format"
    refused = await importer.dry_run(payload["import"]["id"], {"format": "pdf"})
    assert refused["errors"][0]["field"] == "settings.format"
    chosen = await importer.dry_run(payload["import"]["id"], {"format": "qif"})
    assert chosen["import"]["format"] == "qif"
    assert chosen["errors"][0]["__typename"] == "ImportFileError"
