"""A real HTTP server on loopback that answers like the price services, from the recorded responses, and the
instruments and clock the tests share."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from subgraphs.portfolio.prices.base import InstrumentRef

RECORDED = Path(__file__).resolve().parent / "recorded"

NOW = dt.datetime(2024, 3, 13, 22, 0, tzinfo=dt.UTC)
"""Wednesday 13 March 2024, 22:00 UTC: after New York's close, the ECB's publication and Stooq's last update."""
MARCH_13 = dt.date(2024, 3, 13)


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


_KINDS = {".json": "application/json", ".csv": "text/csv", ".xml": "text/xml", ".txt": "text/plain"}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client's timeout: a timeout)."""

    @classmethod
    def file(cls, name: str, status: int = 200) -> Reply:
        return cls(status, recorded(name), _KINDS.get(Path(name).suffix, "application/octet-stream"))


Route = Reply | Callable[[dict[str, list[str]]], Reply]
"""A fixed reply, or one chosen from the query (``{"function": ["GLOBAL_QUOTE"], ...}``)."""


@dataclass
class PriceServer:
    """Answers ``routes[path]`` (the path without its query); 404 for anything else. ``requests`` logs every
    request's target, query included, in the order they arrived."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    """The ``User-Agent`` of each request, in the same order."""
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> PriceServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with outer._lock:
                    outer.requests.append(self.path)
                    outer.agents.append(self.headers.get("user-agent", ""))
                parts = urlsplit(self.path)
                route = outer.routes.get(parts.path, Reply(404, b"not found", "text/plain"))
                reply = route if isinstance(route, Reply) else route(parse_qs(parts.query, keep_blank_values=True))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="price-server", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def serve(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def asked(self, prefix: str) -> list[str]:
        return [target for target in self.requests if target.startswith(prefix)]


def instrument(
    key: str,
    symbol: str,
    *,
    currency: str = "USD",
    asset_class: str = "equity",
    exchange: str | None = "XNAS",
    codes: dict[str, str] | None = None,
) -> InstrumentRef:
    """A test instrument: a NASDAQ equity in USD unless told otherwise."""
    return InstrumentRef(
        key=key, symbol=symbol, exchange=exchange, currency=currency, asset_class=asset_class, codes=codes or {}
    )


AAPL = instrument("aapl", "AAPL")
MSFT = instrument("msft", "MSFT")
VWCE = instrument("vwce", "VWCE", currency="EUR", exchange="XETRA", asset_class="fund")
VOD = instrument("vod", "VOD", currency="GBP", exchange="LSE")
IBM = instrument("ibm", "IBM", exchange="XNYS")
BTC = instrument("btc", "BTC", asset_class="crypto", exchange=None)
ETH_EUR = instrument("eth", "ETH", currency="EUR", asset_class="crypto", exchange=None)
SHIB = instrument("shib", "SHIB", asset_class="crypto", exchange=None, codes={"coingecko": "shiba-inu"})
EXOTIC = instrument("zzzz", "ZZZZ")
"""A symbol no source knows."""

YAHOO_AAPL = "/yahoo/v8/finance/chart/AAPL"
YAHOO_MSFT = "/yahoo/v8/finance/chart/MSFT"
STOOQ_LATEST = "/stooq/q/l/"
STOOQ_DAILY = "/stooq/q/d/l/"
ALPHAVANTAGE = "/alphavantage/query"
COINGECKO_PRICE = "/coingecko/api/v3/simple/price"
ECB_DAILY = "/ecb/eurofxref-daily.xml"
ECB_HISTORY_90D = "/ecb/eurofxref-hist-90d.xml"
ECB_HISTORY = "/ecb/eurofxref-hist.xml"
