"""``transactions``: full-text and fuzzy payee search, filters, sorts and keyset pages, on small readable ledgers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from fincloud.auth import Role, Viewer
from fincloud.money import Money
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.models import Category, CategoryGroup, Transaction
from subgraphs.budget.schema import schema
from subgraphs.budget.search import service
from subgraphs.budget.services.ledger import (
    AccountKind,
    NewAccount,
    NewSplit,
    NewTransaction,
    TransactionStatus,
    create_account,
    create_transaction,
)
from tests.conftest import execute
from tests.factories import count_statements

SEARCH = """
query($h: ID!, $filter: TransactionFilter, $sort: TransactionSort, $first: Int, $after: String) {
  transactions(householdId: $h, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor relevance node { id payee memo date amount { amount currency } account { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


class Household:
    """A household written through the ledger services, and a viewer who owns it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.id = uuid.uuid4()
        self.viewer = Viewer(user_id=uuid.uuid4(), households={self.id: Role.OWNER})
        self.accounts: dict[str, uuid.UUID] = {}
        self.categories: dict[str, uuid.UUID] = {}
        self.ids: dict[str, uuid.UUID] = {}

    async def account(self, name: str, currency: str = "EUR") -> uuid.UUID:
        async with self.runtime.sessionmaker() as session, session.begin():
            row = await create_account(
                session=session,
                household_id=self.id,
                data=NewAccount(name, AccountKind.CHECKING, Money("0", currency)),
            )
        self.accounts[name] = row.id
        return row.id

    async def category(self, name: str, kind: str = "expense") -> uuid.UUID:
        async with self.runtime.sessionmaker() as session, session.begin():
            group = CategoryGroup(household_id=self.id, name=f"{name} group", kind=kind)
            session.add(group)
            await session.flush()
            category = Category(household_id=self.id, group_id=group.id, name=name, kind=kind)
            session.add(category)
            await session.flush()
        self.categories[name] = category.id
        return category.id

    async def add(
        self,
        key: str,
        day: str,
        amount: str,
        payee: str | None = None,
        *,
        account: str = "Checking",
        memo: str | None = None,
        notes: str | None = None,
        tags: Sequence[str] = (),
        category: str | None = None,
        splits: Sequence[tuple[str | None, str]] = (),
        status: TransactionStatus = TransactionStatus.CLEARED,
    ) -> uuid.UUID:
        async with self.runtime.sessionmaker() as session, session.begin():
            row = await create_transaction(
                session=session,
                household_ids=[self.id],
                data=NewTransaction(
                    account_id=self.accounts[account],
                    date=dt.date.fromisoformat(day),
                    amount=Decimal(amount),
                    payee=payee,
                    memo=memo,
                    notes=notes,
                    tags=tags,
                    status=status,
                    category_id=self.categories[category] if category else None,
                    splits=[NewSplit(Decimal(a), self.categories[c] if c else None) for c, a in splits],
                ),
            )
        self.ids[key] = row.id
        return row.id

    def key_of(self, transaction_id: str) -> str:
        return next(k for k, v in self.ids.items() if str(v) == transaction_id)

    async def search(self, **variables: Any) -> dict[str, Any]:
        data = await execute(
            schema, Context(runtime=self.runtime, viewer=self.viewer), SEARCH, h=str(self.id), **variables
        )
        return dict(data["transactions"])

    async def keys(self, **variables: Any) -> list[str]:
        page = await self.search(first=100, **variables)
        assert page["pageInfo"]["hasNextPage"] is False
        return [self.key_of(edge["node"]["id"]) for edge in page["edges"]]


@pytest.fixture
async def home(runtime: Runtime) -> Household:
    household = Household(runtime)
    await household.account("Checking")
    await household.account("Card")
    for name in ("Groceries", "Household", "Restaurants"):
        await household.category(name)
    await household.add("cafe", "2026-03-01", "-4.20", "Café Müller", memo="Cappuccino")
    await household.add("rewe", "2026-03-02", "-61.17", "REWE Markt GmbH", memo="Wocheneinkauf", category="Groceries")
    await household.add("memo", "2026-03-03", "-12.00", "Kiosk", memo="Kaffee für Müller")
    await household.add("amazon", "2026-03-04", "-35.99", "Amazon", account="Card", tags=["gift"],
                        splits=[("Household", "-20.99"), (None, "-15.00")])  # fmt: skip
    await household.add("salary", "2026-03-05", "2500.00", "ACME GmbH", notes="März Gehalt")
    await household.add("dinner", "2026-03-06", "-58.00", "Trattoria Da Mario", tags=["gift", "birthday"],
                        category="Restaurants", status=TransactionStatus.PENDING)  # fmt: skip
    await household.add("pizza", "2026-03-07", "-23.50", "Trattoria Da Mario", category="Restaurants")
    return household


async def test_words_match_payee_memo_notes_and_tags_as_prefixes_without_accents(home: Household) -> None:
    assert await home.keys(filter={"text": "gehalt"}) == ["salary"]  # notes
    assert await home.keys(filter={"text": "birth"}) == ["dinner"]  # a tag, as a prefix
    assert await home.keys(filter={"text": "wochenein"}) == ["rewe"]  # memo
    assert set(await home.keys(filter={"text": "cafe"})) == {"cafe"}  # "Café" without its accent
    assert await home.keys(filter={"text": "MÄRZ"}) == ["salary"]  # case and accents on the query side too
    assert await home.keys(filter={"text": "trattoria mario"}) == ["pizza", "dinner"]  # every word must match
    assert await home.keys(filter={"text": "trattoria sushi"}) == []


async def test_a_payee_match_ranks_above_a_memo_match(home: Household) -> None:
    page = await home.search(filter={"text": "müller"}, sort="RELEVANCE")
    found = [(home.key_of(e["node"]["id"]), e["relevance"]) for e in page["edges"]]
    assert [key for key, _ in found] == ["cafe", "memo"]
    assert found[0][1] > found[1][1] > 0


async def test_a_misspelt_payee_is_found_by_trigram_similarity(home: Household, runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session:
        if not await service.trigram_available(session):
            pytest.fail("pg_trgm is missing from the test database: the migration should have created it")
    assert await home.keys(filter={"text": "amzon"}) == ["amazon"]
    assert await home.keys(filter={"text": "trattria"}) == ["pizza", "dinner"]


async def test_without_trigrams_a_payee_containing_the_text_still_matches(
    home: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "trigram_available", _no_trigrams)
    assert await home.keys(filter={"text": "markt gm"}) == ["rewe"]
    assert await home.keys(filter={"text": "amzon"}) == []


async def _no_trigrams(session: object) -> bool:
    return False


async def test_filters(home: Household) -> None:
    assert await home.keys(filter={"accountIds": [str(home.accounts["Card"])]}) == ["amazon"]
    # A split transaction is found through any of its parts' categories.
    assert await home.keys(filter={"categoryIds": [str(home.categories["Household"])]}) == ["amazon"]
    assert await home.keys(filter={"categoryIds": [str(home.categories["Restaurants"])]}) == ["pizza", "dinner"]
    # No category: nor one on the transaction, nor on one of its split parts.
    assert await home.keys(filter={"uncategorised": True}) == ["salary", "amazon", "memo", "cafe"]
    assert await home.keys(filter={"uncategorised": False}) == ["pizza", "dinner", "rewe"]
    assert await home.keys(filter={"from": "2026-03-03", "to": "2026-03-05"}) == ["salary", "amazon", "memo"]
    # Amounts compare without their sign, in each transaction's currency.
    assert await home.keys(filter={"amountMin": "20", "amountMax": "60"}) == ["pizza", "dinner", "amazon"]
    assert await home.keys(filter={"amountMax": "5"}) == ["cafe"]
    assert await home.keys(filter={"amountMin": "50", "direction": "OUT"}) == ["dinner", "rewe"]
    assert await home.keys(filter={"amountMin": "50", "direction": "IN"}) == ["salary"]
    assert await home.keys(filter={"direction": "IN"}) == ["salary"]
    assert await home.keys(filter={"tags": ["gift"]}) == ["dinner", "amazon"]
    assert await home.keys(filter={"tags": ["#gift", "birthday"]}) == ["dinner"]
    assert await home.keys(filter={"statuses": ["PENDING"]}) == ["dinner"]
    assert await home.keys(filter={"text": "trattoria", "statuses": ["CLEARED"], "direction": "OUT"}) == ["pizza"]
    assert await home.keys(filter={"accountIds": [str(uuid.uuid4()), "not-an-id"]}) == []


async def test_transfers_can_be_left_out_and_are_never_uncategorised(home: Household, runtime: Runtime) -> None:
    out = await home.add("out", "2026-03-08", "-100.00", memo="to card")
    back = await home.add("in", "2026-03-08", "100.00", account="Card", memo="to card")
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(
            update(Transaction).where(Transaction.id.in_([out, back])).values(transfer_id=uuid.uuid4())
        )
    assert set(await home.keys(filter={"transfers": True})) == {"out", "in"}
    assert "out" not in await home.keys(filter={"transfers": False})
    assert "out" not in await home.keys(filter={"uncategorised": True})


async def test_bad_filters_are_clear_errors(home: Household) -> None:
    ctx = Context(runtime=home.runtime, viewer=home.viewer)
    for variables, field in (
        ({"filter": {"from": "2026-03-05", "to": "2026-03-01"}}, "filter.to"),
        ({"filter": {"amountMin": "-5"}}, "filter.amountMin"),
        ({"filter": {"amountMin": "10", "amountMax": "5"}}, "filter.amountMax"),
        ({"filter": {"text": "x" * 201}}, "filter.text"),
        ({"first": 101}, "first"),
        ({"after": "garbage"}, "after"),
    ):
        result = await schema.execute(SEARCH, variable_values={"h": str(home.id), **variables}, context_value=ctx)
        assert result.errors is not None, variables
        assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": field}, result.errors


async def test_a_cursor_only_works_with_its_own_sort(home: Household) -> None:
    page = await home.search(first=2, sort="DATE_DESC")
    result = await schema.execute(
        SEARCH,
        variable_values={"h": str(home.id), "first": 2, "sort": "AMOUNT_ASC", "after": page["pageInfo"]["endCursor"]},
        context_value=Context(runtime=home.runtime, viewer=home.viewer),
    )
    assert result.errors is not None
    assert result.errors[0].message == "invalid cursor for this sort"


@pytest.fixture
async def ties(runtime: Runtime) -> Household:
    """23 transactions on four dates with repeated amounts and payees: sorts must break every tie the same way."""
    household = Household(runtime)
    await household.account("Checking")
    amounts = ["-10.00", "-25.50", "-10.00", "100.00", "-3.20"]
    payees = ["Bäckerei Schmidt", "Bäckerei Schmidt am Markt", "Schmidt & Söhne", "Bakery Smith", None]
    for i in range(23):
        await household.add(
            f"t{i:02d}",
            f"2026-04-0{1 + i % 4}",
            amounts[i % len(amounts)],
            payees[i % len(payees)],
            memo="schmidt" if i % 7 == 0 else None,
        )
    return household


async def all_pages(household: Household, size: int, **variables: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    after = None
    while True:
        page = await household.search(first=size, after=after, **variables)
        seen += [(household.key_of(e["node"]["id"]), e) for e in page["edges"]]
        assert len(page["edges"]) <= size
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("DATE_DESC", lambda e: (dt.date.fromisoformat(e["node"]["date"]), e["node"]["id"])),
        ("DATE_ASC", lambda e: (dt.date.fromisoformat(e["node"]["date"]), e["node"]["id"])),
        ("AMOUNT_DESC", lambda e: (Decimal(e["node"]["amount"]["amount"]), e["node"]["id"])),
        ("AMOUNT_ASC", lambda e: (Decimal(e["node"]["amount"]["amount"]), e["node"]["id"])),
        ("RELEVANCE", lambda e: (e["relevance"], dt.date.fromisoformat(e["node"]["date"]), e["node"]["id"])),
    ],
)
@pytest.mark.parametrize("text", [None, "schmidt"])
async def test_pages_cover_every_match_once_in_order_under_each_sort(
    ties: Household, sort: str, order: Any, text: str | None
) -> None:
    variables: dict[str, Any] = {"sort": sort, "filter": {"text": text} if text else None}
    whole = [key for key, _ in await all_pages(ties, 100, **variables)]
    for size in (1, 3, 4):
        paged = await all_pages(ties, size, **variables)
        assert [key for key, _ in paged] == whole, size
    edges = [edge for _, edge in await all_pages(ties, 100, **variables)]
    keys = [order(e) for e in edges]
    descending = sort in ("DATE_DESC", "AMOUNT_DESC", "RELEVANCE")
    assert keys == sorted(keys, reverse=descending)
    assert len(set(whole)) == len(whole)
    if text is None:
        assert len(whole) == 23
    else:
        # Every "Schmidt" payee, spelt as stored or in a memo; "Bakery Smith" is not close enough.
        assert all(ties.key_of(e["node"]["id"]) for e in edges)
        assert {e["node"]["payee"] for e in edges} >= {
            "Bäckerei Schmidt",
            "Bäckerei Schmidt am Markt",
            "Schmidt & Söhne",
        }
        assert "Bakery Smith" not in {e["node"]["payee"] for e in edges if not (e["node"]["memo"] or "")}


async def test_a_row_added_between_pages_neither_repeats_nor_hides_another(ties: Household) -> None:
    first = await ties.search(first=5, sort="DATE_DESC")
    seen = [ties.key_of(e["node"]["id"]) for e in first["edges"]]
    await ties.add("late", "2026-04-04", "-1.00", "Newcomer")  # sorts among the rows already seen, or before
    after = first["pageInfo"]["endCursor"]
    while after:
        page = await ties.search(first=5, sort="DATE_DESC", after=after)
        seen += [ties.key_of(e["node"]["id"]) for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    older = [k for k in seen if k != "late"]
    assert sorted(older) == sorted(f"t{i:02d}" for i in range(23))
    assert len(older) == len(set(older))


async def test_another_households_transactions_look_missing(home: Household, runtime: Runtime) -> None:
    stranger = Household(runtime)
    await stranger.account("Checking")
    await stranger.add("theirs", "2026-03-01", "-9.99", "Café Müller")
    # Their id answers like an id that does not exist: an empty page.
    for household in (str(home.id), str(uuid.uuid4()), "nonsense"):
        data = await execute(schema, Context(runtime=runtime, viewer=stranger.viewer), SEARCH, h=household)
        assert data["transactions"] == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    # Their own search never reaches into another household, even by its account ids.
    assert await stranger.keys(filter={"text": "müller"}) == ["theirs"]
    assert await stranger.keys(filter={"accountIds": [str(home.accounts["Checking"])]}) == []


async def test_a_page_with_its_accounts_takes_a_fixed_number_of_queries(home: Household, runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session:
        await service.trigram_available(session)  # asked once per process; not part of a search's cost
    with count_statements(runtime.engine) as statements:
        page = await home.search(first=50, filter={"text": "trattoria"})
    assert len(page["edges"]) == 2
    # The plan setting, the text's words, the fuzzy payees, the page, and one batched load of the accounts.
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 5, selects
    with count_statements(runtime.engine) as statements:
        page = await home.search(first=50)
    assert len(page["edges"]) == 7
    assert len(statements) == 3, statements  # the plan setting, the page and the accounts
