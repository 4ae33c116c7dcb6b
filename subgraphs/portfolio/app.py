"""Portfolio subgraph: holdings, prices and performance."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from fincloud.config import Settings, get_settings
from fincloud.service import Runtime, create_subgraph_app
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.schema import schema


@contextlib.asynccontextmanager
async def lifespan(settings: Settings) -> AsyncIterator[Runtime]:
    async with Runtime.open(name="portfolio", settings=settings, broadcast=True) as runtime:
        yield runtime


def create_app(settings: Settings | None = None) -> Starlette:
    return create_subgraph_app(
        name="portfolio",
        schema=schema,
        context_class=Context,
        settings=settings or get_settings(),
        lifespan=lifespan,
    )
