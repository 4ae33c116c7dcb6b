"""What the channel tests share: settings without a database, a notification to send, and a real HTTP server on
loopback that stands in for a receiver (Telegram's Bot API, a push service, a webhook endpoint)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fincloud.config import Settings
from subgraphs.notification.channels.base import Message
from tests.conftest import TEST_SERVICE_TOKEN

OCCURRED = dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Test settings without a database: only what the channels read."""
    values: dict[str, Any] = {
        "ENV": "test",
        "DATA_DIR": data_dir,
        "SERVICE_TOKEN": TEST_SERVICE_TOKEN,
        "PUBLIC_URL": "https://fincloud.example",
    }
    values.update(overrides)
    return Settings(**values)


def make_message(**overrides: Any) -> Message:
    values: dict[str, Any] = {
        "notification_id": "0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b",
        "event_id": "0190a3c4-0000-7000-8000-000000000001",
        "event_type": "budget.budget_threshold_exceeded",
        "household_id": "0190a3c4-0000-7000-8000-0000000000aa",
        "occurred_at": OCCURRED,
        "title": "Groceries: 80% of the March 2025 budget spent",
        "body": "€400.00 spent of €500.00; €100.00 left.\n\nCategory: Groceries",
        "html": "<p>€400.00 spent of €500.00; €100.00 left.</p>",
        "url": "https://fincloud.example/budget?month=2025-03",
        "locale": "en",
        "data": {"category_name": "Groceries", "spent": "400.00", "currency": "EUR", "level": 80},
    }
    values.update(overrides)
    return Message(**values)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client's timeout: a timeout)."""

    @classmethod
    def json(cls, document: Any, status: int = 200, **headers: str) -> Reply:
        return cls(status, json.dumps(document).encode(), {"content-type": "application/json", **headers})


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Received], Reply]


@dataclass
class HttpReceiver:
    """Answers every request with ``handler(request)`` (200 and no body without one), and keeps every request."""

    handler: Handler | None = None
    host: str = "127.0.0.1"
    received: list[Received] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> HttpReceiver:
        outer = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Received(
                    method=self.command,
                    path=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                with outer._lock:
                    outer.received.append(request)
                reply = outer.handler(request) if outer.handler is not None else Reply()
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, 0), RequestHandler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.url = f"http://{self.host}:{port}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="http-receiver", daemon=True
        ).start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
