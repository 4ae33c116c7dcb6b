"""A portfolio's figures at scale, through the real router. See bench/README.md.

Starts the whole stack on a scratch database, registers a user, creates a portfolio and 50 instruments (EUR, USD
and GBP listings) through the router, then writes ten years of daily prices and ECB-style rates and 5,000
activities (monthly deposits, purchases, sales, dividends, a few splits and fees; never a sale of units not held)
with COPY. Then it times, through the router, one after another: the full performance table (1M, 3M, YTD, 1Y, 3Y,
5Y, MAX side by side), holdings with lots, valuation, allocation, dividends, and one holding's performance; and, in
process without GraphQL, loading the inputs and computing the table, to show where the time goes. Prints p50 / p95
/ max; results go to ``bench/out/portfolio-performance.md`` and ``.json``.

    uv run python bench/portfolio_performance.py [--samples 30] [--activities 5000] [--instruments 50]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.budget_reports import household_of, start_with_retries  # noqa: E402
from bench.run import SERVICE_TOKEN, machine, ports  # noqa: E402
from fincloud.config import Settings  # noqa: E402
from fincloud.devserver import Stack  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402

OUT = ROOT / "bench" / "out"
PASSWORD = "correct horse battery"
REGISTER = """mutation R($input: RegisterInput!) {
  register(input: $input) { token user { households { id } } errors { message } } }"""
PORTFOLIO_CREATE = (
    """mutation P($input: PortfolioCreateInput!) { portfolioCreate(input: $input) { portfolio { id } } }"""
)
INSTRUMENT_CREATE = """mutation I($input: InstrumentCreateInput!) {
  instrumentCreate(input: $input) { instrument { id } errors { message } } }"""
FIGURE = "value reason"
PERFORMANCE = f"""query Performance($id: ID!) {{ portfolio(id: $id) {{ performance {{
  period start end startValue {{ amount }} endValue {{ amount }} netFlows {{ amount }} absoluteGain {{ amount }}
  dividends {{ amount }} simpleRoi {{ {FIGURE} }} moneyWeighted {{ {FIGURE} }} moneyWeightedAnnualised {{ {FIGURE} }}
  timeWeighted {{ {FIGURE} }} timeWeightedMethod modifiedDietz {{ {FIGURE} }} }} }} }}"""
HOLDINGS = """query Holdings($id: ID!) { portfolio(id: $id) { holdings { instrument { symbol } quantity
  value { amount } valueBase { amount } costBasisBase { amount } unrealisedGainBase { amount } priceEffect { amount }
  currencyEffect { amount } realisedGainBase { amount } weight lots { date quantity } } } }"""
VALUATION = """query Valuation($id: ID!) { portfolio(id: $id) { valuation { total { amount } securities { amount }
  cashTotal { amount } complete } } }"""
ALLOCATION = """query Allocation($id: ID!) { portfolio(id: $id) { allocation(dimension: ASSET_CLASS) {
  key value { amount } weight } } }"""
DIVIDENDS = """query Dividends($id: ID!) { portfolio(id: $id) { dividends { trailingTwelveMonths { amount }
  yieldOnCost projectedAnnualIncome { amount } calendar { month amount { amount } } } } }"""
ONE_HOLDING = f"""query Holding($id: ID!, $i: ID!) {{ portfolio(id: $id) {{ performance(instrumentId: $i) {{
  period timeWeighted {{ {FIGURE} }} moneyWeightedAnnualised {{ {FIGURE} }} }} }} }}"""
CENT = Decimal("0.01")


def business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def make_prices(days: list[dt.date], rng: random.Random) -> list[Decimal]:
    """A geometric random walk, rounded to cents."""
    price = rng.uniform(20, 300)
    drift, vol = rng.uniform(-0.0001, 0.0005), rng.uniform(0.008, 0.02)
    out = []
    for _ in days:
        price *= 1 + rng.gauss(drift, vol)
        price = max(price, 1.0)
        out.append(Decimal(str(price)).quantize(CENT))
    return out


def make_history(
    instruments: list[tuple[str, str]], days: list[dt.date], count: int, seed: int = 11
) -> tuple[dict[str, list[Decimal]], dict[str, list[Decimal]], list[tuple[Any, ...]]]:
    """Prices per instrument, rates per currency (units per euro) and ``count`` valid activities."""
    rng = random.Random(seed)
    prices = {key: make_prices(days, rng) for key, _ in instruments}
    rates = {
        "USD": [Decimal(str(1.1 + 0.1 * ((i % 500) / 500))).quantize(Decimal("0.0001")) for i in range(len(days))],
        "GBP": [Decimal(str(0.85 + 0.05 * ((i % 300) / 300))).quantize(Decimal("0.0001")) for i in range(len(days))],
    }
    held: dict[str, Decimal] = {}
    activities: list[tuple[Any, ...]] = []
    per_day = max(1, count // len(days) + 1)
    month = None
    for index, day in enumerate(days):
        if len(activities) >= count:
            break
        if day.month != month:
            month = day.month
            activities.append(("deposit", day, None, "EUR", 0, 0, Decimal(2500), 0, 0, None, 0, 0))
        for _ in range(per_day):
            if len(activities) >= count or rng.random() > count / len(days):
                continue
            key, currency = rng.choice(instruments)
            price = prices[key][index]
            rate = None if currency == "EUR" else (1 / rates[currency][index]).quantize(Decimal("0.000001"))
            roll = rng.random()
            if roll < 0.62 or held.get(key, Decimal(0)) < 1:
                quantity = Decimal(rng.randint(1, 30))
                held[key] = held.get(key, Decimal(0)) + quantity
                activities.append(("buy", day, key, currency, quantity, price, 0, Decimal("1.50"), 0, rate, 0, 0))
            elif roll < 0.85:
                quantity = (held[key] * Decimal(rng.uniform(0.1, 0.6))).quantize(Decimal(1)) or Decimal(1)
                held[key] -= quantity
                activities.append(("sell", day, key, currency, quantity, price, 0, Decimal("1.50"), 0, rate, 0, 0))
            elif roll < 0.995:
                gross = (held[key] * price * Decimal("0.006")).quantize(CENT)
                tax = (gross * Decimal("0.15")).quantize(CENT)
                activities.append(("dividend", day, key, currency, 0, 0, gross, 0, tax, rate, 0, 0))
            else:
                held[key] *= 2
                activities.append(("split", day, key, currency, 0, 0, 0, 0, 0, None, 1, 2))
                for later in range(index, len(days)):
                    prices[key][later] = (prices[key][later] / 2).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return prices, rates, activities


async def write_data(
    database_url: str, household: str, portfolio: str, instruments: list[tuple[str, str]], count: int
) -> dict[str, Any]:
    from fincloud.db import async_url

    dsn = async_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        end = dt.date.today() - dt.timedelta(days=1)
        days = business_days(end.replace(year=end.year - 10), end)
        prices, rates, activities = make_history(instruments, days, count)
        currency_of = dict(instruments)
        await conn.copy_records_to_table(
            "prices",
            schema_name="portfolio",
            columns=["instrument_id", "date", "price", "currency", "source", "as_of"],
            records=[
                (uuid.UUID(key), day, series[i], currency_of[key], "yahoo",
                 dt.datetime.combine(day, dt.time(21), dt.UTC))
                for key, series in prices.items()
                for i, day in enumerate(days)
            ],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "fx_rates",
            schema_name="portfolio",
            columns=["base", "quote", "date", "rate", "source"],
            records=[
                ("EUR", cur, day, series[i], "ecb") for cur, series in rates.items() for i, day in enumerate(days)
            ],
        )
        await conn.copy_records_to_table(
            "activities",
            schema_name="portfolio",
            columns=["id", "household_id", "portfolio_id", "kind", "date", "instrument_id", "currency", "quantity",
                     "price", "amount", "fee", "tax", "fx_rate", "split_from", "split_to"],
            records=[
                (uuid.uuid4(), uuid.UUID(household), uuid.UUID(portfolio), kind, day,
                 uuid.UUID(key) if key else None, currency, Decimal(q), Decimal(p), Decimal(a), Decimal(f),
                 Decimal(t), rate, Decimal(sf), Decimal(st))
                for kind, day, key, currency, q, p, a, f, t, rate, sf, st in activities
            ],
        )  # fmt: skip
        for table in ("prices", "fx_rates", "activities"):
            await conn.execute(f"VACUUM ANALYZE portfolio.{table}")
        return {"days": len(days), "prices": sum(len(v) for v in prices.values()), "activities": len(activities)}
    finally:
        await conn.close()


def timed(
    client: httpx.Client, router: str, token: str, query: str, variables: dict[str, Any], samples: int
) -> dict[str, Any]:
    timings = []
    data: Any = None
    for _ in range(samples):
        started = time.perf_counter()
        response = client.post(
            router, json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
        )
        timings.append((time.perf_counter() - started) * 1000)
        body = response.json()
        if "errors" in body:
            raise RuntimeError(json.dumps(body["errors"])[:500])
        data = body["data"]
    timings.sort()
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, round(len(timings) * 0.95) - 1)],
        "max_ms": timings[-1],
        "answer": json.dumps(data)[:160],
    }


async def in_process(database_url: str, portfolio: str, samples: int) -> dict[str, Any]:
    """Loading the inputs and computing the table without GraphQL or HTTP."""
    from fincloud.db import create_engine, make_sessionmaker
    from subgraphs.portfolio.models import Portfolio
    from subgraphs.portfolio.services.analytics import Period, load_inputs, performance_table, period_bounds

    engine = create_engine(database_url, pool_size=2)
    sessionmaker = make_sessionmaker(engine)
    load_ms, table_ms = [], []
    try:
        for _ in range(samples):
            async with sessionmaker() as session:
                row = await session.get(Portfolio, uuid.UUID(portfolio))
                assert row is not None
                started = time.perf_counter()
                inputs = await load_inputs(session=session, portfolio=row, today=dt.date.today())
                load_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            periods = [
                (p, *period_bounds(p, today=inputs.today, first=inputs.first_date))
                for p in Period
                if p is not Period.CUSTOM
            ]
            performance_table(inputs, periods)
            table_ms.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()
    return {"load_inputs_p50_ms": statistics.median(load_ms), "table_p50_ms": statistics.median(table_ms)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=30, help="timed requests per operation")
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--instruments", type=int, default=50)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")}
    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("FINCLOUD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    database_url = asyncio.run(create_database(server_url, "fincloud_bench_portfolio"))
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
        with httpx.Client(timeout=60) as client:
            answer = client.post(router, json={"query": REGISTER, "variables": {"input": {
                "email": f"bench-{time.time_ns()}@example.com", "password": PASSWORD, "name": "Bench"}}}).json()  # fmt: skip
            token = answer["data"]["register"]["token"]
            household = household_of(token)
            auth = {"authorization": f"Bearer {token}"}

            def run(query: str, **variables: Any) -> Any:
                body = client.post(router, json={"query": query, "variables": variables}, headers=auth).json()
                assert "errors" not in body, body
                return body["data"]

            portfolio = run(PORTFOLIO_CREATE, input={"name": "Bench", "baseCurrency": "EUR"})["portfolioCreate"][
                "portfolio"
            ]["id"]
            instruments = []
            for n in range(args.instruments):
                currency = "EUR" if n < args.instruments * 0.7 else ("USD" if n < args.instruments * 0.9 else "GBP")
                made = run(INSTRUMENT_CREATE, input={"symbol": f"BENCH{n:03d}", "name": f"Bench {n}", "currency": currency,
                           "assetClass": "EQUITY" if n % 5 else "FUND", "exchange": "XBEN"})  # fmt: skip
                instruments.append((made["instrumentCreate"]["instrument"]["id"], currency))
            started = time.monotonic()
            results["data"] = asyncio.run(write_data(database_url, household, portfolio, instruments, args.activities))
            results["data"]["write_seconds"] = round(time.monotonic() - started, 1)
            print(f"data: {results['data']}", flush=True)
            operations = {
                "performance table (7 periods)": (PERFORMANCE, {"id": portfolio}),
                "holdings with lots": (HOLDINGS, {"id": portfolio}),
                "valuation": (VALUATION, {"id": portfolio}),
                "allocation by asset class": (ALLOCATION, {"id": portfolio}),
                "dividends": (DIVIDENDS, {"id": portfolio}),
                "one holding's performance": (ONE_HOLDING, {"id": portfolio, "i": instruments[0][0]}),
            }
            results["router"] = {}
            for name, (query, variables) in operations.items():
                timed(client, router, token, query, variables, 3)  # warm up
                results["router"][name] = figures = timed(client, router, token, query, variables, args.samples)
                print(f"{name}: p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms", flush=True)
        results["in_process"] = asyncio.run(in_process(database_url, portfolio, min(args.samples, 10)))
        print(f"in process: {results['in_process']}", flush=True)
    finally:
        stack.stop()
        asyncio.run(drop_database(server_url, database_url))
    (OUT / "portfolio-performance.json").write_text(json.dumps(results, indent=2))
    lines = [f"Machine: {results['machine']}; date {results['date']}; data {results['data']}", "",
             "| operation (through the router) | p50 ms | p95 ms | max ms |", "| --- | --- | --- | --- |"]  # fmt: skip
    for name, figures in results["router"].items():
        lines.append(f"| {name} | {figures['p50_ms']:.0f} | {figures['p95_ms']:.0f} | {figures['max_ms']:.0f} |")
    lines.append("")
    lines.append(f"In process: loading the inputs p50 {results['in_process']['load_inputs_p50_ms']:.0f} ms, computing "
                 f"the table p50 {results['in_process']['table_p50_ms']:.0f} ms.")  # fmt: skip
    (OUT / "portfolio-performance.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
