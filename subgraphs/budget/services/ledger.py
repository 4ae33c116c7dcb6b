"""Accounts and transactions. Keyword-only async functions; no GraphQL here. Callers own the transaction.

Every write that changes a balance takes the account row's lock (``FOR UPDATE``), so concurrent writers to one
account serialise and a reconciliation sees a stable ledger.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_TRANSACTION_CREATED
from fincloud.events import write_event
from fincloud.money import Money, MoneyError
from subgraphs.budget.models import Account, Category, Split, Transaction, outbox
from subgraphs.budget.services.account_events import write_account_changed
from subgraphs.budget.services.categorise import apply_on_create
from subgraphs.budget.services.payees import resolve_payee

__all__ = [
    "AccountArchivedError",
    "AccountKind",
    "AccountNotFoundError",
    "CategoryNotFoundError",
    "LedgerError",
    "NewAccount",
    "NewSplit",
    "NewTransaction",
    "SplitError",
    "TransactionStatus",
    "create_account",
    "create_transaction",
    "locked_account",
    "normalize_tags",
    "transaction_event_payload",
]

TRANSACTION_CREATED = TOPIC_TRANSACTION_CREATED
MAX_TAGS = 20
MAX_TAG_LENGTH = 60


class AccountKind(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"
    CREDIT_CARD = "credit_card"
    CASH = "cash"
    INVESTMENT = "investment"
    LOAN = "loan"
    OTHER = "other"


class TransactionStatus(StrEnum):
    PENDING = "pending"
    CLEARED = "cleared"
    RECONCILED = "reconciled"


class LedgerError(ValueError):
    """Bad input for the ledger; ``field`` names the input field (GraphQL spelling) it is about."""

    field: str = "input"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class AccountNotFoundError(LedgerError, LookupError):
    """No such account in the caller's households (another household's account looks the same)."""

    field = "accountId"

    def __init__(self, account_id: object = None, *, field: str | None = None) -> None:
        super().__init__("no such account", field=field)
        self.account_id = account_id


class AccountArchivedError(LedgerError):
    field = "accountId"


class CategoryNotFoundError(LedgerError, LookupError):
    field = "categoryId"


class SplitError(LedgerError):
    field = "splits"


@dataclass(frozen=True, slots=True)
class NewAccount:
    name: str
    kind: AccountKind
    opening_balance: Money
    opening_date: date | None = None
    institution: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class NewSplit:
    amount: Decimal
    category_id: uuid.UUID | None = None
    memo: str | None = None


@dataclass(frozen=True, slots=True)
class NewTransaction:
    account_id: uuid.UUID
    date: date
    amount: Decimal
    payee: str | None
    memo: str | None
    category_id: uuid.UUID | None = None
    splits: Sequence[NewSplit] = ()
    tags: Sequence[str] = ()
    status: TransactionStatus = TransactionStatus.CLEARED
    notes: str | None = None
    import_key: str | None = None
    import_batch_id: uuid.UUID | None = None
    created_by: uuid.UUID | None = None
    extra_event_fields: dict[str, Any] = field(default_factory=dict)
    """Merged into the ``TransactionCreated`` payload (e.g. why a category was chosen)."""
    categorise: bool = False
    """Apply the household's rules (payee rename, tags, and a category when none is given) and, with no category,
    its payee default or a learned suggestion above its threshold; see ``services.categorise``."""


async def create_account(*, session: AsyncSession, household_id: uuid.UUID, data: NewAccount) -> Account:
    """Add an account, and its ``budget.account_changed`` event, in the caller's transaction."""
    account = Account(
        household_id=household_id,
        name=data.name,
        type=data.kind.value,
        currency=data.opening_balance.currency,
        opening_balance=data.opening_balance.amount,
        opening_date=data.opening_date,
        institution=data.institution,
        note=data.note,
    )
    session.add(account)
    await session.flush()
    await write_account_changed(session=session, account=account)
    return account


async def locked_account(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], account_id: uuid.UUID, field: str = "accountId"
) -> Account:
    """The account, locked for this transaction, if it is in ``household_ids``; ``AccountNotFoundError`` if not."""
    account = await session.scalar(
        select(Account).where(Account.id == account_id, Account.household_id.in_(household_ids)).with_for_update()
    )
    if account is None:
        raise AccountNotFoundError(account_id, field=field)
    return account


def normalize_tags(tags: Sequence[str]) -> list[str]:
    """Tags as stored: trimmed, without a leading ``#``, unique (first spelling kept, case-insensitively), in order."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in tags:
        tag = raw.strip().lstrip("#").strip()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise LedgerError(f"a tag has at most {MAX_TAG_LENGTH} characters", field="tags")
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    if len(result) > MAX_TAGS:
        raise LedgerError(f"use at most {MAX_TAGS} tags", field="tags")
    return result


async def check_categories(
    *, session: AsyncSession, household_id: uuid.UUID, category_ids: Sequence[uuid.UUID | None], field: str
) -> None:
    """Every id names a live (not archived) category of the household; ``CategoryNotFoundError`` otherwise."""
    wanted = {c for c in category_ids if c is not None}
    if not wanted:
        return
    found = set(
        await session.scalars(
            select(Category.id).where(
                Category.id.in_(wanted), Category.household_id == household_id, Category.archived_at.is_(None)
            )
        )
    )
    if found != wanted:
        raise CategoryNotFoundError("no such category", field=field)


def exact_splits(splits: Sequence[NewSplit], *, amount: Money) -> list[Money]:
    """The parts as money of the transaction's currency; ``SplitError`` unless there are two or more and they
    sum exactly to ``amount``."""
    if len(splits) < 2:
        raise SplitError("a split needs at least two parts")
    parts: list[Money] = []
    for split in splits:
        try:
            parts.append(Money.exact(split.amount, amount.currency))
        except MoneyError as exc:
            raise SplitError(str(exc)) from exc
    total = sum((p for p in parts), Money.zero(amount.currency))
    if total.amount != amount.amount:
        raise SplitError(
            f"the parts sum to {total.display_amount()}, not {amount.display_amount()}; "
            f"{(amount - total).display_amount()} left to assign"
        )
    return parts


def transaction_event_payload(transaction: Transaction, account: Account) -> dict[str, Any]:
    """What ``budget.transaction_*`` events say about a transaction (no notes: they may be private)."""
    amount = Money(transaction.amount, transaction.currency)
    return {
        "transaction_id": transaction.id,
        "account_id": account.id,
        "account_name": account.name,
        "date": transaction.date,
        "amount": amount.display_amount(),
        "currency": amount.currency,
        "payee": transaction.payee,
        "payee_id": transaction.payee_id,
        "category_id": transaction.category_id,
        "is_split": transaction.is_split,
        "tags": list(transaction.tags or []),
        "status": transaction.status,
        "transfer_id": transaction.transfer_id,
    }


async def create_transaction(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], data: NewTransaction
) -> Transaction:
    """Record a transaction on an account of one of ``household_ids``, and its event, in one transaction.

    The amount must fit the account currency's minor unit (``MoneyError`` otherwise); the payee is normalised
    (``resolve_payee``); either a category or two or more splits that sum exactly to the amount. The account row
    is locked so concurrent writers to one account serialise. Archived accounts take no new transactions.
    """
    account = await locked_account(session=session, household_ids=household_ids, account_id=data.account_id)
    if account.archived_at is not None:
        raise AccountArchivedError("the account is archived; unarchive it to add transactions")
    categorised = None
    if data.categorise:
        data, categorised = await apply_on_create(session=session, household_id=account.household_id, data=data)
    amount = Money.exact(data.amount, account.currency)
    tags = normalize_tags(data.tags)
    if data.splits and data.category_id is not None:
        raise SplitError("give either a category or splits, not both")
    parts = exact_splits(data.splits, amount=amount) if data.splits else []
    await check_categories(
        session=session,
        household_id=account.household_id,
        category_ids=[data.category_id, *(s.category_id for s in data.splits)],
        field="splits" if data.splits else "categoryId",
    )
    payee = await resolve_payee(session=session, household_id=account.household_id, name=data.payee)
    transaction = Transaction(
        household_id=account.household_id,
        account_id=account.id,
        date=data.date,
        amount=amount.amount,
        currency=amount.currency,
        payee=payee.name if payee else None,
        payee_id=payee.id if payee else None,
        memo=data.memo,
        notes=data.notes,
        tags=tags,
        category_id=data.category_id,
        is_split=bool(parts),
        status=data.status.value,
        import_key=data.import_key,
        import_batch_id=data.import_batch_id,
        created_by=data.created_by,
    )
    session.add(transaction)
    await session.flush()
    for position, (split, part) in enumerate(zip(data.splits, parts, strict=True)):
        session.add(
            Split(
                household_id=account.household_id,
                transaction_id=transaction.id,
                category_id=split.category_id,
                amount=part.amount,
                memo=split.memo,
                position=position,
            )
        )
    if parts:
        await session.flush()
    if categorised is not None:
        await categorised.record(session=session, transaction_id=transaction.id)
    await write_event(
        session,
        outbox,
        topic=TRANSACTION_CREATED,
        household_id=account.household_id,
        payload={**transaction_event_payload(transaction, account), **data.extra_event_fields},
    )
    return transaction
