"""Transfers: money moved between two accounts of one household, recorded as one linked pair of transactions.

Both legs share a ``transfer_id`` and each names the other's account in ``transfer_account_id``. They are created
together (here), updated consistently and deleted together (``services.transactions``). Across currencies each leg
keeps the amount its own account saw, and the realised rate is derived from the two: nothing is converted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import Money, MoneyError
from subgraphs.budget.models import Account, Transaction
from subgraphs.budget.services.ledger import (
    AccountArchivedError,
    AccountNotFoundError,
    LedgerError,
    NewTransaction,
    TransactionStatus,
    create_transaction,
    locked_account,
)

__all__ = ["RATE_DIGITS", "NewTransfer", "create_transfer", "realised_rate"]

RATE_DIGITS = 28
_RATE = Context(prec=RATE_DIGITS, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class NewTransfer:
    from_account_id: uuid.UUID
    to_account_id: uuid.UUID
    date: date
    amount: Decimal
    """What left ``from_account_id``, positive, in its currency."""
    to_amount: Decimal | None = None
    """What arrived on ``to_account_id``, positive, in its currency; required when the currencies differ, and
    equal to ``amount`` (or left out) when they do not."""
    memo: str | None = None
    notes: str | None = None
    tags: Sequence[str] = ()
    status: TransactionStatus = TransactionStatus.CLEARED
    created_by: uuid.UUID | None = None


def realised_rate(amount: Decimal, counterpart_amount: Decimal) -> Decimal | None:
    """Units of the counterpart's currency per unit of this leg's: ``|counterpart| / |amount|``, rounded once to
    28 significant digits (half to even) and without padding zeros; ``None`` when either amount is zero."""
    if amount == 0 or counterpart_amount == 0:
        return None
    rate = _RATE.divide(abs(counterpart_amount), abs(amount))
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()


def _positive(value: Decimal, currency: str, field: str) -> Money:
    try:
        money = Money.exact(value, currency)
    except MoneyError as exc:
        raise LedgerError(str(exc), field=field) from exc
    if money.amount <= 0:
        raise LedgerError("enter the amount moved, more than zero", field=field)
    return money


async def create_transfer(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], data: NewTransfer
) -> tuple[Transaction, Transaction]:
    """Record a transfer as two linked transactions (out of ``from``, into ``to``), each with its
    ``budget.transaction_created`` event carrying the ``transfer_id``. Both accounts must belong to one of
    ``household_ids`` (``AccountNotFoundError`` naming the field otherwise), to the same household, and not be archived. Returns ``(outflow, inflow)``."""
    if data.from_account_id == data.to_account_id:
        raise LedgerError("choose two different accounts", field="toAccountId")
    fields = {data.from_account_id: "fromAccountId", data.to_account_id: "toAccountId"}
    visible = set(
        await session.scalars(select(Account.id).where(Account.id.in_(fields), Account.household_id.in_(household_ids)))
    )
    for account_id, field in fields.items():  # a missing account is reported in the input's order
        if account_id not in visible:
            raise AccountNotFoundError(account_id, field=field)
    locked = {}
    for account_id in sorted(fields, key=lambda a: a.bytes):  # one lock order for every writer: no deadlock
        locked[account_id] = await locked_account(
            session=session, household_ids=household_ids, account_id=account_id, field=fields[account_id]
        )
    source, target = locked[data.from_account_id], locked[data.to_account_id]
    if source.household_id != target.household_id:
        raise LedgerError("a transfer moves money within one household: choose its accounts", field="toAccountId")
    for account, field in ((source, "fromAccountId"), (target, "toAccountId")):
        if account.archived_at is not None:
            raise AccountArchivedError("the account is archived; unarchive it to add transactions", field=field)
    sent = _positive(data.amount, source.currency, "amount")
    if source.currency == target.currency:
        if data.to_amount is not None and data.to_amount != sent.amount:
            raise LedgerError("both accounts are in the same currency: the amounts must be equal", field="toAmount")
        received = Money(sent.amount, target.currency)
    elif data.to_amount is None:
        raise LedgerError(
            f"the accounts are in {source.currency} and {target.currency}: give the amount that arrived",
            field="toAmount",
        )
    else:
        received = _positive(data.to_amount, target.currency, "toAmount")
    transfer_id = uuid.uuid4()
    legs = []
    for account, other, amount in ((source, target, -sent.amount), (target, source, received.amount)):
        leg = await create_transaction(
            session=session,
            household_ids=[account.household_id],
            data=NewTransaction(
                account_id=account.id,
                date=data.date,
                amount=amount,
                payee=None,
                memo=data.memo,
                notes=data.notes,
                tags=data.tags,
                status=data.status,
                created_by=data.created_by,
                extra_event_fields={"transfer_id": transfer_id, "transfer_account_id": other.id},
            ),
        )
        leg.transfer_id = transfer_id
        leg.transfer_account_id = other.id
        legs.append(leg)
    await session.flush()
    return legs[0], legs[1]
