from __future__ import annotations

from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._budget import writable_households
from subgraphs.budget.mutations._recurring import user_error
from subgraphs.budget.recurring.service import RecurringError, delete_schedule


@strawberry.input(description="The recurring transaction to delete.")
class RecurringDeleteInput:
    id: strawberry.ID = strawberry.field(description="The recurring transaction.")


@strawberry.type(description="The outcome of `recurringDelete`.")
class RecurringDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The id deleted.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def recurring_delete(
    info: strawberry.Info[Context, None],
    input: Annotated[RecurringDeleteInput, strawberry.argument(description="The recurring transaction to delete.")],
) -> RecurringDeletePayload:
    """Delete the schedule; the transactions it already posted stay in the ledger."""
    schedule_id = parse_id(input.id)
    if schedule_id is None:
        return RecurringDeletePayload(errors=[NotFoundError(field="id", message="no such recurring transaction")])
    session = info.context.session
    try:
        async with session.begin():
            deleted = await delete_schedule(
                session=session, household_ids=writable_households(info), schedule_id=schedule_id
            )
    except RecurringError as exc:
        return RecurringDeletePayload(errors=[user_error(exc)])
    return RecurringDeletePayload(deleted_id=strawberry.ID(str(deleted)))
