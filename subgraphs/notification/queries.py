"""Notification's queries: the viewer's own inbox, channels, preferences, settings and delivery log. Everything
here belongs to one user: another user's rows (a fellow member's included) look missing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import Annotated

import strawberry
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.graphql import (
    Connection,
    IsAuthenticated,
    UserInputError,
    decode_cursor,
    encode_cursor,
    page_size,
    paginate,
    parse_id,
    to_connection,
)
from subgraphs.notification.channels.webpush import vapid_public_key
from subgraphs.notification.context import Context
from subgraphs.notification.models import Channel as ChannelRow
from subgraphs.notification.models import Delivery as DeliveryRow
from subgraphs.notification.models import Notification as NotificationRow
from subgraphs.notification.services.channels import preferences_of, settings_of
from subgraphs.notification.services.dispatch import DEFAULT_TO_ALL_CHANNELS
from subgraphs.notification.services.inbox import mine, unread_count
from subgraphs.notification.types import (
    DeliveryStatus,
    InboxConnection,
    Notification,
    NotificationChannel,
    NotificationDelivery,
    NotificationEventType,
    NotificationPreference,
    NotificationSettings,
    ids_of,
    topic_of,
)

logger = logging.getLogger(__name__)

_FIRST = Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")]
_AFTER = Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")]
_NOTHING = uuid.UUID(int=0)
"""Stands for an id that is not the viewer's (a household, a channel): it matches nothing."""


def _household(info: strawberry.Info[Context, None], household_id: strawberry.ID | None) -> uuid.UUID | None:
    """The household asked for when it is the viewer's; ``_NOTHING`` otherwise (an empty answer)."""
    if household_id is None:
        return None
    parsed = parse_id(household_id)
    return parsed if parsed is not None and info.context.viewer.can_read(parsed) else _NOTHING


async def web_push_key(info: strawberry.Info[Context, None]) -> str | None:
    """The VAPID public key browsers subscribe with, or ``None`` when WebPush is not set up (or its key is broken:
    the settings page must still open)."""
    try:
        return await asyncio.to_thread(vapid_public_key, info.context.runtime.settings)
    except Exception:
        logger.exception("the VAPID key cannot be read")
        return None


async def preferences_view(
    *, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID
) -> list[NotificationPreference]:
    """Where each event type of the household goes for the user, their choice or the default, in the enum's order."""
    chosen = await preferences_of(session=session, household_id=household_id, user_id=user_id)
    channels = list(
        await session.scalars(
            select(ChannelRow)
            .where(ChannelRow.household_id == household_id, ChannelRow.user_id == user_id)
            .order_by(ChannelRow.created_at, ChannelRow.id)
        )
    )
    by_id = {c.id: c for c in channels}
    receiving = [c for c in channels if c.active and c.verified]
    answer = []
    for event_type in NotificationEventType:
        preference = chosen.get(topic_of(event_type))
        if preference is not None:
            listed = [by_id[i] for i in preference.channel_ids or () if i in by_id]
            inbox = preference.inbox
        else:
            listed = receiving if topic_of(event_type) in DEFAULT_TO_ALL_CHANNELS else []
            inbox = True
        answer.append(
            NotificationPreference(
                household_id=strawberry.ID(str(household_id)),
                event_type=event_type,
                is_default=preference is None,
                inbox=inbox,
                channel_ids=ids_of([c.id for c in listed]),
                channels=[NotificationChannel.from_row(c) for c in listed],
            )
        )
    return answer


@strawberry.type
class Query:
    @strawberry.field(
        description="The viewer's notifications (in one household, or in all of theirs), newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def inbox(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's notifications.")
        ] = None,
        unread_only: Annotated[bool, strawberry.argument(description="Only notifications not read yet.")] = False,
        first: _FIRST = None,
        after: _AFTER = None,
    ) -> InboxConnection:
        viewer = info.context.viewer
        assert viewer.user_id is not None
        household = _household(info, household_id)
        conditions = mine(user_id=viewer.user_id, household_ids=viewer.household_ids, household_id=household)
        query = select(NotificationRow).where(*conditions)
        if unread_only:
            query = query.where(NotificationRow.read_at.is_(None))
        page = await paginate(
            info.context.session,
            query,
            keys=[NotificationRow.created_at, NotificationRow.id],
            node=Notification.from_row,
            first=first,
            after=after,
            descending=True,
        )
        unread = await unread_count(
            session=info.context.session,
            user_id=viewer.user_id,
            household_ids=viewer.household_ids,
            household_id=household,
        )
        return InboxConnection(edges=page.edges, page_info=page.page_info, unread_count=unread)

    @strawberry.field(
        description="The viewer's channels (in one household, or in all of theirs), oldest first.",
        permission_classes=[IsAuthenticated],
    )
    async def channels(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's channels.")
        ] = None,
        first: _FIRST = None,
        after: _AFTER = None,
    ) -> Connection[NotificationChannel]:
        viewer = info.context.viewer
        household = _household(info, household_id)
        households = [h for h in viewer.household_ids if household is None or h == household]
        return await paginate(
            info.context.session,
            select(ChannelRow).where(ChannelRow.user_id == viewer.user_id, ChannelRow.household_id.in_(households)),
            keys=[ChannelRow.created_at, ChannelRow.id],
            node=NotificationChannel.from_row,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Where each event type of the household goes for the viewer: their choice, or the default."
        " Null for a household that is not theirs.",
        permission_classes=[IsAuthenticated],
    )
    async def notification_preferences(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[strawberry.ID, strawberry.argument(description="The household.")],
    ) -> list[NotificationPreference] | None:
        viewer = info.context.viewer
        household = parse_id(household_id)
        if household is None or not viewer.can_read(household) or viewer.user_id is None:
            return None
        return await preferences_view(session=info.context.session, household_id=household, user_id=viewer.user_id)

    @strawberry.field(
        description="The viewer's delivery settings: time zone, locale, quiet hours, hourly cap.",
        permission_classes=[IsAuthenticated],
    )
    async def notification_settings(self, info: strawberry.Info[Context, None]) -> NotificationSettings:
        viewer = info.context.viewer
        assert viewer.user_id is not None
        row = await settings_of(session=info.context.session, user_id=viewer.user_id)
        return NotificationSettings.from_row(row, web_push_key=await web_push_key(info))

    @strawberry.field(
        description="The delivery log of the viewer's notifications, newest first: every try on every channel,"
        " with its outcome.",
        permission_classes=[IsAuthenticated],
    )
    async def deliveries(
        self,
        info: strawberry.Info[Context, None],
        channel_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only deliveries to this channel.")
        ] = None,
        status: Annotated[
            DeliveryStatus | None, strawberry.argument(description="Only deliveries in this state.")
        ] = None,
        first: _FIRST = None,
        after: _AFTER = None,
    ) -> Connection[NotificationDelivery]:
        viewer = info.context.viewer
        limit = page_size(first)
        query = (
            select(DeliveryRow, NotificationRow, ChannelRow)
            .join(NotificationRow, NotificationRow.id == DeliveryRow.notification_id)
            .join(ChannelRow, ChannelRow.id == DeliveryRow.channel_id)
            .where(DeliveryRow.user_id == viewer.user_id, DeliveryRow.household_id.in_(viewer.household_ids))
        )
        if channel_id is not None:
            query = query.where(DeliveryRow.channel_id == (parse_id(channel_id) or _NOTHING))
        if status is not None:
            query = query.where(DeliveryRow.status == status.value)
        if after is not None:
            created, delivery_id = decode_cursor(after, arity=2)
            try:
                position = (dt.datetime.fromisoformat(created), uuid.UUID(delivery_id))
            except ValueError:
                raise UserInputError("invalid cursor", field="after") from None
            query = query.where(tuple_(DeliveryRow.created_at, DeliveryRow.id) < position)
        query = query.order_by(DeliveryRow.created_at.desc(), DeliveryRow.id.desc()).limit(limit + 1)
        rows = (await info.context.session.execute(query)).all()
        return to_connection(
            rows,
            limit=limit,
            node=lambda row: NotificationDelivery.from_rows(row[0], row[1], row[2]),
            cursor=lambda row: encode_cursor(row[0].created_at.isoformat(), row[0].id),
        )
