from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.accounts import delete_account
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="The account to delete, with all its transactions.")
class AccountRemoveInput:
    id: strawberry.ID = strawberry.field(description="The account.")


@strawberry.type(description="The outcome of `accountRemove`.")
class AccountRemovePayload:
    removed_account_id: strawberry.ID | None = strawberry.field(default=None, description="The deleted account's id.")
    transactions_deleted: int | None = strawberry.field(
        default=None, description="How many of its transactions were deleted with it."
    )
    counterparts_kept: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Transfer legs on other accounts that stay, now ordinary transactions with the deleted "
        "account's name as payee.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def account_remove(info: strawberry.Info[Context, None], input: AccountRemoveInput) -> AccountRemovePayload:
    session = info.context.session
    try:
        async with session.begin():
            deleted = await delete_account(
                session=session,
                household_ids=writable_households(info),
                account_id=known_id(input.id, what="account", field="id"),
            )
    except LedgerError as exc:
        return AccountRemovePayload(errors=[user_error(exc)])
    return AccountRemovePayload(
        removed_account_id=strawberry.ID(str(deleted.account.id)),
        transactions_deleted=deleted.transactions_deleted,
        counterparts_kept=[strawberry.ID(str(i)) for i in deleted.counterparts_kept],
    )
