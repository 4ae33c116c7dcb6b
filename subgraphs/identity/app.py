"""Identity subgraph: users, households, sign-in, and the JWKS the router and subgraphs verify tokens with."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fincloud.auth import StaticVerifier, load_or_create_signing_key
from fincloud.config import Settings, get_settings
from fincloud.constants import JWKS_PATH
from fincloud.service import Runtime, create_subgraph_app
from subgraphs.identity.context import Context
from subgraphs.identity.schema import schema


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    signing_key = load_or_create_signing_key(
        pem=settings.JWT_PRIVATE_KEY, path=settings.jwt_key_path, create=settings.ENV != "production"
    )

    @contextlib.asynccontextmanager
    async def lifespan(settings: Settings) -> AsyncIterator[Runtime]:
        verifier = StaticVerifier(signing_key.jwks())
        async with Runtime.open(name="identity", settings=settings, verifier=verifier) as runtime:
            runtime.extras["signing_key"] = signing_key
            yield runtime

    async def jwks(_: Request) -> Response:
        return JSONResponse(signing_key.jwks(), headers={"cache-control": "public, max-age=300"})

    return create_subgraph_app(
        name="identity",
        schema=schema,
        context_class=Context,
        settings=settings,
        lifespan=lifespan,
        extra_routes=[Route(JWKS_PATH, jwks)],
    )
