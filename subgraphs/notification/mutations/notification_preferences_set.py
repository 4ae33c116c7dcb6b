from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.mutations._common import household_of, key_refusal
from subgraphs.notification.queries import preferences_view
from subgraphs.notification.services.channels import ChannelInputError, set_preference
from subgraphs.notification.types import NotificationEventType, NotificationPreference, topic_of


@strawberry.input(description="Where one event type of one household goes for the viewer.")
class NotificationPreferencesSetInput:
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household (default: the viewer's first)."
    )
    event_type: NotificationEventType = strawberry.field(description="The event type.")
    channel_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="The viewer's channels it goes to (none: only the inbox, if `inbox`). A channel that is off or"
        " not verified yet receives nothing until it is.",
    )
    inbox: bool = strawberry.field(default=True, description="Whether it is also kept in the in-app inbox.")
    use_default: bool = strawberry.field(
        default=False, description="Forget the choice: the event type's default applies again (the rest is ignored)."
    )


@strawberry.type(description="The outcome of `notificationPreferencesSet`.")
class NotificationPreferencesSetPayload:
    preference: NotificationPreference | None = strawberry.field(
        default=None, description="Where the event type goes now."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def notification_preferences_set(
    info: strawberry.Info[Context, None],
    input: Annotated[
        NotificationPreferencesSetInput,
        strawberry.argument(description="The household, the event type and where it goes."),
    ],
) -> NotificationPreferencesSetPayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return NotificationPreferencesSetPayload(errors=refused)
    assert viewer.user_id is not None
    household_id = household_of(viewer, input.household_id)
    if isinstance(household_id, NotFoundError):
        return NotificationPreferencesSetPayload(errors=[household_id])
    channel_ids: list[uuid.UUID] = []
    for raw in input.channel_ids:
        parsed = parse_id(raw)
        if parsed is None:
            return NotificationPreferencesSetPayload(
                errors=[NotFoundError(field="channelIds", message="no such channel")]
            )
        channel_ids.append(parsed)
    session = info.context.session
    try:
        async with session.begin():
            await set_preference(
                session=session,
                household_id=household_id,
                user_id=viewer.user_id,
                event_type=topic_of(input.event_type),
                channel_ids=None if input.use_default else channel_ids,
                inbox=input.inbox,
            )
    except ChannelInputError as exc:
        error: UserError = (
            NotFoundError(field=exc.field, message=str(exc))
            if exc.field == "channelIds"
            else ValidationError(field=exc.field, message=str(exc))
        )
        return NotificationPreferencesSetPayload(errors=[error])
    views = await preferences_view(session=session, household_id=household_id, user_id=viewer.user_id)
    [preference] = [view for view in views if view.event_type is input.event_type]
    return NotificationPreferencesSetPayload(preference=preference)
