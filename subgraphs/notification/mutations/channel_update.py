from __future__ import annotations

from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.mutations._common import key_refusal
from subgraphs.notification.services.channels import MAX_NAME, channel_of
from subgraphs.notification.types import NotificationChannel


@strawberry.input(description="Changes to one of the viewer's channels; what is left out stays.")
class ChannelUpdateInput:
    id: strawberry.ID = strawberry.field(description="The channel.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    active: bool | None = strawberry.field(
        default=None, description="Switch it off (false) or on again (true); a channel that is off receives nothing."
    )


@strawberry.type(description="The outcome of `channelUpdate`.")
class ChannelUpdatePayload:
    channel: NotificationChannel | None = strawberry.field(default=None, description="The channel as it is now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def channel_update(
    info: strawberry.Info[Context, None],
    input: Annotated[ChannelUpdateInput, strawberry.argument(description="The channel and what changes.")],
) -> ChannelUpdatePayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return ChannelUpdatePayload(errors=refused)
    assert viewer.user_id is not None
    name = " ".join(input.name.split()) if input.name is not None else None
    if name is not None and not 1 <= len(name) <= MAX_NAME:
        return ChannelUpdatePayload(errors=[ValidationError(field="name", message=f"use 1 to {MAX_NAME} characters")])
    session = info.context.session
    async with session.begin():
        channel = await channel_of(
            session=session, channel_id=parse_id(input.id), user_id=viewer.user_id, household_ids=viewer.household_ids
        )
        if channel is None:
            return ChannelUpdatePayload(errors=[NotFoundError(field="id", message="no such channel")])
        if name is not None:
            channel.name = name
        if input.active is not None:
            channel.active = input.active
    return ChannelUpdatePayload(channel=NotificationChannel.from_row(channel))
