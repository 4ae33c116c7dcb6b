from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Payee
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.payee_changes import MAX_MERGE, merge_payees


@strawberry.input(description="Payees to merge into one.")
class PayeeMergeInput:
    source_ids: list[strawberry.ID] = strawberry.field(
        description=f"The payees merged away (1 to {MAX_MERGE}): their transactions move to the target, their names "
        "and aliases become its aliases, and they are deleted."
    )
    target_id: strawberry.ID = strawberry.field(description="The payee kept.")


@strawberry.type(description="The outcome of `payeeMerge`.")
class PayeeMergePayload:
    payee: Payee | None = strawberry.field(default=None, description="The payee kept, with its new aliases.")
    transactions_moved: int | None = strawberry.field(default=None, description="How many transactions moved to it.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def payee_merge(info: strawberry.Info[Context, None], input: PayeeMergeInput) -> PayeeMergePayload:
    session = info.context.session
    try:
        target_id = known_id(input.target_id, what="payee", field="targetId")
        source_ids = [known_id(s, what="payee", field="sourceIds") for s in input.source_ids]
        async with session.begin():
            merged = await merge_payees(
                session=session, household_ids=writable_households(info), source_ids=source_ids, target_id=target_id
            )
    except LedgerError as exc:
        return PayeeMergePayload(errors=[user_error(exc)])
    return PayeeMergePayload(payee=Payee.from_row(merged.payee), transactions_moved=merged.transactions_moved)
