"""A real HTTP server on loopback that serves the recorded feeds the way feed hosts do (ETag / Last-Modified and
304, gzip, chunked bodies without a length, redirects, slow answers), and the instruments the tests hold."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from subgraphs.portfolio.news.feeds import HeldInstrument

RECORDED = Path(__file__).resolve().parent / "recorded"

YAHOO_AAPL = "yahoo-headline-AAPL.xml"
YAHOO_SAP = "yahoo-headline-SAP.DE.xml"
EDGAR_8K = "edgar-getcurrent-8-K.xml"
NEWSWIRE = "newswire-markets.rdf"
BROKEN = "broken-commentary.xml"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def make_instrument(
    key: str, symbol: str, *, isin: str | None = None, name: str = "", yahoo: str | None = None
) -> HeldInstrument:
    return HeldInstrument(key=key, symbol=symbol, isin=isin, name=name, yahoo=yahoo)


APPLE = make_instrument("aapl", "AAPL", isin="US0378331005", name="Apple Inc.", yahoo="AAPL")
SAP = make_instrument("sap", "SAP", isin="DE0007164600", name="SAP SE", yahoo="SAP.DE")
GARTNER = make_instrument("gartner", "IT", isin="US3666511072", name="Gartner, Inc.", yahoo="IT")
ALLSTATE = make_instrument("allstate", "ALL", isin="US0200021014", name="The Allstate Corporation", yahoo="ALL")
ASML = make_instrument("asml", "ASML", isin="NL0010273215", name="ASML Holding N.V.", yahoo="ASML.AS")
HELD = (APPLE, SAP, GARTNER, ALLSTATE, ASML)
"""A portfolio whose tickers include two English words (IT, ALL): the false positives matching must avoid."""


@dataclass
class Reply:
    """How ``FeedServer`` answers one target. ``etag`` / ``last_modified`` make it answer 304 to a matching
    conditional GET; ``gzip`` compresses the body; ``chunked`` sends it without a Content-Length (the connection's
    end marks the end); ``delay`` waits before answering."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    gzip: bool = False
    chunked: bool = False
    delay: float = 0.0

    @classmethod
    def file(cls, name: str, **options: object) -> Reply:
        kinds = {".rdf": "application/rdf+xml", ".xml": "application/xml"}
        kind = "application/atom+xml" if name.startswith("edgar") else kinds[Path(name).suffix]
        return cls(body=recorded(name), content_type=kind, **options)  # type: ignore[arg-type]


@dataclass
class Request:
    target: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    """Answers ``routes[target]`` (path and query, exactly as requested); 404 for anything else. ``requests`` logs
    every request in order, with its headers (names lower-cased)."""

    routes: dict[str, Reply] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FeedServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                reply = outer.routes.get(self.path, Reply(b"not found", 404, "text/plain"))
                if reply.delay:
                    time.sleep(reply.delay)
                fresh = (reply.etag is not None and self.headers.get("if-none-match") == reply.etag) or (
                    reply.last_modified is not None and self.headers.get("if-modified-since") == reply.last_modified
                )
                self.send_response(304 if fresh else reply.status)
                for name, value in (
                    ("etag", reply.etag),
                    ("last-modified", reply.last_modified),
                    ("location", reply.location),
                ):
                    if value is not None:
                        self.send_header(name, value)
                if fresh:
                    self.end_headers()
                    return
                body = gzip.compress(reply.body) if reply.gzip else reply.body
                self.send_header("content-type", reply.content_type)
                if reply.gzip:
                    self.send_header("content-encoding", "gzip")
                if not reply.chunked:
                    self.send_header("content-length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # the client may stop reading (a refused oversized body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="news-feed-server", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def serve(self, target: str, reply: Reply) -> str:
        """Serve ``reply`` at ``target``; the full URL."""
        self.routes[target] = reply
        return self.url + target

    def asked(self, target: str) -> list[Request]:
        return [request for request in self.requests if request.target == target]
