from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.services.ledger import AccountNotFoundError, NewTransaction, create_transaction
from subgraphs.budget.types import Transaction


@strawberry.input(description="A transaction to record.")
class TransactionCreateInput:
    account_id: strawberry.ID = strawberry.field(description="The account to record it on.")
    date: dt.date = strawberry.field(description="Calendar date, such as 2026-11-28.")
    amount: Decimal = strawberry.field(
        description="Positive for money in, negative for money out, in the account's currency."
    )
    payee: str | None = strawberry.field(default=None, description="Who was paid or who paid.")
    memo: str | None = strawberry.field(default=None, description="Free-text note.")


@strawberry.type(description="The outcome of `transactionCreate`.")
class TransactionCreatePayload:
    transaction: Transaction | None = strawberry.field(default=None, description="The recorded transaction.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def transaction_create(
    info: strawberry.Info[Context, None], input: TransactionCreateInput
) -> TransactionCreatePayload:
    viewer = info.context.viewer
    account_id = parse_id(input.account_id)
    if account_id is None:
        return TransactionCreatePayload(errors=[NotFoundError(field="accountId", message="no such account")])
    errors: list[UserError] = []
    if input.payee is not None and len(input.payee) > 300:
        errors.append(ValidationError(field="payee", message="use at most 300 characters"))
    if input.memo is not None and len(input.memo) > 5000:
        errors.append(ValidationError(field="memo", message="use at most 5000 characters"))
    if errors:
        return TransactionCreatePayload(errors=errors)
    writable = [h for h in viewer.household_ids if viewer.can_write(h)]
    session = info.context.session
    try:
        async with session.begin():
            row = await create_transaction(
                session=session,
                household_ids=writable,
                data=NewTransaction(
                    account_id=account_id,
                    date=input.date,
                    amount=input.amount,
                    payee=(input.payee or "").strip() or None,
                    memo=input.memo,
                    categorise=True,
                ),
            )
    except AccountNotFoundError:
        return TransactionCreatePayload(errors=[NotFoundError(field="accountId", message="no such account")])
    except MoneyError as exc:
        return TransactionCreatePayload(errors=[ValidationError(field="amount", message=str(exc))])
    return TransactionCreatePayload(transaction=Transaction.from_row(row))
