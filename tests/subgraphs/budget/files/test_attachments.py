"""Documents attached to transactions and accounts, through GraphQL in-process (the resolvers receive Starlette's
UploadFile, as multipart requests give them), on the local-folder store and on S3 (moto's server)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import struct
import uuid
import zlib
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from starlette.datastructures import Headers, UploadFile

from fincloud.auth import Role, Viewer
from fincloud.constants import TOPIC_HOUSEHOLD_DELETED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.files.models import Attachment, ObjectDeletion
from subgraphs.budget.models import Account, Transaction
from subgraphs.budget.schema import schema
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from tests.conftest import execute
from tests.factories import count_statements, make_account, make_viewer
from tests.subgraphs.budget.files.support import download
from workers.files import files_sweep
from workers.purge import purge_household


def png() -> bytes:
    """A real PNG of one pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00" + bytes(64) + b"\xff\xd9"
)
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free"
CSV = "Datum;Betrag;Empfänger\n02.01.2024;-12,50;Bäckerei\n03.01.2024;-3,20;Kiosk\n".encode()
OFX = b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"

ATTACH = """
mutation Attach($input: AttachmentCreateInput!) {
  attachmentCreate(input: $input) {
    attachment { id transactionId accountId filename contentType sizeBytes sha256 url urlExpiresAt }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}"""

DELETE = """
mutation Delete($input: AttachmentDeleteInput!) {
  attachmentDelete(input: $input) { deletedId errors { __typename message ... on NotFoundError { field } } }
}"""

LIST = """
query List($id: ID!) {
  account(id: $id) {
    attachments { nodes { id filename url } }
    transactions { nodes { id attachments { nodes { id filename contentType url } } } }
  }
}"""


def upload(data: bytes, filename: str, claimed: str = "application/octet-stream") -> UploadFile:
    return UploadFile(file=io.BytesIO(data), filename=filename, headers=Headers({"content-type": claimed}))


async def attach(runtime: Runtime, viewer: Viewer, file: UploadFile, **owner: str) -> dict[str, Any]:
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), ATTACH, input={"file": file, **owner})
    return dict(data["attachmentCreate"])


async def one_transaction(runtime: Runtime, household_id: uuid.UUID) -> tuple[Account, Transaction]:
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household_id, name="Girokonto")
        async with session.begin():
            row = await create_transaction(
                session=session,
                household_ids=[household_id],
                data=NewTransaction(account.id, dt.date(2024, 1, 5), Decimal("-42.50"), "Bäckerei", None),
            )
    return account, row


async def stored(runtime: Runtime, *households: uuid.UUID) -> tuple[int, list[str]]:
    """Attachment rows (of every household: the tables are emptied after each test) and the objects stored under
    the households' prefixes (the local folder outlives a test)."""
    async with runtime.sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(Attachment))
    keys = [key for household in households for key in await runtime.store.keys(f"households/{household}/")]
    return int(rows or 0), keys


@pytest.mark.parametrize(
    ("data", "name", "claimed", "kind", "saved_as"),
    [
        (PDF, "Rechnung 2024-01.pdf", "image/png", "application/pdf", "Rechnung 2024-01.pdf"),
        (png(), "receipt.PNG", "application/pdf", "image/png", "receipt.PNG"),
        (JPEG, "C:\\Users\\ada\\Scans\\kassenbon.jpeg", "image/jpeg", "image/jpeg", "kassenbon.jpeg"),
        (WEBP, "photo.webp", "image/webp", "image/webp", "photo.webp"),
        (HEIC, "IMG_0042.HEIC", "image/heic", "image/heic", "IMG_0042.HEIC"),
        (CSV, "umsaetze.csv", "text/plain", "text/csv", "umsaetze.csv"),
        (OFX, "statement.qfx", "text/plain", "application/x-ofx", "statement.qfx"),
        (png(), "invoice.exe", "application/x-msdownload", "image/png", "invoice.exe.png"),
    ],
)
async def test_documents_are_typed_by_their_content(
    any_runtime: Runtime, data: bytes, name: str, claimed: str, kind: str, saved_as: str
) -> None:
    viewer = make_viewer()
    _, transaction = await one_transaction(any_runtime, viewer.household_ids[0])
    payload = await attach(any_runtime, viewer, upload(data, name, claimed), transactionId=str(transaction.id))
    assert payload["errors"] == []
    attached = payload["attachment"]
    assert (attached["contentType"], attached["filename"], attached["sizeBytes"]) == (kind, saved_as, len(data))
    assert attached["transactionId"] == str(transaction.id)
    response = await download(any_runtime, attached["url"])
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"].startswith(kind)
    assert "attachment;" in response.headers["content-disposition"]


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
BINARY = bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("data", "name", "claimed", "message"),
    [
        (EXE, "receipt.pdf", "application/pdf", "this kind of file cannot be attached"),
        (HTML, "receipt.pdf", "application/pdf", "this kind of file cannot be attached"),
        (SVG, "logo.png", "image/png", "this kind of file cannot be attached"),
        (ZIP, "scans.zip", "application/zip", "this kind of file cannot be attached"),
        (GIF, "receipt.gif", "image/gif", "this kind of file cannot be attached"),
        (BINARY, "receipt.jpg", "image/jpeg", "this kind of file cannot be attached"),
        (b"", "empty.pdf", "application/pdf", "the file is empty"),
        (PDF + bytes(2000), "big.pdf", "application/pdf", "the file is larger than 2 kB, the most a document may be"),
    ],
)
async def test_other_files_are_refused_with_a_typed_error_and_nothing_is_stored(
    any_runtime: Runtime, data: bytes, name: str, claimed: str, message: str
) -> None:
    runtime = dataclasses.replace(
        any_runtime, settings=any_runtime.settings.model_copy(update={"ATTACHMENT_MAX_BYTES": 2000})
    )
    viewer = make_viewer()
    _, transaction = await one_transaction(runtime, viewer.household_ids[0])
    payload = await attach(runtime, viewer, upload(data, name, claimed), transactionId=str(transaction.id))
    assert payload["attachment"] is None
    [error] = payload["errors"]
    assert error["__typename"] == "ValidationError"
    assert error["field"] == "file"
    assert error["message"].startswith(message)
    assert await stored(runtime, viewer.household_ids[0]) == (0, [])


async def test_a_file_at_the_limit_is_taken(runtime: Runtime) -> None:
    runtime = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update={"ATTACHMENT_MAX_BYTES": 2000}))
    viewer = make_viewer()
    _, transaction = await one_transaction(runtime, viewer.household_ids[0])
    exactly = PDF + bytes(2000 - len(PDF))
    payload = await attach(runtime, viewer, upload(exactly, "full.pdf"), transactionId=str(transaction.id))
    assert payload["errors"] == []
    assert payload["attachment"]["sizeBytes"] == 2000


async def test_viewers_list_and_download_but_only_editors_attach_and_delete(runtime: Runtime) -> None:
    household = uuid.uuid4()
    editor = Viewer(user_id=uuid.uuid4(), households={household: Role.EDITOR})
    reader = Viewer(user_id=uuid.uuid4(), households={household: Role.VIEWER})
    account, transaction = await one_transaction(runtime, household)

    refused = await attach(runtime, reader, upload(PDF, "r.pdf"), transactionId=str(transaction.id))
    assert refused == {
        "attachment": None,
        "errors": [{"__typename": "NotFoundError", "message": "no such transaction", "field": "transactionId"}],
    }
    assert await stored(runtime, household) == (0, [])

    on_transaction = await attach(runtime, editor, upload(PDF, "r.pdf"), transactionId=str(transaction.id))
    on_account = await attach(runtime, editor, upload(png(), "contract.png"), accountId=str(account.id))
    assert on_transaction["errors"] == on_account["errors"] == []

    listed = await execute(schema, Context(runtime=runtime, viewer=reader), LIST, id=str(account.id))
    account_docs = listed["account"]["attachments"]["nodes"]
    [transaction_node] = listed["account"]["transactions"]["nodes"]
    transaction_docs = transaction_node["attachments"]["nodes"]
    assert [d["filename"] for d in account_docs] == ["contract.png"]
    assert [(d["filename"], d["contentType"]) for d in transaction_docs] == [("r.pdf", "application/pdf")]
    assert (await download(runtime, transaction_docs[0]["url"])).content == PDF

    attachment_id = transaction_docs[0]["id"]
    not_yours = await execute(schema, Context(runtime=runtime, viewer=reader), DELETE, input={"id": attachment_id})
    assert not_yours["attachmentDelete"]["errors"][0]["__typename"] == "NotFoundError"
    assert (await stored(runtime, household))[0] == 2

    deleted = await execute(schema, Context(runtime=runtime, viewer=editor), DELETE, input={"id": attachment_id})
    assert deleted["attachmentDelete"] == {"deletedId": attachment_id, "errors": []}
    # The object left storage at once, and the link handed out before no longer works.
    rows, keys = await stored(runtime, household)
    assert rows == 1
    assert keys == [f"households/{household}/attachments/{on_account['attachment']['id']}"]
    assert (await download(runtime, transaction_docs[0]["url"])).status_code == 404
    async with runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ObjectDeletion)) == 0


async def test_another_households_items_look_missing(any_runtime: Runtime) -> None:
    mine, theirs = make_viewer(), make_viewer()
    their_account, their_transaction = await one_transaction(any_runtime, theirs.household_ids[0])
    theirs_attached = await attach(any_runtime, theirs, upload(PDF, "r.pdf"), transactionId=str(their_transaction.id))
    missing_id = str(uuid.uuid4())

    for owner in ({"transactionId": str(their_transaction.id)}, {"transactionId": missing_id}):
        payload = await attach(any_runtime, mine, upload(PDF, "r.pdf"), **owner)
        assert payload["errors"] == [
            {"__typename": "NotFoundError", "message": "no such transaction", "field": "transactionId"}
        ]
    payload = await attach(any_runtime, mine, upload(PDF, "r.pdf"), accountId=str(their_account.id))
    assert payload["errors"] == [{"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}]

    answers = [
        await execute(schema, Context(runtime=any_runtime, viewer=mine), DELETE, input={"id": attachment_id})
        for attachment_id in (theirs_attached["attachment"]["id"], missing_id, "not-an-id")
    ]
    assert {str(a["attachmentDelete"]) for a in answers} == {
        str(
            {
                "deletedId": None,
                "errors": [{"__typename": "NotFoundError", "message": "no such attachment", "field": "id"}],
            }
        )
    }
    listed = await execute(schema, Context(runtime=any_runtime, viewer=mine), LIST, id=str(their_account.id))
    assert listed["account"] is None
    assert await stored(any_runtime, mine.household_ids[0]) == (1, [])


async def test_attachments_load_with_one_query_per_level(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    account, _ = await one_transaction(runtime, household)
    async with runtime.sessionmaker() as session, session.begin():
        rows = [
            await create_transaction(
                session=session,
                household_ids=[household],
                data=NewTransaction(account.id, dt.date(2024, 1, day), Decimal("-1.00"), f"Shop {day}", None),
            )
            for day in range(6, 10)
        ]
    for row in rows:
        for name in ("a.pdf", "b.pdf"):
            assert (await attach(runtime, viewer, upload(PDF, name), transactionId=str(row.id)))["errors"] == []
    for name in ("statement.pdf", "contract.pdf"):
        assert (await attach(runtime, viewer, upload(PDF, name), accountId=str(account.id)))["errors"] == []

    with count_statements(runtime.engine) as statements:
        listed = await execute(schema, Context(runtime=runtime, viewer=viewer), LIST, id=str(account.id))
    nodes = listed["account"]["transactions"]["nodes"]
    assert [len(n["attachments"]["nodes"]) for n in nodes] == [2, 2, 2, 2, 0]
    assert [d["filename"] for d in listed["account"]["attachments"]["nodes"]] == ["statement.pdf", "contract.pdf"]
    assert len([s for s in statements if "FROM budget.attachments" in s]) == 2


async def test_attachments_go_with_their_transaction_and_account(any_runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    account, transaction = await one_transaction(any_runtime, household)
    kept_account, _ = await one_transaction(any_runtime, household)
    await attach(any_runtime, viewer, upload(PDF, "receipt.pdf"), transactionId=str(transaction.id))
    await attach(any_runtime, viewer, upload(PDF, "statement.pdf"), accountId=str(account.id))
    kept = await attach(any_runtime, viewer, upload(PDF, "kept.pdf"), accountId=str(kept_account.id))
    assert len((await stored(any_runtime, household))[1]) == 3

    # However the ledger deletes them (here: the transaction, then the account, with plain SQL), the documents'
    # objects are queued in the same transaction and the worker's sweep removes them.
    async with any_runtime.sessionmaker() as session, session.begin():
        await session.execute(delete(Transaction).where(Transaction.id == transaction.id))
        await session.execute(delete(Account).where(Account.id == account.id))
    ctx = {"sessionmaker": any_runtime.sessionmaker, "store": any_runtime.store}
    assert await files_sweep(ctx) == 2
    assert await stored(any_runtime, household) == (
        1,
        [f"households/{household}/attachments/{kept['attachment']['id']}"],
    )
    assert await files_sweep(ctx) == 0


async def test_the_household_purge_removes_its_objects(any_runtime: Runtime) -> None:
    doomed, kept = make_viewer(), make_viewer()
    for viewer in (doomed, kept):
        _, transaction = await one_transaction(any_runtime, viewer.household_ids[0])
        await attach(any_runtime, viewer, upload(PDF, "receipt.pdf"), transactionId=str(transaction.id))
    # Something else kept under the household's prefix (a raw import, say) goes too.
    await any_runtime.store.put(f"households/{doomed.household_ids[0]}/imports/raw.ofx", OFX)
    event = Event(
        id=uuid.uuid4(),
        topic=TOPIC_HOUSEHOLD_DELETED,
        household_id=doomed.household_ids[0],
        payload={"household_id": str(doomed.household_ids[0])},
        occurred_at=dt.datetime.now(dt.UTC),
    )
    await purge_household({"sessionmaker": any_runtime.sessionmaker}, event.to_json())
    await files_sweep({"sessionmaker": any_runtime.sessionmaker, "store": any_runtime.store})
    rows, keys = await stored(any_runtime, doomed.household_ids[0], kept.household_ids[0])
    assert rows == 1
    assert [k.split("/")[1] for k in keys] == [str(kept.household_ids[0])]


async def test_a_file_sent_as_json_is_refused_after_the_owner_check(runtime: Runtime) -> None:
    """A script posting JSON cannot send a file: it is told so, and a stranger only that the item does not exist."""
    owner, stranger = make_viewer(), make_viewer()
    _, transaction = await one_transaction(runtime, owner.household_ids[0])
    for viewer, error in [
        (owner, {"__typename": "ValidationError", "field": "file",
                 "message": "send the document as a file of a GraphQL multipart request"}),
        (stranger, {"__typename": "NotFoundError", "field": "transactionId", "message": "no such transaction"}),
    ]:  # fmt: skip
        data = await execute(
            schema,
            Context(runtime=runtime, viewer=viewer),
            ATTACH,
            input={"file": "JVBERi0xLjQK", "transactionId": str(transaction.id)},
        )
        assert data["attachmentCreate"] == {"attachment": None, "errors": [error]}
    assert await stored(runtime, owner.household_ids[0]) == (0, [])
