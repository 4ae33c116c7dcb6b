"""The ledger's read side: balances (as of a date, by status, in the base currency), payees, category groups, and
the number of SQL statements the main lists take."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import resolved_rates, store_rates
from subgraphs.budget.services.ledger import TransactionStatus
from tests.factories import count_statements
from tests.subgraphs.budget.ledger_support import D, as_role, household

BALANCES = """
query Balances($id: ID!, $asOf: Date, $statuses: [TransactionStatus!]) {
  account(id: $id) {
    balance { amount currency }
    asOf: balance(asOf: $asOf) { amount }
    filtered: balance(statuses: $statuses) { amount }
    clearedBalance { amount } unclearedBalance { amount }
    clearedAsOf: clearedBalance(asOf: $asOf) { amount }
  }
}
"""
BASE = """
query Base($id: ID!, $asOf: Date) {
  account(id: $id) {
    baseCurrencyBalance(asOf: $asOf) {
      __typename
      ... on ConvertedMoney { amount { amount currency } rate { rate source rateDate derivation } }
      ... on FxRateMissing { message base quote }
    }
  }
}
"""


async def test_balances_as_of_a_date_and_by_status_are_exact_sums(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account(opening="0.10")
    async with runtime.sessionmaker() as session, session.begin():
        row = await session.get(type(account), account.id)
        assert row is not None
        row.opening_date = dt.date(2026, 11, 1)
    await home.transaction(account, "0.20", on=dt.date(2026, 11, 1))
    await home.transaction(account, "-0.30", on=dt.date(2026, 11, 15), status=TransactionStatus.PENDING)
    await home.transaction(account, "1000000000.01", on=dt.date(2026, 12, 1))
    data = await home.run(BALANCES, id=str(account.id), asOf="2026-11-15", statuses=["PENDING"])
    assert data["account"] == {
        "balance": {"amount": "1000000000.01", "currency": "EUR"},
        "asOf": {"amount": "0.00"},  # 0.1 + 0.2 - 0.3, exactly
        "filtered": {"amount": "-0.20"},  # opening 0.10 and the pending -0.30
        "clearedBalance": {"amount": "1000000000.31"},
        "unclearedBalance": {"amount": "-0.30"},
        "clearedAsOf": {"amount": "0.30"},
    }
    before_opening = await home.run(BALANCES, id=str(account.id), asOf="2026-10-31", statuses=None)
    assert before_opening["account"]["asOf"] == {"amount": "0.00"}  # the opening balance counts from its date


async def test_the_base_currency_balance_says_which_rate_it_used_or_that_there_is_none(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account("Dollars", "USD", opening="100.00")
    missing = await home.run(BASE, id=str(account.id), asOf="2026-11-27")
    assert missing["account"]["baseCurrencyBalance"] == {
        "__typename": "FxRateMissing",
        "message": "no USD→EUR exchange rate between 2026-11-20 and 2026-11-27",
        "base": "USD",
        "quote": "EUR",
    }
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(
            session=session,
            source="ecb",
            rates=[PublishedRate("EUR", "USD", dt.date(2026, 11, 26), D("1.0939"))],
        )
    converted = await home.run(BASE, id=str(account.id), asOf="2026-11-27")
    assert converted["account"]["baseCurrencyBalance"] == {
        "__typename": "ConvertedMoney",
        "amount": {"amount": "91.42", "currency": "EUR"},  # 100 / 1.0939 = 91.4160...
        "rate": {
            "rate": "0.9141603437242892403327543651",
            "source": "ecb",
            "rateDate": "2026-11-26",
            "derivation": "INVERSE",
        },
    }
    await home.run(
        'mutation($h: ID!) { budgetSettingsUpdate(input: {householdId: $h, baseCurrency: "USD"}) { errors { message } } }',
        h=str(home.id),
    )
    same = await home.run(BASE, id=str(account.id), asOf="2026-11-27")
    assert same["account"]["baseCurrencyBalance"]["amount"] == {"amount": "100.00", "currency": "USD"}
    assert same["account"]["baseCurrencyBalance"]["rate"]["derivation"] == "IDENTITY"


async def test_payees_are_listed_by_name_with_a_prefix_and_only_for_the_household(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    for payee in ["Édeka", "Aldi Süd", "edeka center", "Aldi Nord", "Lidl"]:
        await home.transaction(account, "-1.00", payee=payee)
    query = """query($h: ID, $p: String, $after: String) { payees(householdId: $h, prefix: $p, first: 2, after: $after) {
                 nodes { name } pageInfo { hasNextPage endCursor } } }"""
    names, after = [], None
    while True:
        page = (await home.run(query, after=after))["payees"]
        names += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == ["Aldi Nord", "Aldi Süd", "Édeka", "edeka center", "Lidl"]  # by key: accents and case aside
    edeka = (await home.run(query, p="EDE"))["payees"]["nodes"]
    assert sorted(n["name"] for n in edeka) == ["edeka center", "Édeka"]
    assert (await home.run(query, p="100%"))["payees"]["nodes"] == []
    stranger = await household(runtime)
    assert (await home.run(query, viewer=stranger.viewer, h=str(home.id)))["payees"]["nodes"] == []
    assert len((await home.run(query, viewer=as_role(home, Role.VIEWER)))["payees"]["nodes"]) == 2


async def test_another_households_category_groups_are_empty(runtime: Runtime) -> None:
    home = await household(runtime)
    await home.category("Rent")
    stranger = await household(runtime)
    query = "query($h: ID) { categoryGroups(householdId: $h) { nodes { name } pageInfo { hasNextPage } } }"
    assert (await home.run(query, h=str(home.id)))["categoryGroups"]["nodes"] == [{"name": "Group of Rent"}]
    assert (await home.run(query, viewer=stranger.viewer, h=str(home.id)))["categoryGroups"] == {
        "nodes": [],
        "pageInfo": {"hasNextPage": False},
    }


async def test_the_database_refuses_splits_that_do_not_sum_to_the_amount(runtime: Runtime) -> None:
    """The services check the parts; a deferred trigger checks them again at commit, whoever writes."""
    home = await household(runtime)
    account = await home.account()
    food = await home.category("Food")
    tx = await home.transaction(account, "-10.00", splits=[("-4.00", food), ("-6.00", None)])
    with pytest.raises(IntegrityError, match="sum to"):
        async with runtime.engine.begin() as conn:
            await conn.execute(text("UPDATE budget.splits SET amount = -5 WHERE amount = -4"))
    with pytest.raises(IntegrityError, match="sum to"):
        async with runtime.engine.begin() as conn:
            await conn.execute(text("DELETE FROM budget.splits WHERE amount = -4"))
    with pytest.raises(IntegrityError, match="sum to"):
        async with runtime.engine.begin() as conn:
            await conn.execute(text("UPDATE budget.transactions SET amount = -11 WHERE id = :id"), {"id": tx.id})
    async with runtime.engine.begin() as conn:  # moving money between the parts keeps the sum
        await conn.execute(text("UPDATE budget.splits SET amount = amount + 1 WHERE amount = -4"))
        await conn.execute(text("UPDATE budget.splits SET amount = amount - 1 WHERE amount = -6"))


ACCOUNTS = """
{ accounts(first: 50) { nodes {
    name balance { amount } clearedBalance { amount } unclearedBalance { amount }
    baseCurrencyBalance { __typename ... on ConvertedMoney { amount { amount } } }
} } }
"""
TRANSACTIONS = """
query($id: ID!) { account(id: $id) { transactions(first: 100) { nodes {
    amount { amount } category { name group { name } } normalizedPayee { name aliases { alias } }
    splits { amount { amount } category { name } }
    transfer { realisedRate counterpartAccount { name } counterpartTransaction { id } }
} } } }
"""


async def statements_for(runtime: Runtime, run) -> int:
    with count_statements(runtime.engine) as statements:
        await run()
    return len(statements)


@pytest.mark.parametrize("rows", [3, 12])
async def test_the_accounts_list_with_balances_takes_a_fixed_number_of_queries(runtime: Runtime, rows: int) -> None:
    home = await household(runtime)
    for i in range(rows):
        account = await home.account(f"A{i:02}", "USD" if i % 2 else "EUR", opening="10")
        await home.transaction(
            account, "-1.00", status=TransactionStatus.PENDING if i % 3 else TransactionStatus.CLEARED
        )
    resolved_rates.clear()
    count = await statements_for(runtime, lambda: home.run(ACCOUNTS))
    data = await home.run(ACCOUNTS)
    assert len(data["accounts"]["nodes"]) == rows
    # The page, the sums by status, the household's settings, the rates' version and the rates: five, however
    # many accounts (four once the rates are known).
    assert count == 5
    assert await statements_for(runtime, lambda: home.run(ACCOUNTS)) == 4


@pytest.mark.parametrize("rows", [4, 16])
async def test_a_page_of_transactions_with_their_details_takes_a_fixed_number_of_queries(
    runtime: Runtime, rows: int
) -> None:
    home = await household(runtime)
    account, savings = await home.account("Checking"), await home.account("Savings")
    food, fun = await home.category("Food"), await home.category("Fun")
    for i in range(rows // 4):
        await home.transaction(account, "-1.00", payee=f"Shop {i}", category=food)
        await home.transaction(account, "-3.00", payee=f"Bar {i}", splits=[("-1.00", food), ("-2.00", fun)])
        await home.transfer(account, savings, "5.00")
    count = await statements_for(runtime, lambda: home.run(TRANSACTIONS, id=str(account.id)))
    nodes = (await home.run(TRANSACTIONS, id=str(account.id)))["account"]["transactions"]["nodes"]
    assert len(nodes) == rows // 4 * 3
    assert {n["transfer"]["counterpartAccount"]["name"] for n in nodes if n["transfer"]} == {"Savings"}
    # The account, the page, payees, their aliases, categories (of transactions, then of split parts), groups,
    # splits, transfer legs (both: the counterparts come with them), counterpart accounts: ten, however many rows.
    assert count == 10
