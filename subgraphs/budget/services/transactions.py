"""Changing and deleting transactions. Keyword-only async functions; callers own the transaction.

- A change writes ``budget.transaction_updated`` with each changed field's ``before`` and ``after`` in ``changes``
  (notes are private: only the fact that they changed) and the old date, category, account and amount in
  ``previous``; a deletion writes ``budget.transaction_deleted``. Both in the same database transaction as the
  change.
- Reconciled transactions are protected from silent edits: their amount, date, account and status change only
  when the caller says so explicitly (``unlock_reconciled``), and they are deleted only then too.
- The two legs of a transfer stay consistent: the date moves both; in one currency the other leg is always the
  opposite amount; across currencies each leg keeps its own amount (the other leg's changes only when given) and
  the two always move money in opposite directions. Deleting either leg deletes both.
- Locks: the accounts involved first (``FOR UPDATE``, in one order), then the transaction rows, the same order as
  ``create_transaction`` and reconciliation use, so concurrent writers serialise without deadlocks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_TRANSACTION_DELETED, TOPIC_TRANSACTION_UPDATED
from fincloud.db import utcnow
from fincloud.events import write_event
from fincloud.money import Money, MoneyError
from subgraphs.budget.models import Account, Reconciliation, Split, Transaction, outbox
from subgraphs.budget.services.changes import KEEP, Keep
from subgraphs.budget.services.ledger import (
    AccountArchivedError,
    LedgerError,
    NewSplit,
    SplitError,
    TransactionStatus,
    check_categories,
    exact_splits,
    locked_account,
    normalize_tags,
    transaction_event_payload,
)
from subgraphs.budget.services.owned import NotFoundInHouseholdError
from subgraphs.budget.services.payees import resolve_payee

__all__ = [
    "MAX_MEMO",
    "MAX_PAYEE",
    "TransactionChanges",
    "UpdatedTransaction",
    "check_text",
    "delete_transaction",
    "update_transaction",
]

MAX_PAYEE = 300
MAX_MEMO = 5000

RECONCILED = TransactionStatus.RECONCILED.value
_PROTECTED_WORDS = {"amount": "amount", "date": "date", "accountId": "account", "status": "status"}


@dataclass(frozen=True, slots=True)
class TransactionChanges:
    """What ``update_transaction`` changes; ``KEEP`` leaves a field as it is, ``None`` clears an optional one."""

    account_id: uuid.UUID | Keep = KEEP
    date: date | Keep = KEEP
    amount: Decimal | Keep = KEEP
    payee: str | Keep | None = KEEP
    memo: str | Keep | None = KEEP
    notes: str | Keep | None = KEEP
    tags: Sequence[str] | Keep = KEEP
    category_id: uuid.UUID | Keep | None = KEEP
    splits: Sequence[NewSplit] | Keep = KEEP
    """Replaces the parts as a whole; an empty list makes the transaction unsplit."""
    status: TransactionStatus | Keep = KEEP
    counterpart_amount: Decimal | Keep = KEEP
    """For a transfer across currencies: the other leg's new amount, in its account's currency."""
    unlock_reconciled: bool = False
    """Allow changing the amount, date, account or status of a reconciled transaction (or of a transfer's
    reconciled other leg)."""


@dataclass(frozen=True, slots=True)
class UpdatedTransaction:
    transaction: Transaction
    counterpart: Transaction | None
    """The other leg of a transfer, changed along or not."""
    changes: dict[str, dict[str, Any]]
    """This transaction's changed fields, ``{field: {"before": ..., "after": ...}}``; empty when nothing changed."""


def check_text(
    *, payee: str | Keep | None = KEEP, memo: str | Keep | None = KEEP, notes: str | Keep | None = KEEP
) -> None:
    """``LedgerError`` for a payee, memo or notes that is too long."""
    if isinstance(payee, str) and len(payee) > MAX_PAYEE:
        raise LedgerError(f"use at most {MAX_PAYEE} characters", field="payee")
    for value, name in ((memo, "memo"), (notes, "notes")):
        if isinstance(value, str) and len(value) > MAX_MEMO:
            raise LedgerError(f"use at most {MAX_MEMO} characters", field=name)


@dataclass
class _Locked:
    transaction: Transaction
    counterpart: Transaction | None
    accounts: dict[uuid.UUID, Account]


async def _lock(
    session: AsyncSession,
    *,
    household_ids: Sequence[uuid.UUID],
    transaction_id: uuid.UUID,
    new_account_id: uuid.UUID | None = None,
) -> _Locked:
    """The transaction (of ``household_ids``), its transfer counterpart and their accounts, locked: the accounts
    first in one order, then the rows. ``new_account_id`` (an account to move to) must be in ``household_ids``."""
    found = (
        await session.execute(
            select(Transaction.account_id, Transaction.transfer_id, Transaction.household_id).where(
                Transaction.id == transaction_id, Transaction.household_id.in_(household_ids)
            )
        )
    ).first()
    if found is None:
        raise NotFoundInHouseholdError("transaction", field="id")
    account_id, transfer_id, household_id = found
    counterpart_row = None
    if transfer_id is not None:
        counterpart_row = (
            await session.execute(
                select(Transaction.id, Transaction.account_id).where(
                    Transaction.transfer_id == transfer_id,
                    Transaction.id != transaction_id,
                    Transaction.household_id == household_id,
                )
            )
        ).first()
    wanted = {account_id: [household_id]}
    if counterpart_row is not None:
        wanted[counterpart_row.account_id] = [household_id]
    if new_account_id is not None and new_account_id not in wanted:
        wanted[new_account_id] = list(household_ids)
    accounts = {}
    for wanted_id in sorted(wanted, key=lambda a: a.bytes):
        accounts[wanted_id] = await locked_account(
            session=session,
            household_ids=wanted[wanted_id],
            account_id=wanted_id,
            field="accountId" if wanted_id == new_account_id else "id",
        )
    ids = [transaction_id] + ([counterpart_row.id] if counterpart_row is not None else [])
    rows = {
        row.id: row
        for row in await session.scalars(
            select(Transaction)
            .where(Transaction.id.in_(ids))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    transaction = rows.get(transaction_id)
    counterpart = rows.get(counterpart_row.id) if counterpart_row is not None else None
    if (
        transaction is None
        or transaction.account_id != account_id
        or (
            counterpart_row is not None
            and (counterpart is None or counterpart.account_id != counterpart_row.account_id)
        )
    ):
        raise LedgerError("the transaction changed meanwhile; try again", field="id")
    return _Locked(transaction, counterpart, accounts)


def _split_view(parts: Sequence[Split] | Sequence[NewSplit], currency: str) -> list[dict[str, Any]]:
    return [
        {"category_id": p.category_id, "amount": Money(p.amount, currency).display_amount(), "memo": p.memo}
        for p in parts
    ]


def _diff(before: dict[str, Any], after: dict[str, Any], currency: str) -> dict[str, dict[str, Any]]:
    """The fields that changed, ``before`` and ``after`` (amounts as strings with the currency's places; notes
    only as changed: they may be private)."""
    changes: dict[str, dict[str, Any]] = {}
    for name, old in before.items():
        new = after[name]
        if old == new:
            continue
        if name == "notes":
            changes[name] = {"private": True}
        elif name == "amount":
            changes[name] = {
                "before": Money(old, currency).display_amount(),
                "after": Money(new, currency).display_amount(),
            }
        else:
            changes[name] = {"before": old, "after": new}
    return changes


def _previous(changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The old values of the fields that place a transaction in a budget (``date``, ``category_id``, ``account_id``,
    ``amount``), flat: consumers recompute the months and categories it left as well as those it moved to."""
    return {
        name: change["before"]
        for name, change in changes.items()
        if name in ("date", "category_id", "account_id", "amount")
    }


_TRACKED = (
    "account_id",
    "date",
    "amount",
    "payee",
    "payee_id",
    "memo",
    "notes",
    "tags",
    "category_id",
    "is_split",
    "status",
    "reconciliation_id",
    "transfer_account_id",
)


def _state(transaction: Transaction) -> dict[str, Any]:
    state = {name: getattr(transaction, name) for name in _TRACKED}
    state["tags"] = list(state["tags"] or [])
    return state


async def _parts(session: AsyncSession, transaction_id: uuid.UUID) -> list[Split]:
    return list(
        await session.scalars(select(Split).where(Split.transaction_id == transaction_id).order_by(Split.position))
    )


async def update_transaction(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    transaction_id: uuid.UUID,
    changes: TransactionChanges,
) -> UpdatedTransaction:
    """Change a transaction of one of ``household_ids`` (and, for a transfer, its other leg as needed); see the
    module's rules. Raises ``LedgerError`` (``field`` in GraphQL spelling) and changes nothing on bad input."""
    check_text(payee=changes.payee, memo=changes.memo, notes=changes.notes)
    new_account_id = None if isinstance(changes.account_id, Keep) else changes.account_id
    locked = await _lock(
        session, household_ids=household_ids, transaction_id=transaction_id, new_account_id=new_account_id
    )
    tx, counterpart = locked.transaction, locked.counterpart
    account = locked.accounts[tx.account_id]
    target = locked.accounts[new_account_id] if new_account_id is not None else account
    if target.id != account.id:
        if target.household_id != tx.household_id:
            raise LedgerError("move it to an account of the same household", field="accountId")
        if target.archived_at is not None:
            raise AccountArchivedError("the account is archived; unarchive it to add transactions")
        if target.currency != account.currency:
            raise LedgerError(
                f"the transaction is in {account.currency}: move it only to an account in {account.currency}",
                field="accountId",
            )
        if counterpart is not None and target.id == counterpart.account_id:
            raise LedgerError("the other leg of this transfer is on that account", field="accountId")

    currency = account.currency
    amount = tx.amount
    if not isinstance(changes.amount, Keep):
        try:
            amount = Money.exact(changes.amount, currency).amount
        except MoneyError as exc:
            raise LedgerError(str(exc), field="amount") from exc
    new_date = tx.date if isinstance(changes.date, Keep) else changes.date
    status = tx.status if isinstance(changes.status, Keep) else changes.status.value
    if status == RECONCILED and tx.status != RECONCILED:
        raise LedgerError("a transaction becomes reconciled when its account is reconciled", field="status")

    protected = [
        name
        for name, moved in (
            ("amount", amount != tx.amount),
            ("date", new_date != tx.date),
            ("accountId", target.id != tx.account_id),
            ("status", status != tx.status),
        )
        if moved
    ]
    if tx.status == RECONCILED and protected and not changes.unlock_reconciled:
        words = ", ".join(_PROTECTED_WORDS[p] for p in protected)
        raise LedgerError(
            f"the transaction is reconciled: send unlockReconciled: true to change its {words}", field=protected[0]
        )

    # Category or splits.
    category_id = tx.category_id
    is_split = tx.is_split
    new_parts: list[NewSplit] | None = None
    if not isinstance(changes.splits, Keep):
        if changes.splits:
            if tx.transfer_id is not None:
                raise SplitError("a transfer cannot be split")
            if not isinstance(changes.category_id, Keep) and changes.category_id is not None:
                raise SplitError("give either a category or splits, not both")
            exact_splits(changes.splits, amount=Money(amount, currency))
            new_parts, category_id, is_split = list(changes.splits), None, True
        else:
            new_parts, is_split = [], False
            category_id = None if isinstance(changes.category_id, Keep) else changes.category_id
    elif not isinstance(changes.category_id, Keep):
        if tx.is_split and changes.category_id is not None:
            raise LedgerError(
                "the transaction is split: send splits: [] with the category to replace its parts", field="categoryId"
            )
        category_id = changes.category_id
    elif tx.is_split and amount != tx.amount:
        existing = await _parts(session, tx.id)
        try:
            exact_splits([NewSplit(p.amount, p.category_id, p.memo) for p in existing], amount=Money(amount, currency))
        except SplitError as exc:
            raise SplitError(f"{exc}: send the parts for the new amount too") from exc
    await check_categories(
        session=session,
        household_id=tx.household_id,
        category_ids=[
            category_id if category_id != tx.category_id else None,
            *(p.category_id for p in new_parts or []),
        ],
        field="splits" if new_parts else "categoryId",
    )

    # The other leg of a transfer.
    counterpart_amount = counterpart.amount if counterpart is not None else None
    if counterpart is None:
        if not isinstance(changes.counterpart_amount, Keep):
            raise LedgerError("only a transfer has another leg", field="counterpartAmount")
    else:
        if not isinstance(changes.counterpart_amount, Keep):
            try:
                counterpart_amount = Money.exact(changes.counterpart_amount, counterpart.currency).amount
            except MoneyError as exc:
                raise LedgerError(str(exc), field="counterpartAmount") from exc
        elif counterpart.currency == currency:
            counterpart_amount = -amount
        assert counterpart_amount is not None
        if counterpart.currency == currency and counterpart_amount != -amount:
            raise LedgerError(
                f"both legs are in {currency}: the other leg is always the opposite amount", field="counterpartAmount"
            )
        if (amount > 0 and counterpart_amount >= 0) or (amount < 0 and counterpart_amount <= 0):
            raise LedgerError(
                "the legs of a transfer move money in opposite directions: give the other leg's amount too",
                field="counterpartAmount",
            )
        counterpart_moves = counterpart_amount != counterpart.amount or new_date != counterpart.date
        if counterpart.status == RECONCILED and counterpart_moves and not changes.unlock_reconciled:
            raise LedgerError(
                "the other leg of this transfer is reconciled: send unlockReconciled: true to change it",
                field="unlockReconciled",
            )

    # Apply.
    before = _state(tx)
    parts_before = _split_view(await _parts(session, tx.id), currency) if new_parts is not None else None
    if not isinstance(changes.payee, Keep):
        payee = await resolve_payee(session=session, household_id=tx.household_id, name=changes.payee)
        tx.payee, tx.payee_id = (payee.name, payee.id) if payee is not None else (None, None)
    if not isinstance(changes.memo, Keep):
        tx.memo = changes.memo
    if not isinstance(changes.notes, Keep):
        tx.notes = changes.notes
    if not isinstance(changes.tags, Keep):
        tx.tags = normalize_tags(changes.tags)
    tx.account_id = target.id
    tx.date = new_date
    tx.amount = amount
    tx.category_id = category_id
    tx.is_split = is_split
    tx.status = status
    if status != RECONCILED:
        tx.reconciliation_id = None
    if new_parts is not None:
        await session.execute(delete(Split).where(Split.transaction_id == tx.id))
        for position, part in enumerate(new_parts):
            session.add(
                Split(
                    household_id=tx.household_id,
                    transaction_id=tx.id,
                    category_id=part.category_id,
                    amount=Money.exact(part.amount, currency).amount,
                    memo=part.memo,
                    position=position,
                )
            )
    found = _diff(before, _state(tx), currency)
    if parts_before is not None and new_parts is not None:
        parts_after = _split_view(new_parts, currency)
        if parts_after != parts_before:
            found["splits"] = {"before": parts_before, "after": parts_after}
    if found:
        tx.updated_at = utcnow()
    counterpart_found: dict[str, dict[str, Any]] = {}
    if counterpart is not None:
        counterpart_before = _state(counterpart)
        counterpart.date = new_date
        assert counterpart_amount is not None
        counterpart.amount = counterpart_amount
        counterpart.transfer_account_id = target.id
        counterpart_found = _diff(counterpart_before, _state(counterpart), counterpart.currency)
        if counterpart_found:
            counterpart.updated_at = utcnow()
    await session.flush()
    if found:
        await write_event(
            session,
            outbox,
            topic=TOPIC_TRANSACTION_UPDATED,
            household_id=tx.household_id,
            payload={**transaction_event_payload(tx, target), "changes": found, "previous": _previous(found)},
        )
    if counterpart is not None and counterpart_found:
        await write_event(
            session,
            outbox,
            topic=TOPIC_TRANSACTION_UPDATED,
            household_id=counterpart.household_id,
            payload={
                **transaction_event_payload(counterpart, locked.accounts[counterpart.account_id]),
                "changes": counterpart_found,
                "previous": _previous(counterpart_found),
                "reason": "transfer_counterpart_updated",
            },
        )
    return UpdatedTransaction(transaction=tx, counterpart=counterpart, changes=found)


async def delete_transaction(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    transaction_id: uuid.UUID,
    unlock_reconciled: bool = False,
) -> list[Transaction]:
    """Delete a transaction of one of ``household_ids`` with its splits, and the other leg of a transfer with it,
    each with a ``budget.transaction_deleted`` event. A reconciled transaction (or leg) is deleted only with
    ``unlock_reconciled``. Returns the deleted rows (detached)."""
    locked = await _lock(session, household_ids=household_ids, transaction_id=transaction_id)
    legs = [leg for leg in (locked.transaction, locked.counterpart) if leg is not None]
    for leg in legs:
        if leg.status == RECONCILED and not unlock_reconciled:
            whose = "transaction" if leg is locked.transaction else "other leg of this transfer"
            raise LedgerError(
                f"the {whose} is reconciled: send unlockReconciled: true to delete it", field="unlockReconciled"
            )
    ids = [leg.id for leg in legs]
    for leg in legs:
        await write_event(
            session,
            outbox,
            topic=TOPIC_TRANSACTION_DELETED,
            household_id=leg.household_id,
            payload=transaction_event_payload(leg, locked.accounts[leg.account_id]),
        )
    await session.execute(
        update(Reconciliation)
        .where(Reconciliation.adjustment_transaction_id.in_(ids))
        .values(adjustment_transaction_id=None)
    )
    await session.execute(delete(Transaction).where(Transaction.id.in_(ids)))
    return legs
