"""Changing, archiving and deleting accounts. Keyword-only async functions; callers own the transaction.

Every change writes the ``budget.account_changed`` event in the same transaction (``write_account_changed``).
Deleting an account deletes its transactions; a transfer's other leg, on an account that stays, is kept as an
ordinary transaction (see ``delete_account`` and docs/adr/0008-ledger-api.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_TRANSACTION_UPDATED
from fincloud.db import utcnow
from fincloud.events import write_event
from fincloud.money import Money, MoneyError, normalize_currency
from subgraphs.budget.models import Account, Reconciliation, Transaction, outbox
from subgraphs.budget.services.account_events import write_account_changed
from subgraphs.budget.services.changes import KEEP, Keep
from subgraphs.budget.services.ledger import LedgerError, locked_account, transaction_event_payload
from subgraphs.budget.services.payees import resolve_payee

__all__ = [
    "MAX_INSTITUTION",
    "MAX_NAME",
    "MAX_NOTE",
    "AccountChanges",
    "DeletedAccount",
    "archive_account",
    "clean_account_text",
    "delete_account",
    "unarchive_account",
    "update_account",
]

MAX_NAME = 200
MAX_INSTITUTION = 200
MAX_NOTE = 5000


@dataclass(frozen=True, slots=True)
class AccountChanges:
    """What ``update_account`` changes; ``KEEP`` leaves a field as it is, ``None`` clears an optional one."""

    name: str | Keep = KEEP
    institution: str | Keep | None = KEEP
    note: str | Keep | None = KEEP
    currency: str | Keep = KEEP
    opening_balance: Decimal | Keep = KEEP
    opening_date: date | Keep | None = KEEP
    unlock_reconciled: bool = False
    """Needed to change the opening balance or date of an account that has been reconciled: the figures of its
    past reconciliations include the opening balance."""


@dataclass(frozen=True, slots=True)
class DeletedAccount:
    account: Account
    transactions_deleted: int
    counterparts_kept: list[uuid.UUID]
    """Transfer legs on other accounts that stay, now ordinary transactions."""


def clean_account_text(
    *, name: str | Keep = KEEP, institution: str | Keep | None = KEEP, note: str | Keep | None = KEEP
) -> tuple[str | Keep, str | Keep | None, str | Keep | None]:
    """Trimmed name, institution and note (empty optional text is ``None``); ``LedgerError`` when too long or,
    for the name, empty."""
    if not isinstance(name, Keep):
        name = name.strip()
        if not 0 < len(name) <= MAX_NAME:
            raise LedgerError(f"enter a name of 1 to {MAX_NAME} characters", field="name")
    if isinstance(institution, str):
        institution = institution.strip() or None
        if institution is not None and len(institution) > MAX_INSTITUTION:
            raise LedgerError(f"use at most {MAX_INSTITUTION} characters", field="institution")
    if isinstance(note, str):
        note = note.strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise LedgerError(f"use at most {MAX_NOTE} characters", field="note")
    return name, institution, note


async def _has_transactions(session: AsyncSession, account_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Transaction.account_id == account_id))))


async def _has_reconciliations(session: AsyncSession, account_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Reconciliation.account_id == account_id))))


async def update_account(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], account_id: uuid.UUID, changes: AccountChanges
) -> Account:
    """Change an account of one of ``household_ids`` (``AccountNotFoundError`` otherwise).

    The currency may change only while the account has no transactions and no reconciliations (their amounts are
    in the old currency); the opening balance must fit the (new) currency's minor unit. Raises ``LedgerError``
    (``field`` in GraphQL spelling) or ``MoneyError`` and changes nothing on bad input.
    """
    name, institution, note = clean_account_text(name=changes.name, institution=changes.institution, note=changes.note)
    account = await locked_account(session=session, household_ids=household_ids, account_id=account_id, field="id")
    currency = account.currency
    if not isinstance(changes.currency, Keep):
        try:
            currency = normalize_currency(changes.currency)
        except MoneyError as exc:
            raise LedgerError(str(exc), field="currency") from exc
        if currency != account.currency and (
            await _has_transactions(session, account.id) or await _has_reconciliations(session, account.id)
        ):
            raise LedgerError(
                f"the account has transactions in {account.currency}; its currency can no longer change",
                field="currency",
            )
    opening_amount = account.opening_balance if isinstance(changes.opening_balance, Keep) else changes.opening_balance
    try:
        opening = Money.exact(opening_amount, currency)
    except MoneyError as exc:
        raise LedgerError(str(exc), field="openingBalance") from exc
    opening_date = account.opening_date if isinstance(changes.opening_date, Keep) else changes.opening_date
    moves_opening = opening.amount != account.opening_balance or opening_date != account.opening_date
    if moves_opening and not changes.unlock_reconciled and await _has_reconciliations(session, account.id):
        raise LedgerError(
            "the account has been reconciled and its reconciliations include the opening balance; "
            "send unlockReconciled: true to change it anyway",
            field="unlockReconciled",
        )
    if not isinstance(name, Keep):
        account.name = name
    if not isinstance(institution, Keep):
        account.institution = institution
    if not isinstance(note, Keep):
        account.note = note
    account.currency = currency
    account.opening_balance = opening.amount
    account.opening_date = opening_date
    account.updated_at = utcnow()
    await session.flush()
    await write_account_changed(session=session, account=account)
    return account


async def archive_account(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], account_id: uuid.UUID
) -> Account:
    """Archive an account: it keeps its history and balance but takes no new transactions. Archiving an archived
    account changes nothing."""
    account = await locked_account(session=session, household_ids=household_ids, account_id=account_id, field="id")
    if account.archived_at is None:
        account.archived_at = account.updated_at = utcnow()
        await session.flush()
        await write_account_changed(session=session, account=account)
    return account


async def unarchive_account(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], account_id: uuid.UUID
) -> Account:
    """Bring an archived account back; an account that is not archived is left as it is."""
    account = await locked_account(session=session, household_ids=household_ids, account_id=account_id, field="id")
    if account.archived_at is not None:
        account.archived_at = None
        account.updated_at = utcnow()
        await session.flush()
        await write_account_changed(session=session, account=account)
    return account


async def delete_account(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], account_id: uuid.UUID
) -> DeletedAccount:
    """Delete an account with its transactions (and their splits) and reconciliations.

    Transfers: the leg on this account goes with it; the other leg, on an account that stays, is kept as an
    ordinary transaction (its account's balance still matches that bank's statement), unlinked from the transfer,
    with the deleted account's name as its payee when it had none. Each kept leg gets a
    ``budget.transaction_updated`` event; the account gets ``budget.account_changed`` with ``deleted: true``,
    which stands for its own transactions (they get no event each).
    """
    account = await locked_account(session=session, household_ids=household_ids, account_id=account_id, field="id")
    counterparts = list(
        await session.scalars(
            select(Transaction)
            .where(
                Transaction.transfer_account_id == account.id,
                Transaction.account_id != account.id,
                Transaction.household_id == account.household_id,
            )
            .order_by(Transaction.id)
            .with_for_update()
        )
    )
    kept: list[uuid.UUID] = []
    if counterparts:
        payee = await resolve_payee(session=session, household_id=account.household_id, name=account.name)
        other_accounts = {
            row.id: row
            for row in await session.scalars(
                select(Account).where(Account.id.in_({t.account_id for t in counterparts}))
            )
        }
        for leg in counterparts:
            changes: dict[str, dict[str, object]] = {
                "transfer_id": {"before": leg.transfer_id, "after": None},
                "transfer_account_id": {"before": leg.transfer_account_id, "after": None},
            }
            leg.transfer_id = None
            leg.transfer_account_id = None
            if leg.payee_id is None and payee is not None:
                changes["payee"] = {"before": leg.payee, "after": payee.name}
                changes["payee_id"] = {"before": None, "after": payee.id}
                leg.payee, leg.payee_id = payee.name, payee.id
            leg.updated_at = utcnow()
            await session.flush()
            await write_event(
                session,
                outbox,
                topic=TOPIC_TRANSACTION_UPDATED,
                household_id=account.household_id,
                payload={
                    **transaction_event_payload(leg, other_accounts[leg.account_id]),
                    "changes": changes,
                    "reason": "transfer_account_deleted",
                },
            )
            kept.append(leg.id)
    count = int(
        await session.scalar(select(func.count()).select_from(Transaction).where(Transaction.account_id == account.id))
        or 0
    )
    await session.execute(delete(Account).where(Account.id == account.id))
    await write_account_changed(session=session, account=account, deleted=True)
    return DeletedAccount(account=account, transactions_deleted=count, counterparts_kept=kept)
