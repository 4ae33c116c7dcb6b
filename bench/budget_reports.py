"""Reports and search on a household with a million transactions, through the real router. See bench/README.md.

Starts the whole stack (subgraphs, worker, Hive Gateway) on a scratch database, registers a user, writes a
realistic ten-year household for them with COPY (``bench/ledger_data.py``) plus a smaller neighbouring household,
vacuums and analyses, then sends each operation a number of times, one after another, and prints p50 / p95 of the
round trip measured by the client (which adds about a millisecond of its own). ``--explain`` also prints the
PostgreSQL plan (EXPLAIN ANALYZE) of the slowest statement of each report and search, run in-process through the
same service code.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ledger_data import END, generate_household  # noqa: E402
from bench.run import SERVICE_TOKEN, machine, ports  # noqa: E402
from fincloud.config import Settings  # noqa: E402
from fincloud.devserver import DevError, Stack, start_stack  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402

OUT = ROOT / "bench" / "out"
REGISTER = """mutation R($input: RegisterInput!) {
  register(input: $input) { token user { households { id } } errors { message } } }"""
LOGIN = """mutation L($input: LoginInput!) { login(input: $input) { token errors { message } } }"""
PASSWORD = "correct horse battery"

ACCOUNTS = """query($h: ID!) { accounts(householdId: $h, first: 10) {
  edges { node { id name currency balance { amount currency } } } } }"""
CASH_FLOW = """query($h: ID!, $from: Date!, $to: Date!) { cashFlow(householdId: $h, from: $from, to: $to) {
  currency
  months { month income { amount { amount } complete } expense { amount { amount } complete } net { amount { amount } } }
  income { amount { amount } unconverted { amount currency } } expense { amount { amount } } net { amount { amount } }
  ratesUsedCount missingRatesCount ratesUsed(first: 5) { edges { node { base quote date rate rateDate source } } } } }"""
BY_CATEGORY = """query($h: ID!, $from: Date!, $to: Date!) {
  spendingByCategory(householdId: $h, from: $from, to: $to, first: 20) {
    lines { id name group count share amount { amount { amount } complete } }
    others { count amount { amount { amount } } } total { amount { amount } } ratesUsedCount missingRatesCount } }"""
BY_PAYEE = """query($h: ID!, $from: Date!, $to: Date!) {
  spendingByPayee(householdId: $h, from: $from, to: $to, first: 20) {
    lines { id name count share amount { amount { amount } complete } }
    others { count amount { amount { amount } } } total { amount { amount } } ratesUsedCount missingRatesCount } }"""
INCOME_VS_EXPENSE = """query($h: ID!, $from: Date!, $to: Date!) {
  incomeVsExpense(householdId: $h, from: $from, to: $to) {
    income { amount { amount } } expense { amount { amount } } net { amount { amount } } savingsRate
    groups { name kind amount { amount { amount } } } ratesUsedCount missingRatesCount } }"""
NET_WORTH = """query($h: ID!, $from: Date!, $to: Date!, $grain: ReportGrain!) {
  netWorth(householdId: $h, from: $from, to: $to, grain: $grain) {
    points { date netWorth { amount { amount } complete } assets { amount { amount } } liabilities { amount { amount } } }
    ratesUsedCount missingRatesCount } }"""
SEARCH = """query($h: ID!, $filter: TransactionFilter, $sort: TransactionSort, $first: Int, $after: String) {
  transactions(householdId: $h, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor relevance node { id date payee memo amount { amount currency } account { name } } }
    pageInfo { hasNextPage endCursor } } }"""


@dataclass
class Operation:
    name: str
    document: str
    variables: Callable[[dict[str, Any]], dict[str, Any]]
    """The operation's variables, from the household's ids."""


def year_to(end: dt.date) -> dict[str, str]:
    return {"from": (end.replace(day=1) - dt.timedelta(days=334)).replace(day=1).isoformat(), "to": end.isoformat()}


LAST_YEAR = year_to(END)
LAST_MONTH = {"from": END.replace(day=1).isoformat(), "to": END.isoformat()}
ALL_TIME = {"from": (END - dt.timedelta(days=3650)).replace(day=1).isoformat(), "to": END.isoformat()}

OPERATIONS = [
    Operation("accounts list with balances (8 accounts)", ACCOUNTS, lambda ids: {"h": ids["household"]}),
    Operation("cash flow by month, last 12 months", CASH_FLOW, lambda ids: {"h": ids["household"], **LAST_YEAR}),
    Operation("spending by category, last month", BY_CATEGORY, lambda ids: {"h": ids["household"], **LAST_MONTH}),
    Operation("spending by category, last 12 months", BY_CATEGORY, lambda ids: {"h": ids["household"], **LAST_YEAR}),
    Operation("spending by payee (top 20), last 12 months", BY_PAYEE, lambda ids: {"h": ids["household"], **LAST_YEAR}),
    Operation("income vs expense, last 12 months", INCOME_VS_EXPENSE, lambda ids: {"h": ids["household"], **LAST_YEAR}),
    Operation(
        "net worth, a point per month for 10 years",
        NET_WORTH,
        lambda ids: {"h": ids["household"], "grain": "MONTH", **ALL_TIME},
    ),
    Operation(
        "net worth, a point per day for 12 months",
        NET_WORTH,
        lambda ids: {"h": ids["household"], "grain": "DAY", **LAST_YEAR},
    ),
    Operation("cash flow by month, all 10 years (stress)", CASH_FLOW, lambda ids: {"h": ids["household"], **ALL_TIME}),
    Operation(
        'search "rewe" (a common payee), newest first',
        SEARCH,
        lambda ids: {"h": ids["household"], "filter": {"text": "rewe"}, "first": 50},
    ),
    Operation(
        'search "rewe", by relevance',
        SEARCH,
        lambda ids: {"h": ids["household"], "filter": {"text": "rewe"}, "sort": "RELEVANCE", "first": 50},
    ),
    Operation(
        'search "amzon" (misspelt: fuzzy payees), by relevance',
        SEARCH,
        lambda ids: {"h": ids["household"], "filter": {"text": "amzon"}, "sort": "RELEVANCE", "first": 50},
    ),
    Operation(
        'search "geschenk oma" (a rare note)',
        SEARCH,
        lambda ids: {"h": ids["household"], "filter": {"text": "geschenk oma"}, "first": 50},
    ),
    Operation(
        "filter: restaurants, 20-50, last 12 months, largest first",
        SEARCH,
        lambda ids: {
            "h": ids["household"],
            "filter": {
                "categoryIds": [ids["restaurants"]],
                "amountMin": "20",
                "amountMax": "50",
                "from": LAST_YEAR["from"],
                "to": LAST_YEAR["to"],
            },
            "sort": "AMOUNT_ASC",
            "first": 50,
        },
    ),
    Operation(
        'filter: tag "business", uncategorised excluded, newest first',
        SEARCH,
        lambda ids: {"h": ids["household"], "filter": {"tags": ["business"], "uncategorised": False}, "first": 50},
    ),
    Operation(
        "all transactions, 5th page of 50, newest first",
        SEARCH,
        lambda ids: {"h": ids["household"], "first": 50, "after": ids["page5"]},
    ),
]


def household_of(token: str) -> str:
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["households"][0]["id"])


def post(client: httpx.Client, url: str, token: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        url, json={"query": document, "variables": variables}, headers={"authorization": f"Bearer {token}"}
    )
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise RuntimeError(f"{response.status_code}: {json.dumps(body)[:2000]}")
    return dict(body["data"])


def login(client: httpx.Client, router: str, email: str) -> str:
    """A fresh access token (they are short-lived, and a run on a busy machine outlasts one)."""
    body = client.post(router, json={"query": LOGIN, "variables": {"input": {"email": email, "password": PASSWORD}}})
    return str(body.json()["data"]["login"]["token"])


def measure(router: str, email: str, ids: dict[str, str], samples: int) -> list[dict[str, Any]]:
    results = []
    with httpx.Client(timeout=60) as client:
        for operation in OPERATIONS:
            token = login(client, router, email)
            variables = operation.variables(ids)
            for _ in range(3):  # warm the caches and the plan
                data = post(client, router, token, operation.document, variables)
            timings = []
            for _ in range(samples):
                started = time.perf_counter()
                post(client, router, token, operation.document, variables)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            results.append(
                {
                    "name": operation.name,
                    "p50_ms": statistics.median(timings),
                    "p95_ms": timings[min(len(timings) - 1, round(len(timings) * 0.95) - 1)],
                    "max_ms": timings[-1],
                    "answer": summary(data),
                }
            )
            print(
                f"{operation.name}: p50 {results[-1]['p50_ms']:.0f} ms, p95 {results[-1]['p95_ms']:.0f} ms", flush=True
            )
    return results


def summary(data: dict[str, Any]) -> str:
    """A few words on what the answer held, to show the work was real."""
    (value,) = data.values()
    if "edges" in value:
        return f"{len(value['edges'])} items"
    for key in ("months", "points", "lines", "groups"):
        if key in value:
            rates = value.get("ratesUsedCount")
            return f"{len(value[key])} {key}" + (f", {rates} rates" if rates is not None else "")
    return ""


def start_with_retries(settings: Settings, attempts: int = 3) -> Stack:
    """The stack, started; on a busy machine a subgraph may miss the start-up deadline, so try again."""
    for attempt in range(1, attempts + 1):
        stack = Stack()
        try:
            start_stack(settings, stack)
            return stack
        except DevError as exc:
            stack.stop()
            if attempt == attempts:
                raise
            print(f"start-up failed ({exc}); trying again", flush=True)
    raise AssertionError("unreachable")


async def write_data(database_url: str, household: str, transactions: int) -> dict[str, Any]:
    from fincloud.db import async_url

    dsn = async_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        started = time.monotonic()
        made = await generate_household(conn, household_id=uuid.UUID(household), transactions=transactions)
        await generate_household(
            conn, household_id=uuid.uuid4(), transactions=max(1000, transactions // 50), seed=7, with_rates=False
        )
        written = time.monotonic() - started
        for table in ("transactions", "splits", "payees", "categories", "accounts", "fx_rates"):
            await conn.execute(f"VACUUM ANALYZE budget.{table}")
        return {
            "transactions": made.transactions,
            "splits": made.splits,
            "transfers": made.transfers,
            "payees": len(made.payees),
            "write_seconds": written,
            "restaurants": str(made.categories["Restaurants"]),
        }
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=1_000_000, help="rows in the big household")
    parser.add_argument("--samples", type=int, default=40, help="timed requests per operation")
    parser.add_argument("--explain", action="store_true", help="print the plans of the reports and searches")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "load_before": os.getloadavg()[0],
    }
    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    # Not run.py's database: the stack's worker takes every job queued in its database.
    redis_url = os.environ.get("FINCLOUD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
    database_url = asyncio.run(create_database(server_url, "fincloud_bench_reports"))
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
        stack = start_with_retries(settings)
        router = f"http://127.0.0.1:{port_map['router']}/graphql"
        email = f"bench-{time.time_ns()}@example.com"
        with httpx.Client(timeout=30) as client:
            registered = client.post(
                router,
                json={
                    "query": REGISTER,
                    "variables": {"input": {"email": email, "password": PASSWORD, "name": "Bench"}},
                },
            ).json()["data"]["register"]
        token = registered["token"]
        household = household_of(token)
        print(f"writing {args.transactions:,} transactions ...", flush=True)
        results["data"] = asyncio.run(write_data(database_url, household, args.transactions))
        ids = {"household": household, "restaurants": results["data"]["restaurants"]}
        with httpx.Client(timeout=60) as client:
            token = login(client, router, email)
            after = None
            for _ in range(4):
                page = post(client, router, token, SEARCH, {"h": household, "first": 50, "after": after})
                after = page["transactions"]["pageInfo"]["endCursor"]
        ids["page5"] = after
        results["operations"] = measure(router, email, ids, args.samples)
        results["load_after"] = os.getloadavg()[0]
        if args.explain:
            results["plans"] = asyncio.run(explain_all(database_url, household, ids))
    finally:
        stack.stop()
        asyncio.run(drop_database(server_url, database_url))
    report = render(results, args)
    (OUT / "budget-reports.md").write_text(report)
    (OUT / "budget-reports.json").write_text(json.dumps(results, indent=2, default=str))
    print(report)
    return 0


async def explain_all(database_url: str, household: str, ids: dict[str, str]) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement each report and search runs, through the services."""
    from sqlalchemy import text

    from fincloud.db import create_engine, make_sessionmaker
    from subgraphs.budget.reports import service as reports
    from subgraphs.budget.search import service as search

    engine = create_engine(database_url, pool_size=1)
    sessionmaker = make_sessionmaker(engine)
    h = uuid.UUID(household)
    year = (dt.date.fromisoformat(LAST_YEAR["from"]), dt.date.fromisoformat(LAST_YEAR["to"]))
    everything = (dt.date.fromisoformat(ALL_TIME["from"]), dt.date.fromisoformat(ALL_TIME["to"]))
    runs: dict[str, Callable[[Any], Any]] = {
        "cash flow, 12 months": lambda s: reports.cash_flow(session=s, household_id=h, since=year[0], until=year[1]),
        "spending by payee, 12 months": lambda s: reports.spending_by_payee(
            session=s, household_id=h, since=year[0], until=year[1], limit=20
        ),
        "net worth by month, 10 years": lambda s: reports.net_worth(
            session=s, household_id=h, since=everything[0], until=everything[1]
        ),
        'search "rewe" by relevance': lambda s: search.search_transactions(
            session=s, household_id=h, wanted=search.SearchFilter(text="rewe"), sort=search.SearchSort.RELEVANCE
        ),
        'search "amzon" by relevance': lambda s: search.search_transactions(
            session=s, household_id=h, wanted=search.SearchFilter(text="amzon"), sort=search.SearchSort.RELEVANCE
        ),
        "restaurants 20-50 by amount": lambda s: search.search_transactions(
            session=s,
            household_id=h,
            wanted=search.SearchFilter(
                category_ids=[uuid.UUID(ids["restaurants"])],
                amount_min=Decimal(20),
                amount_max=Decimal(50),
                since=year[0],
                until=year[1],
            ),
            sort=search.SearchSort.AMOUNT_ASC,
        ),
    }
    plans: dict[str, str] = {}
    try:
        for name, run in runs.items():
            statement, parameters = await _slowest_statement(engine, sessionmaker, run)
            async with engine.connect() as conn:
                await conn.execute(
                    text("SELECT set_config('jit', 'off', false), set_config('work_mem', '32MB', false)")
                )
                raw = await conn.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
            plans[name] = "\n".join(row[0] for row in rows)
            print(f"\n== {name}\n{plans[name]}", flush=True)
    finally:
        await engine.dispose()
    return plans


async def _slowest_statement(engine: Any, sessionmaker: Any, run: Callable[[Any], Any]) -> tuple[str, Any]:
    """Run ``run`` in a session and return the statement (and its parameters) that took longest."""
    from sqlalchemy import event

    recorded: list[tuple[float, str, Any]] = []
    started: dict[str, float] = {}

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        started["at"] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        recorded.append((time.perf_counter() - started["at"], statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    try:
        async with sessionmaker() as session:
            await run(session)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
        event.remove(engine.sync_engine, "after_cursor_execute", after)
    _, statement, parameters = max(recorded, key=lambda r: r[0])
    return statement, parameters


def render(r: dict[str, Any], args: argparse.Namespace) -> str:
    data = r["data"]
    rows = "\n".join(
        f"| {o['name']} | {o['p50_ms']:.0f} | {o['p95_ms']:.0f} | {o['max_ms']:.0f} | {o['answer']} |"
        for o in r["operations"]
    )
    return (
        textwrap.dedent(
            f"""\
        Machine: {r["machine"]}; date: {r["date"]}; load average (1 min) before {r["load_before"]:.1f}, after {r["load_after"]:.1f}; command: `uv run python bench/budget_reports.py --samples {args.samples}`

        Household: {data["transactions"]:,} transactions over ten years on 8 accounts in EUR, USD, GBP and CHF ({data["splits"]:,} split parts, {data["transfers"]:,} transfers, {data["payees"]:,} payees), written with COPY in {data["write_seconds"]:.0f} s; a neighbouring household of {max(1000, args.transactions // 50):,} more.

        | through the router, {args.samples} requests one after another | p50 ms | p95 ms | max ms | answer |
        | --- | ---: | ---: | ---: | --- |
        """
        )
        + rows
        + "\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
