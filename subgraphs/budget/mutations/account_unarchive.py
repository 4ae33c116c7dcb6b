from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.accounts import unarchive_account
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.types import Account


@strawberry.input(description="The archived account to bring back.")
class AccountUnarchiveInput:
    id: strawberry.ID = strawberry.field(description="The account.")


@strawberry.type(description="The outcome of `accountUnarchive`.")
class AccountUnarchivePayload:
    account: Account | None = strawberry.field(default=None, description="The account, in use again.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def account_unarchive(
    info: strawberry.Info[Context, None], input: AccountUnarchiveInput
) -> AccountUnarchivePayload:
    session = info.context.session
    try:
        async with session.begin():
            row = await unarchive_account(
                session=session,
                household_ids=writable_households(info),
                account_id=known_id(input.id, what="account", field="id"),
            )
    except LedgerError as exc:
        return AccountUnarchivePayload(errors=[user_error(exc)])
    return AccountUnarchivePayload(account=Account.from_row(row))
