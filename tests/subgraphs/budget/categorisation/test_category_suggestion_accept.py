from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from fincloud.auth import Role, Viewer
from fincloud.constants import TOPIC_TRANSACTION_UPDATED
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.models import Transaction, outbox
from subgraphs.budget.schema import schema
from subgraphs.budget.services import categorise
from tests.conftest import execute
from tests.factories import count_statements, make_account, make_viewer
from tests.subgraphs.budget.categorisation.support import record

HISTORY = """
date        payee        memo   amount   category
2026-10-11  Bakery       -      -3.20    Eating out
2026-10-12  Bakery       -      -2.90    Eating out
2026-11-20  Bakery       -      -4.10    -
2026-11-21  Hardware     -      -45.00   -
"""
ACCEPT = """
mutation Accept($input: CategorySuggestionAcceptInput!) {
  categorySuggestionAccept(input: $input) {
    transaction { id categorisation { categoryId source reason applied } categorySuggestion { categoryId } }
    suggestion { categoryId reason }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""
SUGGESTIONS = """
query($id: ID!) {
  account(id: $id) {
    transactions(first: 100) { edges { node { payee categorySuggestion { categoryId reason confidence source } } } }
  }
}
"""


@dataclass
class Scene:
    viewer: Viewer
    account_id: uuid.UUID
    categories: dict[str, uuid.UUID]
    ids: list[uuid.UUID]


@pytest.fixture
async def scene(runtime: Runtime) -> Scene:
    categorise.forget_learned_models()
    viewer = make_viewer()
    categories: dict[str, uuid.UUID] = {}
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0])
        ids = await record(
            session, household_id=viewer.household_ids[0], account_id=account.id, text=HISTORY, categories=categories
        )
    return Scene(viewer, account.id, categories, ids)


async def accept(runtime: Runtime, viewer: Viewer, **input_: Any) -> dict[str, Any]:
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), ACCEPT, input=input_)
    return dict(data["categorySuggestionAccept"])


async def category_of(runtime: Runtime, transaction_id: uuid.UUID) -> uuid.UUID | None:
    async with runtime.sessionmaker() as session:
        return await session.scalar(select(Transaction.category_id).where(Transaction.id == transaction_id))


async def test_the_suggestion_shows_on_uncategorised_transactions_only(runtime: Runtime, scene: Scene) -> None:
    data = await execute(schema, Context(runtime=runtime, viewer=scene.viewer), SUGGESTIONS, id=str(scene.account_id))
    by_payee = [(e["node"]["payee"], e["node"]["categorySuggestion"]) for e in data["account"]["transactions"]["edges"]]
    eating_out = str(scene.categories["Eating out"])
    assert by_payee == [
        ("Hardware", None),
        ("Bakery", {"categoryId": eating_out, "reason": "learned from 2 similar transactions", "confidence": 0.6667, "source": "LEARNED"}),
        ("Bakery", None),
        ("Bakery", None),
    ]  # fmt: skip


async def test_suggestions_for_a_page_cost_a_fixed_number_of_queries(runtime: Runtime, scene: Scene) -> None:
    async with runtime.sessionmaker() as session:
        for _ in range(20):
            await record(
                session,
                household_id=scene.viewer.household_ids[0],
                account_id=scene.account_id,
                text="date  payee  memo  amount  category\n2026-11-22  Bakery  -  -1.00  -",
                categories=scene.categories,
            )
    context = Context(runtime=runtime, viewer=scene.viewer)
    await execute(schema, context, SUGGESTIONS, id=str(scene.account_id))  # the model is kept from here on
    with count_statements(runtime.engine) as statements:
        data = await execute(
            schema, Context(runtime=runtime, viewer=scene.viewer), SUGGESTIONS, id=str(scene.account_id)
        )
    assert sum(1 for e in data["account"]["transactions"]["edges"] if e["node"]["categorySuggestion"]) == 21
    # the account, its page, the transactions by id, the categoriser: settings, categories, rules, payee defaults,
    # aliases (and the model's fingerprint, two statements, once it is older than a few seconds): no query per
    # transaction.
    assert len(statements) <= 10, statements


async def test_accepting_applies_records_and_announces(runtime: Runtime, scene: Scene) -> None:
    bakery = scene.ids[2]
    eating_out = scene.categories["Eating out"]
    payload = await accept(runtime, scene.viewer, transactionId=str(bakery), categoryId=str(eating_out))
    assert payload["errors"] == []
    assert payload["suggestion"] == {"categoryId": str(eating_out), "reason": "learned from 2 similar transactions"}
    assert payload["transaction"]["categorisation"] == {
        "categoryId": str(eating_out),
        "source": "LEARNED",
        "reason": "learned from 2 similar transactions",
        "applied": "ACCEPT",
    }
    assert payload["transaction"]["categorySuggestion"] is None
    assert await category_of(runtime, bakery) == eating_out
    async with runtime.sessionmaker() as session:
        [event] = (
            await session.execute(select(outbox.c.payload).where(outbox.c.topic == TOPIC_TRANSACTION_UPDATED))
        ).all()
    assert (event.payload["before"], event.payload["after"]) == (
        {"category_id": None},
        {"category_id": str(eating_out)},
    )
    assert event.payload["cause"] == "accept"

    again = await accept(runtime, scene.viewer, transactionId=str(bakery))
    assert again["errors"] == [
        {
            "__typename": "ValidationError",
            "message": "there is no suggestion for this transaction",
            "field": "transactionId",
        }
    ]


async def test_a_changed_suggestion_or_none_at_all_is_refused(runtime: Runtime, scene: Scene) -> None:
    stale = await accept(runtime, scene.viewer, transactionId=str(scene.ids[2]), categoryId=str(uuid.uuid4()))
    assert stale["errors"] == [
        {
            "__typename": "ValidationError",
            "message": "the suggestion has changed; look at it again",
            "field": "categoryId",
        }
    ]
    nothing = await accept(runtime, scene.viewer, transactionId=str(scene.ids[3]))
    assert [e["field"] for e in nothing["errors"]] == ["transactionId"]
    assert await category_of(runtime, scene.ids[2]) is None


async def test_strangers_and_viewers_cannot_accept(runtime: Runtime, scene: Scene) -> None:
    reader = Viewer(user_id=uuid.uuid4(), households={scene.viewer.household_ids[0]: Role.VIEWER})
    for viewer in (make_viewer(), reader):
        for transaction_id in (str(scene.ids[2]), str(uuid.uuid4())):
            payload = await accept(runtime, viewer, transactionId=transaction_id)
            assert payload == {
                "transaction": None,
                "suggestion": None,
                "errors": [{"__typename": "NotFoundError", "message": "no such transaction", "field": "transactionId"}],
            }
    assert await category_of(runtime, scene.ids[2]) is None
