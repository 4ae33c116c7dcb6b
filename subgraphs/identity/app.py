"""Identity subgraph: users, households, sign-in, and the JWKS the router and subgraphs verify tokens with."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator
from datetime import timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fincloud.auth import StaticVerifier, load_or_create_signing_key, retired_public_jwks
from fincloud.config import Settings, get_settings
from fincloud.constants import JWKS_PATH, SERVICE_TOKEN_HEADER
from fincloud.service import Runtime, create_subgraph_app
from subgraphs.identity.context import Context
from subgraphs.identity.schema import schema
from subgraphs.identity.services.api_keys import InvalidApiKeyError, authenticate_key


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    signing_key = load_or_create_signing_key(
        pem=settings.JWT_PRIVATE_KEY, path=settings.jwt_key_path, create=settings.ENV != "production"
    )

    published = signing_key.jwks(retired_public_jwks(settings.JWT_RETIRED_PUBLIC_KEYS))

    @contextlib.asynccontextmanager
    async def lifespan(settings: Settings) -> AsyncIterator[Runtime]:
        verifier = StaticVerifier(published)
        async with Runtime.open(name="identity", settings=settings, verifier=verifier) as runtime:
            runtime.extras["signing_key"] = signing_key
            yield runtime

    async def jwks(_: Request) -> Response:
        return JSONResponse(published, headers={"cache-control": "public, max-age=300"})

    async def exchange_api_key(request: Request) -> Response:
        """The router trades an API key for a short-lived access token scoped to the key's household."""
        runtime: Runtime = request.app.state.runtime
        presented = request.headers.get(SERVICE_TOKEN_HEADER, "")
        if not hmac.compare_digest(presented.encode(), runtime.settings.SERVICE_TOKEN.encode()):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            body = await request.json()
            secret = str(body["key"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": 'send {"key": "fck_..."}'}, status_code=400)
        ttl = runtime.settings.API_KEY_TOKEN_TTL_SECONDS
        async with runtime.sessionmaker() as session, session.begin():
            try:
                key, role = await authenticate_key(session=session, secret=secret)
            except InvalidApiKeyError:
                return JSONResponse({"error": "invalid, expired or revoked API key"}, status_code=401)
            token = signing_key.issue(
                user_id=key.user_id,
                households=[(key.household_id, role)],
                ttl=timedelta(seconds=ttl),
                extra={"api_key": str(key.id)},
            )
        return JSONResponse({"token": token, "expires_in": ttl}, headers={"cache-control": "no-store"})

    return create_subgraph_app(
        name="identity",
        schema=schema,
        context_class=Context,
        settings=settings,
        lifespan=lifespan,
        extra_routes=[
            Route(JWKS_PATH, jwks),
            Route("/internal/api-keys/exchange", exchange_api_key, methods=["POST"]),
        ],
    )
