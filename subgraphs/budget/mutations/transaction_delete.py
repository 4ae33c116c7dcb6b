from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.transactions import delete_transaction


@strawberry.input(description="The transaction to delete (a transfer: both legs).")
class TransactionDeleteInput:
    id: strawberry.ID = strawberry.field(description="The transaction, or either leg of a transfer.")
    unlock_reconciled: bool = strawberry.field(
        default=False, description="Needed to delete a reconciled transaction (or a transfer with a reconciled leg)."
    )


@strawberry.type(description="The outcome of `transactionDelete`.")
class TransactionDeletePayload:
    deleted_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The transactions deleted: one, or both legs of a transfer."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def transaction_delete(
    info: strawberry.Info[Context, None], input: TransactionDeleteInput
) -> TransactionDeletePayload:
    session = info.context.session
    try:
        transaction_id = known_id(input.id, what="transaction", field="id")
        async with session.begin():
            legs = await delete_transaction(
                session=session,
                household_ids=writable_households(info),
                transaction_id=transaction_id,
                unlock_reconciled=input.unlock_reconciled,
            )
    except LedgerError as exc:
        return TransactionDeletePayload(errors=[user_error(exc)])
    return TransactionDeletePayload(deleted_ids=[strawberry.ID(str(leg.id)) for leg in legs])
