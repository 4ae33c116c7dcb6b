from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Payee, PayeeAlias
from subgraphs.budget.models import Payee as PayeeRow
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.payee_changes import add_alias


@strawberry.input(description="Another spelling of a payee.")
class PayeeAliasAddInput:
    payee_id: strawberry.ID = strawberry.field(description="The payee.")
    alias: str = strawberry.field(
        description='The spelling, such as a bank\'s "AMZN MKTP DE*2K4"; refused when it names another payee.'
    )


@strawberry.type(description="The outcome of `payeeAliasAdd`.")
class PayeeAliasAddPayload:
    alias: PayeeAlias | None = strawberry.field(default=None, description="The alias (the existing one if it was).")
    payee: Payee | None = strawberry.field(default=None, description="The payee, with its aliases.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def payee_alias_add(info: strawberry.Info[Context, None], input: PayeeAliasAddInput) -> PayeeAliasAddPayload:
    session = info.context.session
    try:
        payee_id = known_id(input.payee_id, what="payee", field="payeeId")
        async with session.begin():
            row = await add_alias(
                session=session, household_ids=writable_households(info), payee_id=payee_id, alias=input.alias
            )
            payee = await session.get_one(PayeeRow, row.payee_id)
    except LedgerError as exc:
        return PayeeAliasAddPayload(errors=[user_error(exc)])
    return PayeeAliasAddPayload(alias=PayeeAlias.from_row(row), payee=Payee.from_row(payee))
