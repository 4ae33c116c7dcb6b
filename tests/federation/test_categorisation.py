"""Automatic categorisation through the real router: a rule categorises on create, the household's history then
categorises on its own, rules re-run over a range, and a suggestion is accepted."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from fincloud.db import create_engine
from tests.federation.conftest import Client, RunningStack

ACCOUNT_CREATE = """
mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }"""
RULE_CREATE = """
mutation($input: RuleCreateInput!) {
  ruleCreate(input: $input) {
    rule { id name position }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}"""
RULE_UPDATE = """
mutation($input: RuleUpdateInput!) { ruleUpdate(input: $input) { rule { id enabled } errors { message } } }"""
TRANSACTION_CREATE = """
mutation($input: TransactionCreateInput!) {
  transactionCreate(input: $input) {
    transaction {
      id payee
      categorisation { categoryId source reason confidence applied }
      categorySuggestion { categoryId reason confidence }
    }
    errors { message }
  }
}"""
RULES_APPLY = """
mutation($input: RulesApplyInput!) {
  rulesApply(input: $input) {
    result { examined changed dryRun changes { date payeeBefore payeeAfter categoryIdAfter reason transaction { payee } } }
    errors { __typename message }
  }
}"""
ACCEPT = """
mutation($input: CategorySuggestionAcceptInput!) {
  categorySuggestionAccept(input: $input) {
    transaction { categorisation { reason applied } } errors { __typename message }
  }
}"""


@pytest.fixture
async def engine(stack: RunningStack) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(stack.database_url, pool_size=1)
    yield engine
    await engine.dispose()


async def make_category(engine: AsyncEngine, household_id: str, name: str) -> str:
    """Budget has no category mutation yet: categories are made in its database."""
    category_id = str(uuid.uuid4())
    async with engine.begin() as conn:
        group_id = await conn.scalar(
            text(
                "INSERT INTO budget.category_groups (id, household_id, name, kind) "
                "VALUES (gen_random_uuid(), :h, :name, 'expense') RETURNING id"
            ),
            {"h": household_id, "name": name},
        )
        await conn.execute(
            text(
                "INSERT INTO budget.categories (id, household_id, group_id, name, kind) "
                "VALUES (:id, :h, :g, :name, 'expense')"
            ),
            {"id": category_id, "h": household_id, "g": group_id, "name": name},
        )
    return category_id


async def test_rules_and_history_categorise_through_the_router(
    client: Client, new_client: Callable[[], Client], engine: AsyncEngine
) -> None:
    await client.register("Cat")
    household = (await client.run("{ me { households { id } } }"))["me"]["households"][0]["id"]
    account = (await client.run(ACCOUNT_CREATE, input={"name": "Checking", "type": "CHECKING", "currency": "EUR"}))[
        "accountCreate"
    ]["account"]["id"]
    subscriptions = await make_category(engine, household, "Subscriptions")

    async def create(payee: str, date: str = "2026-11-28", amount: str = "-17.99") -> dict:
        data = await client.run(
            TRANSACTION_CREATE, input={"accountId": account, "date": date, "amount": amount, "payee": payee}
        )
        assert data["transactionCreate"]["errors"] == []
        return dict(data["transactionCreate"]["transaction"])

    bad = await client.run(
        RULE_CREATE,
        input={
            "householdId": household,
            "name": "Streaming",
            "conditions": [{"field": "PAYEE", "operator": "MATCHES", "value": "netflix("}],
            "setCategoryId": subscriptions,
        },
    )
    assert bad["ruleCreate"] == {
        "rule": None,
        "errors": [
            {
                "__typename": "ValidationError",
                "message": "not a valid regular expression: missing ): netflix(",
                "field": "conditions[0].value",
            }
        ],
    }
    rule = (
        await client.run(
            RULE_CREATE,
            input={
                "householdId": household,
                "name": "Streaming",
                "conditions": [{"field": "PAYEE", "operator": "MATCHES", "value": "^netflix"}],
                "setCategoryId": subscriptions,
                "setPayee": "Netflix",
            },
        )
    )["ruleCreate"]["rule"]

    first = await create("NETFLIX.COM 866-579", date="2026-08-05")
    assert first["payee"] == "Netflix"
    assert first["categorisation"] == {
        "categoryId": subscriptions,
        "source": "RULE",
        "reason": "rule 'Streaming'",
        "confidence": 1.0,
        "applied": "CREATE",
    }
    await create("Netflix", date="2026-09-05")

    # Without the rule, the household's own history speaks: two examples are only offered; accepted, they grow.
    disabled = await client.run(RULE_UPDATE, input={"id": rule["id"], "enabled": False})
    assert disabled["ruleUpdate"]["errors"] == []
    for date, examples in (("2026-10-05", 2), ("2026-11-05", 3)):
        offered = await create("Netflix", date=date)
        assert offered["categorisation"] is None
        assert offered["categorySuggestion"] == {
            "categoryId": subscriptions,
            "reason": f"learned from {examples} similar transactions",
            "confidence": round(examples / (examples + 1), 4),
        }
        accepted = await client.run(ACCEPT, input={"transactionId": offered["id"], "categoryId": subscriptions})
        assert accepted["categorySuggestionAccept"] == {
            "transaction": {
                "categorisation": {"reason": f"learned from {examples} similar transactions", "applied": "ACCEPT"}
            },
            "errors": [],
        }
    # Four agreeing transactions reach the default threshold of 0.8: applied on create.
    learned = await create("Netflix")
    assert learned["categorisation"] == {
        "categoryId": subscriptions,
        "source": "LEARNED",
        "reason": "learned from 4 similar transactions",
        "confidence": 0.8,
        "applied": "CREATE",
    }

    # Re-running the (re-enabled) rules over November renames what the rule would rename, dry run first.
    await client.run(RULE_UPDATE, input={"id": rule["id"], "enabled": True, "setCategoryId": None, "addTags": ["tv"]})
    dry = await client.run(
        RULES_APPLY,
        input={"householdId": household, "from": "2026-11-01", "to": "2026-11-30", "onlyUncategorised": False},
    )
    assert dry["rulesApply"]["errors"] == []
    assert (dry["rulesApply"]["result"]["changed"], dry["rulesApply"]["result"]["dryRun"]) == (2, True)
    applied = await client.run(
        RULES_APPLY,
        input={"householdId": household, "from": "2026-11-01", "to": "2026-11-30", "dryRun": False},
    )
    assert applied["rulesApply"]["result"]["changed"] == 2
    assert {c["reason"] for c in applied["rulesApply"]["result"]["changes"]} == {"rule 'Streaming'"}
    again = await client.run(
        RULES_APPLY,
        input={"householdId": household, "from": "2026-11-01", "to": "2026-11-30", "dryRun": False},
    )
    assert again["rulesApply"]["result"]["changed"] == 0

    # Another household sees none of it and can change none of it.
    stranger = new_client()
    await stranger.register("Stranger")
    seen = await stranger.run("query($h: ID) { rules(householdId: $h) { edges { node { id } } } }", h=household)
    assert seen["rules"]["edges"] == []
    refused = await stranger.run(
        RULES_APPLY, input={"householdId": household, "from": "2026-11-01", "to": "2026-11-30", "dryRun": False}
    )
    assert refused["rulesApply"] == {
        "result": None,
        "errors": [{"__typename": "NotFoundError", "message": "no such household"}],
    }
    accept = await stranger.run(ACCEPT, input={"transactionId": learned["id"]})
    assert [e["__typename"] for e in accept["categorySuggestionAccept"]["errors"]] == ["NotFoundError"]
