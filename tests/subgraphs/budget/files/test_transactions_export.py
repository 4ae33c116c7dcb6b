"""``transactionsExport``: CSV and OFX files of a filtered transaction list, their contents, their round trip through
FinCloud's importers and another OFX reader, and who may see them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from arq import ArqRedis
from ofxtools.Parser import OFXTree

from fincloud.auth import Role, Viewer
from fincloud.constants import ARQ_QUEUE
from fincloud.service import Runtime
from fincloud.storage import LocalObjectStore
from subgraphs.budget.context import Context
from subgraphs.budget.files.export_formats import ofx_account_id
from subgraphs.budget.files.exports import (
    ExportFilter,
    ExportFormat,
    complete_export,
    export_transactions,
    request_export,
)
from subgraphs.budget.importers.format_csv import CsvImporter
from subgraphs.budget.importers.format_ofx import OfxImporter
from subgraphs.budget.importers.model import ParseOptions
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.subgraphs.budget.files.support import LONG_PAYEE, Ledger, download, make_ledger
from workers.files import files_export
from workers.outbox import make_relay

EXPORT = """
mutation Export($input: TransactionsExportInput!) {
  transactionsExport(input: $input) {
    export { id householdId format status filename rowCount sizeBytes url expiresAt createdAt availableUntil }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}"""

EXPORT_BY_ID = "query One($id: ID!) { export(id: $id) { id status error rowCount url expiresAt } }"

# The ledger of support.make_ledger as CSV: one row per transaction, by date; the split bakery bill has its whole
# amount and its parts in the Split column; the transfer's legs name each other's account.
EXPECTED_CSV = '''\
Date,Account,Payee,Amount,Currency,Category group,Category,Memo,Notes,Tags,Status,Transfer account,Split,Transaction ID
2024-01-02,Girokonto,ACME GmbH,2500.00,EUR,Income,Salary,,,work,cleared,,,{salary}
2024-01-05,Girokonto,Bäckerei Müller,-42.50,EUR,,,Brot und Seife,,"weekly, cash back",cleared,,Food / Groceries: -30.00; Home / Household: -12.50 (Seife),{bakery}
2024-01-08,Visa,Amazon Marketplace Europe S.à r.l. Luxembourg,-89.90,EUR,,,Kabel & Stecker <USB-C>,,,cleared,,,{amazon}
2024-01-10,Girokonto,Transfer: Savings,-500.00,EUR,,,,,,cleared,Savings,,{to_savings}
2024-01-10,Savings,Transfer: Girokonto,500.00,EUR,,,,,,cleared,Girokonto,,{from_giro}
2024-01-15,Girokonto,Café Zoë,-19.99,EUR,Food,Restaurants,"Frühstück, mit ""Anna""",her birthday,,pending,,,{cafe}
2024-01-20,Tokyo wallet,ラーメン一蘭,-1500,JPY,Food,Restaurants,,,,cleared,,,{ramen}
2024-01-21,Manama,Lulu Hypermarket,-1.250,BHD,Food,Groceries,,,,cleared,,,{lulu}
'''

EXPECTED_SPLIT_ROWS = """\
Date,Account,Payee,Amount,Currency,Category group,Category,Memo,Notes,Tags,Status,Transfer account,Split,Transaction ID
2024-01-05,Girokonto,Bäckerei Müller,-30.00,EUR,Food,Groceries,Brot und Seife,,"weekly, cash back",cleared,,1/2,{bakery}
2024-01-05,Girokonto,Bäckerei Müller,-12.50,EUR,Home,Household,Seife,,"weekly, cash back",cleared,,2/2,{bakery}
"""


@pytest.fixture
async def ledger(runtime: Runtime) -> Ledger:
    async with runtime.sessionmaker() as session:
        return await make_ledger(session, uuid.uuid4())


def owner_of(ledger: Ledger, role: Role = Role.OWNER) -> Viewer:
    return Viewer(user_id=uuid.uuid4(), households={ledger.household_id: role})


async def export(runtime: Runtime, viewer: Viewer, **input: Any) -> dict[str, Any]:
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), EXPORT, input=input)
    return dict(data["transactionsExport"])


async def exported(runtime: Runtime, viewer: Viewer, **input: Any) -> tuple[dict[str, Any], bytes]:
    """Export, then download through the link as a browser would."""
    payload = await export(runtime, viewer, **input)
    assert payload["errors"] == []
    response = await download(runtime, payload["export"]["url"])
    assert response.status_code == 200
    return payload["export"], response.content


async def test_csv_lists_every_transaction_exactly(any_runtime: Runtime) -> None:
    async with any_runtime.sessionmaker() as session:
        ledger = await make_ledger(session, uuid.uuid4())
    before = dt.datetime.now(dt.UTC)
    export_, data = await exported(any_runtime, owner_of(ledger), format="CSV")
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheet programs read UTF-8
    assert b"\r\n" in data
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == EXPECTED_CSV.format(**ledger.ids())
    assert (export_["format"], export_["status"]) == ("CSV", "READY")
    assert export_["rowCount"] == 8
    assert export_["sizeBytes"] == len(data)
    assert export_["filename"] == f"transactions-{dt.date.today()}.csv"
    assert export_["householdId"] == str(ledger.household_id)
    expires = dt.datetime.fromisoformat(export_["expiresAt"])
    assert before + dt.timedelta(seconds=299) <= expires <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=300)
    available = dt.datetime.fromisoformat(export_["availableUntil"])
    assert available - dt.datetime.fromisoformat(export_["createdAt"]) == dt.timedelta(hours=24)


async def test_csv_rows_per_split_part(runtime: Runtime, ledger: Ledger) -> None:
    _, data = await exported(
        runtime, owner_of(ledger), format="CSV", splitRows=True, categoryIds=[str(ledger.categories["Household"].id)]
    )
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == EXPECTED_SPLIT_ROWS.format(**ledger.ids())


async def test_csv_cells_a_spreadsheet_would_run_are_quoted_as_text(runtime: Runtime, ledger: Ledger) -> None:
    from subgraphs.budget.services.ledger import NewTransaction, create_transaction

    async with runtime.sessionmaker() as session, session.begin():
        await create_transaction(
            session=session,
            household_ids=[ledger.household_id],
            data=NewTransaction(
                ledger.accounts["Girokonto"].id,
                dt.date(2024, 2, 1),
                Decimal("-1.00"),
                '=HYPERLINK("http://evil.example","Refund")',
                "+cmd|' /C calc'!A0",
                tags=["@home"],
            ),
        )
    _, data = await exported(runtime, owner_of(ledger), format="CSV", dateFrom="2024-02-01")
    [row] = data.decode("utf-8-sig").splitlines()[1:]
    assert row.startswith('2024-02-01,Girokonto,"\'=HYPERLINK(""http://evil.example"",""Refund"")",-1.00,EUR,,,')
    assert ",'+cmd|' /C calc'!A0,,'@home,cleared," in row


async def test_csv_reimports_as_the_same_transactions(runtime: Runtime, ledger: Ledger) -> None:
    _, data = await exported(runtime, owner_of(ledger), format="CSV")
    statement = CsvImporter().parse(data, options=ParseOptions())
    got = [(r.booking_date, r.amount, r.currency, r.payee, r.memo, r.reference, r.category) for r in statement.rows]
    t = ledger.transactions
    assert got == [
        (dt.date(2024, 1, 2), Decimal("2500.00"), "EUR", "ACME GmbH", None, str(t["salary"].id), "Salary"),
        (dt.date(2024, 1, 5), Decimal("-42.50"), "EUR", "Bäckerei Müller", "Brot und Seife", str(t["bakery"].id), None),
        (dt.date(2024, 1, 8), Decimal("-89.90"), "EUR", LONG_PAYEE, "Kabel & Stecker <USB-C>", str(t["amazon"].id), None),
        (dt.date(2024, 1, 10), Decimal("-500.00"), "EUR", "Transfer: Savings", None, str(t["to_savings"].id), None),
        (dt.date(2024, 1, 10), Decimal("500.00"), "EUR", "Transfer: Girokonto", None, str(t["from_giro"].id), None),
        # The importer reads every memo-like column: the notes come along after the memo.
        (dt.date(2024, 1, 15), Decimal("-19.99"), "EUR", "Café Zoë", 'Frühstück, mit "Anna" | her birthday',
         str(t["cafe"].id), "Restaurants"),
        (dt.date(2024, 1, 20), Decimal("-1500"), "JPY", "ラーメン一蘭", None, str(t["ramen"].id), "Restaurants"),
        (dt.date(2024, 1, 21), Decimal("-1.250"), "BHD", "Lulu Hypermarket", None, str(t["lulu"].id), "Groceries"),
    ]  # fmt: skip


async def test_ofx_has_a_statement_per_account_with_exact_amounts(any_runtime: Runtime) -> None:
    async with any_runtime.sessionmaker() as session:
        ledger = await make_ledger(session, uuid.uuid4())
    export_, data = await exported(any_runtime, owner_of(ledger), format="OFX")
    assert export_["rowCount"] == 8
    assert export_["filename"].endswith(".ofx")
    text = data.decode("utf-8")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<?OFX OFXHEADER="200" VERSION="220"'
    )
    ids = ledger.ids()
    acct = {name: ofx_account_id(a.id) for name, a in ledger.accounts.items()}
    for fragment in [
        # JPY has no minor unit, BHD three places.
        f"<TRNAMT>-1500</TRNAMT><FITID>{ids['ramen']}</FITID><NAME>ラーメン一蘭</NAME>",
        f"<TRNAMT>-1.250</TRNAMT><FITID>{ids['lulu']}</FITID><NAME>Lulu Hypermarket</NAME>",
        "<LEDGERBAL><BALAMT>18500</BALAMT>",
        "<LEDGERBAL><BALAMT>8.750</BALAMT>",
        # 1000.00 + 2500.00 - 42.50 - 500.00 - 19.99
        "<LEDGERBAL><BALAMT>2937.51</BALAMT><DTASOF>20240121120000[0:GMT]</DTASOF>",
        # The split bill is one transaction of its whole amount.
        f"<TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240105120000[0:GMT]</DTPOSTED><TRNAMT>-42.50</TRNAMT><FITID>{ids['bakery']}"
        "</FITID><NAME>Bäckerei Müller</NAME><MEMO>Brot und Seife</MEMO>",
        # A transfer names the other account.
        f"<TRNTYPE>XFER</TRNTYPE><DTPOSTED>20240110120000[0:GMT]</DTPOSTED><TRNAMT>-500.00</TRNAMT>"
        f"<FITID>{ids['to_savings']}</FITID><NAME>Transfer: Savings</NAME><BANKACCTTO><BANKID>FINCLOUD</BANKID>"
        f"<ACCTID>{acct['Savings']}</ACCTID><ACCTTYPE>SAVINGS</ACCTTYPE></BANKACCTTO>",
        # The card's statement, with the long payee cut to OFX's 32 characters and given whole in EXTDNAME.
        f"<CCSTMTRS><CURDEF>EUR</CURDEF><CCACCTFROM><ACCTID>{acct['Visa']}</ACCTID></CCACCTFROM>",
        "<NAME>Amazon Marketplace Europe S.à r.</NAME><EXTDNAME>Amazon Marketplace Europe S.à r.l. Luxembourg"
        "</EXTDNAME><MEMO>Kabel &amp; Stecker &lt;USB-C&gt;</MEMO>",
    ]:
        assert fragment in text, fragment
    assert text.index("<BANKMSGSRSV1>") < text.index("</BANKMSGSRSV1>") < text.index("<CREDITCARDMSGSRSV1>")
    assert "her birthday" not in text  # notes are private and OFX has no place for them


async def test_ofx_reimports_as_the_same_statements(runtime: Runtime, ledger: Ledger) -> None:
    _, data = await exported(runtime, owner_of(ledger), format="OFX")
    statement = OfxImporter().parse(data, options=ParseOptions())
    accounts = {a.account_id: a for a in statement.accounts}
    by_name = {name: accounts[ofx_account_id(a.id)] for name, a in ledger.accounts.items()}
    assert {name: (a.currency, a.account_type) for name, a in by_name.items()} == {
        "Girokonto": ("EUR", "CHECKING"),
        "Savings": ("EUR", "SAVINGS"),
        "Tokyo wallet": ("JPY", "CHECKING"),
        "Manama": ("BHD", "CHECKING"),
        "Visa": ("EUR", "CREDITCARD"),
    }
    assert by_name["Girokonto"].closing_balance is not None
    assert by_name["Girokonto"].closing_balance.amount == Decimal("2937.51")
    t = ledger.transactions
    assert [(r.booking_date, r.amount, r.payee, r.memo, r.reference) for r in by_name["Girokonto"].rows] == [
        (dt.date(2024, 1, 2), Decimal("2500.00"), "ACME GmbH", None, str(t["salary"].id)),
        (dt.date(2024, 1, 5), Decimal("-42.50"), "Bäckerei Müller", "Brot und Seife", str(t["bakery"].id)),
        (dt.date(2024, 1, 10), Decimal("-500.00"), "Transfer: Savings", None, str(t["to_savings"].id)),
        (dt.date(2024, 1, 15), Decimal("-19.99"), "Café Zoë", 'Frühstück, mit "Anna"', str(t["cafe"].id)),
    ]
    [amazon] = by_name["Visa"].rows
    assert (amazon.payee, amazon.memo) == (LONG_PAYEE, "Kabel & Stecker <USB-C>")
    [ramen] = by_name["Tokyo wallet"].rows
    assert (ramen.amount, ramen.currency) == (Decimal("-1500"), "JPY")
    [leg] = by_name["Savings"].rows
    assert leg.counterparty_account == ofx_account_id(ledger.accounts["Girokonto"].id)


async def test_ofx_is_read_by_a_strict_reader_of_the_specification(runtime: Runtime, ledger: Ledger) -> None:
    """ofxtools checks OFX 2 against the specification: element order, lengths, types."""
    _, data = await exported(runtime, owner_of(ledger), format="OFX")
    tree = OFXTree()
    tree.parse(io.BytesIO(data))
    ofx = tree.convert()
    statements = {s.account.acctid: s for s in ofx.statements}
    visa = statements[ofx_account_id(ledger.accounts["Visa"].id)]
    [amazon] = visa.banktranlist
    assert (amazon.trnamt, amazon.name, amazon.extdname) == (Decimal("-89.90"), LONG_PAYEE[:32], LONG_PAYEE)
    assert amazon.dtposted == dt.datetime(2024, 1, 8, 12, tzinfo=dt.UTC)
    manama = statements[ofx_account_id(ledger.accounts["Manama"].id)]
    assert (manama.curdef, manama.ledgerbal.balamt) == ("BHD", Decimal("8.750"))
    assert sum(len(s.banktranlist) for s in ofx.statements) == 8


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"accountIds": ["Girokonto"]}, ["salary", "bakery", "to_savings", "cafe"]),
        ({"dateFrom": "2024-01-08", "dateTo": "2024-01-15"}, ["amazon", "to_savings", "from_giro", "cafe"]),
        # A split bill is in a category through one of its parts.
        ({"categoryIds": ["Groceries"]}, ["bakery", "lulu"]),
        ({"categoryIds": ["Restaurants", "Salary"]}, ["salary", "cafe", "ramen"]),
        ({"tags": ["cash back", "#work"]}, ["salary", "bakery"]),
        ({"statuses": ["PENDING"]}, ["cafe"]),
        ({"statuses": ["CLEARED"], "accountIds": ["Girokonto", "Visa"], "dateTo": "2024-01-09"},
         ["salary", "bakery", "amazon"]),
        ({"dateFrom": "2025-01-01"}, []),
    ],
)  # fmt: skip
async def test_filters_choose_the_rows(
    runtime: Runtime, ledger: Ledger, filters: dict[str, Any], expected: list[str]
) -> None:
    input = dict(filters)
    if "accountIds" in input:
        input["accountIds"] = [str(ledger.accounts[name].id) for name in input["accountIds"]]
    if "categoryIds" in input:
        input["categoryIds"] = [str(ledger.categories[name].id) for name in input["categoryIds"]]
    export_, data = await exported(runtime, owner_of(ledger), format="CSV", **input)
    ids = {str(t.id): name for name, t in ledger.transactions.items()}
    assert [ids[line.rsplit(",", 1)[1]] for line in data.decode("utf-8-sig").splitlines()[1:]] == expected
    assert export_["rowCount"] == len(expected)


async def test_an_ofx_of_named_accounts_has_their_statements_even_when_empty(runtime: Runtime, ledger: Ledger) -> None:
    giro, visa = ledger.accounts["Girokonto"], ledger.accounts["Visa"]
    _, data = await exported(
        runtime, owner_of(ledger), format="OFX", accountIds=[str(giro.id), str(visa.id)], dateFrom="2024-01-09"
    )
    statement = OfxImporter().parse(data, options=ParseOptions())
    assert [
        (a.account_id, len(a.rows), a.closing_balance and a.closing_balance.amount) for a in statement.accounts
    ] == [
        (ofx_account_id(giro.id), 2, Decimal("2937.51")),
        (ofx_account_id(visa.id), 0, Decimal("-89.90")),
    ]
    assert [(a.period_start, a.period_end) for a in statement.accounts] == [
        (dt.date(2024, 1, 9), dt.date(2024, 1, 15))
    ] * 2


@pytest.mark.parametrize(
    ("input", "error"),
    [
        ({"dateFrom": "2024-02-01", "dateTo": "2024-01-01"},
         {"__typename": "ValidationError", "field": "dateFrom", "message": "the start date is after the end date"}),
        ({"accountIds": ["not-an-id"]}, {"__typename": "NotFoundError", "field": "accountIds", "message": "no such account"}),
        ({"categoryIds": [str(uuid.uuid4())]},
         {"__typename": "NotFoundError", "field": "categoryIds", "message": "no such category"}),
        ({"format": "OFX", "splitRows": True},
         {"__typename": "ValidationError", "field": "splitRows", "message": "rows per split part exist in CSV only"}),
        ({"householdId": str(uuid.uuid4())},
         {"__typename": "NotFoundError", "field": "householdId", "message": "no such household"}),
    ],
)  # fmt: skip
async def test_bad_filters_get_a_typed_error_and_no_file(
    runtime: Runtime, ledger: Ledger, input: dict[str, Any], error: dict[str, str]
) -> None:
    payload = await export(runtime, owner_of(ledger), **{"format": "CSV", **input})
    assert payload == {"export": None, "errors": [error]}
    assert await runtime.store.keys(f"households/{ledger.household_id}/") == []


async def test_another_households_export_and_accounts_look_missing(runtime: Runtime, ledger: Ledger) -> None:
    owner = owner_of(ledger)
    stranger = Viewer(user_id=uuid.uuid4(), households={uuid.uuid4(): Role.OWNER})
    mine, _ = await exported(runtime, owner, format="CSV")
    # Their export by id: null, like an id that never existed.
    for viewer, export_id, found in [
        (owner, mine["id"], True),
        (stranger, mine["id"], False),
        (owner, str(uuid.uuid4()), False),
        (owner, "nonsense", False),
    ]:
        data = await execute(schema, Context(runtime=runtime, viewer=viewer), EXPORT_BY_ID, id=export_id)
        assert (data["export"] is not None) is found
    # Their accounts as a filter, or their household: not found, as if they did not exist.
    payload = await export(runtime, stranger, format="CSV", accountIds=[str(ledger.accounts["Girokonto"].id)])
    assert payload["errors"] == [{"__typename": "NotFoundError", "field": "accountIds", "message": "no such account"}]
    payload = await export(runtime, stranger, format="CSV", householdId=str(ledger.household_id))
    assert payload["errors"] == [
        {"__typename": "NotFoundError", "field": "householdId", "message": "no such household"}
    ]
    # The stranger's own export of their empty household holds nothing of ours.
    _, theirs = await exported(runtime, stranger, format="CSV")
    assert theirs.decode("utf-8-sig").splitlines()[1:] == []


async def test_a_viewer_may_export_and_ask_again_for_a_fresh_link(runtime: Runtime, ledger: Ledger) -> None:
    reader = owner_of(ledger, Role.VIEWER)
    first, data = await exported(runtime, reader, format="OFX")
    again = await execute(schema, Context(runtime=runtime, viewer=reader), EXPORT_BY_ID, id=first["id"])
    assert again["export"]["rowCount"] == 8
    assert dt.datetime.fromisoformat(again["export"]["expiresAt"]) >= dt.datetime.fromisoformat(first["expiresAt"])
    assert (await download(runtime, again["export"]["url"])).content == data


async def test_expired_exports_leave_storage(runtime: Runtime, ledger: Ledger) -> None:
    from workers.files import files_sweep

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    async with runtime.sessionmaker() as session, session.begin():
        old = await export_transactions(
            session=session,
            store=runtime.store,
            household_id=ledger.household_id,
            format=ExportFormat.CSV,
            filter=ExportFilter(),
            created_by=None,
            now=long_ago,
            retention=dt.timedelta(hours=24),
        )
    recent, _ = await exported(runtime, owner_of(ledger), format="CSV")
    prefix = f"households/{ledger.household_id}/exports/"
    assert len(await runtime.store.keys(prefix)) == 2
    await files_sweep({"sessionmaker": runtime.sessionmaker, "store": runtime.store})
    assert await runtime.store.keys(prefix) == [f"{prefix}{recent['id']}.csv"]
    gone = await execute(schema, Context(runtime=runtime, viewer=owner_of(ledger)), EXPORT_BY_ID, id=str(old.id))
    assert gone["export"] is None


async def test_a_large_export_is_written_by_the_worker(runtime: Runtime, ledger: Ledger, pool: ArqRedis) -> None:
    runtime = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update={"EXPORT_INLINE_MAX_ROWS": 5}))
    owner = owner_of(ledger)
    payload = await export(runtime, owner, format="CSV")
    assert payload["errors"] == []
    pending = payload["export"]
    assert (pending["status"], pending["rowCount"], pending["url"], pending["expiresAt"]) == ("PENDING", 8, None, None)
    assert await runtime.store.keys(f"households/{ledger.household_id}/") == []

    # The event the mutation committed reaches the worker's job, which writes the file; running it twice is harmless.
    await make_relay({"redis": pool, "engine": runtime.engine}).relay_schema("budget")
    [job] = [job for job in await pool.queued_jobs(queue_name=ARQ_QUEUE) if job.function == "files_export"]
    ctx = {"sessionmaker": runtime.sessionmaker, "store": runtime.store}
    assert await files_export(ctx, *job.args) == "ready"
    assert await files_export(ctx, *job.args) == "ready"

    ready = (await execute(schema, Context(runtime=runtime, viewer=owner), EXPORT_BY_ID, id=pending["id"]))["export"]
    assert (ready["status"], ready["rowCount"]) == ("READY", 8)
    response = await download(runtime, ready["url"])
    assert response.content.decode("utf-8-sig").replace("\r\n", "\n") == EXPECTED_CSV.format(**ledger.ids())


class BrokenStore(LocalObjectStore):
    async def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> None:
        raise OSError("disk full")


async def test_a_worker_export_that_fails_says_so(runtime: Runtime, ledger: Ledger, tmp_path: Path) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        pending = await request_export(
            session=session,
            household_id=ledger.household_id,
            format=ExportFormat.OFX,
            filter=ExportFilter(),
            row_count=8,
            created_by=None,
            now=dt.datetime.now(dt.UTC),
            retention=dt.timedelta(hours=1),
        )
    with pytest.raises(OSError, match="disk full"):
        await complete_export(
            sessionmaker=runtime.sessionmaker,
            store=BrokenStore(tmp_path),
            export_id=pending.id,
            now=dt.datetime.now(dt.UTC),
        )
    data = await execute(schema, Context(runtime=runtime, viewer=owner_of(ledger)), EXPORT_BY_ID, id=str(pending.id))
    assert data["export"] == {
        "id": str(pending.id),
        "status": "FAILED",
        "error": "the export could not be written; ask for it again",
        "rowCount": 8,
        "url": None,
        "expiresAt": None,
    }
