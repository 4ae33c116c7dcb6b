"""Reconciling an account against a bank statement. Keyword-only async functions; callers own the transaction.

The statement gives a date and a closing balance. The ledger's *cleared balance* on that date is the opening
balance (see ``services.balances``) plus every cleared or reconciled transaction up to and including the date;
the *difference* is ``statement - cleared``. Finishing a reconciliation with no difference marks every cleared
transaction up to the date reconciled and records a ``Reconciliation``. A difference is refused unless the user
asks for a balancing adjustment: a cleared transaction of exactly the difference on the statement date, then
reconciled with the rest. Pending transactions are left alone: the bank has not booked them yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_TRANSACTION_UPDATED
from fincloud.db import utcnow
from fincloud.events import write_event
from fincloud.money import Money, MoneyError
from subgraphs.budget.models import Account, Reconciliation, Transaction, outbox
from subgraphs.budget.services.balances import cleared_balance, status_sums
from subgraphs.budget.services.ledger import (
    AccountNotFoundError,
    LedgerError,
    NewTransaction,
    TransactionStatus,
    create_transaction,
    locked_account,
    transaction_event_payload,
)

__all__ = [
    "ADJUSTMENT_MEMO",
    "FinishedReconciliation",
    "ReconciliationPreview",
    "finish_reconciliation",
    "preview_reconciliation",
    "to_reconcile",
]

ADJUSTMENT_MEMO = "Reconciliation balance adjustment"

CLEARED = TransactionStatus.CLEARED.value
RECONCILED = TransactionStatus.RECONCILED.value


@dataclass(frozen=True, slots=True)
class ReconciliationPreview:
    account: Account
    statement_date: date
    statement_balance: Money
    cleared_balance: Money
    to_reconcile: int
    """Cleared transactions up to the statement date that are not reconciled yet."""

    @property
    def difference(self) -> Money:
        """``statement - cleared``: zero when the ledger agrees with the bank."""
        return self.statement_balance - self.cleared_balance


@dataclass(frozen=True, slots=True)
class FinishedReconciliation:
    account: Account
    reconciliation: Reconciliation
    reconciled: int
    """Transactions marked reconciled (the adjustment included)."""
    adjustment: Transaction | None


def to_reconcile(account_id: uuid.UUID, statement_date: date) -> Select[Any]:
    """The cleared, not yet reconciled transactions of the account up to the statement date."""
    return select(Transaction).where(
        Transaction.account_id == account_id, Transaction.status == CLEARED, Transaction.date <= statement_date
    )


def _statement(amount: Decimal, currency: str) -> Money:
    try:
        return Money.exact(amount, currency)
    except MoneyError as exc:
        raise LedgerError(str(exc), field="statementBalance") from exc


async def _preview(
    session: AsyncSession, account: Account, statement_date: date, balance: Decimal
) -> ReconciliationPreview:
    statement = _statement(balance, account.currency)
    sums = (await status_sums(session=session, account_ids=[account.id], as_of=statement_date))[account.id]
    count = await session.scalar(select(func.count()).select_from(to_reconcile(account.id, statement_date).subquery()))
    return ReconciliationPreview(
        account=account,
        statement_date=statement_date,
        statement_balance=statement,
        cleared_balance=cleared_balance(account, sums, as_of=statement_date),
        to_reconcile=int(count or 0),
    )


async def preview_reconciliation(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    account_id: uuid.UUID,
    statement_date: date,
    statement_balance: Decimal,
) -> ReconciliationPreview:
    """What finishing would find, changing nothing: the cleared balance, the difference, how many transactions
    it would mark. ``AccountNotFoundError`` for an account outside ``household_ids``; ``LedgerError`` for a
    statement balance that does not fit the currency."""
    account = await session.scalar(
        select(Account).where(Account.id == account_id, Account.household_id.in_(household_ids))
    )
    if account is None:
        raise AccountNotFoundError(account_id)
    return await _preview(session, account, statement_date, statement_balance)


async def finish_reconciliation(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    account_id: uuid.UUID,
    statement_date: date,
    statement_balance: Decimal,
    adjust: bool = False,
    created_by: uuid.UUID | None = None,
) -> FinishedReconciliation:
    """Reconcile the account (see the module). The account row is locked, so no transaction can be added or
    changed while the balance is checked. A non-zero difference raises ``LedgerError`` (``statementBalance``)
    unless ``adjust``. Every transaction marked gets a ``budget.transaction_updated`` event (status cleared →
    reconciled)."""
    account = await locked_account(session=session, household_ids=household_ids, account_id=account_id)
    preview = await _preview(session, account, statement_date, statement_balance)
    difference = preview.difference
    adjustment: Transaction | None = None
    if difference.amount != 0:
        if not adjust:
            raise LedgerError(
                f"the statement says {preview.statement_balance} but the cleared transactions up to "
                f"{statement_date} come to {preview.cleared_balance}, a difference of {difference}: find what is "
                "missing, or ask for a balancing adjustment",
                field="statementBalance",
            )
        adjustment = await create_transaction(
            session=session,
            household_ids=[account.household_id],
            data=NewTransaction(
                account_id=account.id,
                date=statement_date,
                amount=difference.amount,
                payee=None,
                memo=ADJUSTMENT_MEMO,
                status=TransactionStatus.CLEARED,
                created_by=created_by,
                extra_event_fields={"reason": "reconciliation_adjustment"},
            ),
        )
    reconciliation = Reconciliation(
        household_id=account.household_id,
        account_id=account.id,
        statement_date=statement_date,
        statement_balance=preview.statement_balance.amount,
        cleared_balance=preview.cleared_balance.amount,
        adjustment_transaction_id=adjustment.id if adjustment is not None else None,
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(reconciliation)
    await session.flush()
    marked = list(
        await session.scalars(
            update(Transaction)
            .where(
                Transaction.account_id == account.id,
                Transaction.status == CLEARED,
                Transaction.date <= statement_date,
            )
            .values(status=RECONCILED, reconciliation_id=reconciliation.id, updated_at=utcnow())
            .returning(Transaction)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
    )
    for transaction in marked:
        await write_event(
            session,
            outbox,
            topic=TOPIC_TRANSACTION_UPDATED,
            household_id=account.household_id,
            payload={
                **transaction_event_payload(transaction, account),
                "changes": {
                    "status": {"before": CLEARED, "after": RECONCILED},
                    "reconciliation_id": {"before": None, "after": reconciliation.id},
                },
                "reason": "reconciled",
            },
        )
    return FinishedReconciliation(
        account=account, reconciliation=reconciliation, reconciled=len(marked), adjustment=adjustment
    )
