from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._budget import today, writable_households
from subgraphs.budget.mutations._recurring import user_error
from subgraphs.budget.recurring.models import RecurringSchedule
from subgraphs.budget.recurring.service import RecurringError, skip_next
from subgraphs.budget.recurring.types import RecurringTransaction


@strawberry.input(description="The recurring transaction whose next occurrence to skip.")
class RecurringSkipNextInput:
    id: strawberry.ID = strawberry.field(description="The recurring transaction.")


@strawberry.type(description="The outcome of `recurringSkipNext`.")
class RecurringSkipNextPayload:
    recurring: RecurringTransaction | None = strawberry.field(default=None, description="The recurring transaction.")
    skipped_date: dt.date | None = strawberry.field(default=None, description="The date skipped.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def recurring_skip_next(
    info: strawberry.Info[Context, None],
    input: Annotated[RecurringSkipNextInput, strawberry.argument(description="The recurring transaction.")],
) -> RecurringSkipNextPayload:
    """Skip the next occurrence still to come: nothing is posted or reminded that day."""
    schedule_id = parse_id(input.id)
    if schedule_id is None:
        return RecurringSkipNextPayload(errors=[NotFoundError(field="id", message="no such recurring transaction")])
    session = info.context.session
    try:
        async with session.begin():
            day = await skip_next(
                session=session, household_ids=writable_households(info), schedule_id=schedule_id, today=today()
            )
            row = await session.get(RecurringSchedule, schedule_id)
    except RecurringError as exc:
        return RecurringSkipNextPayload(errors=[user_error(exc)])
    return RecurringSkipNextPayload(recurring=RecurringTransaction.from_row(row) if row else None, skipped_date=day)
