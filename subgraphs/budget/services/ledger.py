"""Accounts and transactions. Keyword-only async functions; no GraphQL here. Callers own the transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_TRANSACTION_CREATED
from fincloud.events import write_event
from fincloud.money import Money
from subgraphs.budget.models import Account, Transaction, outbox
from subgraphs.budget.services.account_events import write_account_changed

__all__ = ["AccountKind", "NewAccount", "NewTransaction", "create_account", "create_transaction"]

TRANSACTION_CREATED = TOPIC_TRANSACTION_CREATED


class AccountKind(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"
    CREDIT_CARD = "credit_card"
    CASH = "cash"
    INVESTMENT = "investment"
    LOAN = "loan"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class NewAccount:
    name: str
    kind: AccountKind
    opening_balance: Money


@dataclass(frozen=True, slots=True)
class NewTransaction:
    account_id: uuid.UUID
    date: date
    amount: Decimal
    payee: str | None
    memo: str | None


class AccountNotFoundError(LookupError):
    """No such account in the viewer's households."""


async def create_account(*, session: AsyncSession, household_id: uuid.UUID, data: NewAccount) -> Account:
    """Add an account, and its ``budget.account_changed`` event, in the caller's transaction."""
    account = Account(
        household_id=household_id,
        name=data.name,
        type=data.kind.value,
        currency=data.opening_balance.currency,
        opening_balance=data.opening_balance.amount,
    )
    session.add(account)
    await session.flush()
    await write_account_changed(session=session, account=account)
    return account


async def create_transaction(
    *, session: AsyncSession, household_ids: list[uuid.UUID], data: NewTransaction
) -> Transaction:
    """Record a transaction on an account of one of ``household_ids``, and its event, in one transaction.

    The amount must fit the account currency's minor unit (``MoneyError`` otherwise); the account row is
    locked so concurrent writers to one account serialise.
    """
    account = await session.scalar(
        select(Account).where(Account.id == data.account_id, Account.household_id.in_(household_ids)).with_for_update()
    )
    if account is None:
        raise AccountNotFoundError(data.account_id)
    amount = Money.exact(data.amount, account.currency)
    transaction = Transaction(
        household_id=account.household_id,
        account_id=account.id,
        date=data.date,
        amount=amount.amount,
        currency=amount.currency,
        payee=data.payee,
        memo=data.memo,
    )
    session.add(transaction)
    await session.flush()
    await write_event(
        session,
        outbox,
        topic=TRANSACTION_CREATED,
        household_id=account.household_id,
        payload={
            "transaction_id": transaction.id,
            "account_id": account.id,
            "account_name": account.name,
            "date": transaction.date,
            "amount": amount.display_amount(),
            "currency": amount.currency,
            "payee": transaction.payee,
        },
    )
    return transaction
