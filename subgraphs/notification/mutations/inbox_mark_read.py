from __future__ import annotations

from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.mutations._common import inbox_key_refusal
from subgraphs.notification.services.inbox import mark_all_read, mark_read, unread_count
from subgraphs.notification.types import Notification


@strawberry.input(description="Notifications to mark read: some by id, or all of them.")
class InboxMarkReadInput:
    ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="These notifications.")
    all: bool = strawberry.field(default=False, description="Every unread notification (of `householdId`, if given).")
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="With `all`: only this household's notifications."
    )


@strawberry.type(description="The outcome of `inboxMarkRead`.")
class InboxMarkReadPayload:
    notifications: list[Notification] | None = strawberry.field(
        default=None, description="The notifications named by id, as they are now (none with `all`)."
    )
    marked_count: int | None = strawberry.field(default=None, description="How many were unread and are read now.")
    unread_count: int | None = strawberry.field(default=None, description="How many unread are left, in all.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def inbox_mark_read(
    info: strawberry.Info[Context, None],
    input: Annotated[InboxMarkReadInput, strawberry.argument(description="The notifications to mark read.")],
) -> InboxMarkReadPayload:
    viewer = info.context.viewer
    refused = inbox_key_refusal(viewer)
    if refused:
        return InboxMarkReadPayload(errors=refused)
    assert viewer.user_id is not None
    session = info.context.session
    if input.all:
        household_id = parse_id(input.household_id) if input.household_id is not None else None
        if input.household_id is not None and (household_id is None or not viewer.can_read(household_id)):
            return InboxMarkReadPayload(errors=[NotFoundError(field="householdId", message="no such household")])
        async with session.begin():
            marked = await mark_all_read(
                session=session, user_id=viewer.user_id, household_ids=viewer.household_ids, household_id=household_id
            )
            unread = await unread_count(session=session, user_id=viewer.user_id, household_ids=viewer.household_ids)
        return InboxMarkReadPayload(notifications=[], marked_count=marked, unread_count=unread)
    if not input.ids:
        return InboxMarkReadPayload(errors=[ValidationError(field="ids", message="name notifications, or all: true")])
    ids = [parse_id(i) for i in input.ids]
    if any(i is None for i in ids):
        return InboxMarkReadPayload(errors=[NotFoundError(field="ids", message="no such notification")])
    async with session.begin():
        before = await unread_count(session=session, user_id=viewer.user_id, household_ids=viewer.household_ids)
        rows = await mark_read(
            session=session,
            user_id=viewer.user_id,
            household_ids=viewer.household_ids,
            notification_ids=[i for i in ids if i is not None],
        )
        if rows is None:
            return InboxMarkReadPayload(errors=[NotFoundError(field="ids", message="no such notification")])
        unread = await unread_count(session=session, user_id=viewer.user_id, household_ids=viewer.household_ids)
    return InboxMarkReadPayload(
        notifications=[Notification.from_row(row) for row in rows], marked_count=before - unread, unread_count=unread
    )
