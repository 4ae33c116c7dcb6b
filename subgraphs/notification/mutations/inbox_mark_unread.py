from __future__ import annotations

from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.mutations._common import inbox_key_refusal
from subgraphs.notification.services.inbox import mark_unread, unread_count
from subgraphs.notification.types import Notification


@strawberry.input(description="Notifications to show as unread again.")
class InboxMarkUnreadInput:
    ids: list[strawberry.ID] = strawberry.field(description="These notifications.")


@strawberry.type(description="The outcome of `inboxMarkUnread`.")
class InboxMarkUnreadPayload:
    notifications: list[Notification] | None = strawberry.field(
        default=None, description="The notifications, as they are now."
    )
    unread_count: int | None = strawberry.field(default=None, description="How many are unread now, in all.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def inbox_mark_unread(
    info: strawberry.Info[Context, None],
    input: Annotated[InboxMarkUnreadInput, strawberry.argument(description="The notifications to mark unread.")],
) -> InboxMarkUnreadPayload:
    viewer = info.context.viewer
    refused = inbox_key_refusal(viewer)
    if refused:
        return InboxMarkUnreadPayload(errors=refused)
    assert viewer.user_id is not None
    if not input.ids:
        return InboxMarkUnreadPayload(errors=[ValidationError(field="ids", message="name at least one notification")])
    ids = [parse_id(i) for i in input.ids]
    if any(i is None for i in ids):
        return InboxMarkUnreadPayload(errors=[NotFoundError(field="ids", message="no such notification")])
    session = info.context.session
    async with session.begin():
        rows = await mark_unread(
            session=session,
            user_id=viewer.user_id,
            household_ids=viewer.household_ids,
            notification_ids=[i for i in ids if i is not None],
        )
        if rows is None:
            return InboxMarkUnreadPayload(errors=[NotFoundError(field="ids", message="no such notification")])
        unread = await unread_count(session=session, user_id=viewer.user_id, household_ids=viewer.household_ids)
    return InboxMarkUnreadPayload(notifications=[Notification.from_row(row) for row in rows], unread_count=unread)
