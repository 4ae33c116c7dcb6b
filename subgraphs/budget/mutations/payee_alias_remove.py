from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Payee
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.payee_changes import remove_alias


@strawberry.input(description="A payee alias to remove.")
class PayeeAliasRemoveInput:
    id: strawberry.ID = strawberry.field(description="The alias.")


@strawberry.type(description="The outcome of `payeeAliasRemove`.")
class PayeeAliasRemovePayload:
    payee: Payee | None = strawberry.field(default=None, description="The payee, without the alias.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def payee_alias_remove(
    info: strawberry.Info[Context, None], input: PayeeAliasRemoveInput
) -> PayeeAliasRemovePayload:
    session = info.context.session
    try:
        alias_id = known_id(input.id, what="alias", field="id")
        async with session.begin():
            payee = await remove_alias(session=session, household_ids=writable_households(info), alias_id=alias_id)
    except LedgerError as exc:
        return PayeeAliasRemovePayload(errors=[user_error(exc)])
    return PayeeAliasRemovePayload(payee=Payee.from_row(payee))
