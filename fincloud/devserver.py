"""``fincloud dev``: the whole stack on one machine from one command.

Starts (or connects to) PostgreSQL and Redis, migrates, then runs each subgraph, the worker, the router and the web
app as child processes, shows what is starting and what is ready, and on Ctrl-C stops every process it started.
The web app's address is the one to open: it serves the app and passes /graphql (HTTP and WebSocket) and
/downloads/ on to the router.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

from fincloud.config import Settings
from fincloud.constants import SUBGRAPHS
from fincloud.embedded import EmbeddedPostgres, EmbeddedRedis

__all__ = ["DevError", "Stack", "build_web", "run_dev", "start_web", "web_needs_build"]

ROOT = Path(__file__).resolve().parent.parent
ROUTER_DIR = ROOT / "router"
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
GATEWAY_BIN = ROUTER_DIR / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"
WEB_DIR = ROOT / "web"
WEB_SERVER = WEB_DIR / "server.mjs"
NEXT_BIN = WEB_DIR / "node_modules" / "next" / "dist" / "bin" / "next"
LOOPBACK_PROXIES = "127.0.0.1,::1"
"""The web server ``fincloud dev`` starts runs on this machine: the router believes its X-Forwarded-For."""


class DevError(Exception):
    """A start-up problem the user can fix; printed as one line."""


def say(message: str) -> None:
    print(f"fincloud: {message}", flush=True)


def _die_with_parent() -> None:
    """Children get SIGTERM if ``fincloud dev`` itself dies, so nothing is orphaned even after a SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    os.setpgrp()


def port_taken(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


@dataclass
class Stack:
    """Everything ``fincloud dev`` started, stopped in reverse order."""

    children: list[Child] = field(default_factory=list)
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def spawn(self, name: str, argv: list[str], *, env: Mapping[str, str], cwd: Path = ROOT) -> Child:
        process = subprocess.Popen(argv, cwd=cwd, env=dict(env), preexec_fn=_die_with_parent)
        child = Child(name, process)
        self.children.append(child)
        return child

    def exited(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop(self, *, timeout: float = 10.0) -> None:
        for child in reversed(self.children):
            if child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                child.process.wait(remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
        self.children.clear()
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None


def wait_until(
    check: Callable[[], bool], *, timeout: float, what: str, stack: Stack, child: Child | None = None
) -> float:
    """Poll ``check`` until it passes; fail fast if the child process dies meanwhile."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if child is not None and child.process.poll() is not None:
            raise DevError(f"{what} exited with code {child.process.returncode} while starting (see its log above)")
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise DevError(f"{what} did not become ready within {timeout:.0f}s")


def http_ok(url: str, *, timeout: float = 1) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def check_database(url: str) -> None:
    import asyncio

    import asyncpg

    from fincloud.db import async_url

    dsn = async_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def probe() -> None:
        conn = await asyncpg.connect(dsn, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        raise DevError(f"cannot reach the database at {_safe(url)}: {exc or type(exc).__name__}") from None


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except Exception as exc:
        raise DevError(f"cannot reach Redis at {_safe(url)}: {exc}") from None


def _safe(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def _npm_ci(folder: Path, marker: Path, what: str) -> None:
    """``npm ci`` in ``folder`` unless ``marker`` (a file the install provides) is already there."""
    if marker.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise DevError(f"npm was not found: install Node.js 20 or newer (it ships npm) to run {what}")
    say(f"installing {what}'s node modules (first run only) ...")
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=False)
    if result.returncode != 0 or not marker.exists():
        raise DevError(f"installing {what}'s node modules failed (npm ci in {folder.name}/)")


def ensure_router_modules() -> None:
    _npm_ci(ROUTER_DIR, GATEWAY_BIN, "the router")


def ensure_web_modules() -> None:
    _npm_ci(WEB_DIR, NEXT_BIN, "the web app")


def web_needs_build() -> bool:
    """No production build of the web app yet, or a source file newer than it."""
    build_id = WEB_DIR / ".next" / "BUILD_ID"
    if not build_id.exists():
        return True
    built_at = build_id.stat().st_mtime
    sources = [
        WEB_DIR / "package-lock.json",
        WEB_DIR / "next.config.ts",
        WEB_DIR / "postcss.config.mjs",
        *(WEB_DIR / "src").rglob("*"),
    ]
    return any(path.is_file() and path.stat().st_mtime > built_at for path in sources)


def build_web(*, timeout: float = 600) -> float:
    """``next build`` of the web app; returns the seconds it took. Raises ``DevError`` with its output on failure."""
    ensure_web_modules()
    node = shutil.which("node")
    if node is None:
        raise DevError("Node.js was not found: install Node.js 20 or newer to build the web app")
    started = time.monotonic()
    result = subprocess.run(
        [node, str(NEXT_BIN), "build"],
        cwd=WEB_DIR,
        env={**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "NODE_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise DevError(f"building the web app failed (next build in web/):\n{result.stdout}\n{result.stderr}")
    return time.monotonic() - started


def start_web(settings: Settings, stack: Stack, *, dev: bool, timeout: float = 120) -> str:
    """Start web/server.mjs (``next dev`` with ``dev``, else the production build) in front of the router; returns
    its URL once it answers."""
    node = shutil.which("node")
    if node is None:
        raise DevError("Node.js was not found: install Node.js 20 or newer to run the web app")
    if port_taken(settings.HOST, settings.WEB_PORT):
        raise DevError(f"port {settings.WEB_PORT} (web) is already taken: stop what uses it or set FINCLOUD_WEB_PORT")
    ensure_web_modules()
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "NODE_ENV")}
    env.update(
        {
            "FINCLOUD_WEB_HOST": settings.HOST,
            "FINCLOUD_WEB_PORT": str(settings.WEB_PORT),
            "FINCLOUD_ROUTER_URL": f"http://{settings.HOST}:{settings.ROUTER_PORT}",
            "NEXT_TELEMETRY_DISABLED": "1",
        }
    )
    say(f"starting the web app on :{settings.WEB_PORT} ({'next dev' if dev else 'production build'}) ...")
    argv = [node, str(WEB_SERVER), *(["--dev"] if dev else [])]
    child = stack.spawn("web", argv, env=env, cwd=WEB_DIR)
    url = f"http://{settings.HOST}:{settings.WEB_PORT}"
    # The first request also compiles the page under next dev.
    wait_until(http_ok(f"{url}/", timeout=timeout), timeout=timeout, what="web app", stack=stack, child=child)
    return url


def child_env(settings: Settings, *, database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FINCLOUD_ENV": settings.ENV,
            "FINCLOUD_DATA_DIR": str(settings.DATA_DIR),
            "FINCLOUD_DATABASE_URL": database_url,
            "FINCLOUD_REDIS_URL": redis_url,
            "FINCLOUD_JWKS_URL": f"http://{settings.HOST}:{settings.IDENTITY_PORT}/.well-known/jwks.json",
            "FINCLOUD_SERVICE_TOKEN": settings.SERVICE_TOKEN,
            "FINCLOUD_LOG_LEVEL": settings.LOG_LEVEL,
            "FINCLOUD_UPLOAD_MAX_BYTES": str(settings.UPLOAD_MAX_BYTES),
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in SUBGRAPHS:
        env[f"FINCLOUD_SUBGRAPH_URL_{name.upper()}"] = f"http://{settings.HOST}:{settings.port_of(name)}/graphql"
    env["FINCLOUD_CORS_ORIGINS"] = settings.CORS_ORIGINS
    env.setdefault("FINCLOUD_TRUSTED_PROXIES", LOOPBACK_PROXIES)
    if settings.PUBLIC_URL:
        env["FINCLOUD_PUBLIC_URL"] = settings.PUBLIC_URL
    env["FINCLOUD_ROUTER_HOST"] = settings.HOST
    env["FINCLOUD_ROUTER_PORT"] = str(settings.ROUTER_PORT)
    env["FINCLOUD_SUPERGRAPH"] = str(SUPERGRAPH)
    if not settings.S3_URL:
        env["FINCLOUD_S3_URL"] = (settings.DATA_DIR / "objects").as_uri()
    return env


def start_stack(settings: Settings, stack: Stack) -> float:
    """Bring everything up; returns seconds until the router answered. Raises ``DevError`` on a fixable problem."""
    started = time.monotonic()
    node = shutil.which("node")
    if node is None:
        raise DevError("Node.js was not found: install Node.js 20 or newer to run the router")
    names = ["router", *SUBGRAPHS]
    for name in names:
        if port_taken(settings.HOST, settings.port_of(name)):
            raise DevError(
                f"port {settings.port_of(name)} ({name}) is already taken: stop what uses it or set "
                f"FINCLOUD_{name.upper()}_PORT"
            )
    if not SUPERGRAPH.exists():
        raise DevError(f"{SUPERGRAPH} is missing: run `uv run fincloud compose`")
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)

    if settings.DATABASE_URL:
        say(f"using PostgreSQL at {_safe(settings.DATABASE_URL)}")
        check_database(settings.DATABASE_URL)
        database_url = settings.DATABASE_URL
    else:
        say(f"starting embedded PostgreSQL in {settings.DATA_DIR / 'postgres'} ...")
        stack.postgres = EmbeddedPostgres(settings.DATA_DIR)
        database_url = stack.postgres.start()
    if settings.REDIS_URL:
        say(f"using Redis at {_safe(settings.REDIS_URL)}")
        check_redis(settings.REDIS_URL)
        redis_url = settings.REDIS_URL
    else:
        say("starting embedded Redis ...")
        stack.redis = EmbeddedRedis(settings.DATA_DIR)
        redis_url = stack.redis.start()

    ensure_router_modules()
    env = child_env(settings, database_url=database_url, redis_url=redis_url)
    python = sys.executable
    # Subgraphs and the router connect lazily, so they start importing now while the database migrates.
    subgraph_children: dict[str, Child] = {}
    for name in SUBGRAPHS:
        say(f"starting {name} on :{settings.port_of(name)} ...")
        subgraph_children[name] = stack.spawn(
            name,
            [python, "-m", "fincloud.cli", "serve", name, "--host", settings.HOST, "--port", str(settings.port_of(name))],
            env=env,
        )  # fmt: skip
    say(f"starting the router on :{settings.ROUTER_PORT} ...")
    router = stack.spawn("router", [node, str(GATEWAY_BIN), "supergraph", str(SUPERGRAPH)], env=env, cwd=ROUTER_DIR)

    say("migrating the database ...")
    from fincloud.migrate import upgrade_all

    upgrade_all(database_url)
    say("starting the worker ...")
    worker = stack.spawn("worker", [python, "-m", "fincloud.cli", "worker"], env=env)
    for name, child in subgraph_children.items():
        url = f"http://{settings.HOST}:{settings.port_of(name)}/ready"
        wait_until(http_ok(url), timeout=90, what=name, stack=stack, child=child)
        say(f"{name} ready ({time.monotonic() - started:.1f}s)")
    router_url = f"http://{settings.HOST}:{settings.ROUTER_PORT}"
    wait_until(http_ok(f"{router_url}/readiness"), timeout=90, what="router", stack=stack, child=router)
    say(f"router ready ({time.monotonic() - started:.1f}s)")
    if worker.process.poll() is not None:
        raise DevError(f"the worker exited with code {worker.process.returncode}")
    return time.monotonic() - started


def run_dev(settings: Settings) -> int:
    """Run until Ctrl-C (or SIGTERM, or a child dies); returns the exit code."""
    stack = Stack()
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    if not settings.PUBLIC_URL:
        # Links in emails and downloads point at the address users open: the web app.
        settings = settings.model_copy(update={"PUBLIC_URL": f"http://{settings.HOST}:{settings.WEB_PORT}"})
    try:
        if port_taken(settings.HOST, settings.WEB_PORT):
            raise DevError(
                f"port {settings.WEB_PORT} (web) is already taken: stop what uses it or set FINCLOUD_WEB_PORT"
            )
        start_stack(settings, stack)
        # next dev: ready in seconds and reloads on change (a production build takes longer than the whole stack).
        url = start_web(settings, stack, dev=True)
        say(f"FinCloud is up in {time.monotonic() - started:.1f}s. Open {url}")
        say(f"(the API is {url}/graphql, with GraphiQL)")
        say("press Ctrl-C to stop")
        while True:
            dead = stack.exited()
            if dead is not None:
                say(f"{dead.name} exited with code {dead.process.returncode}; stopping everything")
                return 1
            time.sleep(0.5)
    except DevError as exc:
        say(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if stack.children or stack.postgres or stack.redis:
            say("stopping ...")
        stack.stop()
        if stopping:
            say("stopped")
