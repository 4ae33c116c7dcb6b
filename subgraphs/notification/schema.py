"""Notification's schema: composition only."""

from __future__ import annotations

import strawberry
from strawberry.permission import BasePermission

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.notification.mutations.channel_create import channel_create
from subgraphs.notification.mutations.channel_delete import channel_delete
from subgraphs.notification.mutations.channel_update import channel_update
from subgraphs.notification.mutations.channel_verify import channel_verify
from subgraphs.notification.mutations.delivery_replay import delivery_replay
from subgraphs.notification.mutations.inbox_mark_read import inbox_mark_read
from subgraphs.notification.mutations.inbox_mark_unread import inbox_mark_unread
from subgraphs.notification.mutations.notification_preferences_set import notification_preferences_set
from subgraphs.notification.mutations.notification_settings_update import notification_settings_update
from subgraphs.notification.queries import Query
from subgraphs.notification.subscriptions import Subscription
from subgraphs.notification.types import Transaction

_AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class Mutation:
    channel_create = strawberry.mutation(
        resolver=channel_create,
        description="Add a channel the viewer is notified on: an email address, a Telegram chat, this browser or a"
        " webhook. Only verified channels receive notifications.",
        permission_classes=_AUTH,
    )
    channel_verify = strawberry.mutation(
        resolver=channel_verify,
        description="Prove an email channel reaches the viewer with the code mailed to it.",
        permission_classes=_AUTH,
    )
    channel_update = strawberry.mutation(
        resolver=channel_update, description="Rename a channel, or switch it off or on.", permission_classes=_AUTH
    )
    channel_delete = strawberry.mutation(
        resolver=channel_delete, description="Remove a channel and its delivery log.", permission_classes=_AUTH
    )
    notification_preferences_set = strawberry.mutation(
        resolver=notification_preferences_set,
        description="Choose where one event type of one household goes for the viewer: which channels, and"
        " whether the inbox keeps it.",
        permission_classes=_AUTH,
    )
    notification_settings_update = strawberry.mutation(
        resolver=notification_settings_update,
        description="Change the viewer's time zone, locale, quiet hours or hourly cap.",
        permission_classes=_AUTH,
    )
    inbox_mark_read = strawberry.mutation(
        resolver=inbox_mark_read, description="Mark notifications read, some or all.", permission_classes=_AUTH
    )
    inbox_mark_unread = strawberry.mutation(
        resolver=inbox_mark_unread, description="Mark notifications unread again.", permission_classes=_AUTH
    )
    delivery_replay = strawberry.mutation(
        resolver=delivery_replay,
        description="Send a dead or failed delivery again, with a fresh set of tries.",
        permission_classes=_AUTH,
    )


schema = create_schema(query=Query, mutation=Mutation, subscription=Subscription, types=[Transaction])
