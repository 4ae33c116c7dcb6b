"""Budget vs actual on a big household: p50/p95 of ``budget_figures`` (the SQL behind ``budgetMonth``).

    uv run python bench/budget_month.py [--transactions 1000000] [--runs 20]

Makes a scratch database on ``FINCLOUD_BENCH_DATABASE_URL`` (default the local server), migrates it, and fills one
household with ``--transactions`` transactions over five years in 30 categories (a tenth of them in USD, with a
published rate for every day), a budget per category and month, then times:

- one month with category limits and no rollover (reads that month only);
- one month of an envelope budget (reads the whole history: rollover and "to be budgeted");
- a 12-month grid of the same envelope budget.

Prints a Markdown table; the scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import statistics
import time
import uuid

import asyncpg
from sqlalchemy.engine import make_url

from fincloud.db import create_engine, make_sessionmaker
from fincloud.migrate import upgrade_all
from subgraphs.budget.budgets.figures import budget_figures
from subgraphs.budget.budgets.months import months_between

START = dt.date(2021, 1, 1)
DAYS = 5 * 365
CATEGORIES = 30


def admin(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def fill(url: str, household: uuid.UUID, transactions: int) -> None:
    conn = await asyncpg.connect(admin(url))
    try:
        account, dollars = uuid.uuid4(), uuid.uuid4()
        await conn.execute(
            "INSERT INTO budget.accounts (id, household_id, name, type, currency) VALUES ($1, $3, 'Joint', 'checking', "
            "'EUR'), ($2, $3, 'US card', 'credit_card', 'USD')",
            account,
            dollars,
            household,
        )
        await conn.execute(
            "INSERT INTO budget.household_settings (household_id, base_currency, budget_model) VALUES ($1, 'EUR', "
            "'envelope')",
            household,
        )
        group = uuid.uuid4()
        await conn.execute(
            "INSERT INTO budget.category_groups (id, household_id, name, kind) VALUES ($1, $2, 'Everyday', 'expense')",
            group,
            household,
        )
        categories = [uuid.uuid4() for _ in range(CATEGORIES)]
        rollovers = ("none", "surplus", "surplus_and_overspend")
        await conn.executemany(
            "INSERT INTO budget.categories (id, household_id, group_id, name, kind, rollover) "
            "VALUES ($1, $2, $3, $4, 'expense', $5)",
            [(c, household, group, f"Category {n}", rollovers[n % 3]) for n, c in enumerate(categories)],
        )
        await conn.execute(
            """
            INSERT INTO budget.transactions (id, household_id, account_id, date, amount, currency, category_id)
            SELECT gen_random_uuid(), $1::uuid,
                   CASE WHEN i % 10 = 0 THEN $3::uuid ELSE $2::uuid END,
                   $4::date + (i % $5::int),
                   -((i::bigint * 7919) % 20000) / 100.0,
                   CASE WHEN i % 10 = 0 THEN 'USD' ELSE 'EUR' END,
                   ($6::uuid[])[(i % $7::int) + 1]
            FROM generate_series(1, $8::int) AS i
            """,
            household,
            account,
            dollars,
            START,
            DAYS,
            categories,
            CATEGORIES,
            transactions,
        )
        await conn.execute(
            """
            INSERT INTO budget.budget_amounts (id, household_id, category_id, month, amount)
            SELECT gen_random_uuid(), $1, c, m::date, 2500
            FROM unnest($2::uuid[]) AS c,
                 generate_series($3::date, $3::date + $4::int, interval '1 month') AS m
            """,
            household,
            categories,
            START,
            DAYS,
        )
        await conn.execute(
            """
            INSERT INTO budget.fx_rates (id, household_id, base, quote, date, rate, source)
            SELECT gen_random_uuid(), NULL, 'EUR', 'USD', $1::date + d, 1.05 + (d % 100) / 1000.0, 'ecb'
            FROM generate_series(0, $2::int) AS d
            """,
            START,
            DAYS,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def timed(sessionmaker, household: uuid.UUID, months: list[dt.date], runs: int) -> tuple[float, float]:
    durations = []
    for _ in range(runs):
        async with sessionmaker() as session:
            started = time.perf_counter()
            await budget_figures(session=session, household_id=household, months=months)
            durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    return statistics.median(durations), durations[max(0, int(len(durations) * 0.95) - 1)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    server = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"fincloud_bench_budget_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(admin(server))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(upgrade_all, url)
        household = uuid.uuid4()
        started = time.perf_counter()
        await fill(url, household, args.transactions)
        print(f"filled {args.transactions} transactions in {time.perf_counter() - started:.1f} s")
        engine = create_engine(url, pool_size=2)
        sessionmaker = make_sessionmaker(engine)
        last = START.replace(year=START.year + 4, month=12)
        one = [last]
        year = months_between(last.replace(month=1), last)
        rows = []
        rows.append(("envelope, one month (whole history)", *await timed(sessionmaker, household, one, args.runs)))
        rows.append(("envelope, 12-month grid", *await timed(sessionmaker, household, year, args.runs)))
        conn = await asyncpg.connect(admin(url))
        await conn.execute("UPDATE budget.household_settings SET budget_model = 'limits'")
        await conn.execute("UPDATE budget.categories SET rollover = 'none'")
        await conn.close()
        rows.append(("limits, no rollover, one month", *await timed(sessionmaker, household, one, args.runs)))
        await engine.dispose()
        print(f"\n| budget_figures, {args.transactions} transactions, {args.runs} runs | p50 ms | p95 ms |")
        print("| --- | ---: | ---: |")
        for label, p50, p95 in rows:
            print(f"| {label} | {p50:.0f} | {p95:.0f} |")
    finally:
        conn = await asyncpg.connect(admin(server))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
