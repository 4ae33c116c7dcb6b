"""How long an export of a large ledger takes, and how much memory it needs.

    uv run python bench/exports.py [--rows 100000] [--rows 10000 ...]

Makes a scratch database on ``FINCLOUD_BENCH_DATABASE_URL`` (default the local server at 127.0.0.1:5432), fills a
household with the given number of transactions over three accounts (one in ten split in two, one in twenty a
transfer leg), exports it as CSV and as OFX to a local-folder store, and prints the time, rows per second, file
size, the CPU time of this (Python) process, and how much its peak memory grew. Each size runs in a fresh process, so peaks do not mix."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from fincloud.db import create_engine, make_sessionmaker  # noqa: E402
from fincloud.storage import open_store  # noqa: E402
from subgraphs.budget.files.exports import (  # noqa: E402
    REPEATABLE_READ,
    ExportFilter,
    ExportFormat,
    export_transactions,
)
from tests.conftest import create_database, drop_database  # noqa: E402

SERVER = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

FILL = """
WITH accounts AS (
    INSERT INTO budget.accounts (id, household_id, name, type, currency, opening_balance)
    VALUES (:a1, :h, 'Girokonto', 'checking', 'EUR', 1000), (:a2, :h, 'Savings', 'savings', 'EUR', 0),
           (:a3, :h, 'Visa', 'credit_card', 'EUR', 0)
    RETURNING id
), groups AS (
    INSERT INTO budget.category_groups (id, household_id, name, kind) VALUES (:g, :h, 'Food', 'expense') RETURNING id
)
INSERT INTO budget.categories (id, household_id, group_id, name, kind)
SELECT :c, :h, id, 'Groceries', 'expense' FROM groups
"""

TRANSACTIONS = """
INSERT INTO budget.transactions (id, household_id, account_id, date, amount, currency, payee, memo, tags,
                                 category_id, is_split, status, transfer_id, transfer_account_id)
SELECT gen_random_uuid(), :h,
       (CAST(ARRAY[:a1, :a2, :a3] AS uuid[]))[1 + n % 3],
       DATE '2015-01-01' + (n % 3650),
       round(-(1 + (n % 9000) / 100.0), 2),
       'EUR', 'Payee ' || (n % 500) || ' Bäckerei', CASE WHEN n % 4 = 0 THEN 'memo ' || n END,
       CASE WHEN n % 7 = 0 THEN ARRAY['weekly'] ELSE '{}' END,
       CASE WHEN n % 10 <> 0 THEN CAST(:c AS uuid) END, n % 10 = 0,
       CASE WHEN n % 50 = 0 THEN 'pending' ELSE 'cleared' END,
       CASE WHEN n % 20 = 1 THEN gen_random_uuid() END,
       CASE WHEN n % 20 = 1 THEN CAST(:a2 AS uuid) END
FROM generate_series(1, :rows) AS n
"""

SPLITS = """
INSERT INTO budget.splits (id, household_id, transaction_id, category_id, amount, position)
SELECT gen_random_uuid(), household_id, id, CAST(:c AS uuid), amount - 1, 0 FROM budget.transactions WHERE is_split
UNION ALL
SELECT gen_random_uuid(), household_id, id, NULL::uuid, 1, 1 FROM budget.transactions WHERE is_split
"""


async def run_one(rows: int) -> None:
    url = await create_database(SERVER, "fincloud_bench_exports")
    engine = create_engine(url, pool_size=2)
    try:
        ids = {k: uuid.uuid4() for k in ("h", "a1", "a2", "a3", "g", "c")}
        async with engine.begin() as conn:
            await conn.execute(text(FILL), ids)
            await conn.execute(text(TRANSACTIONS), {**ids, "rows": rows})
            await conn.execute(text(SPLITS), ids)
            await conn.execute(text("ANALYZE"))
        sessionmaker = make_sessionmaker(engine)
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(Path(folder).as_uri())
            for format in ExportFormat:
                base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                started, cpu = time.perf_counter(), time.process_time()
                async with sessionmaker() as session, session.begin():
                    await session.connection(execution_options=REPEATABLE_READ)
                    export = await export_transactions(
                        session=session,
                        store=store,
                        household_id=ids["h"],
                        format=format,
                        filter=ExportFilter(),
                        created_by=None,
                        now=dt.datetime.now(dt.UTC),
                        retention=dt.timedelta(hours=1),
                    )
                took, cpu = time.perf_counter() - started, time.process_time() - cpu
                grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
                print(
                    f"| {rows:,} | {format.value.upper()} | {took:.2f} s | {cpu:.2f} s | {export.row_count / took:,.0f} | "
                    f"{export.size_bytes / 2**20:.1f} MiB | {grew:.0f} MiB |",
                    flush=True,
                )
    finally:
        await engine.dispose()
        await drop_database(SERVER, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="transactions in the household (repeatable)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        asyncio.run(run_one(args.one))
        return
    print("| transactions | format | time | Python CPU | rows/s | file | peak memory growth |")
    print("| --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for rows in args.rows or [10_000, 100_000]:
        subprocess.run([sys.executable, __file__, "--one", str(rows)], check=True)


if __name__ == "__main__":
    main()
