"""Budget subgraph: accounts, transactions and everything that moves money."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from fincloud.config import Settings, get_settings
from fincloud.service import Runtime, create_subgraph_app
from subgraphs.budget.context import Context
from subgraphs.budget.files.routes import download_routes
from subgraphs.budget.schema import schema


@contextlib.asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[Runtime]:
    async with Runtime.open(name="budget", settings=settings, broadcast=True) as runtime:
        yield runtime


def create_app(settings: Settings | None = None) -> Starlette:
    return create_subgraph_app(
        name="budget",
        schema=schema,
        context_class=Context,
        settings=settings or get_settings(),
        lifespan=lifespan,
        extra_routes=download_routes(),
    )
