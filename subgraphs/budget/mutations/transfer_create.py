from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import UserError, ValidationError
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import TransactionStatusType
from subgraphs.budget.mutations._ledger import known_id, status_of, user_error, writable_households
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.transactions import check_text
from subgraphs.budget.services.transfers import NewTransfer, create_transfer
from subgraphs.budget.types import Transaction


@strawberry.input(description="Money moved between two accounts of one household.")
class TransferCreateInput:
    from_account_id: strawberry.ID = strawberry.field(description="The account the money leaves.")
    to_account_id: strawberry.ID = strawberry.field(description="The account the money arrives on.")
    date: dt.date = strawberry.field(description="Calendar date of the transfer.")
    amount: Decimal = strawberry.field(description="What left, positive, in the `from` account's currency.")
    to_amount: Decimal | None = strawberry.field(
        default=None,
        description="What arrived, positive, in the `to` account's currency: required when the currencies differ "
        "(the realised rate is derived from the two), else left out.",
    )
    memo: str | None = strawberry.field(default=None, description="Free-text note, on both legs.")
    notes: str | None = strawberry.field(default=None, description="Longer private notes, on both legs.")
    tags: list[str] | None = strawberry.field(default=None, description="Tags, on both legs.")
    status: TransactionStatusType = strawberry.field(
        default=TransactionStatusType.CLEARED, description="PENDING or CLEARED (default), for both legs."
    )


@strawberry.type(description="The outcome of `transferCreate`.")
class TransferCreatePayload:
    from_transaction: Transaction | None = strawberry.field(
        default=None, description="The leg on the `from` account (negative)."
    )
    to_transaction: Transaction | None = strawberry.field(
        default=None, description="The leg on the `to` account (positive)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def transfer_create(info: strawberry.Info[Context, None], input: TransferCreateInput) -> TransferCreatePayload:
    if input.status is TransactionStatusType.RECONCILED:
        return TransferCreatePayload(
            errors=[
                ValidationError(
                    field="status", message="a transaction becomes reconciled when its account is reconciled"
                )
            ]
        )
    session = info.context.session
    try:
        check_text(memo=input.memo, notes=input.notes)
        data = NewTransfer(
            from_account_id=known_id(input.from_account_id, what="account", field="fromAccountId"),
            to_account_id=known_id(input.to_account_id, what="account", field="toAccountId"),
            date=input.date,
            amount=input.amount,
            to_amount=input.to_amount,
            memo=input.memo,
            notes=input.notes,
            tags=input.tags or [],
            status=status_of(input.status),
            created_by=info.context.viewer.user_id,
        )
        async with session.begin():
            outflow, inflow = await create_transfer(session=session, household_ids=writable_households(info), data=data)
    except (LedgerError, MoneyError) as exc:
        return TransferCreatePayload(errors=[user_error(exc)])
    return TransferCreatePayload(
        from_transaction=Transaction.from_row(outflow), to_transaction=Transaction.from_row(inflow)
    )
