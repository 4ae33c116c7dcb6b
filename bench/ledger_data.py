"""A realistic, large household ledger written straight into a FinCloud database with COPY, for benchmarks.

Ten years of a busy household in EUR with accounts in USD, GBP and CHF: salaries, groceries, restaurants, travel,
subscriptions; about 2,000 payees with names in several languages; split purchases; transfers between its own
accounts (cash withdrawals, card payoffs, savings, loan payments, EUR→USD); memos, notes and tags; statuses by age;
and the ECB-style reference rates for every business day. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg

__all__ = ["GeneratedHousehold", "generate_household"]

END = dt.date(2026, 11, 30)
YEARS = 10

ACCOUNTS = [
    # name, type, currency, opening balance, share of the household's transactions
    ("Girokonto", "checking", "EUR", "2500.00", 0.40),
    ("Kreditkarte", "credit_card", "EUR", "0.00", 0.24),
    ("Bargeld", "cash", "EUR", "150.00", 0.10),
    ("Tagesgeld", "savings", "EUR", "12000.00", 0.02),
    ("Baufinanzierung", "loan", "EUR", "-250000.00", 0.01),
    ("Chase checking", "checking", "USD", "3000.00", 0.13),
    ("Barclaycard", "credit_card", "GBP", "0.00", 0.07),
    ("Sparkonto CH", "savings", "CHF", "5000.00", 0.03),
]

CATEGORIES = {
    ("Income", "income"): ["Salary", "Bonus", "Interest", "Refunds", "Side income"],
    ("Housing", "expense"): ["Mortgage", "Utilities", "Internet & phone", "Repairs"],
    ("Food", "expense"): ["Groceries", "Restaurants", "Coffee", "Bakery"],
    ("Transport", "expense"): ["Fuel", "Public transport", "Taxi", "Car"],
    ("Shopping", "expense"): ["Clothes", "Electronics", "Household", "Books"],
    ("Leisure", "expense"): ["Travel", "Sports", "Subscriptions", "Cinema"],
    ("Health", "expense"): ["Pharmacy", "Doctor", "Insurance"],
    ("Family", "expense"): ["Kids", "Gifts", "Pets"],
}

BRANDS = [
    # brand, category, typical amount range (in the account's currency)
    ("REWE", "Groceries", 8, 140), ("EDEKA", "Groceries", 6, 120), ("Aldi Süd", "Groceries", 5, 90),
    ("Lidl", "Groceries", 5, 90), ("Kaufland", "Groceries", 10, 160), ("Carrefour", "Groceries", 8, 150),
    ("Monoprix", "Groceries", 5, 80), ("Tesco", "Groceries", 5, 100), ("Sainsbury's", "Groceries", 5, 110),
    ("Whole Foods Market", "Groceries", 10, 180), ("Trader Joe's", "Groceries", 8, 120), ("Migros", "Groceries", 8, 150),
    ("Coop", "Groceries", 8, 140), ("Biedronka", "Groceries", 5, 60), ("Mercadona", "Groceries", 6, 110),
    ("Bäckerei Müller", "Bakery", 2, 15), ("Boulangerie Poilâne", "Bakery", 3, 20), ("Backwerk", "Bakery", 2, 12),
    ("Café de Flore", "Coffee", 3, 18), ("Starbucks", "Coffee", 3, 12), ("Pret A Manger", "Coffee", 3, 14),
    ("Balzac Coffee", "Coffee", 3, 10), ("Einstein Kaffee", "Coffee", 3, 10),
    ("Trattoria Da Mario", "Restaurants", 20, 120), ("Señor Taco", "Restaurants", 12, 60),
    ("Łódź Pierogarnia", "Restaurants", 10, 55), ("Sushi Kyōto", "Restaurants", 20, 110),
    ("Crème de la Crème", "Restaurants", 25, 140), ("Wagamama", "Restaurants", 15, 70),
    ("Curry 36", "Restaurants", 5, 25), ("Vapiano", "Restaurants", 12, 60), ("Nando's", "Restaurants", 12, 55),
    ("Shell", "Fuel", 30, 95), ("Aral", "Fuel", 30, 95), ("TotalEnergies", "Fuel", 30, 90), ("BP", "Fuel", 30, 90),
    ("Deutsche Bahn", "Public transport", 3, 180), ("BVG", "Public transport", 3, 90), ("SBB CFF FFS", "Public transport", 4, 120),
    ("Transport for London", "Public transport", 2, 40), ("Uber", "Taxi", 8, 60), ("FREE NOW", "Taxi", 8, 50),
    ("ATU Autoservice", "Car", 40, 800), ("Zalando", "Clothes", 20, 250), ("H&M", "Clothes", 10, 120),
    ("Uniqlo", "Clothes", 15, 150), ("MediaMarkt", "Electronics", 20, 900), ("Saturn", "Electronics", 20, 700),
    ("Apple Store", "Electronics", 30, 1800), ("Amazon", "Household", 5, 300), ("IKEA", "Household", 10, 600),
    ("dm-drogerie markt", "Household", 3, 60), ("Rossmann", "Household", 3, 50), ("Thalia", "Books", 8, 60),
    ("Hugendubel", "Books", 8, 60), ("Booking.com", "Travel", 80, 900), ("Lufthansa", "Travel", 90, 1200),
    ("easyJet", "Travel", 40, 300), ("Airbnb", "Travel", 90, 1100), ("Hotel Adlon", "Travel", 150, 900),
    ("Urban Sports Club", "Sports", 30, 90), ("Decathlon", "Sports", 10, 250), ("Netflix", "Subscriptions", 8, 18),
    ("Spotify", "Subscriptions", 10, 17), ("Disney+", "Subscriptions", 6, 12), ("Audible", "Subscriptions", 10, 10),
    ("CinemaxX", "Cinema", 9, 40), ("Yorck Kinos", "Cinema", 9, 35), ("Apotheke am Markt", "Pharmacy", 4, 60),
    ("Boots", "Pharmacy", 4, 40), ("CVS Pharmacy", "Pharmacy", 4, 50), ("Praxis Dr. Özdemir", "Doctor", 10, 150),
    ("Allianz Versicherung", "Insurance", 20, 180), ("Vattenfall", "Utilities", 40, 160), ("Telekom", "Internet & phone", 30, 80),
    ("Vodafone", "Internet & phone", 20, 70), ("Kita Sonnenschein", "Kids", 50, 400), ("Spielwaren Kröger", "Kids", 10, 120),
    ("Fressnapf", "Pets", 10, 90), ("Blumen Böhm", "Gifts", 10, 60), ("Galeries Lafayette", "Gifts", 20, 300),
]  # fmt: skip

CITIES = [
    "Berlin Mitte", "Berlin Kreuzberg", "Hamburg", "München", "Köln", "Frankfurt", "Leipzig", "Düsseldorf",
    "Stuttgart", "Paris 11e", "Lyon", "London Soho", "Manchester", "New York", "San Francisco", "Zürich",
    "Genève", "Kraków", "Madrid", "Wien", "Praha", "Amsterdam", "Kyōto", "Online",
]  # fmt: skip

MEMOS = [
    "Kartenzahlung", "SEPA-Lastschrift", "Apple Pay", "contactless", "POS purchase", "Online order", "Abo",
    "monthly", "refund pending", "Rechnung", "Paiement CB", "receipt in drawer",
]  # fmt: skip
NOTES = [
    "reimbursed by employer", "split with Anna", "Geschenk für Oma", "warranty until 2029", "ask for invoice",
    "business trip", "birthday dinner", "Weihnachtsgeschenke", "vacances d'été",
]  # fmt: skip
TAGS = ["business", "gift", "tax-deductible", "reimbursable", "kids", "holiday", "health", "home-office"]

RATES = {"USD": Decimal("1.10"), "GBP": Decimal("0.86"), "CHF": Decimal("0.97")}


@dataclass
class GeneratedHousehold:
    household_id: uuid.UUID
    accounts: dict[str, uuid.UUID] = field(default_factory=dict)
    categories: dict[str, uuid.UUID] = field(default_factory=dict)
    payees: dict[str, uuid.UUID] = field(default_factory=dict)
    transactions: int = 0
    splits: int = 0
    transfers: int = 0
    first_date: dt.date = END
    last_date: dt.date = END


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    """An amount between ``low`` and ``high``, log-uniform (small purchases are more common), in cents."""
    value = low * (high / low) ** rng.random() if high > low else low
    return Decimal(round(value * 100)) / 100


def _business_days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


async def generate_household(
    conn: asyncpg.Connection,
    *,
    household_id: uuid.UUID,
    transactions: int = 1_000_000,
    seed: int = 20261130,
    with_rates: bool = True,
) -> GeneratedHousehold:
    """Write the household (accounts, categories, payees, transactions with splits and transfers, and, with
    ``with_rates``, the published EUR rates) into ``conn``'s database in one transaction. About ``transactions``
    rows in ``budget.transactions`` (each transfer is two of them)."""
    rng = random.Random(seed)
    made = GeneratedHousehold(household_id=household_id)
    start = END - dt.timedelta(days=365 * YEARS)
    made.first_date = start
    now = dt.datetime.now(dt.UTC)

    account_rows, account_currency, account_weights = [], {}, []
    for name, kind, currency, opening, share in ACCOUNTS:
        account_id = uuid.uuid4()
        made.accounts[name] = account_id
        account_currency[account_id] = currency
        account_weights.append(share)
        account_rows.append(
            (account_id, household_id, name, kind, currency, Decimal(opening), start, None, None, None, now, now)
        )
    group_rows, category_rows = [], []
    category_kind: dict[uuid.UUID, str] = {}
    for position, ((group, kind), names) in enumerate(CATEGORIES.items()):
        group_id = uuid.uuid4()
        group_rows.append((group_id, household_id, group, kind, position, False, None, now))
        for index, name in enumerate(names):
            category_id = uuid.uuid4()
            made.categories[name] = category_id
            category_kind[category_id] = kind
            category_rows.append(
                (category_id, household_id, group_id, name, kind, index, False, None, "none", None, now)
            )
    payee_rows = []
    brand_payees: list[tuple[uuid.UUID, str, uuid.UUID, float, float]] = []
    for brand, category, low_price, high_price in BRANDS:
        for city in rng.sample(CITIES, 24):
            name = f"{brand} {city}"
            payee_id = uuid.uuid4()
            made.payees[name] = payee_id
            key = " ".join(name.casefold().replace("'", " ").replace(".", " ").split())
            payee_rows.append((payee_id, household_id, name, key, made.categories[category], now))
            brand_payees.append((payee_id, name, made.categories[category], float(low_price), float(high_price)))
    employers = [("ACME GmbH", "EUR"), ("Initech Inc.", "USD")]
    for name, _ in employers:
        payee_id = uuid.uuid4()
        made.payees[name] = payee_id
        payee_rows.append((payee_id, household_id, name, name.casefold(), made.categories["Salary"], now))

    account_ids = list(account_currency)
    expense_accounts = [
        a for a in account_ids if a not in (made.accounts["Tagesgeld"], made.accounts["Baufinanzierung"])
    ]
    expense_weights = [account_weights[account_ids.index(a)] for a in expense_accounts]
    income_categories = [made.categories[n] for n in ("Bonus", "Interest", "Refunds", "Side income")]
    days = (END - start).days + 1
    tx_rows: list[tuple[Any, ...]] = []
    split_rows: list[tuple[Any, ...]] = []

    def add(
        account_id: uuid.UUID,
        day: dt.date,
        amount: Decimal,
        *,
        payee: tuple[uuid.UUID, str] | None = None,
        category_id: uuid.UUID | None = None,
        is_split: bool = False,
        transfer: tuple[uuid.UUID, uuid.UUID] | None = None,
        memo: str | None = None,
    ) -> uuid.UUID:
        tx_id = uuid.uuid4()
        age = (END - day).days
        status = "pending" if age < 5 else "cleared" if age < 60 else "reconciled"
        notes = rng.choice(NOTES) if rng.random() < 0.02 else None
        tags = rng.sample(TAGS, rng.choice((1, 1, 2))) if rng.random() < 0.08 else []
        if memo is None and rng.random() < 0.4:
            memo = f"{rng.choice(MEMOS)} {rng.randrange(10**5, 10**6)}"
        created = dt.datetime.combine(day, dt.time(rng.randrange(7, 22), rng.randrange(60)), dt.UTC)
        tx_rows.append(
            (
                tx_id, household_id, account_id, day, amount, account_currency[account_id],
                payee[1] if payee else None, payee[0] if payee else None, memo, notes, tags, category_id, is_split,
                status, transfer[0] if transfer else None, transfer[1] if transfer else None, created, created,
            )
        )  # fmt: skip
        return tx_id

    def scale(account_id: uuid.UUID) -> Decimal:
        return RATES.get(account_currency[account_id], Decimal(1))

    # Monthly: salaries, mortgage payment, savings, card payoffs, an EUR→USD transfer.
    checking, card, cash = made.accounts["Girokonto"], made.accounts["Kreditkarte"], made.accounts["Bargeld"]
    savings, loan, usd = made.accounts["Tagesgeld"], made.accounts["Baufinanzierung"], made.accounts["Chase checking"]
    month = dt.date(start.year, start.month, 1)
    while month <= END:
        for (name, currency), account in zip(employers, (checking, usd), strict=True):
            if month >= start:
                pay = _money(rng, 3900, 4300) if currency == "EUR" else _money(rng, 2500, 2800)
                add(account, month, pay, payee=(made.payees[name], name), category_id=made.categories["Salary"])
        day = min(month + dt.timedelta(days=2), END)
        if day >= start:
            for source, target, low, high in (
                (checking, savings, 300, 800),
                (checking, card, 900, 2500),
                (checking, loan, 1180, 1180),
                (made.accounts["Barclaycard"], made.accounts["Barclaycard"], 0, 0),
            ):
                if source == target:
                    continue
                amount = _money(rng, low, high)
                transfer_id = uuid.uuid4()
                add(source, day, -amount, transfer=(transfer_id, target), memo="Umbuchung")
                add(target, day, amount, transfer=(transfer_id, source), memo="Umbuchung")
                made.transfers += 1
            eur = _money(rng, 500, 1500)
            transfer_id = uuid.uuid4()
            add(checking, day, -eur, transfer=(transfer_id, usd), memo="Wise EUR→USD")
            add(usd, day, (eur * Decimal("1.0931")).quantize(Decimal("0.01")), transfer=(transfer_id, checking))
            made.transfers += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)

    # Everyday life until the household has its transactions.
    while len(tx_rows) < transactions:
        day = start + dt.timedelta(days=rng.randrange(days))
        roll = rng.random()
        if roll < 0.035:  # a cash withdrawal: a transfer from checking to cash
            amount = Decimal(rng.choice((20, 50, 50, 100, 100, 200)))
            transfer_id = uuid.uuid4()
            add(checking, day, -amount, transfer=(transfer_id, cash), memo="Geldautomat")
            add(cash, day, amount, transfer=(transfer_id, checking), memo="Geldautomat")
            made.transfers += 1
            continue
        account = rng.choices(expense_accounts, expense_weights)[0]
        payee_id, name, category_id, cheapest, dearest = rng.choice(brand_payees)
        amount = _money(rng, cheapest, dearest) * scale(account)
        amount = amount.quantize(Decimal("0.01"))
        if roll < 0.075:  # income: refunds, interest, side income
            add(account, day, amount, payee=(payee_id, name), category_id=rng.choice(income_categories))
        elif roll < 0.105 and amount >= Decimal("2.00"):  # a split purchase
            tx_id = add(account, day, -amount, payee=(payee_id, name), is_split=True)
            first = (amount * Decimal(rng.randrange(20, 80)) / 100).quantize(Decimal("0.01"))
            parts = [
                (category_id, -first),
                (made.categories[rng.choice(("Household", "Gifts", "Kids"))], first - amount),
            ]
            for position, (part_category, part_amount) in enumerate(parts):
                split_rows.append((uuid.uuid4(), household_id, tx_id, part_category, part_amount, None, position))
        else:
            uncategorised = rng.random() < 0.05
            add(account, day, -amount, payee=(payee_id, name), category_id=None if uncategorised else category_id)
    made.transactions = len(tx_rows)
    made.splits = len(split_rows)

    rate_rows = []
    if with_rates:
        levels = dict(RATES)
        for day in _business_days(start - dt.timedelta(days=14), END):
            for currency in levels:
                levels[currency] = (levels[currency] * Decimal(1 + rng.gauss(0, 0.004))).quantize(Decimal("0.0001"))
                rate_rows.append((uuid.uuid4(), None, "EUR", currency, day, levels[currency], "ecb", now))

    async with conn.transaction():
        await conn.copy_records_to_table(
            "household_settings", schema_name="budget", records=[(household_id, "EUR", "limits", now)],
            columns=["household_id", "base_currency", "budget_model", "updated_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "accounts", schema_name="budget", records=account_rows,
            columns=["id", "household_id", "name", "type", "currency", "opening_balance", "opening_date",
                     "institution", "note", "archived_at", "created_at", "updated_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "category_groups", schema_name="budget", records=group_rows,
            columns=["id", "household_id", "name", "kind", "position", "hidden", "archived_at", "created_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "categories", schema_name="budget", records=category_rows,
            columns=["id", "household_id", "group_id", "name", "kind", "position", "hidden", "archived_at",
                     "rollover", "merged_into_id", "created_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "payees", schema_name="budget", records=payee_rows,
            columns=["id", "household_id", "name", "name_key", "default_category_id", "created_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "transactions", schema_name="budget", records=tx_rows,
            columns=["id", "household_id", "account_id", "date", "amount", "currency", "payee", "payee_id", "memo",
                     "notes", "tags", "category_id", "is_split", "status", "transfer_id", "transfer_account_id",
                     "created_at", "updated_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "splits", schema_name="budget", records=split_rows,
            columns=["id", "household_id", "transaction_id", "category_id", "amount", "memo", "position"],
        )  # fmt: skip
        if rate_rows:
            await conn.copy_records_to_table(
                "fx_rates", schema_name="budget", records=rate_rows,
                columns=["id", "household_id", "base", "quote", "date", "rate", "source", "fetched_at"],
            )  # fmt: skip
    made.first_date = min(r[3] for r in tx_rows)
    made.last_date = max(r[3] for r in tx_rows)
    return made
