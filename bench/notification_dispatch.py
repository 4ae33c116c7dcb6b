"""Notification dispatch: how many webhooks one worker delivers a second, and how long an event takes to reach its
receiver.

    uv run python bench/notification_dispatch.py [--notifications 2000] [--households 10] [--receiver-ms 0]
                                                 [--paced 100] [--rate 5] [--log-level WARNING]

Makes a scratch database on ``FINCLOUD_BENCH_DATABASE_URL`` (default the local PostgreSQL at 127.0.0.1:5432) and
starts a ``redis-server`` of its own on a free loopback port (no persistence), so that no other run's jobs mix with
its own; then one ``fincloud worker`` process on them, as in production: the outbox relay, ``notify_on_event`` and
``deliver`` (arq, ten jobs at a time), with ``WEBHOOK_ALLOW_PRIVATE`` on so that webhooks may go to loopback.
``--households`` households of one member each (written straight into notification's tables: the member replica,
one webhook channel, an hourly cap high enough never to hold anything) all point their webhook at one receiver on
loopback, a threaded HTTP server that checks each request's signature and answers 200 at once (or after
``--receiver-ms``).

Two phases, each timed from the events' commit in portfolio's outbox (price alerts, which go to every channel of the
user who set the alert up and to nothing else) to the receiver's 200 for the last of them:

- **burst**: ``--notifications`` events committed in one transaction, spread over the households: webhooks per
  second over the whole run, and the latency of each delivery (``latency_ms`` of its row: from the event's
  ``occurred_at`` to the receiver's acceptance as the worker saw it), which here is mostly time spent queueing;
- **paced**: ``--paced`` events committed one at a time, ``--rate`` a second (below what one worker sustains): the
  latency of one notification when the worker keeps up.

Every notification must arrive exactly once and every delivery row end ``sent``, or the run fails. Results go to
``bench/out/notification-dispatch.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import SERVICE_TOKEN, machine  # noqa: E402
from fincloud.config import Settings  # noqa: E402
from fincloud.constants import TOPIC_PRICE_ALERT  # noqa: E402
from fincloud.db import create_engine, make_sessionmaker, utcnow  # noqa: E402
from fincloud.devserver import child_env  # noqa: E402
from fincloud.events import write_event  # noqa: E402
from subgraphs.notification.channels.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature  # noqa: E402
from subgraphs.notification.models import Channel, Delivery, Member, UserSettings  # noqa: E402
from subgraphs.portfolio.models import outbox as portfolio_outbox  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402
from tests.faults.support import RedisServer  # noqa: E402

OUT = ROOT / "bench" / "out"
SECRET = "whsec_bench_" + "x" * 32
WITHIN = 600.0
"""No phase may take longer than this."""


class Receiver:
    """A webhook endpoint on loopback: checks the signature, notes when it answered each delivery id, answers 200."""

    def __init__(self, *, delay: float) -> None:
        self.delay = delay
        self.accepted: dict[str, list[float]] = {}
        self.rejected = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    def start(self) -> Receiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                good = verify_signature(SECRET, self.headers.get(SIGNATURE_HEADER, ""), body)
                if outer.delay:
                    time.sleep(outer.delay)
                self.send_response(200 if good else 401)
                self.send_header("content-length", "0")
                self.end_headers()
                self.wfile.flush()
                with outer._lock:
                    if good:
                        outer.accepted.setdefault(self.headers.get(DELIVERY_HEADER, ""), []).append(time.time())
                    else:
                        outer.rejected += 1

            def do_GET(self) -> None:  # the worker's start-up crons asking for ECB rates: nothing here
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def count(self) -> int:
        with self._lock:
            return len(self.accepted)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


async def populate(sessionmaker: Any, receiver: Receiver, households: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """``households`` households of one member each, with a webhook channel to ``receiver``; ``(household, user)``."""
    homes = [(uuid.uuid4(), uuid.uuid4()) for _ in range(households)]
    async with sessionmaker() as session, session.begin():
        for n, (household_id, user_id) in enumerate(homes):
            session.add(
                Member(household_id=household_id, user_id=user_id, role="owner", email=f"bench{n}@example.org",
                       email_verified=True, name=f"Bench {n}", changed_at=utcnow())
            )  # fmt: skip
            session.add(
                Channel(household_id=household_id, user_id=user_id, kind="webhook", name="Bench",
                        config={"url": f"{receiver.url}/hook/{n}"}, secret=SECRET, verified=True, active=True)
            )  # fmt: skip
            session.add(UserSettings(user_id=user_id, hourly_cap=1_000_000))
    return homes


def price_alert(user_id: uuid.UUID, n: int) -> dict[str, Any]:
    return {
        "alert_id": str(uuid.uuid4()),
        "kind": "price_above",
        "threshold": "100",
        "value": f"{100 + n % 50}.5",
        "currency": "USD",
        "user_id": str(user_id),
        "note": "",
        "instrument_id": str(uuid.uuid4()),
        "symbol": "AAPL",
        "date": "2026-11-27",
        "price": f"{100 + n % 50}.5",
    }


async def commit_burst(sessionmaker: Any, homes: list[tuple[uuid.UUID, uuid.UUID]], count: int) -> float:
    """``count`` price alerts in one transaction; returns the wall-clock time of the commit."""
    async with sessionmaker() as session, session.begin():
        for n in range(count):
            household_id, user_id = homes[n % len(homes)]
            await write_event(
                session, portfolio_outbox, topic=TOPIC_PRICE_ALERT, household_id=household_id,
                payload=price_alert(user_id, n),
            )  # fmt: skip
    return time.time()


async def commit_paced(sessionmaker: Any, homes: list[tuple[uuid.UUID, uuid.UUID]], count: int, rate: float) -> float:
    """``count`` price alerts, one per transaction, ``rate`` a second; returns when the first was committed."""
    started = time.monotonic()
    first = 0.0
    for n in range(count):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        household_id, user_id = homes[n % len(homes)]
        async with sessionmaker() as session, session.begin():
            await write_event(
                session, portfolio_outbox, topic=TOPIC_PRICE_ALERT, household_id=household_id,
                payload=price_alert(user_id, n),
            )  # fmt: skip
        first = first or time.time()
    return first


async def settled(sessionmaker: Any, receiver: Receiver, expected: int, worker: subprocess.Popen[bytes]) -> None:
    """Wait until the receiver accepted ``expected`` notifications and every delivery row is ``sent``."""
    deadline = time.monotonic() + WITHIN
    while True:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with code {worker.returncode}")
        if receiver.count() >= expected:
            async with sessionmaker() as session:
                unsent = await session.scalar(
                    select(func.count()).select_from(Delivery).where(Delivery.status != "sent")
                )
                total = await session.scalar(select(func.count()).select_from(Delivery))
            if total == expected and not unsent:
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"only {receiver.count()} of {expected} notifications arrived within {WITHIN:.0f} s")
        await asyncio.sleep(0.05)


async def latencies(sessionmaker: Any, since: dt.datetime) -> list[int]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(Delivery.latency_ms).where(Delivery.created_at >= since))
        return [int(v) for v in rows if v is not None]


def percentile(values: list[int], q: int) -> float:
    return (
        float(statistics.quantiles(values, n=100, method="inclusive")[q - 1]) if len(values) > 1 else float(values[0])
    )


def phase(name: str, *, count: int, committed: float, accepted: list[float], latency: list[int]) -> dict[str, Any]:
    last = max(accepted)
    return {
        "phase": name,
        "notifications": count,
        "seconds": round(last - committed, 3),
        "webhooks_per_s": round(count / (last - committed), 1),
        "webhooks_per_s_first_to_last": round((count - 1) / (last - min(accepted)), 1) if count > 1 else None,
        "latency_ms": {
            "p50": percentile(latency, 50),
            "p99": percentile(latency, 99),
            "max": max(latency),
        },
    }


async def statuses_of(sessionmaker: Any) -> dict[str, int]:
    async with sessionmaker() as session:
        rows = await session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: int(n) for status, n in rows.all()}


async def worker_listening(engine: Any) -> bool:
    async with engine.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'")
        )
        return bool(count)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--notifications", type=int, default=2000, help="events of the burst phase")
    parser.add_argument("--households", type=int, default=10, help="one member and one webhook each")
    parser.add_argument("--receiver-ms", type=float, default=0.0, help="how long the receiver takes to answer")
    parser.add_argument("--paced", type=int, default=100, help="events of the paced phase (0: none)")
    parser.add_argument("--rate", type=float, default=5.0, help="events a second in the paced phase")
    parser.add_argument("--log-level", default="WARNING", help="the worker's (INFO logs every job)")
    args = parser.parse_args()

    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    database_url = await create_database(server_url, "fincloud_bench_notify")
    scratch = Path(tempfile.mkdtemp(prefix="fincloud-bench-notify-"))
    redis_server = RedisServer(scratch / "redis")
    receiver = Receiver(delay=args.receiver_ms / 1000).start()
    engine = create_engine(database_url, pool_size=5)
    sessionmaker = make_sessionmaker(engine)
    worker: subprocess.Popen[bytes] | None = None
    log = open(scratch / "worker.log", "wb")  # noqa: SIM115
    results: list[dict[str, Any]] = []
    succeeded = False
    try:
        redis_server.start()
        homes = await populate(sessionmaker, receiver, args.households)
        settings = Settings(
            ENV="test",
            DATA_DIR=scratch / "data",
            DATABASE_URL=database_url,
            REDIS_URL=redis_server.url,
            SERVICE_TOKEN=SERVICE_TOKEN,
            LOG_LEVEL=args.log_level,
        )
        env = child_env(settings, database_url=database_url, redis_url=redis_server.url)
        env.update(
            {
                "FINCLOUD_WEBHOOK_ALLOW_PRIVATE": "true",
                "FINCLOUD_FX_ECB_URL": f"{receiver.url}/ecb",  # the start-up crons stay on loopback
                "FINCLOUD_PRICE_YAHOO_URL": f"{receiver.url}/yahoo",
                "FINCLOUD_PRICE_STOOQ_URL": f"{receiver.url}/stooq",
            }
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "fincloud.cli", "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while not await worker_listening(engine):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start; see {scratch / 'worker.log'}")
            await asyncio.sleep(0.1)
        await asyncio.sleep(3)  # the start-up crons (sweeps, rates, prices) run first

        started = utcnow()
        committed = await commit_burst(sessionmaker, homes, args.notifications)
        await settled(sessionmaker, receiver, args.notifications, worker)
        burst = [t for ts in receiver.accepted.values() for t in ts]
        results.append(
            phase("burst", count=args.notifications, committed=committed, accepted=burst,
                  latency=await latencies(sessionmaker, started))
        )  # fmt: skip
        duplicates = sum(len(ts) - 1 for ts in receiver.accepted.values())

        if args.paced:
            before = set(receiver.accepted)
            started = utcnow()
            first = await commit_paced(sessionmaker, homes, args.paced, args.rate)
            await settled(sessionmaker, receiver, args.notifications + args.paced, worker)
            paced = [ts[0] for key, ts in receiver.accepted.items() if key not in before]
            results.append(
                phase(f"paced, {args.rate:g} a second", count=args.paced, committed=first, accepted=paced,
                      latency=await latencies(sessionmaker, started))
            )  # fmt: skip
            duplicates = sum(len(ts) - 1 for ts in receiver.accepted.values())
        if duplicates or receiver.rejected:
            raise SystemExit(f"{duplicates} notifications arrived twice, {receiver.rejected} signatures refused")
        statuses = await statuses_of(sessionmaker)
        succeeded = True
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()
        receiver.stop()
        redis_server.kill()
        await engine.dispose()
        await drop_database(server_url, database_url)
        if succeeded:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"the worker's log: {scratch / 'worker.log'}", file=sys.stderr)

    setup = {
        "notifications": args.notifications,
        "households": args.households,
        "receiver_ms": args.receiver_ms,
        "paced": args.paced,
        "rate": args.rate,
        "worker_log_level": args.log_level,
        "deliveries": statuses,
        "machine": machine(),
    }
    lines = [
        f"# Notification dispatch: one worker, webhooks to a loopback receiver ({args.receiver_ms:g} ms per answer)",
        "",
        f"{setup['machine']}",
        "",
        "| phase | notifications | from commit to last 200 | webhooks/s | latency p50 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lat = r["latency_ms"]
        lines.append(
            f"| {r['phase']} | {r['notifications']} | {r['seconds']:.2f} s | {r['webhooks_per_s']:.0f} |"
            f" {lat['p50']:.0f} ms | {lat['p99']:.0f} ms | {lat['max']} ms |"
        )
    lines += [
        "",
        f"{args.households} households, one webhook each; every notification arrived once (deliveries: "
        f"{statuses}). Latency: the delivery row's `latency_ms`, from the event's `occurred_at` to the"
        " receiver's acceptance; in the burst it is mostly queueing behind the other events.",
    ]
    text_out = "\n".join(lines) + "\n"
    print(text_out)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "notification-dispatch.md").write_text(text_out)
    (OUT / "notification-dispatch.json").write_text(json.dumps({"setup": setup, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
