"""Notification subgraph: the inbox, alert channels and live subscriptions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from fincloud.config import Settings, get_settings
from fincloud.service import Runtime, create_subgraph_app
from subgraphs.notification.context import Context
from subgraphs.notification.schema import schema


@contextlib.asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[Runtime]:
    async with Runtime.open(name="notification", settings=settings, broadcast=True) as runtime:
        yield runtime


def create_app(settings: Settings | None = None) -> Starlette:
    return create_subgraph_app(
        name="notification",
        schema=schema,
        context_class=Context,
        settings=settings or get_settings(),
        lifespan=lifespan,
    )
