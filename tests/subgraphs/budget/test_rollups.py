"""The per-day sums that balances, net worth, reports and budgets read are always what the ledger sums to, after
any statement on the transactions or their split parts: one row or many, through the services or straight SQL,
by cascade (a category or an account removed) and under COPY."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.service import Runtime
from subgraphs.budget.imports.matching import driver_connection
from subgraphs.budget.services.ledger import NewSplit, NewTransaction, TransactionStatus, create_transaction
from subgraphs.budget.services.rollups import rebuild_rollups, rollup_drift
from subgraphs.budget.services.transactions import TransactionChanges, delete_transaction, update_transaction
from subgraphs.budget.services.transfers import NewTransfer, create_transfer
from tests.factories import make_account, make_category

D = Decimal
DAY = dt.date(2025, 3, 1)


async def _in_step(session: AsyncSession, household: uuid.UUID) -> None:
    async with session.begin():
        drift = await rollup_drift(session=session, household_id=household)
    assert drift == []


async def test_every_kind_of_write_keeps_the_rollups_in_step(runtime: Runtime) -> None:
    household = uuid.uuid4()
    rng = random.Random(20261201)
    async with runtime.sessionmaker() as session:
        checking = await make_account(session, household_id=household, name="Checking")
        savings = await make_account(session, household_id=household, name="Savings")
        dollars = await make_account(session, household_id=household, name="Dollars", currency="USD")
        food = await make_category(session, household_id=household, name="Food")
        rent = await make_category(session, household_id=household, name="Rent")
        salary = await make_category(session, household_id=household, name="Salary", kind="income")
        categories = [food.id, rent.id, salary.id, None]

        # Through the services: plain, split and transfer transactions.
        created = []
        async with session.begin():
            for i in range(30):
                account = checking if i % 6 == 5 else rng.choice([checking, dollars])
                splits: list[NewSplit] = []
                category = rng.choice(categories)
                amount = D(rng.randint(-20000, 20000)) / 100 or D("1.00")
                if i % 5 == 0:
                    first = (amount / 2).quantize(D("0.01"))
                    splits = [NewSplit(first, food.id), NewSplit(amount - first, None)]
                    category = None
                row = await create_transaction(
                    session=session,
                    household_ids=[household],
                    data=NewTransaction(
                        account.id,
                        DAY + dt.timedelta(days=rng.randint(0, 9)),
                        amount,
                        f"Payee {i % 4}",
                        None,
                        category_id=category,
                        splits=splits,
                    ),
                )
                created.append(row.id)
            await create_transfer(
                session=session,
                household_ids=[household],
                data=NewTransfer(
                    from_account_id=checking.id,
                    to_account_id=dollars.id,
                    date=DAY,
                    amount=D("100.00"),
                    to_amount=D("108.20"),
                ),
            )
        await _in_step(session, household)

        # Edits through the service: amount, date, account, status, category, splits added and taken away.
        for position, transaction_id in enumerate(created[:12]):
            async with session.begin():
                changes = [
                    TransactionChanges(amount=D("-12.34"), splits=[]),
                    TransactionChanges(date=DAY + dt.timedelta(days=20)),
                    TransactionChanges(status=TransactionStatus.PENDING),
                    TransactionChanges(category_id=rent.id, splits=[]),
                    TransactionChanges(
                        amount=D("-10.00"), splits=[NewSplit(D("-7.00"), rent.id), NewSplit(D("-3.00"), salary.id)]
                    ),
                    TransactionChanges(account_id=savings.id, date=DAY + dt.timedelta(days=3)),
                ][position % 6]
                await update_transaction(
                    session=session, household_ids=[household], transaction_id=transaction_id, changes=changes
                )
            await _in_step(session, household)
        async with session.begin():
            for transaction_id in created[12:16]:
                await delete_transaction(session=session, household_ids=[household], transaction_id=transaction_id)
        await _in_step(session, household)

        # Straight SQL: many rows in one statement each way.
        params = {"household": household}
        for statement in (
            "UPDATE budget.transactions SET date = date + 1, amount = amount * 2 WHERE household_id = :household"
            " AND NOT is_split AND transfer_id IS NULL",
            "UPDATE budget.transactions SET status = 'reconciled' WHERE household_id = :household AND amount < 0",
            "UPDATE budget.splits SET category_id = NULL WHERE household_id = :household AND amount > 0",
            "UPDATE budget.transactions SET date = date - 5 WHERE household_id = :household AND is_split",
            "DELETE FROM budget.categories WHERE id = :food",
        ):
            async with session.begin():
                await session.execute(text(statement), {**params, "food": food.id})
            await _in_step(session, household)

        # A batch written with COPY (as imports and benchmarks do), then the account removed with all of it.
        rows = [
            (uuid.uuid4(), household, dollars.id, DAY + dt.timedelta(days=i % 7), D(i) - D("40.5"), "USD", salary.id)
            for i in range(80)
        ]
        async with session.begin():
            conn = await driver_connection(session)
            await conn.copy_records_to_table(
                "transactions",
                schema_name="budget",
                columns=["id", "household_id", "account_id", "date", "amount", "currency", "category_id"],
                records=rows,
            )
        await _in_step(session, household)
        async with session.begin():
            await session.execute(text("DELETE FROM budget.accounts WHERE id = :id"), {"id": dollars.id})
        await _in_step(session, household)
        async with session.begin():
            left = (
                await session.execute(
                    text("SELECT count(*) FROM budget.account_days WHERE account_id = :id"), {"id": dollars.id}
                )
            ).scalar_one()
        assert left == 0


async def test_a_damaged_rollup_is_found_and_rebuilt(runtime: Runtime) -> None:
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household)
        async with session.begin():
            await create_transaction(
                session=session,
                household_ids=[household],
                data=NewTransaction(account.id, DAY, D("-5.00"), "Bakery", None),
            )
            await session.execute(
                text("UPDATE budget.account_days SET cleared = cleared + 1 WHERE household_id = :h"), {"h": household}
            )
        async with session.begin():
            drift = await rollup_drift(session=session, household_id=household)
        assert [d.table for d in drift] == ["account_days"]
        assert drift[0].truth is not None
        assert drift[0].truth[4] == D("-5.00")
        async with session.begin():
            await rebuild_rollups(session=session, household_id=household)
        await _in_step(session, household)
