"""A real HTTP server on loopback that answers like the rate services, from the recorded responses."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = Path(__file__).resolve().parent / "recorded"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"

    @classmethod
    def file(cls, name: str) -> Reply:
        kind = "text/xml" if name.endswith(".xml") else "application/json"
        return cls(200, recorded(name), kind)


@dataclass
class RateServer:
    """Answers ``routes[path]`` (the path without its query); 404 for anything else. ``requests`` logs every
    request line's target, query included, in order."""

    routes: dict[str, Reply] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> RateServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                reply = outer.routes.get(self.path.split("?", 1)[0], Reply(404, b"not found", "text/plain"))
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fx-rate-server", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def serve(self, path: str, reply: Reply) -> None:
        self.routes[path] = reply

    def asked(self, prefix: str) -> list[str]:
        return [target for target in self.requests if target.startswith(prefix)]


ECB_DAILY = "/ecb/eurofxref-daily.xml"
ECB_HISTORY = "/ecb/eurofxref-hist-90d.xml"
FRANKFURTER_LATEST = "/frankfurter/latest"
