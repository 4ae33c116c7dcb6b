from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.accounts import archive_account
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.types import Account


@strawberry.input(description="The account to archive.")
class AccountArchiveInput:
    id: strawberry.ID = strawberry.field(description="The account.")


@strawberry.type(description="The outcome of `accountArchive`.")
class AccountArchivePayload:
    account: Account | None = strawberry.field(default=None, description="The archived account.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def account_archive(info: strawberry.Info[Context, None], input: AccountArchiveInput) -> AccountArchivePayload:
    session = info.context.session
    try:
        async with session.begin():
            row = await archive_account(
                session=session,
                household_ids=writable_households(info),
                account_id=known_id(input.id, what="account", field="id"),
            )
    except LedgerError as exc:
        return AccountArchivePayload(errors=[user_error(exc)])
    return AccountArchivePayload(account=Account.from_row(row))
