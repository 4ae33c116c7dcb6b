"""Automatic categorisation at scale: ``Categoriser.load`` on a household with 100k categorised transactions
(cold: trained by the aggregate query; warm: the kept model), and ``suggest`` over 100k import drafts.

    uv run python bench/categorisation.py [--transactions 100000] [--drafts 100000]

Needs PostgreSQL (``FINCLOUD_BENCH_DATABASE_URL``, default postgresql://postgres@127.0.0.1:5432/postgres); makes
and drops a database of its own. The history is synthetic but shaped like a bank statement: 3,000 payees used
with Zipf-like frequency, each with a usual category (90 %) and another one, amounts spread around a typical
size per payee, memos with card numbers, dates and references in them; 40 other households' transactions share
the table. The drafts come from the same payees (plus 10 % never seen, and spelling variants), with fresh memos
and amounts. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import math
import os
import platform
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from fincloud.db import create_engine, make_sessionmaker  # noqa: E402
from subgraphs.budget.categorisation.rules import Condition, Match, Operator, RuleField, RuleSet  # noqa: E402
from subgraphs.budget.services import categorise  # noqa: E402
from subgraphs.budget.services.categorise import Categoriser, Draft  # noqa: E402
from subgraphs.budget.services.payees import payee_key  # noqa: E402
from subgraphs.budget.services.rules import RuleData, create_rule  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402

SERVER = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WORDS = [
    "rewe",
    "edeka",
    "aldi",
    "lidl",
    "netto",
    "penny",
    "kaufland",
    "shell",
    "aral",
    "esso",
    "total",
    "bahn",
    "flixbus",
    "lufthansa",
    "netflix",
    "spotify",
    "amazon",
    "zalando",
    "ikea",
    "obi",
    "bauhaus",
    "hornbach",
    "apotheke",
    "dm",
    "rossmann",
    "muller",
    "telekom",
    "vodafone",
    "allianz",
    "huk",
    "ergo",
    "stadtwerke",
    "vattenfall",
    "eon",
    "miete",
    "kita",
    "schule",
    "sportverein",
    "fitness",
    "kino",
    "theater",
    "restaurant",
    "pizzeria",
    "cafe",
    "bakery",
    "baeckerei",
    "metzger",
    "tchibo",
    "starbucks",
    "mcdonalds",
    "burger",
    "kebab",
    "sushi",
    "hotel",
    "airbnb",
    "booking",
    "uber",
    "taxi",
    "parking",
    "tankstelle",
    "werkstatt",
    "arzt",
    "zahnarzt",
    "optiker",
    "friseur",
    "buch",
    "thalia",
    "mediamarkt",
    "saturn",
    "apple",
    "google",
]
FORMS = ("{} GMBH", "{} MARKT", "{} AG", "{} SAGT DANKE", "{}", "{} ONLINE", "{} SERVICES", "{} & CO KG")
MEMOS = (
    "KARTENZAHLUNG {n} {d} {p}",
    "SEPA-LASTSCHRIFT REF {n} {p}",
    "POS {n} {d} {p} BERLIN",
    "{p} RECHNUNG {n}",
    "DAUERAUFTRAG {p} {d}",
)


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


class World:
    """A synthetic household: categories, payees with habits, and a way to draw statement lines."""

    def __init__(self, rng: random.Random, household_id: uuid.UUID) -> None:
        self.rng = rng
        self.household_id = household_id
        self.group_id = uuid.uuid4()
        self.categories = [uuid.uuid4() for _ in range(60)]
        self.payees: list[tuple[uuid.UUID, str, uuid.UUID, uuid.UUID, float, bool]] = []
        for index in range(3_000):
            word = WORDS[index % len(WORDS)]
            name = rng.choice(FORMS).format(f"{word.upper()} {index}" if index >= len(WORDS) else word.upper())
            usual, other = rng.sample(self.categories, 2)
            typical = math.exp(rng.uniform(1, 6))
            self.payees.append((uuid.uuid4(), name, usual, other, typical, rng.random() < 0.05))
        # Zipf-like: payee i drawn with weight 1 / (i + 1).
        self.cum_weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.payees))))
        self.accounts = [uuid.uuid4() for _ in range(3)]

    def line(self, day: dt.date) -> tuple[uuid.UUID, str, uuid.UUID, Decimal, str]:
        payee_id, name, usual, other, typical, inflow = self.rng.choices(self.payees, cum_weights=self.cum_weights)[0]
        category = usual if self.rng.random() < 0.9 else other
        amount = Decimal(f"{typical * self.rng.lognormvariate(0, 0.4):.2f}") or Decimal("1.00")
        memo = self.rng.choice(MEMOS).format(
            n=self.rng.randrange(10**6, 10**9), d=day.strftime("%d.%m"), p=name.split()[0]
        )
        return payee_id, name, category, amount if inflow else -amount, memo


async def seed(url: str, world: World, transactions: int, others: int) -> None:
    """Categories, payees and transactions by COPY; other households' rows share the table."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        now = dt.datetime.now(dt.UTC)
        h = world.household_id
        await conn.copy_records_to_table(
            "category_groups",
            schema_name="budget",
            columns=["id", "household_id", "name", "kind", "position", "hidden", "created_at"],
            records=[(world.group_id, h, "Everyday", "expense", 0, False, now)],
        )
        await conn.copy_records_to_table(
            "categories",
            schema_name="budget",
            columns=["id", "household_id", "group_id", "name", "kind", "position", "hidden", "rollover", "created_at"],
            records=[
                (c, h, world.group_id, f"Category {i}", "expense", i, False, "none", now)
                for i, c in enumerate(world.categories)
            ],
        )
        await conn.copy_records_to_table(
            "payees",
            schema_name="budget",
            columns=["id", "household_id", "name", "name_key", "created_at"],
            records=[(p[0], h, p[1], payee_key(p[1]), now) for p in world.payees],
        )
        await conn.copy_records_to_table(
            "accounts",
            schema_name="budget",
            columns=["id", "household_id", "name", "type", "currency", "opening_balance", "created_at", "updated_at"],
            records=[
                (a, h, f"Account {i}", "checking", "EUR", Decimal(0), now, now) for i, a in enumerate(world.accounts)
            ],
        )
        start = dt.date(2018, 1, 1)
        records: list[tuple[object, ...]] = []
        for i in range(transactions):
            day = start + dt.timedelta(days=i * 3000 // transactions)
            payee_id, name, category, amount, memo = world.line(day)
            records.append(
                (
                    uuid.uuid4(),
                    h,
                    world.rng.choice(world.accounts),
                    day,
                    amount,
                    "EUR",
                    name,
                    payee_id,
                    memo,
                    [],
                    category,
                    False,
                    "cleared",
                    now,
                    now,
                )
            )
        columns = [
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
            "category_id",
            "is_split",
            "status",
            "created_at",
            "updated_at",
        ]
        await conn.copy_records_to_table("transactions", schema_name="budget", columns=columns, records=records)
        # Other households: uncategorised rows on accounts of their own, so the household's queries must skip them.
        other_accounts = [(uuid.uuid4(), uuid.uuid4()) for _ in range(others)]
        await conn.copy_records_to_table(
            "accounts",
            schema_name="budget",
            columns=["id", "household_id", "name", "type", "currency", "opening_balance", "created_at", "updated_at"],
            records=[(a, oh, "Other", "checking", "EUR", Decimal(0), now, now) for a, oh in other_accounts],
        )
        other_rows: list[tuple[object, ...]] = []
        for i in range(transactions):
            account_id, other_h = other_accounts[i % others]
            other_rows.append(
                (
                    uuid.uuid4(),
                    other_h,
                    account_id,
                    start + dt.timedelta(days=i % 3000),
                    Decimal("-9.99"),
                    "EUR",
                    "Somebody",
                    None,
                    "memo",
                    [],
                    None,
                    False,
                    "cleared",
                    now,
                    now,
                )
            )
        await conn.copy_records_to_table("transactions", schema_name="budget", columns=columns, records=other_rows)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def add_rules(session: AsyncSession, world: World) -> None:
    """Twenty rules of the kinds people write: payee contains / equals / starts with / regex, memo, amount."""
    c = world.categories
    specs = [
        (RuleField.PAYEE, Operator.CONTAINS, "rewe"),
        (RuleField.PAYEE, Operator.CONTAINS, "edeka"),
        (RuleField.PAYEE, Operator.STARTS_WITH, "aldi"),
        (RuleField.PAYEE, Operator.EQUALS, "lidl gmbh"),
        (RuleField.PAYEE, Operator.MATCHES, r"^(shell|aral|esso|total)\b"),
        (RuleField.PAYEE, Operator.MATCHES, r"netflix|spotify"),
        (RuleField.MEMO, Operator.CONTAINS, "dauerauftrag miete"),
        (RuleField.MEMO, Operator.MATCHES, r"rechnung \d+ telekom"),
        (RuleField.PAYEE, Operator.CONTAINS, "stadtwerke"),
        (RuleField.PAYEE, Operator.CONTAINS, "apotheke"),
        (RuleField.PAYEE, Operator.STARTS_WITH, "dm "),
        (RuleField.PAYEE, Operator.CONTAINS, "rossmann"),
        (RuleField.PAYEE, Operator.CONTAINS, "bahn"),
        (RuleField.PAYEE, Operator.MATCHES, r"uber|taxi"),
        (RuleField.PAYEE, Operator.CONTAINS, "kita"),
        (RuleField.PAYEE, Operator.CONTAINS, "fitness"),
        (RuleField.MEMO, Operator.CONTAINS, "zahnarzt"),
        (RuleField.PAYEE, Operator.CONTAINS, "ikea"),
        (RuleField.PAYEE, Operator.CONTAINS, "hornbach"),
    ]
    async with session.begin():
        for index, (field, operator, value) in enumerate(specs):
            await create_rule(
                session=session,
                household_id=world.household_id,
                data=RuleData(
                    name=f"Rule {index}", conditions=(Condition(field, operator, value),), category_id=c[index]
                ),
            )
        await create_rule(
            session=session,
            household_id=world.household_id,
            data=RuleData(
                name="Big spend",
                match=Match.ALL,
                conditions=(
                    Condition(RuleField.AMOUNT, Operator.IS_OUTFLOW),
                    Condition(RuleField.AMOUNT, Operator.BETWEEN, min=Decimal("1000")),
                ),
                tags=("big",),
            ),
        )


def drafts(world: World, count: int) -> list[Draft]:
    """Import lines: known payees (some spelled differently), 10 % never seen, fresh memos and amounts."""
    day = dt.date(2026, 11, 1)
    result = []
    for i in range(count):
        _, name, _, amount, memo = world.line(day)
        roll = world.rng.random()
        if roll < 0.1:
            name = f"NEW SHOP {i % 5000} {world.rng.choice(WORDS).upper()}"
        elif roll < 0.2:
            name = name.lower() + "."
        result.append(Draft(world.accounts[i % 3], day, amount, name, memo))
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed) for EXPLAIN")
    args = parser.parse_args()
    rng = random.Random(20261201)
    world = World(rng, uuid.uuid4())
    url = await create_database(SERVER, "fincloud_bench_rules")
    engine = create_engine(url, pool_size=2)
    try:
        started = time.perf_counter()
        await seed(url, world, args.transactions, others=40)
        seeded = time.perf_counter() - started
        sessions = make_sessionmaker(engine)
        async with sessions() as session:
            await add_rules(session, world)

        cold, fresh_loads, checked_loads, query, fingerprint = [], [], [], [], []
        for _ in range(args.repeat):
            async with sessions() as session:
                t = time.perf_counter()
                await session.execute(categorise._training_query(), {"household_id": world.household_id})
                query.append(time.perf_counter() - t)
                t = time.perf_counter()
                await categorise._fingerprint(session=session, household_id=world.household_id)
                fingerprint.append(time.perf_counter() - t)
            categorise.forget_learned_models()
            async with sessions() as session:
                t = time.perf_counter()
                categoriser = await Categoriser.load(session=session, household_id=world.household_id)
                cold.append(time.perf_counter() - t)
            async with sessions() as session:
                t = time.perf_counter()
                await Categoriser.load(session=session, household_id=world.household_id)
                fresh_loads.append(time.perf_counter() - t)
            fresh_window, categorise.LEARNED_FRESH_SECONDS = categorise.LEARNED_FRESH_SECONDS, 0.0
            async with sessions() as session:
                t = time.perf_counter()
                await Categoriser.load(session=session, household_id=world.household_id)
                checked_loads.append(time.perf_counter() - t)
            categorise.LEARNED_FRESH_SECONDS = fresh_window

        lines = drafts(world, args.drafts)
        first_wall, first_cpu, again_wall, again_cpu, outcomes = [], [], [], [], {}
        payee_only_wall: list[float] = []
        payee_only_cpu: list[float] = []
        for _ in range(args.repeat):
            async with sessions() as session:
                fresh = await Categoriser.load(session=session, household_id=world.household_id)
            t, c = time.perf_counter(), time.process_time()
            suggestions = [fresh.suggest(d) for d in lines]
            first_wall.append(time.perf_counter() - t)
            first_cpu.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            [fresh.suggest(d) for d in lines]
            again_wall.append(time.perf_counter() - t)
            again_cpu.append(time.process_time() - c)
            outcomes = {s: sum(1 for x in suggestions if x.source == s) for s in ("rule", "payee", "learned", "none")}
            # The same household if its rules looked at payees and amounts only (no memo to fold and search).
            payee_rules = RuleSet(
                r for r in fresh.rules.specs if all(c.field is not RuleField.MEMO for c in r.conditions)
            )
            no_memo = Categoriser(
                household_id=fresh.household_id,
                rules=payee_rules,
                model=fresh.model,
                threshold=fresh.threshold,
                live_categories=frozenset(world.categories),
            )
            t, c = time.perf_counter(), time.process_time()
            [no_memo.suggest(d) for d in lines]
            payee_only_wall.append(time.perf_counter() - t)
            payee_only_cpu.append(time.process_time() - c)
        learned = categoriser.model.examples
    finally:
        await engine.dispose()
        if args.keep:
            print(f"kept {url} (household {world.household_id})", file=sys.stderr)
        else:
            await drop_database(SERVER, url)

    ms = lambda xs: f"{statistics.median(xs) * 1000:.0f}"  # noqa: E731
    mx = lambda xs: f"{max(xs) * 1000:.0f}"  # noqa: E731
    print(f"Machine: {machine()}; date: {dt.date.today()}; command: `uv run python bench/categorisation.py`\n")
    print(
        f"Seeded {args.transactions:,} categorised transactions (and as many of 40 other households) in {seeded:.1f} s.\n"
    )
    print(f"| `Categoriser.load`, household with {learned:,} categorised transactions, 21 rules | median ms | max ms |")
    print("| --- | ---: | ---: |")
    print(
        f"| cold: model trained (fingerprint, aggregate query, training in Python, the rest) | {ms(cold)} | {mx(cold)} |"
    )
    print(f"| ... the aggregate query alone | {ms(query)} | {mx(query)} |")
    print(f"| ... the fingerprint query alone | {ms(fingerprint)} | {mx(fingerprint)} |")
    print(
        f"| kept model, checked against the fingerprint (older than 15 s) | {ms(checked_loads)} | {mx(checked_loads)} |"
    )
    print(
        f"| kept model, checked within 15 s (rules, defaults, settings only) | {ms(fresh_loads)} | {mx(fresh_loads)} |\n"
    )
    n = args.drafts
    print(
        f"| `suggest` over {n:,} drafts (list comprehension, one `Categoriser`) | wall s | CPU s | CPU µs per draft |"
    )
    print("| --- | ---: | ---: | ---: |")
    for label, wall, cpu in (
        ("first pass (nothing memoised yet)", first_wall, first_cpu),
        ("the same drafts again", again_wall, again_cpu),
        ("first pass, the 3 rules on memos left out", payee_only_wall, payee_only_cpu),
    ):
        print(
            f"| {label} | {statistics.median(wall):.3f} | {statistics.median(cpu):.3f} | {statistics.median(cpu) / n * 1e6:.1f} |"
        )
    print()
    print("Decided by: " + ", ".join(f"{k} {v:,}" for k, v in outcomes.items()))
    print(f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    asyncio.run(main())
