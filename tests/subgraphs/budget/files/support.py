"""A small, readable ledger to export, built through the real services."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlparse

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.money import Money
from fincloud.service import Runtime
from subgraphs.budget.app import create_app
from subgraphs.budget.models import Account, Category, CategoryGroup, Transaction
from subgraphs.budget.services.ledger import (
    AccountKind,
    NewAccount,
    NewSplit,
    NewTransaction,
    TransactionStatus,
    create_account,
    create_transaction,
)


@dataclass
class Ledger:
    household_id: uuid.UUID
    accounts: dict[str, Account] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)

    def ids(self) -> dict[str, str]:
        """Transaction ids by name, for filling expected files."""
        return {name: str(t.id) for name, t in self.transactions.items()}


LONG_PAYEE = "Amazon Marketplace Europe S.à r.l. Luxembourg"


async def make_ledger(session: AsyncSession, household_id: uuid.UUID) -> Ledger:
    """Girokonto (EUR): salary, a split bakery bill, a transfer to Savings, a pending café visit with a quoted memo;
    Savings (EUR): the transfer's other leg; Tokyo wallet (JPY, no minor unit): ramen; Manama (BHD, three places):
    groceries; Visa (EUR credit card): a payee longer than OFX's 32-character name."""
    ledger = Ledger(household_id)
    async with session.begin():
        for name, kind, currency, opening in [
            ("Girokonto", AccountKind.CHECKING, "EUR", "1000.00"),
            ("Savings", AccountKind.SAVINGS, "EUR", "0"),
            ("Tokyo wallet", AccountKind.CASH, "JPY", "20000"),
            ("Manama", AccountKind.CHECKING, "BHD", "10.000"),
            ("Visa", AccountKind.CREDIT_CARD, "EUR", "0"),
        ]:
            ledger.accounts[name] = await create_account(
                session=session,
                household_id=household_id,
                data=NewAccount(name=name, kind=kind, opening_balance=Money(Decimal(opening), currency)),
            )
        groups = {}
        for group_name, group_kind in [("Food", "expense"), ("Home", "expense"), ("Income", "income")]:
            groups[group_name] = CategoryGroup(household_id=household_id, name=group_name, kind=group_kind)
            session.add(groups[group_name])
        await session.flush()
        for group_name, name in [
            ("Food", "Groceries"),
            ("Food", "Restaurants"),
            ("Home", "Household"),
            ("Income", "Salary"),
        ]:
            group = groups[group_name]
            ledger.categories[name] = Category(household_id=household_id, group_id=group.id, name=name, kind=group.kind)
            session.add(ledger.categories[name])
        await session.flush()

        async def add(name: str, account: str, day: str, amount: str, payee: str | None, **extra: object) -> None:
            ledger.transactions[name] = await create_transaction(
                session=session,
                household_ids=[household_id],
                data=NewTransaction(
                    account_id=ledger.accounts[account].id,
                    date=dt.date.fromisoformat(day),
                    amount=Decimal(amount),
                    payee=payee,
                    memo=extra.pop("memo", None),  # type: ignore[arg-type]
                    **extra,  # type: ignore[arg-type]
                ),
            )

        cat = {name: c.id for name, c in ledger.categories.items()}
        await add("salary", "Girokonto", "2024-01-02", "2500.00", "ACME GmbH", category_id=cat["Salary"], tags=["work"])
        await add(
            "bakery",
            "Girokonto",
            "2024-01-05",
            "-42.50",
            "Bäckerei Müller",
            memo="Brot und Seife",
            splits=[
                NewSplit(Decimal("-30.00"), cat["Groceries"]),
                NewSplit(Decimal("-12.50"), cat["Household"], "Seife"),
            ],
            tags=["weekly", "cash back"],
        )
        await add("to_savings", "Girokonto", "2024-01-10", "-500.00", "Transfer: Savings")
        await add("from_giro", "Savings", "2024-01-10", "500.00", "Transfer: Girokonto")
        await add(
            "cafe",
            "Girokonto",
            "2024-01-15",
            "-19.99",
            "Café Zoë",
            memo='Frühstück, mit "Anna"',
            category_id=cat["Restaurants"],
            status=TransactionStatus.PENDING,
            notes="her birthday",
        )
        await add("ramen", "Tokyo wallet", "2024-01-20", "-1500", "ラーメン一蘭", category_id=cat["Restaurants"])
        await add("lulu", "Manama", "2024-01-21", "-1.250", "Lulu Hypermarket", category_id=cat["Groceries"])
        await add("amazon", "Visa", "2024-01-08", "-89.90", LONG_PAYEE, memo="Kabel & Stecker <USB-C>")
        # The transfer: two legs sharing a transfer id, each naming the other account.
        transfer_id = uuid.uuid4()
        giro, savings = ledger.accounts["Girokonto"], ledger.accounts["Savings"]
        for leg, other in (("to_savings", savings), ("from_giro", giro)):
            ledger.transactions[leg].transfer_id = transfer_id
            ledger.transactions[leg].transfer_account_id = other.id
    return ledger


async def download(runtime: Runtime, url: str) -> httpx.Response:
    """GET a download link as a browser would: FinCloud's own links through the budget app (as the router passes
    them on), presigned S3 URLs straight from the bucket."""
    if url.startswith(runtime.settings.public_url + "/"):
        app = create_app(runtime.settings)
        app.state.runtime = runtime
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://budget") as client:
            return await client.get(urlparse(url).path, headers={SERVICE_TOKEN_HEADER: runtime.settings.SERVICE_TOKEN})
    async with httpx.AsyncClient() as client:
        return await client.get(url)
