"""Uploading a statement: the raw file is kept, the format and settings are detected (and can be overridden), a
bad file or bad rows get a typed error with line numbers and leave the ledger untouched, and only the household's
owners and editors may import."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fincloud.auth import Role, Viewer
from fincloud.embedded import free_port
from fincloud.service import Runtime
from fincloud.storage import S3ObjectStore, open_store
from subgraphs.budget.imports.models import ImportBatch, ImportRow
from subgraphs.budget.models import Transaction
from tests.factories import make_account, make_viewer
from tests.subgraphs.budget.importers.support import data_file
from tests.subgraphs.budget.imports.support import UPLOAD, Importer, csv_bytes, shared_ofx, upload_file

HEADER = ["Date", "Payee", "Memo", "Amount"]


async def transactions(importer: Importer) -> int:
    async with importer.runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Transaction)) or 0)


async def test_the_raw_file_is_kept_and_the_dry_run_writes_nothing_to_the_ledger(importer: Importer) -> None:
    data = shared_ofx("checking.ofx")
    payload = await importer.upload(data, "C:\\Downloads\\checking.ofx")
    assert payload["errors"] == []
    imported = payload["import"]
    assert (imported["status"], imported["format"], imported["filename"], imported["size"]) == (
        "READY",
        "ofx",
        "checking.ofx",
        len(data),
    )
    assert imported["statementAccounts"] == [
        {
            "index": 0,
            "accountNumber": "1452687~7",
            "currency": "USD",
            "rows": 3,
            "closingBalance": {"amount": "100.99", "currency": "USD"},
        }
    ]
    async with importer.runtime.sessionmaker() as session:
        batch = await session.get(ImportBatch, uuid.UUID(imported["id"]))
    assert batch is not None
    assert batch.storage_key == f"imports/{importer.viewer.household_ids[0]}/{imported['id']}/checking.ofx"
    assert await importer.runtime.store.get(batch.storage_key) == data
    assert await transactions(importer) == 0


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on loopback: the real S3 HTTP API, no AWS."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def test_the_raw_file_goes_to_s3(runtime: Runtime, s3_endpoint: str) -> None:
    store = open_store(
        "s3://fincloud-imports/objects", endpoint_url=s3_endpoint, access_key_id="test", secret_access_key="test"
    )
    assert isinstance(store, S3ObjectStore)
    await store.ensure_bucket()
    runtime.store = store
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0], currency="USD")
    importer = Importer(runtime=runtime, viewer=viewer, account_id=account.id)
    data = data_file("us_checking.csv")
    payload = await importer.upload(data, "us_checking.csv")
    import_id = payload["import"]["id"]
    assert await store.keys("imports/") == [f"imports/{viewer.household_ids[0]}/{import_id}/us_checking.csv"]
    # The commit reads the file back from S3 when it has to classify again.
    again = await importer.upload(data, "us_checking.csv")
    await importer.commit(payload["import"]["id"])
    await importer.commit(again["import"]["id"])
    assert (await importer.status(again["import"]["id"]))["counts"]["created"] == 0
    assert await importer.balance() == Decimal("1101.19")  # the file's six rows, once


async def test_a_german_csv_is_read_with_detected_settings(importer: Importer) -> None:
    importer = await importer.with_account("EUR")
    payload = await importer.upload(data_file("de_girokonto_cp1252.csv"), "Umsaetze.csv")
    imported = payload["import"]
    assert imported["status"] == "READY"
    csv = imported["csv"]
    assert (csv["encoding"], csv["delimiter"], csv["decimalSeparator"], csv["headerLine"]) == ("cp1252", ";", ",", 6)
    assert csv["headers"][:3] == ["Buchungstag", "Valuta", "Auftraggeber/Empfänger"]
    assert csv["dateFormats"] == ["DD.MM.YYYY"]
    mapping = imported["settings"]["mapping"]
    assert (mapping["debit"]["header"], mapping["credit"]["header"], mapping["dateFormat"]) == (
        "Soll",
        "Haben",
        "DD.MM.YYYY",
    )
    rows = await importer.rows(imported["id"])
    assert rows[0]["payee"] == "Bäckerei Größer"
    assert rows[0]["amount"] == {"amount": "-3.40", "currency": "EUR"}
    assert any(r["amount"]["amount"].startswith("2") and not r["amount"]["amount"].startswith("-") for r in rows)


async def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_written(importer: Importer) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["2024-02-01", "Bakery", "", "-2.10"],
            ["2024-02-30", "Grocer", "", "-20.00"],
            ["2024-02-03", "Cinema", "", "twelve"],
            ["2024-02-04", "Fuel", "", "-40.001"],
        ]
    )
    payload = await importer.upload(data)
    [error] = payload["errors"]
    assert error["__typename"] == "ImportFileError"
    assert error["code"] == "invalid_rows"
    assert [(i["line"], i["field"]) for i in error["issues"]] == [(3, "Date"), (4, "Amount")]
    assert "2024-02-30" in error["issues"][0]["message"]
    imported = payload["import"]
    assert (imported["status"], imported["problem"]["code"]) == ("NEEDS_INPUT", "invalid_rows")
    assert await transactions(importer) == 0
    async with importer.runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ImportRow)) == 0
    # The user may leave the bad rows out, those the file cannot give and those that do not fit the account
    # alike: each is named, none is rounded, the rest is imported.
    skipping = await importer.dry_run(imported["id"], {"skipInvalidRows": True})
    assert skipping["errors"] == []
    assert skipping["import"]["status"] == "READY"
    assert skipping["import"]["counts"]["total"] == 1
    assert skipping["import"]["counts"]["invalid"] == 3
    assert [(w["line"], w["message"]) for w in skipping["import"]["warnings"]][-1] == (
        5,
        "USD amounts have at most 2 decimal places, got -40.001",
    )
    assert await transactions(importer) == 0


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("fail_nice/date_missing.ofx", "invalid_rows", "3 problems found, nothing was imported"),
        ("fail_nice/decimal_error.ofx", "invalid_rows", "2 problems found, nothing was imported"),
        ("error_message.ofx", "bank_error", "the bank answered with an error instead of a statement"),
        ("signon_fail.ofx", "signon_failed", "the bank refused the sign-on at AMEX"),
        ("fidelity.ofx", "investment_only", "this file holds only investment statements"),
    ],
)
async def test_real_world_files_that_cannot_be_imported_say_why(
    importer: Importer, name: str, code: str, message: str
) -> None:
    payload = await importer.upload(shared_ofx(name), Path(name).name)
    [error] = payload["errors"]
    assert error["code"] == code
    assert error["message"].startswith(message)
    if code == "invalid_rows":
        assert all(issue["line"] for issue in error["issues"])
    assert await transactions(importer) == 0


async def test_amounts_finer_than_the_currency_allows_are_refused_by_line(importer: Importer) -> None:
    """fidelity-savings.ofx is a money-market account with four decimal places: not a USD ledger account."""
    payload = await importer.upload(shared_ofx("fidelity-savings.ofx"), "fidelity-savings.ofx")
    [error] = payload["errors"]
    assert error["code"] == "invalid_rows"
    assert all(i["line"] and "at most 2 decimal places" in i["message"] for i in error["issues"])


async def test_a_statement_in_another_currency_is_refused(importer: Importer) -> None:
    payload = await importer.upload(shared_ofx("bank_medium.ofx"), "bank_medium.ofx")
    [error] = payload["errors"]
    assert error["issues"][0]["message"] == "the amount is in CAD, the account is in USD"


async def test_an_empty_or_oversized_file_is_refused(importer: Importer) -> None:
    empty = await importer.upload(b"  \n", "empty.csv")
    assert empty["errors"] == [{"__typename": "ValidationError", "message": "the file is empty", "field": "file"}]
    importer.runtime.settings = importer.runtime.settings.model_copy(update={"UPLOAD_MAX_BYTES": 1000})
    large = await importer.upload(b"x" * 1001, "large.csv")
    assert large["errors"] == [
        {
            "__typename": "ValidationError",
            "message": "the file is larger than 1 kB, the most an upload may be",
            "field": "file",
        }
    ]
    async with importer.runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ImportBatch)) == 0


async def test_another_households_account_looks_missing_and_a_viewer_cannot_import(runtime: Runtime) -> None:
    owner = make_viewer(Role.OWNER)
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=owner.household_ids[0], currency="USD")
    data = data_file("us_checking.csv")
    stranger = Importer(runtime=runtime, viewer=make_viewer(Role.OWNER), account_id=account.id)
    assert (await stranger.upload(data))["errors"] == [
        {"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}
    ]
    household = owner.household_ids[0]
    watcher = Importer(
        runtime=runtime, viewer=Viewer(user_id=uuid.uuid4(), households={household: Role.VIEWER}), account_id=account.id
    )
    refused = await watcher.upload(data)
    assert refused["errors"][0]["__typename"] == "NotFoundError"
    assert refused["errors"][0]["message"] == "only the household's owners and editors may import into its accounts"
    # The owner's import is invisible to the stranger and read-only for the viewer.
    mine = Importer(runtime=runtime, viewer=owner, account_id=account.id)
    imported = (await mine.upload(data))["import"]
    assert (await stranger.run("query I($id: ID!) { import(id: $id) { id } }", id=imported["id"]))["import"] is None
    assert (await stranger.run("query I($a: ID!) { imports(accountId: $a) { nodes { id } } }", a=str(account.id)))[
        "imports"
    ]["nodes"] == []
    assert (await watcher.run("query I($id: ID!) { import(id: $id) { id } }", id=imported["id"]))["import"] == {
        "id": imported["id"]
    }
    for attempt in (stranger, watcher):
        commit = await attempt.commit(imported["id"], run_job=False)
        assert commit["errors"][0]["field"] == "importId"
        assert (await attempt.dry_run(imported["id"]))["errors"][0]["__typename"] == "NotFoundError"
        assert (await attempt.undo(imported["id"]))["errors"][0]["__typename"] == "NotFoundError"
    assert (await stranger.commit(imported["id"], run_job=False))["errors"][0]["message"] == "no such import"


async def test_an_anonymous_caller_is_refused(runtime: Runtime) -> None:
    from subgraphs.budget.context import Context
    from subgraphs.budget.schema import schema

    result = await schema.execute(
        UPLOAD,
        variable_values={"input": {"accountId": str(uuid.uuid4()), "file": upload_file(b"a,b\n")}},
        context_value=Context(runtime=runtime),
    )
    assert result.errors is not None
    assert result.errors[0].message == "sign in first"
