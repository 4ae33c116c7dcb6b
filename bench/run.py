"""Run FinCloud's benchmarks side by side and print a Markdown report. See bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fincloud.config import Settings  # noqa: E402
from fincloud.constants import SERVICE_TOKEN_HEADER, SUBGRAPHS  # noqa: E402
from fincloud.devserver import Stack, start_stack  # noqa: E402
from fincloud.embedded import free_port  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402

OUT = ROOT / "bench" / "out"
SERVICE_TOKEN = "bench-service-token-" + "x" * 16
REGISTER = """mutation R($input: RegisterInput!) { register(input: $input) { token errors { message } } }"""
ACCOUNT_CREATE = """mutation A($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } } }"""
TRANSACTION_CREATE = """mutation T($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } } }"""
ACCOUNTS = "query Accounts { accounts(first: 10) { edges { node { id name currency balance { amount currency } } } } }"
FEDERATED = "{ accounts { edges { node { name portfolio { name } } } } }"


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Linux {platform.release()}, Python {platform.python_version()}"
    )


def ports() -> dict[str, int]:
    return {name: free_port() for name in ("router", *SUBGRAPHS)}


def dev_env(data_dir: Path, port_map: dict[str, int]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINCLOUD_")}
    env["FINCLOUD_DATA_DIR"] = str(data_dir)
    for name, port in port_map.items():
        env[f"FINCLOUD_{name.upper()}_PORT"] = str(port)
    return env


def first_federated_query(router: str, deadline: float) -> float:
    """Poll until the router answers a query crossing budget and portfolio; returns when it did."""
    token = None
    last: object = None
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                if token is None:
                    body = client.post(
                        router,
                        json={
                            "query": REGISTER,
                            "variables": {
                                "input": {
                                    "email": f"bench-{time.time_ns()}@example.com",
                                    "password": "correct horse battery",
                                    "name": "Bench",
                                }
                            },
                        },
                    ).json()
                    token = body["data"]["register"]["token"]
                body = client.post(
                    router, json={"query": FEDERATED}, headers={"authorization": f"Bearer {token}"}
                ).json()
                if "errors" not in body and body.get("data", {}).get("accounts") is not None:
                    return time.monotonic()
                last = body
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                last = exc
            time.sleep(0.05)
    raise TimeoutError(f"fincloud dev did not answer a federated query in time; last answer: {last!r}")


def cold_start(data_dir: Path, log: Path) -> dict[str, float]:
    port_map = ports()
    router = f"http://127.0.0.1:{port_map['router']}/graphql"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "fincloud.cli", "dev"],
            cwd=ROOT,
            env=dev_env(data_dir, port_map),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        answered = first_federated_query(router, started + 180)
    except TimeoutError:
        print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return {"seconds": answered - started}


LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["content-type"] = "application/json"
{headers}
"""


def wrk(url: str, body: str, headers: dict[str, str], *, connections: int, seconds: int) -> dict[str, float]:
    script = LUA.format(
        body=json.dumps(body),
        headers="\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()),
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", f.name, url],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout  # fmt: skip
    os.unlink(f.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors against {url}:\n{out}")

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"p50_ms": ms("50"), "p99_ms": ms("99"), "rps": rps}


PLAIN_APP = textwrap.dedent(
    """
    import os
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route
    BODY = open(os.environ["BENCH_BODY"], "rb").read()
    async def graphql(request):
        await request.body()
        return Response(BODY, media_type="application/json")
    app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
    """
)


@contextmanager
def plain_starlette(body: bytes) -> Iterator[str]:
    """A plain Starlette endpoint returning ``body``, served like a subgraph (uvicorn, uvloop, httptools)."""
    tmp = Path(tempfile.mkdtemp())
    (tmp / "plain_app.py").write_text(PLAIN_APP)
    (tmp / "body.json").write_bytes(body)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "plain_app:app", "--port", str(port), "--no-access-log",
         "--log-level", "warning"],
        cwd=tmp, env={**os.environ, "BENCH_BODY": str(tmp / "body.json")},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.post(url, content=b"{}")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(tmp)


async def seed(router: str) -> str:
    async with httpx.AsyncClient(timeout=30) as client:

        async def gql(query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            body = (await client.post(router, json={"query": query, "variables": variables}, headers=headers)).json()
            assert "errors" not in body, body
            return dict(body["data"])

        email = f"bench-{time.time_ns()}@example.com"
        token = (await gql(REGISTER, input={"email": email, "password": "correct horse battery", "name": "Bench"}))[
            "register"
        ]["token"]
        for i in range(10):
            account = await gql(
                ACCOUNT_CREATE,
                token,
                input={"name": f"Account {i}", "type": "CHECKING", "currency": "EUR", "openingBalance": "100.00"},
            )
            account_id = account["accountCreate"]["account"]["id"]
            for j in range(5):
                await gql(
                    TRANSACTION_CREATE,
                    token,
                    input={"accountId": account_id, "date": "2026-11-28", "amount": f"-{j}.25"},
                )
        return str(token)


async def subscription_latency(router: str, token: str, samples: int = 50) -> dict[str, float]:
    """Mutation sent → event received by a subscriber, both through the router (graphql-transport-ws)."""
    import statistics

    import websockets

    async with httpx.AsyncClient(timeout=30) as client:
        headers = {"authorization": f"Bearer {token}"}
        accounts = (await client.post(router, json={"query": ACCOUNTS}, headers=headers)).json()
        account_id = accounts["data"]["accounts"]["edges"][0]["node"]["id"]
        socket = await websockets.connect(router.replace("http://", "ws://"), subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        await socket.recv()
        query = "subscription { transactionCreated { eventId } }"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))

        async def create() -> None:
            body = {"query": TRANSACTION_CREATE, "variables": {"input": {
                "accountId": account_id, "date": "2026-11-28", "amount": "0"}}}  # fmt: skip
            await client.post(router, json=body, headers=headers)

        async def next_event(timeout: float) -> None:
            while True:
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
                if message["type"] == "next":
                    return

        for _ in range(40):  # wait until the subscription is live
            await create()
            try:
                await next_event(0.5)
                break
            except TimeoutError:
                continue
        latencies = []
        for _ in range(samples):
            sent = time.perf_counter()
            await create()
            await next_event(10)
            latencies.append((time.perf_counter() - sent) * 1000)
        await socket.close()
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "max_ms": latencies[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d")}

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        results["cold_start"] = cold_start(data_dir, OUT / "cold-start.log")
        results["warm_start"] = cold_start(data_dir, OUT / "warm-start.log")

    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("FINCLOUD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    database_url = asyncio.run(create_database(server_url, "fincloud_bench"))
    port_map = ports()
    settings = Settings(
        ENV="test",
        DATA_DIR=Path(tempfile.mkdtemp()),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SERVICE_TOKEN=SERVICE_TOKEN,
        **{f"{k.upper()}_PORT": v for k, v in port_map.items()},  # type: ignore[arg-type]
    )
    stack = Stack()
    try:
        start_stack(settings, stack)
        router = f"http://127.0.0.1:{port_map['router']}/graphql"
        budget = f"http://127.0.0.1:{port_map['budget']}/graphql"
        token = asyncio.run(seed(router))
        auth = {"authorization": f"Bearer {token}"}
        body = json.dumps({"query": ACCOUNTS})
        direct_body = httpx.post(
            budget,
            content=body,
            headers={**auth, SERVICE_TOKEN_HEADER: SERVICE_TOKEN, "content-type": "application/json"},
        ).content
        routed_body = httpx.post(router, content=body, headers={**auth, "content-type": "application/json"}).content
        assert json.loads(direct_body) == json.loads(routed_body), "router and subgraph disagree"
        assert len(json.loads(direct_body)["data"]["accounts"]["edges"]) == 10

        direct = wrk(budget, body, {**auth, SERVICE_TOKEN_HEADER: SERVICE_TOKEN}, connections=1, seconds=args.seconds)
        routed = wrk(router, body, auth, connections=1, seconds=args.seconds)
        results["router_overhead"] = {"direct": direct, "router": routed}
        results["subscription"] = asyncio.run(subscription_latency(router, token))

        graphql = wrk(budget, body, {**auth, SERVICE_TOKEN_HEADER: SERVICE_TOKEN}, connections=8, seconds=args.seconds)
        with plain_starlette(direct_body) as plain_url:
            plain = wrk(plain_url, body, {}, connections=8, seconds=args.seconds)
        results["graphql_cost"] = {"subgraph": graphql, "starlette": plain}
    finally:
        stack.stop()
        asyncio.run(drop_database(server_url, database_url))

    report = render(results)
    (OUT / "report.md").write_text(report)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(report)
    return 0


def render(r: dict[str, Any]) -> str:
    ro, gc = r["router_overhead"], r["graphql_cost"]
    d, rt = ro["direct"], ro["router"]
    s, p = gc["subgraph"], gc["starlette"]
    sub = r["subscription"]
    return textwrap.dedent(
        f"""\
        Machine: {r["machine"]}; date: {r["date"]}; command: `uv run python bench/run.py`

        | start-up of `fincloud dev` to the first federated answer | seconds |
        | --- | ---: |
        | cold (empty data folder: initdb, migrations, all processes) | {r["cold_start"]["seconds"]:.1f} |
        | warm (second start on the same data folder) | {r["warm_start"]["seconds"]:.1f} |

        | `accounts(first: 10)` with balances, 1 connection | p50 ms | p99 ms | req/s |
        | --- | ---: | ---: | ---: |
        | budget subgraph directly | {d["p50_ms"]:.2f} | {d["p99_ms"]:.2f} | {d["rps"]:.0f} |
        | through the router | {rt["p50_ms"]:.2f} | {rt["p99_ms"]:.2f} | {rt["rps"]:.0f} |
        | ratio router / direct | {rt["p50_ms"] / d["p50_ms"]:.2f}× | {rt["p99_ms"] / d["p99_ms"]:.2f}× | |

        | `transactionCreate` sent → `transactionCreated` received, both through the router | ms |
        | --- | ---: |
        | p50 (50 mutations, one after another) | {sub["p50_ms"]:.0f} |
        | p99 | {sub["p99_ms"]:.0f} |
        | max | {sub["max_ms"]:.0f} |

        | same query, 8 connections | req/s | p50 ms | p99 ms |
        | --- | ---: | ---: | ---: |
        | budget subgraph (Strawberry, PostgreSQL) | {s["rps"]:.0f} | {s["p50_ms"]:.2f} | {s["p99_ms"]:.2f} |
        | plain Starlette returning the same JSON bytes | {p["rps"]:.0f} | {p["p50_ms"]:.2f} | {p["p99_ms"]:.2f} |
        | ratio Starlette / subgraph | {p["rps"] / s["rps"]:.1f}× | | |
        """
    )


if __name__ == "__main__":
    raise SystemExit(main())
