from __future__ import annotations

import strawberry
from sqlalchemy import delete

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Alert as AlertRow


@strawberry.input(description="An alert to remove.")
class AlertDeleteInput:
    id: strawberry.ID = strawberry.field(description="The alert.")


@strawberry.type(description="The outcome of `alertDelete`.")
class AlertDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The removed alert's id.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def alert_delete(info: strawberry.Info[Context, None], input: AlertDeleteInput) -> AlertDeletePayload:
    viewer = info.context.viewer
    alert_id = parse_id(input.id)
    writable = [h for h in viewer.household_ids if viewer.can_write(h)]
    session = info.context.session
    if alert_id is None or not writable:
        return AlertDeletePayload(errors=[NotFoundError(field="id", message="no such alert")])
    async with session.begin():
        result = await session.execute(
            delete(AlertRow).where(AlertRow.id == alert_id, AlertRow.household_id.in_(writable))
        )
    if not result.rowcount:  # type: ignore[attr-defined]
        return AlertDeletePayload(errors=[NotFoundError(field="id", message="no such alert")])
    return AlertDeletePayload(deleted_id=input.id)
