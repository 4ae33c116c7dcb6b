from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fincloud.auth import Role
from fincloud.constants import TOPIC_BUDGET_CHANGED
from fincloud.service import Runtime
from subgraphs.budget.budgets.models import BudgetAmount
from subgraphs.budget.models import Category, Payee
from subgraphs.budget.services.categories import CategoryKind
from tests.subgraphs.budget.ledger_support import ERRORS, D, as_role, events, fingerprint, household, only_error

MERGE = f"""
mutation Merge($input: CategoryMergeInput!) {{
  categoryMerge(input: $input) {{
    category {{ name }} merged {{ name archived mergedInto {{ name }} }} transactionsMoved splitsMoved {ERRORS}
  }}
}}
"""
TRANSACTIONS = "{ accounts { nodes { transactions { nodes { category { name } splits { category { name } } } } } } }"


async def test_merging_moves_transactions_and_split_parts_and_archives_the_source(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    group = await home.group("Food")
    groceries, supermarket = await home.category("Groceries", group), await home.category("Supermarket", group)
    older = await home.category("Grocer", group)
    await home.run(MERGE, input={"sourceId": str(older.id), "targetId": str(supermarket.id)})
    await home.transaction(account, "-5.00", category=supermarket, payee="Aldi")
    await home.transaction(account, "-9.00", splits=[("-4.00", supermarket), ("-5.00", groceries)])
    async with runtime.sessionmaker() as session, session.begin():
        row = await session.scalar(select(Payee).where(Payee.name == "Aldi"))
        assert row is not None
        row.default_category_id = supermarket.id
    data = await home.run(MERGE, input={"sourceId": str(supermarket.id), "targetId": str(groceries.id)})
    assert data["categoryMerge"] == {
        "category": {"name": "Groceries"},
        "merged": {"name": "Supermarket", "archived": True, "mergedInto": {"name": "Groceries"}},
        "transactionsMoved": 1,
        "splitsMoved": 1,
        "errors": [],
    }
    nodes = (await home.run(TRANSACTIONS))["accounts"]["nodes"][0]["transactions"]["nodes"]
    assert {(n["category"] or {}).get("name") for n in nodes} == {"Groceries", None}
    assert [s["category"]["name"] for n in nodes for s in n["splits"]] == ["Groceries", "Groceries"]
    assert (await home.get(Payee, row.id)).default_category_id == groceries.id
    assert (await home.get(Category, older.id)).merged_into_id == groceries.id  # earlier merges follow along


async def test_bad_input_is_a_typed_error_and_changes_nothing(runtime: Runtime) -> None:
    home = await household(runtime)
    food = await home.group("Food")
    groceries, restaurants = await home.category("Groceries", food), await home.category("Restaurants", food)
    salary = await home.category("Salary", await home.group("Income", CategoryKind.INCOME))
    await home.run(MERGE, input={"sourceId": str(restaurants.id), "targetId": str(groceries.id)})
    before = await fingerprint(runtime)
    for source, target, field, message in [
        (groceries, groceries, "targetId", "a category cannot be merged into itself"),
        (salary, groceries, "targetId", "merge an income category into another income category"),
        (restaurants, groceries, "sourceId", "the category was already merged into another"),
        (groceries, restaurants, "targetId", "the category is archived; unarchive it or choose another"),
    ]:
        data = await home.run(MERGE, input={"sourceId": str(source.id), "targetId": str(target.id)})
        assert only_error(data["categoryMerge"]) == {
            "__typename": "ValidationError",
            "message": message,
            "field": field,
        }
    assert await fingerprint(runtime) == before


async def test_another_households_categories_look_missing_and_viewers_cannot_merge(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Food")
    mine, also_mine = await home.category("Groceries", group), await home.category("Restaurants", group)
    stranger = await household(runtime)
    theirs = await stranger.category("Groceries")
    before = await fingerprint(runtime)
    for viewer, source, target, field in [
        (home.viewer, theirs, mine, "sourceId"),
        (home.viewer, mine, theirs, "targetId"),
        (stranger.viewer, mine, also_mine, "sourceId"),
        (as_role(home, Role.VIEWER), mine, also_mine, "sourceId"),
    ]:
        data = await home.run(MERGE, viewer=viewer, input={"sourceId": str(source.id), "targetId": str(target.id)})
        assert only_error(data["categoryMerge"]) == {
            "__typename": "NotFoundError",
            "message": "no such category",
            "field": field,
        }
    assert await fingerprint(runtime) == before


async def test_the_merged_categorys_budget_amounts_join_the_targets(runtime: Runtime) -> None:
    home = await household(runtime)
    group = await home.group("Food")
    groceries, supermarket = await home.category("Groceries", group), await home.category("Supermarket", group)
    november, december = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    async with runtime.sessionmaker() as session, session.begin():
        session.add_all(
            [
                BudgetAmount(household_id=home.id, category_id=groceries.id, month=november, amount=D("100.00")),
                BudgetAmount(household_id=home.id, category_id=supermarket.id, month=november, amount=D("50.50")),
                BudgetAmount(household_id=home.id, category_id=supermarket.id, month=december, amount=D("20.00")),
            ]
        )
    await home.run(MERGE, input={"sourceId": str(supermarket.id), "targetId": str(groceries.id)})
    async with runtime.sessionmaker() as session:
        rows = (await session.execute(select(BudgetAmount.category_id, BudgetAmount.month, BudgetAmount.amount))).all()
    assert sorted((c, m, a) for c, m, a in rows) == [
        (groceries.id, november, D("150.50")),
        (groceries.id, december, D("20.00")),
    ]
    [changed] = await events(runtime, TOPIC_BUDGET_CHANGED)
    assert changed.payload["reason"] == "categories_merged"
    assert changed.payload["months"] == []  # every month: the activity moved too
