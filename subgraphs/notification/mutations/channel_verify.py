from __future__ import annotations

from typing import Annotated

import strawberry

from fincloud.constants import NOTIFY_VERIFY_ATTEMPTS_PREFIX
from fincloud.graphql import NotFoundError, RateLimitedError, UserError, ValidationError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.mutations._common import key_refusal
from subgraphs.notification.services.channels import ChannelInputError, channel_of, verify_channel
from subgraphs.notification.types import NotificationChannel

WRONG_CODES_PER_HOUR = 5
"""Wrong codes accepted per channel and hour: six digits cannot be guessed at that pace."""


@strawberry.input(description="The code mailed to a new email channel.")
class ChannelVerifyInput:
    id: strawberry.ID = strawberry.field(description="The channel.")
    code: str = strawberry.field(description="The six-digit code from the email.")


@strawberry.type(description="The outcome of `channelVerify`.")
class ChannelVerifyPayload:
    channel: NotificationChannel | None = strawberry.field(default=None, description="The channel, now verified.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def channel_verify(
    info: strawberry.Info[Context, None],
    input: Annotated[ChannelVerifyInput, strawberry.argument(description="The channel and its code.")],
) -> ChannelVerifyPayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return ChannelVerifyPayload(errors=refused)
    assert viewer.user_id is not None
    channel_id = parse_id(input.id)
    redis = info.context.runtime.redis
    key = f"{NOTIFY_VERIFY_ATTEMPTS_PREFIX}{channel_id}"
    session = info.context.session
    async with session.begin():
        channel = await channel_of(
            session=session, channel_id=channel_id, user_id=viewer.user_id, household_ids=viewer.household_ids
        )
        if channel is None:
            return ChannelVerifyPayload(errors=[NotFoundError(field="id", message="no such channel")])
        wrong = int(await redis.get(key) or 0)
        if wrong >= WRONG_CODES_PER_HOUR and not channel.verified:
            wait = await redis.ttl(key)
            return ChannelVerifyPayload(
                errors=[
                    RateLimitedError(message="too many wrong codes; try again later", retry_after=max(1, int(wait)))
                ]
            )
        try:
            verify_channel(channel=channel, code=input.code)
        except ChannelInputError as exc:
            count = await redis.incr(key)
            if count == 1:
                await redis.expire(key, 3600)
            return ChannelVerifyPayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    await redis.delete(key)
    return ChannelVerifyPayload(channel=NotificationChannel.from_row(channel))
