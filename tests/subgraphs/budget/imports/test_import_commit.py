"""Committing imports: idempotent whatever comes in twice, never merging a genuine repeat, never bringing back what
the user deleted, all or nothing, one event per batch."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from fincloud.constants import TOPIC_ACCOUNT_CHANGED, TOPIC_IMPORT_COMPLETED, TOPIC_TRANSACTION_CREATED
from subgraphs.budget.categorisation.models import TransactionCategorisation
from subgraphs.budget.imports.models import ImportRow
from subgraphs.budget.models import Category, CategoryGroup, Payee, Transaction, outbox
from tests.subgraphs.budget.importers.support import data_file
from tests.subgraphs.budget.imports.support import (
    Importer,
    csv_bytes,
    csv_export_of,
    shared_ofx,
    statement_rows,
)

HEADER = ["Date", "Payee", "Memo", "Amount"]


def coffees(*days: str, amount: str = "-3.40", payee: str = "Corner Café") -> list[list[str]]:
    return [[day, payee, "card payment", amount] for day in days]


async def topics(importer: Importer) -> list[str]:
    async with importer.runtime.sessionmaker() as session:
        return list(await session.scalars(select(outbox.c.topic).order_by(outbox.c.occurred_at)))


async def test_the_same_file_twice_adds_nothing_the_second_time(importer: Importer) -> None:
    data = shared_ofx("checking.ofx")
    expected = statement_rows(data, "checking.ofx")
    first = await importer.imported(data, "checking.ofx")
    assert first["status"] == "COMMITTED"
    assert first["counts"]["created"] == len(expected)
    balance = await importer.balance()
    assert balance == sum(row.amount for row in expected)

    again = await importer.upload(data, "checking.ofx")
    counts = again["import"]["counts"]
    assert (counts["new"], counts["duplicate"], counts["conflict"]) == (0, len(expected), 0)
    rows = await importer.rows(again["import"]["id"])
    assert {(r["status"], r["reason"], r["action"]) for r in rows} == {("DUPLICATE", "SAME_IMPORT_KEY", "LINK")}
    assert [r["matchedTransaction"]["amount"]["amount"] for r in rows] == [format(r.amount, "f") for r in expected]
    await importer.commit(again["import"]["id"])
    assert (await importer.status(again["import"]["id"]))["counts"]["created"] == 0
    assert await importer.balance() == balance
    assert len(await importer.ledger()) == len(expected)


@pytest.mark.parametrize(("name", "currency"), [("checking.ofx", "USD"), ("bank_medium.ofx", "CAD")])
async def test_a_csv_export_then_the_ofx_of_the_same_month_never_doubles_the_balance(
    importer: Importer, name: str, currency: str
) -> None:
    importer = await importer.with_account(currency)
    ofx = shared_ofx(name)
    rows = statement_rows(ofx, name)
    # The bank's web export of the same transactions: no references, booked a day later.
    csv_import = await importer.imported(csv_export_of(rows, shift_days=1), "export.csv")
    assert csv_import["counts"]["created"] == len(rows)
    balance = await importer.balance()

    ofx_import = await importer.upload(ofx, name)
    assert ofx_import["import"]["counts"]["duplicate"] == len(rows)
    assert ofx_import["import"]["counts"]["new"] == 0
    classified = await importer.rows(ofx_import["import"]["id"])
    assert {r["reason"] for r in classified} == {"LIKELY_DUPLICATE"}
    await importer.commit(ofx_import["import"]["id"])
    assert await importer.balance() == balance
    assert len(await importer.ledger()) == len(rows)

    # The OFX's identities now belong to those transactions: a third import of it matches them by key.
    third = await importer.upload(ofx, name)
    assert {r["reason"] for r in await importer.rows(third["import"]["id"])} == {"SAME_IMPORT_KEY"}


async def test_two_identical_coffees_the_same_day_are_both_kept(importer: Importer) -> None:
    two = csv_bytes([HEADER, *coffees("2024-03-01", "2024-03-01")])
    first = await importer.imported(two)
    assert first["counts"]["created"] == 2
    assert await importer.balance() == Decimal("-6.80")
    # The same two again: nothing. A statement with a third that day: only the third.
    again = await importer.upload(two)
    assert again["import"]["counts"]["duplicate"] == 2
    three = await importer.imported(csv_bytes([HEADER, *coffees("2024-03-01", "2024-03-01", "2024-03-01")]))
    assert three["counts"]["created"] == 1
    assert await importer.balance() == Decimal("-10.20")


async def test_a_repeat_a_week_later_or_at_another_payee_is_never_merged(importer: Importer) -> None:
    await importer.imported(csv_bytes([HEADER, *coffees("2024-03-01")]))
    # Another export (other columns, so other keys) with the same coffee, the same amount a week later, and the
    # same amount elsewhere the same day.
    other = csv_bytes(
        [
            ["Booking date", "Counterparty", "Amount"],
            ["02/03/2024", "CORNER CAFE", "-3,40"],
            ["08/03/2024", "CORNER CAFE", "-3,40"],
            ["01/03/2024", "Shell Station 4711", "-3,40"],
        ],
        delimiter=";",
    )
    uploaded = await importer.upload(other, settings={"dateFormat": "DD/MM/YYYY"})
    rows = await importer.rows(uploaded["import"]["id"])
    assert [(r["date"], r["status"]) for r in rows] == [
        ("2024-03-02", "DUPLICATE"),
        ("2024-03-08", "NEW"),
        ("2024-03-01", "NEW"),
    ]
    await importer.commit(uploaded["import"]["id"])
    assert await importer.balance() == Decimal("-10.20")


async def test_a_deleted_transaction_is_not_brought_back(importer: Importer) -> None:
    data = shared_ofx("checking.ofx")
    rows = statement_rows(data, "checking.ofx")
    await importer.imported(data, "checking.ofx")
    victim = rows[1]
    async with importer.runtime.sessionmaker() as session, session.begin():
        # A plain DELETE, as the ledger does it.
        await session.execute(
            delete(Transaction).where(
                Transaction.account_id == importer.account_id, Transaction.amount == victim.amount
            )
        )
    balance = await importer.balance()

    again = await importer.upload(data, "checking.ofx")
    classified = await importer.rows(again["import"]["id"])
    assert [(r["status"], r["reason"], r["action"]) for r in classified] == [
        ("DUPLICATE", "SAME_IMPORT_KEY", "LINK"),
        ("DUPLICATE", "DELETED", "SKIP"),
        ("DUPLICATE", "SAME_IMPORT_KEY", "LINK"),
    ]
    assert again["import"]["counts"]["deleted"] == 1
    await importer.commit(again["import"]["id"])
    assert await importer.balance() == balance

    # Nor by an export of the same statement in another format.
    csv_import = await importer.upload(csv_export_of(rows), "export.csv")
    assert [r["reason"] for r in await importer.rows(csv_import["import"]["id"])][1] == "DELETED"


async def test_bank_references_with_other_figures_are_conflicts_to_resolve(importer: Importer) -> None:
    first = csv_bytes([["Date", "Payee", "Reference", "Amount"], ["2024-05-02", "Restaurant Roma", "TX-1", "-45.00"]])
    await importer.imported(first)
    # The bank re-issued the statement: the same reference, the tip added.
    corrected = csv_bytes(
        [["Date", "Payee", "Reference", "Amount"], ["2024-05-02", "Restaurant Roma", "TX-1", "-52.00"]]
    )
    uploaded = await importer.upload(corrected)
    assert uploaded["import"]["counts"]["conflict"] == 1
    [row] = await importer.rows(uploaded["import"]["id"])
    assert (row["status"], row["action"], row["matchedTransaction"]["amount"]["amount"]) == (
        "CONFLICT",
        "SKIP",
        "-45.00",
    )

    refused = await importer.commit(uploaded["import"]["id"])
    assert refused["errors"][0]["field"] == "conflicts"
    assert "1 row(s) conflict" in refused["errors"][0]["message"]
    assert (await importer.status(uploaded["import"]["id"]))["status"] == "READY"

    merged = await importer.commit(uploaded["import"]["id"], resolutions=[{"index": 0, "action": "LINK"}])
    assert merged["errors"] == []
    status = await importer.status(uploaded["import"]["id"])
    assert (status["counts"]["created"], status["counts"]["linked"]) == (0, 1)
    assert await importer.balance() == Decimal("-45.00")
    [committed] = await importer.rows(uploaded["import"]["id"])
    assert committed["transaction"]["id"] == row["matchedTransaction"]["id"]


async def test_merging_keeps_the_import_identity(importer: Importer) -> None:
    """A likely duplicate merged into a hand-entered transaction: the statement row's identity moves with it, so
    the next import of the statement finds the transaction by key, even after the transaction was edited."""
    from subgraphs.budget.services.ledger import NewTransaction, create_transaction

    async with importer.runtime.sessionmaker() as session, session.begin():
        manual = await create_transaction(
            session=session,
            household_ids=importer.viewer.household_ids,
            data=NewTransaction(
                account_id=importer.account_id,
                date=__import__("datetime").date(2024, 6, 3),
                amount=Decimal("-89.90"),
                payee="Hardware store",
                memo=None,
            ),
        )
    statement = csv_bytes([HEADER, ["2024-06-04", "HARDWARE STORE 0815", "card", "-89.90"]])
    uploaded = await importer.upload(statement)
    [row] = await importer.rows(uploaded["import"]["id"])
    assert (row["status"], row["reason"], row["matchedTransaction"]["id"]) == (
        "DUPLICATE",
        "LIKELY_DUPLICATE",
        str(manual.id),
    )
    await importer.commit(uploaded["import"]["id"])
    async with importer.runtime.sessionmaker() as session, session.begin():
        edited = await session.get(Transaction, manual.id)
        assert edited is not None
        edited.payee = "Bauhaus"
        edited.date = __import__("datetime").date(2024, 6, 1)
    again = await importer.upload(statement)
    [row] = await importer.rows(again["import"]["id"])
    assert (row["reason"], row["matchedTransaction"]["id"]) == ("SAME_IMPORT_KEY", str(manual.id))
    assert len(await importer.ledger()) == 1


async def test_a_duplicate_can_be_created_after_all_and_a_new_row_skipped(importer: Importer) -> None:
    await importer.imported(csv_bytes([HEADER, *coffees("2024-03-01")]))
    other = csv_bytes([["Booking date", "Counterparty", "Amount"], ["2024-03-02", "CORNER CAFE", "-3.40"],
                       ["2024-03-05", "Bakery", "-2.10"]])  # fmt: skip
    uploaded = await importer.upload(other)
    import_id = uploaded["import"]["id"]
    assert [r["status"] for r in await importer.rows(import_id)] == ["DUPLICATE", "NEW"]
    await importer.commit(import_id, resolutions=[{"index": 0, "action": "CREATE"}, {"index": 1, "action": "SKIP"}])
    # Two coffees now (the payee spelled two ways is one payee); the bakery was left out.
    assert [(t.date.day, t.payee, t.amount) for t in await importer.ledger()] == [
        (1, "Corner Café", Decimal("-3.40")),
        (2, "Corner Café", Decimal("-3.40")),
    ]


async def test_payees_are_normalised_and_categorised_by_their_default(importer: Importer) -> None:
    household = importer.viewer.household_ids[0]
    async with importer.runtime.sessionmaker() as session, session.begin():
        group = CategoryGroup(household_id=household, name="Food", kind="expense")
        session.add(group)
        await session.flush()
        coffee = Category(household_id=household, group_id=group.id, name="Coffee", kind="expense")
        session.add(coffee)
        await session.flush()
        session.add(
            Payee(household_id=household, name="Corner Café", name_key="corner cafe", default_category_id=coffee.id)
        )
    data = csv_bytes([HEADER, *coffees("2024-03-01", "2024-03-02", payee="CORNER  CAFE"),
                      ["2024-03-03", "New Bakery", "bread", "-2.50"], ["2024-03-04", "new bakery", "", "-1.50"]])  # fmt: skip
    uploaded = await importer.upload(data)
    rows = await importer.rows(uploaded["import"]["id"])
    assert rows[0]["suggestion"] == {
        "categoryId": str(coffee.id),
        "reason": "payee default",
        "source": "payee",
        "confidence": 1.0,
        "tags": [],
    }
    assert rows[2]["suggestion"] is None
    await importer.commit(uploaded["import"]["id"])
    ledger = await importer.ledger()
    assert [(t.payee, t.category_id) for t in ledger] == [
        ("Corner Café", coffee.id),
        ("Corner Café", coffee.id),
        ("New Bakery", None),
        ("New Bakery", None),
    ]
    async with importer.runtime.sessionmaker() as session:
        payees = list(
            await session.scalars(select(Payee.name).where(Payee.household_id == household).order_by(Payee.name))
        )
    assert payees == ["Corner Café", "New Bakery"]
    assert len({t.payee_id for t in ledger}) == 2
    async with importer.runtime.sessionmaker() as session:
        why = (await session.execute(select(TransactionCategorisation))).scalars().all()
    assert sorted((w.transaction_id, w.source, w.reason, w.applied_by) for w in why) == sorted(
        (t.id, "payee", "payee default", "create") for t in ledger[:2]
    )


async def test_one_import_completed_and_one_account_event_per_batch(importer: Importer) -> None:
    before = await topics(importer)
    rows = [HEADER] + [[f"2024-01-{d:02d}", f"Shop {d}", "", f"-{d}.00"] for d in range(1, 29)]
    committed = await importer.imported(csv_bytes(rows))
    added = (await topics(importer))[len(before) :]
    assert sorted(added) == sorted(["budget.import_commit_requested", TOPIC_IMPORT_COMPLETED, TOPIC_ACCOUNT_CHANGED])
    assert TOPIC_TRANSACTION_CREATED not in added
    async with importer.runtime.sessionmaker() as session:
        [event] = (await session.execute(select(outbox).where(outbox.c.topic == TOPIC_IMPORT_COMPLETED))).all()
    assert event.household_id == importer.viewer.household_ids[0]
    assert event.payload["import_id"] == committed["id"]
    assert event.payload["account_id"] == str(importer.account_id)
    assert event.payload["counts"]["created"] == 28
    assert event.payload["amount"] == "-406.00"
    assert event.payload["months"] == ["2024-01"]


async def test_a_ledger_changed_since_the_dry_run_is_classified_again(importer: Importer) -> None:
    data = shared_ofx("checking.ofx")
    early = await importer.upload(data, "checking.ofx")
    late = await importer.upload(data, "checking.ofx")
    assert early["import"]["counts"]["new"] == late["import"]["counts"]["new"] == 3
    await importer.commit(early["import"]["id"])
    # The second dry run said "3 new"; the ledger changed meanwhile, so the commit looks again.
    await importer.commit(late["import"]["id"])
    status = await importer.status(late["import"]["id"])
    assert (status["counts"]["created"], status["counts"]["duplicate"]) == (0, 3)
    assert len(await importer.ledger()) == 3


async def test_a_failed_commit_writes_nothing_and_can_run_again(importer: Importer) -> None:
    data = csv_bytes([HEADER, *coffees("2024-03-01", "2024-03-02")])
    uploaded = await importer.upload(data)
    import_id = uploaded["import"]["id"]
    # Another writer holds one of the keys under a transaction that will vanish: make the commit fail half-way by
    # archiving the account between the request and the job.
    from fincloud.db import utcnow
    from subgraphs.budget.models import Account

    await importer.commit(import_id, run_job=False)
    async with importer.runtime.sessionmaker() as session, session.begin():
        account = await session.get(Account, importer.account_id)
        assert account is not None
        account.archived_at = utcnow()
    from tests.subgraphs.budget.imports.support import run_commit_job

    assert await run_commit_job(importer.runtime, uuid.UUID(import_id)) == "failed"
    status = await importer.status(import_id)
    assert status["status"] == "FAILED"
    assert status["problem"]["message"] == "the account was archived; unarchive it to import into it"
    assert await importer.ledger() == []
    async with importer.runtime.sessionmaker() as session, session.begin():
        account = await session.get(Account, importer.account_id)
        assert account is not None
        account.archived_at = None
    again = await importer.commit(import_id)
    assert again["errors"] == []
    assert (await importer.status(import_id))["counts"]["created"] == 2


async def test_a_repeated_delivery_of_the_request_commits_once(importer: Importer) -> None:
    from tests.subgraphs.budget.imports.support import run_commit_job

    uploaded = await importer.upload(csv_bytes([HEADER, *coffees("2024-03-01")]))
    import_id = uploaded["import"]["id"]
    await importer.commit(import_id)
    assert await run_commit_job(importer.runtime, uuid.UUID(import_id)) == "committed"
    assert len(await importer.ledger()) == 1
    async with importer.runtime.sessionmaker() as session:
        identities = await session.scalar(
            select(func.count()).select_from(ImportRow).where(ImportRow.import_id == uuid.UUID(import_id))
        )
    assert identities == 1


async def test_the_project_samples_csv_then_qfx(importer: Importer) -> None:
    """The importers' own overlapping samples: the QFX adds only the car wash and the coffee a week later."""
    await importer.imported(data_file("us_checking.csv"), "us_checking.csv")
    balance = await importer.balance()
    uploaded = await importer.upload(data_file("us_checking_jan.qfx"), "us_checking_jan.qfx")
    rows = await importer.rows(uploaded["import"]["id"])
    new = [(r["date"], r["payee"]) for r in rows if r["status"] == "NEW"]
    assert new == [("2024-01-16", "SHELL OIL 57442"), ("2024-01-30", "STARBUCKS STORE #1234")]
    await importer.commit(uploaded["import"]["id"])
    assert await importer.balance() == balance - Decimal("9.50")


async def test_raw_writes_join_the_sessions_transaction(importer: Importer) -> None:
    """The set-based writes go through asyncpg directly: they must roll back with the session's transaction."""
    from subgraphs.budget.imports.matching import driver_connection

    async with importer.runtime.sessionmaker() as session, session.begin():
        conn = await driver_connection(session)
        assert conn.is_in_transaction()
        await conn.execute(
            "INSERT INTO budget.payees (id, household_id, name, name_key) VALUES ($1, $2, 'Ghost', 'ghost')",
            uuid.uuid4(),
            importer.viewer.household_ids[0],
        )
        await session.rollback()
    async with importer.runtime.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Payee)) == 0
