from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import func, update

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.models import Preference
from subgraphs.notification.mutations._common import key_refusal
from subgraphs.notification.services.channels import channel_of


@strawberry.input(description="A channel to remove, with its delivery log.")
class ChannelDeleteInput:
    id: strawberry.ID = strawberry.field(description="The channel.")


@strawberry.type(description="The outcome of `channelDelete`.")
class ChannelDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The removed channel's id.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def channel_delete(
    info: strawberry.Info[Context, None],
    input: Annotated[ChannelDeleteInput, strawberry.argument(description="The channel to remove.")],
) -> ChannelDeletePayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return ChannelDeletePayload(errors=refused)
    assert viewer.user_id is not None
    session = info.context.session
    async with session.begin():
        channel = await channel_of(
            session=session, channel_id=parse_id(input.id), user_id=viewer.user_id, household_ids=viewer.household_ids
        )
        if channel is None:
            return ChannelDeletePayload(errors=[NotFoundError(field="id", message="no such channel")])
        await session.execute(
            update(Preference)
            .where(Preference.household_id == channel.household_id, Preference.user_id == viewer.user_id)
            .values(channel_ids=func.array_remove(Preference.channel_ids, channel.id))
        )
        await session.delete(channel)  # its deliveries go with it
    return ChannelDeletePayload(deleted_id=input.id)
