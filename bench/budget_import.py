"""Benchmark: a 100,000-row bank CSV imported into an account that already has history, end to end.

    uv run python bench/budget_import.py [--rows 100000] [--history 50000] [--profile]

Makes a fresh database (``FINCLOUD_BENCH_DATABASE_URL``, default the local PostgreSQL), an account with
``--history`` transactions (half of them years before the statement, half inside its period from an earlier
import of another export of it, so de-duplication has real work) and payees with default categories, then times
what a user's upload and commit do, through the import service (no HTTP):

1. **dry run** (``importUpload``): parse the CSV (German layout: ``;``, decimal comma, ``DD.MM.YYYY``), give every
   row its import key, classify it against the ledger (keys, then fingerprints), categorise it, stage the rows;
2. **commit** (the worker's job): check the ledger did not change, resolve payees, insert the transactions,
   write the events — one database transaction;
3. **re-import** of the same file (dry run and commit): everything is a duplicate, nothing is added.

Prints a Markdown table (rows/s per step and end to end). ``--profile`` prints the top functions by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import platform
import pstats
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from fincloud.db import create_engine, make_sessionmaker  # noqa: E402
from fincloud.money import Money  # noqa: E402
from fincloud.storage import open_store  # noqa: E402
from fincloud.uploads import UploadedFile  # noqa: E402
from subgraphs.budget.imports.reading import ImportSettings  # noqa: E402
from subgraphs.budget.imports.service import request_commit, run_commit, start_import  # noqa: E402
from subgraphs.budget.models import Account, Category, CategoryGroup, Payee, Transaction  # noqa: E402
from subgraphs.budget.services.ledger import AccountKind, NewAccount, create_account  # noqa: E402
from subgraphs.budget.services.payees import payee_key  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402

T = TypeVar("T")

MERCHANTS = [
    "REWE Markt GmbH",
    "EDEKA Center",
    "Lidl Dienstleistung",
    "ALDI SUED",
    "dm-drogerie markt",
    "Rossmann",
    "Stadtwerke München",
    "Deutsche Bahn",
    "Shell Deutschland",
    "Aral Station",
    "Amazon EU S.a.r.L.",
    "PayPal Europe",
    "Netflix International",
    "Spotify AB",
    "Telekom Deutschland",
    "Vodafone GmbH",
    "Apotheke am Markt",
    "Bäckerei Müller",
    "Café Central",
    "Restaurant Da Luigi",
    "IKEA Deutschland",
    "MediaMarkt",
    "Zalando SE",
    "Allianz Versicherung",
    "Miete Hausverwaltung",
    "Arbeitgeber GmbH Gehalt",
]


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


def merchants(rng: random.Random) -> list[str]:
    """A household's payees: the big names, and a long tail of small shops."""
    return MERCHANTS + [
        f"Händler {rng.randint(1000, 9999)} {rng.choice(['Berlin', 'Köln', 'Hamburg'])}" for _ in range(400)
    ]


def statement_csv(rows: int, start: date, rng: random.Random) -> tuple[bytes, list[tuple[date, str, Decimal, str]]]:
    """A German bank's CSV export: a preamble, ``;`` separated, decimal comma, ``DD.MM.YYYY``, cp1252."""
    names = merchants(rng)
    out = io.StringIO()
    out.write("Kontonummer;DE89370400440532013000\n\n")
    out.write("Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Betrag (EUR)\n")
    written: list[tuple[date, str, Decimal, str]] = []
    per_day = max(1, rows // 3650 + 1)
    for i in range(rows):
        day = start + timedelta(days=i // per_day)
        payee = rng.choice(names)
        if payee.startswith("Arbeitgeber"):
            amount = Decimal(rng.randint(250000, 420000)) / 100
        else:
            amount = -Decimal(rng.randint(99, 25000)) / 100
        memo = f"Karte {rng.randint(1000, 9999)} {day:%d.%m} {rng.choice(['Einkauf', 'Lastschrift', 'Zahlung'])}"
        text_amount = format(amount, "f").replace(".", ",")
        out.write(f"{day:%d.%m.%Y};{day:%d.%m.%Y};{payee};{memo};{text_amount}\n")
        written.append((day, payee, amount, memo))
    return out.getvalue().encode("cp1252"), written


async def seed(
    sessionmaker: Any, *, history: int, statement: list[tuple[date, str, Decimal, str]], rng: random.Random
) -> tuple[uuid.UUID, Account]:
    household = uuid.uuid4()
    async with sessionmaker() as session, session.begin():
        account = await create_account(
            session=session,
            household_id=household,
            data=NewAccount(name="Girokonto", kind=AccountKind.CHECKING, opening_balance=Money("1000.00", "EUR")),
        )
        group = CategoryGroup(household_id=household, name="Everyday", kind="expense")
        session.add(group)
        await session.flush()
        categories = []
        for name in ("Groceries", "Transport", "Bills", "Eating out", "Shopping"):
            category = Category(household_id=household, group_id=group.id, name=name, kind="expense")
            session.add(category)
            categories.append(category)
        await session.flush()
        for name in MERCHANTS:
            session.add(
                Payee(
                    household_id=household,
                    name=name,
                    name_key=payee_key(name),
                    default_category_id=rng.choice(categories).id,
                )
            )
        await session.flush()
    return household, account


async def seed_history(
    engine: Any, *, account: Account, history: int, statement: list[tuple[date, str, Decimal, str]], rng: random.Random
) -> None:
    """Old transactions years before the statement, and part of the statement itself entered by hand (other
    spelling, a day later), which the import must recognise."""
    now = datetime.now(UTC)
    records: list[tuple[object, ...]] = []
    old = history // 2
    first = statement[0][0]
    for i in range(old):
        day = first - timedelta(days=3650 - i * 3650 // old)
        records.append(
            (
                uuid.uuid4(),
                account.household_id,
                account.id,
                day,
                -Decimal(rng.randint(99, 9999)) / 100,
                "EUR",
                rng.choice(MERCHANTS),
                None,
                None,
                [],
                "cleared",
                now,
                now,
            )
        )
    for day, payee, amount, _memo in rng.sample(statement, history - old):
        records.append(
            (
                uuid.uuid4(),
                account.household_id,
                account.id,
                day + timedelta(days=1),
                amount,
                "EUR",
                payee.upper(),
                None,
                None,
                [],
                "cleared",
                now,
                now,
            )
        )
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table(
            "transactions",
            schema_name="budget",
            columns=[
                "id",
                "household_id",
                "account_id",
                "date",
                "amount",
                "currency",
                "payee",
                "payee_id",
                "memo",
                "tags",
                "status",
                "created_at",
                "updated_at",
            ],
            records=records,
        )
        await conn.commit()
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE budget.transactions"))
        await conn.commit()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the database server processes ``pids`` have used so far; 0 for one that is gone
    or unreadable (a server on another machine)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


class Clock:
    """Wall time, and CPU time of this process and of the database's server processes for the bench database:
    on a shared machine the CPU seconds say what the work costs when the wall clock also counts waiting for the
    other tenants' processes."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.results: list[tuple[str, float, float, float]] = []

    async def _pids(self) -> list[int]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
            return [row.pid for row in rows]

    async def timed(self, label: str, call: Callable[[], Awaitable[T]]) -> T:
        pids = await self._pids()
        server, process, wall = backend_cpu(pids), time.process_time(), time.perf_counter()
        value = await call()
        wall, process = time.perf_counter() - wall, time.process_time() - process
        pids = sorted(set(pids) | set(await self._pids()))
        self.results.append((label, wall, process, backend_cpu(pids) - server))
        return value


async def bench(args: argparse.Namespace) -> None:
    server = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = await create_database(server, "fincloud_bench_import")
    engine = create_engine(url, pool_size=2)
    sessionmaker = make_sessionmaker(engine)
    rng = random.Random(20261201)
    data, written = statement_csv(args.rows, date(2016, 1, 1), rng)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp).as_uri())
            _household, account = await seed(sessionmaker, history=args.history, statement=written, rng=rng)
            await seed_history(engine, account=account, history=args.history, statement=written, rng=rng)
            upload = UploadedFile(filename="umsaetze.csv", content_type="text/csv", data=data)
            clock = Clock(engine)
            profiler = cProfile.Profile() if args.profile else None

            async def dry_run() -> uuid.UUID:
                async with sessionmaker() as session, session.begin():
                    batch = await start_import(
                        session=session,
                        store=store,
                        account=account,
                        upload=upload,
                        settings=ImportSettings(),
                        created_by=None,
                    )
                    assert batch.status == "ready", batch.problem
                    return batch.id

            async def commit(import_id: uuid.UUID) -> dict[str, Any]:
                async with sessionmaker() as session, session.begin():
                    await request_commit(
                        session=session,
                        household_ids=[account.household_id],
                        import_id=import_id,
                        resolutions={},
                        conflicts="skip",
                    )
                batch = await run_commit(sessionmaker=sessionmaker, store=store, import_id=import_id)
                assert batch is not None, "the import vanished"
                assert batch.status == "committed", batch.problem
                return dict(batch.counts)

            if profiler:
                profiler.enable()
            first = await clock.timed("dry run (parse, keys, classify, categorise, stage)", dry_run)
            counts = await clock.timed("commit (payees, transactions, events)", lambda: commit(first))
            if profiler:
                profiler.disable()
            again = await clock.timed("re-import: dry run", dry_run)
            recounts = await clock.timed("re-import: commit", lambda: commit(again))
            async with sessionmaker() as session:
                total = await session.scalar(select(func.count()).where(Transaction.account_id == account.id))
    finally:
        await engine.dispose()
        await drop_database(server, url)

    print(
        f"Machine: {machine()}; date: {datetime.now(UTC):%Y-%m-%d}; command: `uv run python bench/budget_import.py "
        f"--rows {args.rows} --history {args.history}`\n"
    )
    print(
        f"{args.rows:,} CSV rows ({len(data) / 2**20:.1f} MiB) into an account with {args.history:,} transactions "
        f"({args.history - args.history // 2:,} of them the same payments entered by hand)\n"
    )
    print("| step | wall s | rows/s | CPU s: Python | CPU s: PostgreSQL |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for step, seconds, python_cpu, server_cpu in clock.results:
        print(f"| {step} | {seconds:.2f} | {args.rows / seconds:,.0f} | {python_cpu:.2f} | {server_cpu:.2f} |")
    wall = clock.results[0][1] + clock.results[1][1]
    cpu = sum(r[2] + r[3] for r in clock.results[:2])
    print(f"| **end to end (dry run + commit)** | **{wall:.2f}** | **{args.rows / wall:,.0f}** | | |")
    print(
        f"\nCPU seconds end to end (Python + PostgreSQL): {cpu:.2f}; load average at the end: {os.getloadavg()[0]:.1f}"
    )
    print(f"\nfirst import: {counts}; re-import: {recounts}; transactions in the account: {total:,}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the CSV")
    parser.add_argument("--history", type=int, default=50_000, help="transactions already in the account")
    parser.add_argument("--profile", action="store_true", help="profile the first import and print the top functions")
    asyncio.run(bench(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
