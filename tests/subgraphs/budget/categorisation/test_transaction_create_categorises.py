"""``transactionCreate`` without a category: rules first, then a confident learned suggestion; the reason is in
the ``TransactionCreated`` event and on ``Transaction.categorisation``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from fincloud.auth import Viewer
from fincloud.constants import TOPIC_TRANSACTION_CREATED
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.models import outbox
from subgraphs.budget.schema import schema
from subgraphs.budget.services import categorise
from tests.conftest import execute
from tests.factories import make_account, make_viewer
from tests.subgraphs.budget.categorisation.support import record

HISTORY = """
date        payee        memo   amount   category
2026-10-01  Netflix      -      -17.99   Subscriptions
2026-09-01  Netflix      -      -17.99   Subscriptions
2026-08-01  Netflix      -      -17.99   Subscriptions
2026-07-01  Netflix      -      -17.99   Subscriptions
2026-10-11  Bakery       -      -3.20    Eating out
2026-10-12  Bakery       -      -2.90    Eating out
"""
CREATE = """
mutation Create($input: TransactionCreateInput!) {
  transactionCreate(input: $input) {
    transaction {
      id payee
      categorisation { categoryId source reason confidence ruleId applied at }
      categorySuggestion { categoryId source reason confidence }
    }
    errors { __typename message }
  }
}
"""
RULE = """
mutation($input: RuleCreateInput!) { ruleCreate(input: $input) { rule { id } errors { message } } }
"""


@dataclass
class Scene:
    viewer: Viewer
    account_id: uuid.UUID
    categories: dict[str, uuid.UUID]
    rule_id: str


@pytest.fixture
async def scene(runtime: Runtime) -> Scene:
    categorise.forget_learned_models()
    viewer = make_viewer()
    household = viewer.household_ids[0]
    categories: dict[str, uuid.UUID] = {}
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household)
        await record(session, household_id=household, account_id=account.id, text=HISTORY, categories=categories)
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer),
        RULE,
        input={
            "householdId": str(household),
            "name": "Streaming",
            "conditions": [{"field": "PAYEE", "operator": "MATCHES", "value": "^(spotify|disney)"}],
            "setCategoryId": str(categories["Subscriptions"]),
            "setPayee": "Spotify",
            "addTags": ["streaming"],
        },
    )
    return Scene(viewer, account.id, categories, data["ruleCreate"]["rule"]["id"])


async def create(runtime: Runtime, scene: Scene, payee: str, amount: str) -> dict[str, Any]:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=scene.viewer),
        CREATE,
        input={"accountId": str(scene.account_id), "date": "2026-11-28", "amount": amount, "payee": payee},
    )
    payload = data["transactionCreate"]
    assert payload["errors"] == []
    return dict(payload["transaction"])


async def event_of(runtime: Runtime, transaction_id: str) -> dict[str, Any]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(outbox.c.payload).where(outbox.c.topic == TOPIC_TRANSACTION_CREATED))
        return next(r.payload for r in rows if r.payload["transaction_id"] == transaction_id)


async def test_a_matching_rule_categorises_renames_and_tags(runtime: Runtime, scene: Scene) -> None:
    created = await create(runtime, scene, "SPOTIFY AB STOCKHOLM", "-9.99")
    assert created["payee"] == "Spotify"
    why = created["categorisation"]
    assert {k: why[k] for k in ("categoryId", "source", "reason", "confidence", "ruleId", "applied")} == {
        "categoryId": str(scene.categories["Subscriptions"]),
        "source": "RULE",
        "reason": "rule 'Streaming'",
        "confidence": 1.0,
        "ruleId": scene.rule_id,
        "applied": "CREATE",
    }
    assert created["categorySuggestion"] is None  # it has its category
    event = await event_of(runtime, created["id"])
    assert event["category_id"] == str(scene.categories["Subscriptions"])
    assert event["tags"] == ["streaming"]
    assert event["categorisation"] == {
        "source": "rule",
        "reason": "rule 'Streaming'",
        "confidence": 1.0,
        "rule_id": scene.rule_id,
        "rule_ids": [scene.rule_id],
    }


async def test_a_confident_learned_suggestion_is_applied(runtime: Runtime, scene: Scene) -> None:
    created = await create(runtime, scene, "Netflix", "-17.99")
    assert created["categorisation"]["categoryId"] == str(scene.categories["Subscriptions"])
    assert (created["categorisation"]["source"], created["categorisation"]["reason"]) == (
        "LEARNED",
        "learned from 4 similar transactions",
    )
    assert created["categorisation"]["confidence"] == 0.8
    event = await event_of(runtime, created["id"])
    assert event["categorisation"]["reason"] == "learned from 4 similar transactions"


async def test_a_weak_suggestion_is_only_offered(runtime: Runtime, scene: Scene) -> None:
    created = await create(runtime, scene, "Bakery", "-3.00")  # two examples: 0.67
    assert created["categorisation"] is None
    assert created["categorySuggestion"] == {
        "categoryId": str(scene.categories["Eating out"]),
        "source": "LEARNED",
        "reason": "learned from 2 similar transactions",
        "confidence": 0.6667,
    }
    event = await event_of(runtime, created["id"])
    assert event["category_id"] is None
    assert "categorisation" not in event


async def test_nothing_known_leaves_it_uncategorised(runtime: Runtime, scene: Scene) -> None:
    created = await create(runtime, scene, "Hardware store", "-45.00")
    assert (created["categorisation"], created["categorySuggestion"]) == (None, None)
