"""What every subgraph process shares: the runtime (database, Redis, the publish/subscribe hub, token verifier), the typed
request context, and ``create_subgraph_app`` — the ASGI app with the GraphQL route (HTTP and WebSocket, file
uploads as GraphQL multipart requests, see ``fincloud.uploads``), the router's service credential check, and health
endpoints."""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from arq import ArqRedis
from cross_web import HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.federation import Schema

from fincloud.auth import ANONYMOUS, AuthError, JwksVerifier, TokenVerifier, Viewer
from fincloud.broadcast import Hub
from fincloud.config import Settings
from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.db import create_engine, make_sessionmaker
from fincloud.jobs import create_job_pool
from fincloud.storage import ObjectStore, store_from_settings
from fincloud.uploads import LimitUploadSize, is_multipart

__all__ = ["BaseContext", "Runtime", "create_subgraph_app", "token_from_request"]

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Long-lived connections of one subgraph process, opened in the app's lifespan."""

    name: str
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    redis: aioredis.Redis
    verifier: TokenVerifier
    store: ObjectStore
    jobs: ArqRedis | None = None
    broadcast: Hub | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        *,
        name: str,
        settings: Settings,
        verifier: TokenVerifier | None = None,
        broadcast: bool = False,
    ) -> AsyncIterator[Runtime]:
        if not settings.DATABASE_URL or not settings.REDIS_URL:
            raise RuntimeError("FINCLOUD_DATABASE_URL and FINCLOUD_REDIS_URL must be set (fincloud dev sets them)")
        engine = create_engine(
            settings.DATABASE_URL, pool_size=settings.DB_POOL_SIZE, application_name=f"fincloud-{name}"
        )
        redis = aioredis.Redis.from_url(settings.REDIS_URL)
        jobs = await create_job_pool(settings.REDIS_URL)
        hub = Hub(settings.REDIS_URL) if broadcast else None
        if hub is not None:
            await hub.connect()
        runtime = cls(
            name=name,
            settings=settings,
            engine=engine,
            sessionmaker=make_sessionmaker(engine),
            redis=redis,
            verifier=verifier or JwksVerifier(settings.JWKS_URL),
            store=store_from_settings(settings),
            jobs=jobs,
            broadcast=hub,
        )
        try:
            yield runtime
        finally:
            if hub is not None:
                await hub.disconnect()
            await jobs.aclose()
            await redis.aclose()
            await engine.dispose()


@dataclass
class BaseContext:
    """Per-operation context: the viewer, and a database session opened on first use."""

    runtime: Runtime
    viewer: Viewer = ANONYMOUS
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    connection_params: dict[str, Any] | None = None
    _session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self.runtime.sessionmaker()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _bearer(value: object) -> str | None:
    """The token of ``"Bearer <token>"``, or a bare token."""
    if not isinstance(value, str) or not value.strip():
        return None
    scheme, sep, rest = value.strip().partition(" ")
    if not sep:
        return scheme
    return rest.strip() if scheme.lower() == "bearer" and rest.strip() else None


def token_from_extensions(extensions: Mapping[str, Any] | None) -> str | None:
    """The raw access token the router forwards in ``extensions.jwt.token`` (``{value, prefix}`` or a string)."""
    jwt_ext = (extensions or {}).get("jwt")
    if not isinstance(jwt_ext, Mapping):
        return None
    token = jwt_ext.get("token")
    if isinstance(token, Mapping):
        token = token.get("value")
    return token if isinstance(token, str) and token else None


async def token_from_request(request: Request) -> str | None:
    """The access token of an HTTP request: forwarded by the router in the body's extensions, or a Bearer
    header (direct calls with the service credential, such as health probes and tests)."""
    header = _bearer(request.headers.get("authorization"))
    if header:
        return header
    if request.method == "POST" and is_multipart(request.scope):
        # A file upload: the request is the multipart form's "operations" part. Starlette keeps the parsed form on
        # the request, so Strawberry reads the same one.
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            operations = (await request.form()).get("operations")
            body = json.loads(operations) if isinstance(operations, str) else None
            if isinstance(body, dict):
                return token_from_extensions(body.get("extensions"))
    elif request.method == "POST":
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            body = await request.json()
            if isinstance(body, dict):
                return token_from_extensions(body.get("extensions"))
    elif request.method == "GET":
        with contextlib.suppress(ValueError):
            return token_from_extensions(json.loads(request.query_params.get("extensions") or "{}"))
    return None


def token_from_connection_params(params: Mapping[str, Any]) -> str | None:
    """The access token of a WebSocket connection (the router puts it in ``connectionParams.token``)."""
    for key in ("token", "authorization", "Authorization"):
        token = _bearer(params.get(key))
        if token:
            return token
    return None


def _service_token_ok(presented: object, expected: str) -> bool:
    return isinstance(presented, str) and hmac.compare_digest(presented.encode(), expected.encode())


class _RequireServiceToken:
    """Only the router (holding the shared service token) may reach the GraphQL route over HTTP."""

    def __init__(self, app: ASGIApp, expected: Callable[[], str]) -> None:
        self._app = app
        self._expected = expected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            presented = headers.get(SERVICE_TOKEN_HEADER.encode(), b"").decode("latin-1")
            if not _service_token_ok(presented, self._expected()):
                await PlainTextResponse("forbidden: call FinCloud through its router", status_code=403)(
                    scope, receive, send
                )
                return
        await self._app(scope, receive, send)


ContextFactory = Callable[..., BaseContext]


class SubgraphGraphQL(GraphQL[BaseContext, None]):
    """Strawberry's ASGI view with FinCloud's context and WebSocket authentication."""

    def __init__(self, schema: Schema, *, context_class: ContextFactory, app: Starlette) -> None:
        super().__init__(
            schema, graphql_ide=None, keep_alive=True, keep_alive_interval=15, multipart_uploads_enabled=True
        )
        self._context_class = context_class
        self._app = app

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self._app.state.runtime
        return runtime

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> BaseContext:
        viewer = ANONYMOUS
        if isinstance(request, Request):
            token = await token_from_request(request)
            if token:
                viewer = await self._verify(token)
        return self._context_class(runtime=self.runtime, viewer=viewer, request=request, response=response)

    async def _verify(self, token: str) -> Viewer:
        try:
            return await self.runtime.verifier.verify(token)
        except AuthError as exc:
            raise HTTPException(401, f"invalid access token: {exc}") from exc

    async def on_ws_connect(self, context: BaseContext) -> dict[str, object] | None:
        params = context.connection_params or {}
        if not _service_token_ok(params.get("serviceToken"), self.runtime.settings.SERVICE_TOKEN):
            raise ConnectionRejectionError()
        token = token_from_connection_params(params)
        if token:
            try:
                context.viewer = await self.runtime.verifier.verify(token)
            except AuthError as exc:
                raise ConnectionRejectionError({"message": f"invalid access token: {exc}"}) from exc
        return None


def create_subgraph_app(
    *,
    name: str,
    schema: Schema,
    context_class: ContextFactory,
    settings: Settings,
    lifespan: Callable[[Settings], contextlib.AbstractAsyncContextManager[Runtime]],
    extra_routes: list[Route] | None = None,
) -> Starlette:
    """A subgraph's ASGI app: ``/graphql`` (HTTP + WebSocket, router only), ``/health`` and ``/ready``."""

    @contextlib.asynccontextmanager
    async def app_lifespan(app: Starlette) -> AsyncIterator[None]:
        async with lifespan(settings) as runtime:
            app.state.runtime = runtime
            logger.info("subgraph ready", extra={"subgraph": name})
            yield

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "subgraph": name})

    async def ready(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        checks: dict[str, str] = {}
        checks["database"] = await _check(lambda: _ping_db(runtime.engine))
        checks["redis"] = await _check(lambda: runtime.redis.ping())
        status = 200 if all(v == "ok" for v in checks.values()) else 503
        return JSONResponse({"status": "ok" if status == 200 else "unavailable", **checks}, status_code=status)

    app = Starlette(lifespan=app_lifespan)
    graphql_app = SubgraphGraphQL(schema, context_class=context_class, app=app)
    # The service token is checked first, so nothing but the router can make a subgraph read an upload.
    guarded = _RequireServiceToken(
        LimitUploadSize(graphql_app, max_bytes=settings.UPLOAD_MAX_BYTES), lambda: settings.SERVICE_TOKEN
    )
    app.router.routes.extend(
        [
            Route("/graphql", guarded, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            Route("/health", health),
            Route("/ready", ready),
            *(extra_routes or []),
        ]
    )
    return app


async def _ping_db(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _check(probe: Callable[[], Awaitable[Any]]) -> str:
    try:
        await probe()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
