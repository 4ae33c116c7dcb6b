"""Notification's schema: composition only."""

from __future__ import annotations

from fincloud.graphql import create_schema
from subgraphs.notification.queries import Query
from subgraphs.notification.subscriptions import Subscription
from subgraphs.notification.types import Transaction

schema = create_schema(query=Query, subscription=Subscription, types=[Transaction])
