"""The whole stack, booted once per test session: four subgraphs, the worker and the real Hive Gateway router,
on free loopback ports, against a fresh database. Tests speak to it only through the router (or, to check the
walls, straight to a subgraph)."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from playwright.async_api import Browser, async_playwright
from websockets.typing import Subprotocol

from fincloud.config import Settings
from fincloud.constants import SUBGRAPHS
from fincloud.devserver import DevError, Stack, build_web, start_stack, start_web, web_needs_build
from fincloud.embedded import free_port
from tests.conftest import TEST_SERVICE_TOKEN, create_database, drop_database, with_redis_db

FEDERATION_REDIS_DB = int(os.environ.get("FINCLOUD_TEST_FEDERATION_REDIS_DB", "1"))
"""Concurrent runs on one Redis (several developers, CI) pick different numbers so their queues stay apart."""


@dataclass
class RunningStack:
    settings: Settings
    database_url: str
    web_port: int
    """The web app's port (the ``web_url`` fixture starts it there); the router also allows it as a CORS origin."""

    @property
    def router_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.ROUTER_PORT}/graphql"

    def subgraph_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.settings.port_of(name)}/graphql"


@pytest.fixture(scope="session")
async def stack(server_database_url: str, redis_url: str, tmp_root: Path) -> AsyncIterator[RunningStack]:
    database_url = await create_database(server_database_url, "fincloud_fed")
    ports: dict[str, Any] = {f"{name.upper()}_PORT": free_port() for name in ("router", *SUBGRAPHS)}
    web_port = free_port()
    settings = Settings(
        CORS_ORIGINS=f"http://127.0.0.1:{web_port},http://localhost:{web_port}",
        ENV="test",
        DATA_DIR=tmp_root / "stack",
        DATABASE_URL=database_url,
        REDIS_URL=with_redis_db(redis_url, FEDERATION_REDIS_DB),
        SERVICE_TOKEN=TEST_SERVICE_TOKEN,
        WEB_PORT=web_port,
        **ports,
    )
    running = Stack()
    try:
        # Webhook receivers in these tests listen on 127.0.0.1, which the default refuses. The stack's processes read
        # the setting from their environment; this process's own stays as it was.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("FINCLOUD_WEBHOOK_ALLOW_PRIVATE", "true")
            await asyncio.to_thread(start_stack, settings, running)
        yield RunningStack(settings=settings, database_url=database_url, web_port=web_port)
    finally:
        await asyncio.to_thread(running.stop)
        await drop_database(server_database_url, database_url)


@pytest.fixture(scope="session")
def web_url(stack: RunningStack) -> Iterator[str]:
    """The web app (web/server.mjs, production build) in front of the stack's router: the one address a browser
    opens. Built once when there is no build or a source file is newer than it."""
    web = Stack()
    try:
        if web_needs_build():
            started = time.monotonic()
            build_web(timeout=300)
            print(f"\nweb: next build took {time.monotonic() - started:.1f}s")
        url = start_web(stack.settings, web, dev=False, timeout=60)
    except DevError as exc:
        web.stop()
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        web.stop()


class Client:
    """A GraphQL client of the router, as a script or the PWA would be."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str | None = None) -> None:
        self.http = http
        self.url = url
        self.token = token

    async def post(self, query: str, **variables: Any) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        return await self.http.post(self.url, json={"query": query, "variables": variables}, headers=headers)

    async def run(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.post(query, **variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    async def register(self, name: str = "Ada") -> dict[str, Any]:
        email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
        data = await self.run(
            """mutation R($input: RegisterInput!) {
                 register(input: $input) { token user { id households { id name role } } errors { message } }
               }""",
            input={"email": email, "password": "correct horse battery", "name": name},
        )
        payload = data["register"]
        assert payload["errors"] == []
        self.token = payload["token"]
        return dict(payload)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
def client(stack: RunningStack, http: httpx.AsyncClient) -> Client:
    return Client(http, stack.router_url)


@pytest.fixture
def new_client(stack: RunningStack, http: httpx.AsyncClient) -> Callable[[], Client]:
    """Makes more clients, for tests with several users."""
    return lambda: Client(http, stack.router_url)


class Subscription:
    """A graphql-transport-ws subscription over one WebSocket."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket

    @classmethod
    async def open(
        cls, url: str, query: str, *, connection_params: dict[str, Any], variables: dict[str, Any] | None = None
    ) -> Subscription:
        socket = await websockets.connect(
            url.replace("http://", "ws://"), subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await socket.send(json.dumps({"type": "connection_init", "payload": connection_params}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
        )
        return cls(socket)

    async def next(self, timeout: float) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            return dict(message)

    async def close(self) -> None:
        await self.socket.close()


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium: browser tests never download a browser."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium for one test module."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's `chromium` package (browser tests never download one)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
