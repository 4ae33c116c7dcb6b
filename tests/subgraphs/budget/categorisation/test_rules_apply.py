from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from fincloud.auth import Role, Viewer
from fincloud.constants import TOPIC_TRANSACTION_UPDATED
from fincloud.service import Runtime
from subgraphs.budget.categorisation.models import TransactionCategorisation
from subgraphs.budget.context import Context
from subgraphs.budget.models import Split, Transaction, outbox
from subgraphs.budget.schema import schema
from subgraphs.budget.services.ledger import NewSplit, NewTransaction, create_transaction
from tests.conftest import execute
from tests.factories import make_account, make_category, make_viewer
from tests.subgraphs.budget.categorisation.support import record

LEDGER = """
date        payee            memo              amount   category
2026-10-30  REWE Markt       Kartenzahlung     -12.00   -
2026-11-02  REWE Markt       Kartenzahlung     -54.20   -
2026-11-05  rewe city        -                 -8.10    Household
2026-11-09  AMZN Mktp DE     Order 1           -19.99   -
2026-11-12  Bakery           -                 -3.20    -
2026-11-20  REWE Markt       transfer leg      -100.00  -
2026-12-01  REWE Markt       Kartenzahlung     -30.00   -
"""
APPLY = """
mutation Apply($input: RulesApplyInput!) {
  rulesApply(input: $input) {
    result {
      examined changed dryRun
      changes {
        transactionId date categoryIdBefore categoryIdAfter categoryChanges payeeBefore payeeAfter tagsBefore tagsAfter
        reason ruleIds transaction { id payee }
      }
    }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}
"""
CREATE = """
mutation($input: RuleCreateInput!) { ruleCreate(input: $input) { rule { id } errors { message } } }
"""


@dataclass
class Scene:
    viewer: Viewer
    household: uuid.UUID
    categories: dict[str, uuid.UUID]
    ids: list[uuid.UUID]
    rules: dict[str, str]


@pytest.fixture
async def scene(runtime: Runtime) -> Scene:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    categories: dict[str, uuid.UUID] = {}
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household)
        ids = await record(session, household_id=household, account_id=account.id, text=LEDGER, categories=categories)
        categories["Groceries"] = (await make_category(session, household_id=household, name="Groceries")).id
        async with session.begin():
            await session.execute(update(Transaction).where(Transaction.id == ids[5]).values(transfer_id=uuid.uuid4()))
    context = Context(runtime=runtime, viewer=viewer)
    rules = {}
    steps: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("Groceries", {"field": "PAYEE", "operator": "CONTAINS", "value": "rewe"},
         {"setCategoryId": str(categories["Groceries"]), "addTags": ["food"]}),
        ("Amazon", {"field": "PAYEE", "operator": "STARTS_WITH", "value": "amzn"}, {"setPayee": "Amazon"}),
    ]  # fmt: skip
    for name, condition, actions in steps:
        data = await execute(
            schema,
            context,
            CREATE,
            input={"householdId": str(household), "name": name, "conditions": [condition], **actions},
        )
        rules[name] = data["ruleCreate"]["rule"]["id"]
    return Scene(viewer, household, categories, ids, rules)


async def apply(runtime: Runtime, scene: Scene, viewer: Viewer | None = None, **input_: Any) -> dict[str, Any]:
    data = await execute(
        schema,
        Context(runtime=runtime, viewer=viewer or scene.viewer),
        APPLY,
        input={"householdId": str(scene.household), "from": "2026-11-01", "to": "2026-11-30", **input_},
    )
    return dict(data["rulesApply"])


async def ledger(runtime: Runtime) -> list[tuple[Any, ...]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Transaction.date, Transaction.payee, Transaction.category_id, Transaction.tags).order_by(
                Transaction.date
            )
        )
        return [tuple(r) for r in rows]


async def events(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(outbox.c.payload).where(outbox.c.topic == TOPIC_TRANSACTION_UPDATED))
        return [r.payload for r in rows]


async def test_a_dry_run_shows_what_would_change_and_changes_nothing(runtime: Runtime, scene: Scene) -> None:
    before = await ledger(runtime)
    payload = await apply(runtime, scene)  # dry run and only uncategorised are the defaults
    assert payload["errors"] == []
    result = payload["result"]
    assert (result["examined"], result["changed"], result["dryRun"]) == (4, 3, True)
    groceries = str(scene.categories["Groceries"])
    assert [
        (c["date"], c["categoryIdAfter"], c["payeeAfter"], c["tagsAfter"], c["reason"]) for c in result["changes"]
    ] == [
        ("2026-11-02", groceries, None, ["food"], "rule 'Groceries'"),
        ("2026-11-05", None, None, ["food"], "rule 'Groceries'"),  # has a category: only the tag
        ("2026-11-09", None, "Amazon", None, "rule 'Amazon'"),
    ]
    assert result["changes"][0]["categoryChanges"] is True
    assert result["changes"][1]["categoryChanges"] is False
    assert await ledger(runtime) == before
    assert await events(runtime) == []


async def test_applying_changes_the_range_and_announces_each_change(runtime: Runtime, scene: Scene) -> None:
    payload = await apply(runtime, scene, dryRun=False)
    assert (payload["result"]["changed"], payload["result"]["dryRun"]) == (3, False)
    groceries, household = scene.categories["Groceries"], scene.categories["Household"]
    assert await ledger(runtime) == [
        (scene_date("2026-10-30"), "REWE Markt", None, []),  # before the range
        (scene_date("2026-11-02"), "REWE Markt", groceries, ["food"]),
        (scene_date("2026-11-05"), "rewe city", household, ["food"]),
        (scene_date("2026-11-09"), "Amazon", None, []),
        (scene_date("2026-11-12"), "Bakery", None, []),
        (scene_date("2026-11-20"), "REWE Markt", None, []),  # a transfer leg: untouched
        (scene_date("2026-12-01"), "REWE Markt", None, []),  # after the range
    ]
    announced = sorted(await events(runtime), key=lambda e: e["date"])
    assert [(e["date"], e["before"], e["after"]) for e in announced] == [
        ("2026-11-02", {"category_id": None, "tags": []}, {"category_id": str(groceries), "tags": ["food"]}),
        ("2026-11-05", {"tags": []}, {"tags": ["food"]}),
        (
            "2026-11-09",
            {"payee": "AMZN Mktp DE", "payee_id": announced[2]["before"]["payee_id"]},
            {"payee": "Amazon", "payee_id": announced[2]["payee_id"]},
        ),
    ]
    assert announced[0]["cause"] == "rules_apply"
    assert announced[0]["rule_ids"] == [scene.rules["Groceries"]]
    assert announced[0]["category_id"] == str(groceries)
    assert announced[0]["amount"] == "-54.20"
    async with runtime.sessionmaker() as session:
        [why] = (await session.scalars(select(TransactionCategorisation))).all()
    assert (why.transaction_id, why.source, why.reason, why.applied_by) == (
        scene.ids[1],
        "rule",
        "rule 'Groceries'",
        "rerun",
    )

    again = await apply(runtime, scene, dryRun=False)
    assert again["result"]["changed"] == 0  # nothing left to do: running twice changes nothing twice


async def test_rules_can_replace_categories_when_asked(runtime: Runtime, scene: Scene) -> None:
    payload = await apply(runtime, scene, onlyUncategorised=False, dryRun=False)
    assert payload["result"]["changed"] == 3
    rows = await ledger(runtime)
    assert rows[2][2] == scene.categories["Groceries"]  # "rewe city" moved from Household


async def test_a_split_keeps_its_parts(runtime: Runtime, scene: Scene) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        account_id = (
            await session.execute(select(Transaction.account_id).where(Transaction.id == scene.ids[1]))
        ).scalar_one()
        split = await create_transaction(
            session=session,
            household_ids=[scene.household],
            data=NewTransaction(
                account_id,
                dt.date(2026, 11, 3),
                Decimal("-30.00"),
                "REWE Markt",
                None,
                splits=[NewSplit(Decimal("-20.00")), NewSplit(Decimal("-10.00"))],
            ),
        )
    payload = await apply(runtime, scene, onlyUncategorised=False, dryRun=False)
    change = next(c for c in payload["result"]["changes"] if c["transactionId"] == str(split.id))
    assert (change["categoryChanges"], change["tagsAfter"]) == (False, ["food"])
    async with runtime.sessionmaker() as session:
        row = await session.get(Transaction, split.id)
        assert row is not None
        assert row.category_id is None
        assert row.is_split
        assert len((await session.scalars(select(Split).where(Split.transaction_id == split.id))).all()) == 2


async def test_bad_ranges_strangers_and_viewers_are_refused(runtime: Runtime, scene: Scene) -> None:
    before = await ledger(runtime)
    backwards = await apply(runtime, scene, **{"from": "2026-12-01", "to": "2026-11-01", "dryRun": False})  # type: ignore[arg-type]
    assert backwards == {
        "result": None,
        "errors": [{"__typename": "ValidationError", "message": "the range ends before it starts", "field": "to"}],
    }
    reader = Viewer(user_id=uuid.uuid4(), households={scene.household: Role.VIEWER})
    for viewer in (reader, make_viewer()):
        payload = await apply(runtime, scene, viewer=viewer, dryRun=False)
        assert payload["result"] is None
        assert [e["__typename"] for e in payload["errors"]] == ["NotFoundError"]
    assert await ledger(runtime) == before
    assert await events(runtime) == []


def scene_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


async def test_long_ranges_go_in_batches(runtime: Runtime, scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of one row: every row is still seen once, and the changes are the same as in one batch."""
    from subgraphs.budget.services import rules

    monkeypatch.setattr(rules, "_BATCH", 1)
    dry = await apply(runtime, scene, **{"from": "2026-10-01", "to": "2026-12-31"})  # type: ignore[arg-type]
    assert (dry["result"]["examined"], dry["result"]["changed"]) == (6, 5)
    done = await apply(runtime, scene, **{"from": "2026-10-01", "to": "2026-12-31", "dryRun": False})  # type: ignore[arg-type]
    assert [c["date"] for c in done["result"]["changes"]] == [c["date"] for c in dry["result"]["changes"]]
    assert len(await events(runtime)) == 5
