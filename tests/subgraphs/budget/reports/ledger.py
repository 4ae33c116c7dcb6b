"""A small, readable household ledger for the report tests, written through the ledger services.

Base currency EUR. Published ECB rates: EUR→USD 1.25 (so one USD is exactly 0.80 EUR) on 2026-01-15, 2026-01-30,
2026-02-13 and 2026-02-27; no CHF rate at all.

    accounts   Checking EUR   opening 1000.00 on 2026-01-01
               Card EUR       opening    0.00
               Dollars USD    opening  500.00 on 2026-01-01
               Franken CHF    opening  200.00 on 2026-02-01
               Mortgage EUR   opening -10000.00 on 2026-01-01

    2026-01-01 Checking   +3000.00 ACME GmbH        Salary
    2026-01-05 Checking     -80.40 REWE             Groceries
    2026-01-10 Card        -120.00 IKEA             split: Household -100.00, Groceries -20.00
    2026-01-12 Checking     -45.60 Bäckerei Müller  (uncategorised)
    2026-01-15 Dollars  USD -50.00 Whole Foods      Groceries           = -40.00 EUR
    2026-01-20 Checking    -500.00 → Card +500.00   transfer
    2026-01-25 Checking     +20.00 REWE             Groceries (a refund)
    2026-02-03 Franken  CHF -30.00 Migros           Groceries           no CHF rate: unconverted
    2026-02-10 Checking     -60.00 Trattoria        Restaurants
    2026-02-14 Dollars USD +100.00 Initech          Salary              = +80.00 EUR (rate of 02-13)
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.money import Money
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import store_rates
from subgraphs.budget.models import Category, CategoryGroup, HouseholdSettings, Transaction
from subgraphs.budget.services.ledger import (
    AccountKind,
    NewAccount,
    NewSplit,
    NewTransaction,
    create_account,
    create_transaction,
)


@dataclass
class Ledger:
    household_id: uuid.UUID
    accounts: dict[str, uuid.UUID] = field(default_factory=dict)
    categories: dict[str, uuid.UUID] = field(default_factory=dict)
    transactions: dict[str, uuid.UUID] = field(default_factory=dict)


async def write_ledger(sessionmaker: async_sessionmaker[AsyncSession], household_id: uuid.UUID) -> Ledger:
    ledger = Ledger(household_id)
    async with sessionmaker() as session, session.begin():
        session.add(HouseholdSettings(household_id=household_id, base_currency="EUR"))
        for name, kind, currency, opening, opening_date in (
            ("Checking", AccountKind.CHECKING, "EUR", "1000.00", dt.date(2026, 1, 1)),
            ("Card", AccountKind.CREDIT_CARD, "EUR", "0.00", None),
            ("Dollars", AccountKind.CHECKING, "USD", "500.00", dt.date(2026, 1, 1)),
            ("Franken", AccountKind.SAVINGS, "CHF", "200.00", dt.date(2026, 2, 1)),
            ("Mortgage", AccountKind.LOAN, "EUR", "-10000.00", dt.date(2026, 1, 1)),
        ):
            account = await create_account(
                session=session,
                household_id=household_id,
                data=NewAccount(name, kind, Money(opening, currency), opening_date=opening_date),
            )
            ledger.accounts[name] = account.id
        for group_name, group_kind, names in (
            ("Income", "income", ["Salary"]),
            ("Food", "expense", ["Groceries", "Restaurants"]),
            ("Home", "expense", ["Household"]),
        ):
            group = CategoryGroup(household_id=household_id, name=group_name, kind=group_kind)
            session.add(group)
            await session.flush()
            for name in names:
                category = Category(household_id=household_id, group_id=group.id, name=name, kind=group_kind)
                session.add(category)
                await session.flush()
                ledger.categories[name] = category.id
        await store_rates(
            session=session,
            source="ecb",
            rates=[PublishedRate("EUR", "USD", dt.date(2026, 1, day), Decimal("1.25")) for day in (15, 30)]
            + [PublishedRate("EUR", "USD", dt.date(2026, 2, day), Decimal("1.25")) for day in (13, 27)],
        )

    async def add(key: str, account: str, day: str, amount: str, payee: str | None, category: str | None = None,
                  splits: tuple[tuple[str, str], ...] = (), memo: str | None = None) -> None:  # fmt: skip
        async with sessionmaker() as session, session.begin():
            row = await create_transaction(
                session=session,
                household_ids=[household_id],
                data=NewTransaction(
                    account_id=ledger.accounts[account],
                    date=dt.date.fromisoformat(day),
                    amount=Decimal(amount),
                    payee=payee,
                    memo=memo,
                    category_id=ledger.categories[category] if category else None,
                    splits=[NewSplit(Decimal(a), ledger.categories[c]) for c, a in splits],
                ),
            )
            ledger.transactions[key] = row.id

    await add("salary", "Checking", "2026-01-01", "3000.00", "ACME GmbH", "Salary")
    await add("rewe", "Checking", "2026-01-05", "-80.40", "REWE", "Groceries")
    await add(
        "ikea", "Card", "2026-01-10", "-120.00", "IKEA", splits=(("Household", "-100.00"), ("Groceries", "-20.00"))
    )
    await add("bakery", "Checking", "2026-01-12", "-45.60", "Bäckerei Müller")
    await add("wholefoods", "Dollars", "2026-01-15", "-50.00", "Whole Foods", "Groceries")
    await add("transfer_out", "Checking", "2026-01-20", "-500.00", None, memo="card payoff")
    await add("transfer_in", "Card", "2026-01-20", "500.00", None, memo="card payoff")
    await add("refund", "Checking", "2026-01-25", "20.00", "REWE", "Groceries")
    await add("migros", "Franken", "2026-02-03", "-30.00", "Migros", "Groceries")
    await add("trattoria", "Checking", "2026-02-10", "-60.00", "Trattoria", "Restaurants")
    await add("initech", "Dollars", "2026-02-14", "100.00", "Initech", "Salary")
    async with sessionmaker() as session, session.begin():
        transfer_id = uuid.uuid4()
        for leg, other in (("transfer_out", "Card"), ("transfer_in", "Checking")):
            await session.execute(
                update(Transaction)
                .where(Transaction.id == ledger.transactions[leg])
                .values(transfer_id=transfer_id, transfer_account_id=ledger.accounts[other])
            )
    return ledger
