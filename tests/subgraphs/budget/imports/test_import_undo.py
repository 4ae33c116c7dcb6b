"""Undoing an import deletes what it added (and only that), with its events; the statement can then be imported
again, and what other imports merged into those transactions is not mistaken for a deletion."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select, update

from fincloud.constants import TOPIC_ACCOUNT_CHANGED, TOPIC_IMPORT_UNDONE
from subgraphs.budget.models import Transaction, outbox
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from tests.subgraphs.budget.imports.support import Importer, csv_bytes, csv_export_of, shared_ofx, statement_rows

HEADER = ["Date", "Payee", "Memo", "Amount"]


async def test_undo_removes_the_batch_and_the_statement_can_come_again(importer: Importer) -> None:
    import datetime as dt

    async with importer.runtime.sessionmaker() as session, session.begin():
        await create_transaction(
            session=session,
            household_ids=importer.viewer.household_ids,
            data=NewTransaction(importer.account_id, dt.date(2020, 1, 1), Decimal("100.00"), "Opening gift", None),
        )
    data = shared_ofx("checking.ofx")
    rows = statement_rows(data, "checking.ofx")
    committed = await importer.imported(data, "checking.ofx")
    assert await importer.balance() == Decimal("100.00") + sum(r.amount for r in rows)

    undone = await importer.undo(committed["id"])
    assert undone["errors"] == []
    assert undone["import"]["status"] == "UNDONE"
    assert undone["import"]["counts"]["removed"] == len(rows)
    assert [t.payee for t in await importer.ledger()] == ["Opening gift"]
    assert await importer.balance() == Decimal("100.00")
    async with importer.runtime.sessionmaker() as session:
        events = (await session.execute(select(outbox).order_by(outbox.c.occurred_at))).all()
    [event] = [e for e in events if e.topic == TOPIC_IMPORT_UNDONE]
    assert event.payload == {
        "import_id": committed["id"],
        "account_id": str(importer.account_id),
        "removed": len(rows),
        "amount": format(-sum(r.amount for r in rows), "f"),
        "currency": "USD",
    }
    assert events[-1].topic == TOPIC_ACCOUNT_CHANGED

    # Undone is not deleted: the same statement imports as new again.
    again = await importer.upload(data, "checking.ofx")
    assert again["import"]["counts"]["new"] == len(rows)
    assert (await importer.undo(committed["id"]))["errors"][0]["message"] == "the import was already undone"


async def test_undoing_the_first_of_two_overlapping_imports(importer: Importer) -> None:
    """The OFX merged into the CSV's transactions; undoing the CSV deletes them, and the OFX's links must not
    then read as "the user deleted these": importing the OFX again brings them back."""
    ofx = shared_ofx("checking.ofx")
    rows = statement_rows(ofx, "checking.ofx")
    csv_import = await importer.imported(csv_export_of(rows), "export.csv")
    ofx_import = await importer.imported(ofx, "checking.ofx")
    assert ofx_import["counts"]["linked"] == len(rows)
    await importer.undo(csv_import["id"])
    assert await importer.ledger() == []
    again = await importer.upload(ofx, "checking.ofx")
    assert again["import"]["counts"]["new"] == len(rows)
    assert again["import"]["counts"]["deleted"] == 0


async def test_undo_refuses_reconciled_transactions_and_unfinished_imports(importer: Importer) -> None:
    uploaded = await importer.upload(csv_bytes([HEADER, ["2024-02-01", "Bakery", "", "-2.10"]]))
    import_id = uploaded["import"]["id"]
    assert (await importer.undo(import_id))["errors"] == [
        {"__typename": "ValidationError", "message": "only a committed import can be undone", "field": "importId"}
    ]
    await importer.commit(import_id)
    async with importer.runtime.sessionmaker() as session, session.begin():
        await session.execute(
            update(Transaction).where(Transaction.import_batch_id == uuid.UUID(import_id)).values(status="reconciled")
        )
    refused = await importer.undo(import_id)
    assert "reconciled" in refused["errors"][0]["message"]
    assert len(await importer.ledger()) == 1
