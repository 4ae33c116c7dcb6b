"""The hourly price update (``workers.prices.prices_update``) for many instruments, every source on loopback.

    uv run python bench/portfolio_prices.py [--instruments 500] [--latency-ms 0] [--fail-yahoo] [--repeat 3]

Makes a scratch database on ``FINCLOUD_BENCH_DATABASE_URL`` (default the local PostgreSQL at 127.0.0.1:5432) and
uses Redis at ``FINCLOUD_BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/6``; only the price worker's own keys
are touched, and removed at the end). It writes N listed NASDAQ equities in USD, N/10 households with a EUR portfolio
each buying ten of them on 7 March 2024, a price alert on every tenth instrument and a drawdown alert on every
portfolio. A loopback HTTP server answers like Yahoo's chart API for any symbol (the recorded AAPL answer of
13 March 2024 under the symbol asked for), like Stooq's batch quotes, and with the ECB's recorded files; each answer
can be delayed (``--latency-ms``) to stand in for a real service's round trip. ``--fail-yahoo`` makes Yahoo answer
HTTP 500, so every instrument fails over to Stooq. The clock is fixed at 13 March 2024, 22:00 UTC.

Then it times, in process, the job as the worker runs it:

- **first run**: every instrument's latest price (one Yahoo request each, four at a time) and its history since the
  first purchase (one request each, four at a time), the ECB's 90-day file, storing, the event, the price alerts,
  and the drawdown alert of every portfolio (its daily series of the last year);
- **again within the hour**: every quote from the Redis cache, no request;
- **an hour later** without the cache: every latest price fetched again (no history: they are priced), nothing
  changed, no event; repeated ``--repeat`` times (p50 / max).

Results go to ``bench/out/portfolio-prices.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import redis.asyncio as aioredis
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import SERVICE_TOKEN, machine  # noqa: E402
from fincloud.config import Settings  # noqa: E402
from fincloud.constants import PRICE_CACHE_PREFIX, TOPIC_PRICES_UPDATED  # noqa: E402
from fincloud.db import create_engine, make_sessionmaker  # noqa: E402
from subgraphs.portfolio.models import Activity, Alert, FxRate, Instrument, Portfolio, Price, outbox  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402
from workers.prices import prices_update  # noqa: E402

OUT = ROOT / "bench" / "out"
RECORDED = ROOT / "tests" / "subgraphs" / "portfolio" / "prices" / "recorded"
FX_RECORDED = ROOT / "tests" / "subgraphs" / "budget" / "fx" / "recorded"
NOW = dt.datetime(2024, 3, 13, 22, 0, tzinfo=dt.UTC)
BOUGHT = dt.date(2024, 3, 7)


class Sources:
    """A loopback server answering like Yahoo (any symbol), Stooq (any batch) and the ECB; counts requests."""

    def __init__(self, *, latency: float, fail_yahoo: bool) -> None:
        self.latency = latency
        self.fail_yahoo = fail_yahoo
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._chart = (RECORDED / "yahoo-chart-AAPL-5d-2024-03-13.json").read_text()
        self._ecb = {
            "/ecb/eurofxref-daily.xml": (FX_RECORDED / "ecb-daily-2024-03-13.xml").read_bytes(),
            "/ecb/eurofxref-hist-90d.xml": (FX_RECORDED / "ecb-hist-90d-2024-03-13.xml").read_bytes(),
        }
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    def count(self, kind: str) -> None:
        with self._lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1

    def answer(self, target: str) -> tuple[int, bytes, str]:
        parts = urlsplit(target)
        path = parts.path
        if path.startswith("/yahoo/v8/finance/chart/"):
            self.count("yahoo")
            if self.fail_yahoo:
                return 500, b"internal error", "text/plain"
            symbol = unquote(path.rsplit("/", 1)[1])
            body = self._chart.replace('"symbol":"AAPL"', json.dumps({"symbol": symbol})[1:-1])
            return 200, body.encode(), "application/json"
        if path == "/stooq/q/l/":
            self.count("stooq")
            symbols = (parse_qs(parts.query).get("s") or [""])[0].replace(" ", "+").split("+")
            rows = ["Symbol,Date,Time,Open,High,Low,Close,Volume"]
            rows += [f"{s.upper()},2024-03-13,22:00:09,172.77,173.185,170.76,171.13,52488692" for s in symbols if s]
            return 200, "\r\n".join(rows).encode() + b"\r\n", "text/csv"
        if path == "/stooq/q/d/l/":
            self.count("stooq")
            return 200, (RECORDED / "stooq-daily-aapl.us-2024-03-07.csv").read_bytes(), "text/csv"
        if path in self._ecb:
            self.count("ecb")
            return 200, self._ecb[path], "text/xml"
        self.count("other")
        return 404, b"not found", "text/plain"

    def start(self) -> Sources:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real services allow
            disable_nagle_algorithm = True  # else each answer's body waits for the headers' delayed ACK (40 ms)

            def do_GET(self) -> None:
                if outer.latency:
                    time.sleep(outer.latency)
                status, body, kind = outer.answer(self.path)
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


async def populate(sessionmaker: Any, instruments: int) -> None:
    async with sessionmaker() as session, session.begin():
        rows = [
            Instrument(symbol=f"B{i:04d}", exchange="XNAS", name=f"Bench {i}", currency="USD", asset_class="equity")
            for i in range(instruments)
        ]
        session.add_all(rows)
        await session.flush()
        for start in range(0, instruments, 10):
            household_id = uuid.uuid4()
            portfolio = Portfolio(household_id=household_id, name="Bench", base_currency="EUR")
            session.add(portfolio)
            await session.flush()
            for row in rows[start : start + 10]:
                session.add(
                    Activity(
                        household_id=household_id,
                        portfolio_id=portfolio.id,
                        kind="buy",
                        date=BOUGHT,
                        instrument_id=row.id,
                        currency="USD",
                        quantity=Decimal(10),
                        price=Decimal(169),
                    )
                )
            session.add(
                Alert(household_id=household_id, kind="price_above", instrument_id=rows[start].id,
                      threshold=Decimal(170), currency="USD", created_by=household_id)
            )  # fmt: skip
            session.add(
                Alert(household_id=household_id, kind="drawdown", portfolio_id=portfolio.id, threshold=Decimal(1),
                      created_by=household_id)
            )  # fmt: skip


async def clear_cache(redis: aioredis.Redis) -> None:
    async for key in redis.scan_iter(match=f"{PRICE_CACHE_PREFIX}*", count=1000):
        await redis.delete(key)


async def counts(sessionmaker: Any) -> dict[str, int]:
    async with sessionmaker() as session:
        return {
            "prices": int(await session.scalar(select(func.count()).select_from(Price)) or 0),
            "fx_rates": int(await session.scalar(select(func.count()).select_from(FxRate)) or 0),
            "events": int(
                await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.topic == TOPIC_PRICES_UPDATED)
                )
                or 0
            ),
        }


async def timed(ctx: dict[str, Any], sources: Sources) -> tuple[float, dict[str, Any], dict[str, int]]:
    sources.requests.clear()
    started = time.perf_counter()
    report = await prices_update(ctx)
    return time.perf_counter() - started, report, dict(sources.requests)


def row(name: str, seconds: list[float], report: dict[str, Any], requests: dict[str, int]) -> dict[str, Any]:
    return {
        "phase": name,
        "p50_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
        "runs": len(seconds),
        "requests": requests,
        "report": {k: v for k, v in report.items() if k != "problems"},
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instruments", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay of every answer of the fake sources")
    parser.add_argument("--fail-yahoo", action="store_true", help="Yahoo answers HTTP 500: everything fails over")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the hour-later phase")
    args = parser.parse_args()

    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("FINCLOUD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    database_url = await create_database(server_url, "fincloud_bench_prices")
    engine = create_engine(database_url, pool_size=5)
    redis = aioredis.Redis.from_url(redis_url)
    sources = Sources(latency=args.latency_ms / 1000, fail_yahoo=args.fail_yahoo).start()
    try:
        await clear_cache(redis)
        sessionmaker = make_sessionmaker(engine)
        await populate(sessionmaker, args.instruments)
        settings = Settings(
            ENV="test",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            SERVICE_TOKEN=SERVICE_TOKEN,
            PRICE_YAHOO_URL=f"{sources.url}/yahoo",
            PRICE_STOOQ_URL=f"{sources.url}/stooq",
            PRICE_ALPHAVANTAGE_URL=f"{sources.url}/alphavantage",
            PRICE_COINGECKO_URL=f"{sources.url}/coingecko",
            FX_ECB_URL=f"{sources.url}/ecb",
        )

        def ctx(now: dt.datetime, **update: Any) -> dict[str, Any]:
            return {
                "sessionmaker": sessionmaker,
                "settings": settings.model_copy(update=update),
                "redis": redis,
                "clock": lambda: now,
            }

        results = []
        seconds, report, requests = await timed(ctx(NOW), sources)
        results.append(row("first run (latest + history + ECB 90 days + alerts)", [seconds], report, requests))
        after_first = await counts(sessionmaker)
        seconds, report, requests = await timed(ctx(NOW + dt.timedelta(minutes=5)), sources)
        results.append(row("again within the hour (Redis cache)", [seconds], report, requests))
        later: list[float] = []
        for n in range(args.repeat):
            seconds, report, requests = await timed(
                ctx(NOW + dt.timedelta(hours=1 + n), PRICE_CACHE_SECONDS=0), sources
            )
            later.append(seconds)
        results.append(row("an hour later, no cache (latest only)", later, report, requests))
        final = await counts(sessionmaker)
    finally:
        sources.stop()
        await clear_cache(redis)
        await redis.aclose()
        await engine.dispose()
        await drop_database(server_url, database_url)

    setup = {
        "instruments": args.instruments,
        "latency_ms": args.latency_ms,
        "fail_yahoo": args.fail_yahoo,
        "machine": machine(),
        "stored_after_first_run": after_first,
        "stored_at_the_end": final,
    }
    lines = [
        f"# Price update: {args.instruments} instruments, sources on loopback"
        f" ({args.latency_ms:g} ms per answer{', Yahoo failing' if args.fail_yahoo else ''})",
        "",
        f"{setup['machine']}",
        "",
        "| phase | p50 | max | runs | requests | fetched | cached | backfilled | changed | alerts |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rep = r["report"]
        asked = ", ".join(f"{k} {v}" for k, v in sorted(r["requests"].items())) or "none"
        alerts = rep["price_alerts"] + rep["portfolio_alerts"]
        lines.append(
            f"| {r['phase']} | {r['p50_s']:.3f} s | {r['max_s']:.3f} s | {r['runs']} | {asked} | {rep['fetched']} |"
            f" {rep['cached']} | {rep['backfilled']} | {rep['changed']} | {alerts} |"
        )
    lines += ["", f"Stored after the first run: {after_first}; at the end: {final}."]
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "portfolio-prices.md").write_text(text)
    (OUT / "portfolio-prices.json").write_text(json.dumps({"setup": setup, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
