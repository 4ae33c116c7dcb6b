"""The import queries: history per account, one import with its rows as a connection, and the formats; the rows'
transactions come through DataLoaders, so a page costs the same few statements whatever its size."""

from __future__ import annotations

import uuid

from fincloud.constants import import_progress_channel
from subgraphs.budget.imports.progress import Progress
from tests.factories import count_statements
from tests.subgraphs.budget.imports.support import Importer, csv_bytes, run_commit_job

HEADER = ["Date", "Payee", "Memo", "Amount"]
HISTORY = """query H($a: ID!, $first: Int, $after: String) {
  imports(accountId: $a, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id status filename counts { total new created } account { id name } }
  }
}"""
PAGE = """query R($id: ID!, $first: Int) {
  import(id: $id) { rows(first: $first) { nodes { index status matchedTransaction { id payee } transaction { id } } } }
}"""


def month(days: int, start: int = 1) -> bytes:
    return csv_bytes([HEADER] + [[f"2024-04-{d:02d}", f"Shop {d}", "", f"-{d}.50"] for d in range(start, start + days)])


async def test_history_newest_first_with_counts_and_status(importer: Importer) -> None:
    first = await importer.imported(month(5), "april.csv")
    second = await importer.upload(month(8), "april-full.csv")
    page = (await importer.run(HISTORY, a=str(importer.account_id), first=1))["imports"]
    assert page["pageInfo"]["hasNextPage"] is True
    [newest] = page["nodes"]
    assert (newest["id"], newest["status"], newest["counts"]) == (
        second["import"]["id"],
        "READY",
        {"total": 8, "new": 3, "created": None},
    )
    assert newest["account"]["id"] == str(importer.account_id)
    rest = await importer.run(HISTORY, a=str(importer.account_id), first=10, after=page["pageInfo"]["endCursor"])
    assert [(n["id"], n["status"], n["counts"]["created"]) for n in rest["imports"]["nodes"]] == [
        (first["id"], "COMMITTED", 5)
    ]


async def test_rows_filter_page_and_load_their_transactions_in_batches(importer: Importer) -> None:
    await importer.imported(month(20), "april.csv")
    uploaded = await importer.upload(month(30), "april-again.csv")
    import_id = uploaded["import"]["id"]
    new = await importer.rows(import_id, status="NEW")
    assert [r["index"] for r in new] == list(range(20, 30))
    duplicates = await importer.rows(import_id, status="DUPLICATE")
    assert len(duplicates) == 20
    assert all(r["matchedTransaction"]["payee"] == r["payee"] for r in duplicates)

    for size in (5, 30):
        with count_statements(importer.runtime.engine) as statements:
            data = await importer.run(PAGE, id=import_id, first=size)
        assert len(data["import"]["rows"]["nodes"]) == size
        # the import, its rows, one batched load of the matched transactions
        assert len(statements) == 3, statements


async def test_formats_are_the_installed_plugins(importer: Importer) -> None:
    data = await importer.run("{ importFormats { name label } }")
    assert [f["name"] for f in data["importFormats"]] == ["camt053", "csv", "ofx", "qif"]


async def test_the_commit_publishes_its_progress(importer: Importer) -> None:
    uploaded = await importer.upload(month(30))
    import_id = uploaded["import"]["id"]
    await importer.commit(import_id, run_job=False)
    pubsub = importer.runtime.redis.pubsub()
    await pubsub.subscribe(import_progress_channel(import_id))
    try:
        assert await run_commit_job(importer.runtime, uuid.UUID(import_id)) == "committed"
        messages: list[Progress] = []
        while not messages or not messages[-1].final:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                messages.append(Progress.from_json(message["data"]))
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
    assert [(m.status, m.phase) for m in messages] == [
        ("committing", "checking"),
        ("committing", "payees"),
        ("committing", "writing"),
        ("committed", "done"),
    ]
    assert (messages[2].processed, messages[2].total) == (30, 30)
    assert (messages[-1].created, messages[-1].linked, messages[-1].skipped) == (30, 0, 0)
