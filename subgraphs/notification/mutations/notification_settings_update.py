from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import strawberry

from fincloud.graphql import UserError, ValidationError
from subgraphs.notification.context import Context
from subgraphs.notification.mutations._common import key_refusal
from subgraphs.notification.queries import web_push_key
from subgraphs.notification.services.channels import ChannelInputError, update_settings
from subgraphs.notification.types import NotificationSettings

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@strawberry.input(description="Changes to the viewer's delivery settings; what is left out stays.")
class NotificationSettingsUpdateInput:
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="An IANA time zone, such as `Europe/Berlin`."
    )
    locale: str | None = strawberry.field(default=strawberry.UNSET, description="A locale, such as `de-DE`.")
    quiet_start: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Start of the quiet hours, local time as `HH:MM` (null, with `quietEnd` null: no quiet hours).",
    )
    quiet_end: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="End of the quiet hours, local time as `HH:MM`; earlier than the start spans midnight.",
    )
    hourly_cap: int | None = strawberry.field(
        default=strawberry.UNSET, description="At most this many deliveries per channel and hour (1 to 1000)."
    )


@strawberry.type(description="The outcome of `notificationSettingsUpdate`.")
class NotificationSettingsUpdatePayload:
    settings: NotificationSettings | None = strawberry.field(default=None, description="The settings now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def notification_settings_update(
    info: strawberry.Info[Context, None],
    input: Annotated[NotificationSettingsUpdateInput, strawberry.argument(description="The settings that change.")],
) -> NotificationSettingsUpdatePayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return NotificationSettingsUpdatePayload(errors=refused)
    assert viewer.user_id is not None
    changes: dict[str, Any] = {}
    for name in ("time_zone", "locale", "hourly_cap"):
        value = getattr(input, name)
        if value is not strawberry.UNSET and value is not None:
            changes[name] = value
    for name, field in (("quiet_start", "quietStart"), ("quiet_end", "quietEnd")):
        value = getattr(input, name)
        if value is strawberry.UNSET:
            continue
        if value is None:
            changes[name] = None
        elif _CLOCK.match(value.strip()):
            changes[name] = dt.time.fromisoformat(value.strip())
        else:
            return NotificationSettingsUpdatePayload(
                errors=[ValidationError(field=field, message="use a time of day such as 22:00")]
            )
    session = info.context.session
    try:
        async with session.begin():
            row = await update_settings(session=session, user_id=viewer.user_id, changes=changes)
    except ChannelInputError as exc:
        return NotificationSettingsUpdatePayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    return NotificationSettingsUpdatePayload(
        settings=NotificationSettings.from_row(row, web_push_key=await web_push_key(info))
    )
