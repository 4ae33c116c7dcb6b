from __future__ import annotations

import logging
from typing import Annotated, Any

import httpx
import strawberry
from strawberry.scalars import JSON

from fincloud.graphql import NotFoundError, UserError, ValidationError
from subgraphs.notification.channels.base import ChannelError
from subgraphs.notification.channels.telegram import bot_username, deep_link
from subgraphs.notification.context import Context
from subgraphs.notification.models import Channel
from subgraphs.notification.mutations._common import household_of, key_refusal
from subgraphs.notification.services.channels import (
    ChannelInputError,
    create_email_channel,
    create_telegram_channel,
    create_webhook_channel,
    create_webpush_channel,
)
from subgraphs.notification.types import ChannelKind, NotificationChannel

logger = logging.getLogger(__name__)

_BOT_USERNAME = "telegram_bot_username"
"""Where the runtime keeps the bot's username once Telegram told it (``runtime.extras``)."""


@strawberry.input(
    description="A new channel for the viewer. Give what its kind needs: `address` (EMAIL), `url` (WEBHOOK),"
    " `subscription` (WEBPUSH); TELEGRAM needs nothing (open the `linkUrl` it returns)."
)
class ChannelCreateInput:
    kind: ChannelKind = strawberry.field(description="What kind of channel.")
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household whose notifications it receives (default: the viewer's first)."
    )
    name: str | None = strawberry.field(default=None, description="The viewer's name for it (default: its address).")
    address: str | None = strawberry.field(
        default=None,
        description="EMAIL: the address. Verified at once when it is the viewer's verified sign-in address;"
        " otherwise a code is mailed to it, for `channelVerify`.",
    )
    url: str | None = strawberry.field(
        default=None, description="WEBHOOK: the URL each notification is POSTed to (a public http(s) address)."
    )
    subscription: JSON | None = strawberry.field(
        default=None,
        description="WEBPUSH: the browser's push subscription, as `PushSubscription.toJSON()` gives it"
        " (`endpoint` and `keys`).",
    )


@strawberry.type(description="The outcome of `channelCreate`.")
class ChannelCreatePayload:
    channel: NotificationChannel | None = strawberry.field(default=None, description="The new channel.")
    secret: str | None = strawberry.field(
        default=None,
        description="WEBHOOK: the secret that signs each request (`X-FinCloud-Signature`). Shown only now: keep it.",
    )
    link_url: str | None = strawberry.field(
        default=None,
        description="TELEGRAM: open this link and press Start; the chat is then linked and the channel verified.",
    )
    verification_sent: bool | None = strawberry.field(
        default=None, description="EMAIL: whether a code is on its way to the address (it was not already verified)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def _telegram_bot(info: strawberry.Info[Context, None]) -> str | UserError:
    runtime = info.context.runtime
    cached = runtime.extras.get(_BOT_USERNAME)
    if isinstance(cached, str):
        return cached
    settings = runtime.settings
    if not settings.TELEGRAM_BOT_TOKEN.get_secret_value():
        return ValidationError(field="kind", message="Telegram is not set up on this server")
    try:
        async with httpx.AsyncClient(timeout=settings.NOTIFY_HTTP_TIMEOUT_SECONDS) as client:
            username = await bot_username(client, settings)
    except ChannelError as exc:
        logger.warning("Telegram's bot cannot be asked for its name", extra={"error": str(exc)})
        return ValidationError(field="kind", message="Telegram cannot be reached now; try again later")
    runtime.extras[_BOT_USERNAME] = username
    return username


def _required(value: Any, field: str, what: str) -> ValidationError | None:
    return ValidationError(field=field, message=f"{what} is needed for this kind of channel") if not value else None


async def channel_create(
    info: strawberry.Info[Context, None],
    input: Annotated[ChannelCreateInput, strawberry.argument(description="The channel to add.")],
) -> ChannelCreatePayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return ChannelCreatePayload(errors=refused)
    household_id = household_of(viewer, input.household_id)
    if isinstance(household_id, NotFoundError):
        return ChannelCreatePayload(errors=[household_id])
    assert viewer.user_id is not None
    settings = info.context.runtime.settings
    bot: str | None = None
    if input.kind is ChannelKind.TELEGRAM:
        found = await _telegram_bot(info)
        if not isinstance(found, str):
            return ChannelCreatePayload(errors=[found])
        bot = found
    missing = {
        ChannelKind.EMAIL: lambda: _required(input.address, "address", "an email address"),
        ChannelKind.WEBHOOK: lambda: _required(input.url, "url", "a URL"),
        ChannelKind.WEBPUSH: lambda: _required(input.subscription, "subscription", "the browser's subscription"),
        ChannelKind.TELEGRAM: lambda: None,
    }[input.kind]()
    if missing is not None:
        return ChannelCreatePayload(errors=[missing])
    session = info.context.session
    user_id, name = viewer.user_id, input.name
    payload = ChannelCreatePayload()
    channel: Channel
    try:
        async with session.begin():
            if input.kind is ChannelKind.EMAIL:
                channel = await create_email_channel(
                    session=session, household_id=household_id, user_id=user_id, name=name, address=str(input.address)
                )
                payload.verification_sent = not channel.verified
            elif input.kind is ChannelKind.WEBHOOK:
                channel, payload.secret = await create_webhook_channel(
                    session=session,
                    household_id=household_id,
                    user_id=user_id,
                    name=name,
                    url=str(input.url),
                    settings=settings,
                )
            elif input.kind is ChannelKind.WEBPUSH:
                subscription: dict[str, Any] = input.subscription if isinstance(input.subscription, dict) else {}
                channel = await create_webpush_channel(
                    session=session,
                    household_id=household_id,
                    user_id=user_id,
                    name=name,
                    subscription=subscription,
                    settings=settings,
                )
            else:
                assert bot is not None
                channel, token = await create_telegram_channel(
                    session=session, household_id=household_id, user_id=user_id, name=name
                )
                payload.link_url = deep_link(bot, token)
    except ChannelInputError as exc:
        return ChannelCreatePayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    payload.channel = NotificationChannel.from_row(channel)
    return payload
