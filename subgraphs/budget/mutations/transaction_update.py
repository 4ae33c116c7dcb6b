from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import UserError
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import TransactionStatusType
from subgraphs.budget.mutations._ledger import (
    SplitInput,
    kept,
    known_id,
    new_splits,
    required,
    status_of,
    user_error,
    writable_households,
)
from subgraphs.budget.services.changes import KEEP, Keep
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.transactions import TransactionChanges, update_transaction
from subgraphs.budget.types import Transaction


@strawberry.input(description="Changes to a transaction; fields left out keep their value.")
class TransactionUpdateInput:
    id: strawberry.ID = strawberry.field(description="The transaction to change.")
    account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Move it to another account of the household, in the same currency."
    )
    date: dt.date | None = strawberry.field(default=strawberry.UNSET, description="Calendar date.")
    amount: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Positive for money in, negative for money out."
    )
    payee: str | None = strawberry.field(default=strawberry.UNSET, description="Who was paid or who paid; null clears.")
    memo: str | None = strawberry.field(default=strawberry.UNSET, description="Free-text note; null clears.")
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="Longer private notes; null clears.")
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="The new tags, replacing the old ones; null or [] clears."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The category; null makes it uncategorised."
    )
    splits: list[SplitInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The parts, replacing the old ones as a whole (they must sum exactly to the amount); [] or null "
        "makes the transaction unsplit (give `categoryId` with it to categorise it).",
    )
    status: TransactionStatusType | None = strawberry.field(
        default=strawberry.UNSET,
        description="PENDING or CLEARED; only reconciling an account makes transactions RECONCILED.",
    )
    counterpart_amount: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="For a transfer between two currencies: the other leg's new amount, in its account's currency "
        "(within one currency the other leg always follows `amount`).",
    )
    unlock_reconciled: bool = strawberry.field(
        default=False,
        description="Needed to change the amount, date, account or status of a reconciled transaction (or of a "
        "transfer whose other leg is reconciled): reconciled transactions are protected from silent edits.",
    )


@strawberry.type(description="The outcome of `transactionUpdate`.")
class TransactionUpdatePayload:
    transaction: Transaction | None = strawberry.field(default=None, description="The transaction as changed.")
    counterpart: Transaction | None = strawberry.field(
        default=None, description="The other leg, when the transaction is one leg of a transfer."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def transaction_update(
    info: strawberry.Info[Context, None], input: TransactionUpdateInput
) -> TransactionUpdatePayload:
    session = info.context.session
    try:
        account_id = required(input.account_id, field="accountId")
        category_id = kept(input.category_id)
        splits = kept(input.splits)
        status = required(input.status, field="status")
        changes = TransactionChanges(
            account_id=account_id
            if isinstance(account_id, Keep)
            else known_id(account_id, what="account", field="accountId"),
            date=required(input.date, field="date"),
            amount=required(input.amount, field="amount"),
            payee=KEEP if isinstance(kept(input.payee), Keep) else ((input.payee or "").strip() or None),
            memo=kept(input.memo),
            notes=kept(input.notes),
            tags=KEEP if isinstance(kept(input.tags), Keep) else (input.tags or []),
            category_id=(
                category_id
                if category_id is None or isinstance(category_id, Keep)
                else known_id(category_id, what="category", field="categoryId")
            ),
            splits=splits if isinstance(splits, Keep) else new_splits(splits or []),
            status=status if isinstance(status, Keep) else status_of(status),
            counterpart_amount=required(input.counterpart_amount, field="counterpartAmount"),
            unlock_reconciled=input.unlock_reconciled,
        )
        transaction_id = known_id(input.id, what="transaction", field="id")
        async with session.begin():
            updated = await update_transaction(
                session=session, household_ids=writable_households(info), transaction_id=transaction_id, changes=changes
            )
    except (LedgerError, MoneyError) as exc:
        return TransactionUpdatePayload(errors=[user_error(exc)])
    counterpart = updated.counterpart
    return TransactionUpdatePayload(
        transaction=Transaction.from_row(updated.transaction),
        counterpart=Transaction.from_row(counterpart) if counterpart is not None else None,
    )
