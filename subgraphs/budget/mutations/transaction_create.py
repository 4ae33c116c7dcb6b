from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import UserError, ValidationError
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import TransactionStatusType
from subgraphs.budget.mutations._ledger import (
    SplitInput,
    known_id,
    new_splits,
    status_of,
    user_error,
    writable_households,
)
from subgraphs.budget.services.ledger import LedgerError, NewTransaction, create_transaction
from subgraphs.budget.services.transactions import check_text
from subgraphs.budget.types import Transaction


@strawberry.input(description="A transaction to record.")
class TransactionCreateInput:
    account_id: strawberry.ID = strawberry.field(description="The account to record it on.")
    date: dt.date = strawberry.field(description="Calendar date, such as 2026-11-28.")
    amount: Decimal = strawberry.field(
        description="Positive for money in, negative for money out, in the account's currency."
    )
    payee: str | None = strawberry.field(
        default=None, description="Who was paid or who paid; matched to the household's payees by name or alias."
    )
    memo: str | None = strawberry.field(default=None, description="Free-text note.")
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="The category; leave out for an uncategorised or split transaction."
    )
    splits: list[SplitInput] | None = strawberry.field(
        default=None, description="Two or more parts that sum exactly to the amount, instead of one category."
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Up to 20 tags of at most 60 characters; a leading # is dropped, duplicates too."
    )
    status: TransactionStatusType = strawberry.field(
        default=TransactionStatusType.CLEARED,
        description="PENDING or CLEARED (default); transactions become RECONCILED by reconciling their account.",
    )
    notes: str | None = strawberry.field(default=None, description="Longer private notes.")


@strawberry.type(description="The outcome of `transactionCreate`.")
class TransactionCreatePayload:
    transaction: Transaction | None = strawberry.field(default=None, description="The recorded transaction.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def transaction_create(
    info: strawberry.Info[Context, None], input: TransactionCreateInput
) -> TransactionCreatePayload:
    if input.status is TransactionStatusType.RECONCILED:
        return TransactionCreatePayload(
            errors=[
                ValidationError(
                    field="status", message="a transaction becomes reconciled when its account is reconciled"
                )
            ]
        )
    session = info.context.session
    try:
        account_id = known_id(input.account_id, what="account", field="accountId")
        check_text(payee=input.payee, memo=input.memo, notes=input.notes)
        category_id = (
            known_id(input.category_id, what="category", field="categoryId") if input.category_id is not None else None
        )
        data = NewTransaction(
            account_id=account_id,
            date=input.date,
            amount=input.amount,
            payee=(input.payee or "").strip() or None,
            memo=input.memo,
            category_id=category_id,
            splits=new_splits(input.splits or []),
            tags=input.tags or [],
            status=status_of(input.status),
            notes=input.notes,
            created_by=info.context.viewer.user_id,
            categorise=True,
        )
        async with session.begin():
            row = await create_transaction(session=session, household_ids=writable_households(info), data=data)
    except (LedgerError, MoneyError) as exc:
        return TransactionCreatePayload(errors=[user_error(exc)])
    return TransactionCreatePayload(transaction=Transaction.from_row(row))
