from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.mutations._common import writable_portfolio
from subgraphs.portfolio.services.activities import ActivityInputError, delete_activity


@strawberry.input(description="An investment transaction to remove.")
class ActivityDeleteInput:
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio it belongs to.")
    id: strawberry.ID = strawberry.field(description="The activity.")


@strawberry.type(description="The outcome of `activityDelete`.")
class ActivityDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The removed activity's id.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def activity_delete(info: strawberry.Info[Context, None], input: ActivityDeleteInput) -> ActivityDeletePayload:
    activity_id = parse_id(input.id)
    session = info.context.session
    try:
        async with session.begin():
            portfolio = await writable_portfolio(info, input.portfolio_id)
            if portfolio is None or activity_id is None:
                return ActivityDeletePayload(errors=[NotFoundError(field="id", message="no such activity")])
            found = await delete_activity(session=session, portfolio=portfolio, activity_id=activity_id)
    except ActivityInputError as exc:
        return ActivityDeletePayload(errors=[ValidationError(field="id", message=str(exc))])
    if not found:
        return ActivityDeletePayload(errors=[NotFoundError(field="id", message="no such activity")])
    return ActivityDeletePayload(deleted_id=input.id)
