from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._budget import today, writable_households
from subgraphs.budget.mutations._recurring import user_error
from subgraphs.budget.recurring.models import RecurringSchedule
from subgraphs.budget.recurring.service import RecurringError, unskip
from subgraphs.budget.recurring.types import RecurringTransaction


@strawberry.input(description="A skipped occurrence still to come, to put back.")
class RecurringUnskipInput:
    id: strawberry.ID = strawberry.field(description="The recurring transaction.")
    date: dt.date | None = strawberry.field(default=None, description="The skipped date (default: the earliest).")


@strawberry.type(description="The outcome of `recurringUnskip`.")
class RecurringUnskipPayload:
    recurring: RecurringTransaction | None = strawberry.field(default=None, description="The recurring transaction.")
    date: dt.date | None = strawberry.field(default=None, description="The date put back.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def recurring_unskip(
    info: strawberry.Info[Context, None],
    input: Annotated[
        RecurringUnskipInput, strawberry.argument(description="The recurring transaction and the date to put back.")
    ],
) -> RecurringUnskipPayload:
    """Undo a skip: the date is posted or reminded again (by the next daily run, even if it is today)."""
    schedule_id = parse_id(input.id)
    if schedule_id is None:
        return RecurringUnskipPayload(errors=[NotFoundError(field="id", message="no such recurring transaction")])
    session = info.context.session
    try:
        async with session.begin():
            day = await unskip(
                session=session,
                household_ids=writable_households(info),
                schedule_id=schedule_id,
                day=input.date,
                today=today(),
            )
            row = await session.get(RecurringSchedule, schedule_id)
    except RecurringError as exc:
        return RecurringUnskipPayload(errors=[user_error(exc)])
    return RecurringUnskipPayload(recurring=RecurringTransaction.from_row(row) if row else None, date=day)
