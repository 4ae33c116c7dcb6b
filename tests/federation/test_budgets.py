"""Budgets through the real router and worker: set a budget, spend against it, see budget vs actual, hear the
budget change live, and get the threshold alert once."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import jwt
import pytest
import websockets
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from fincloud.auth import Role, load_or_create_signing_key
from fincloud.constants import TOPIC_BUDGET_THRESHOLD_EXCEEDED
from fincloud.db import create_engine, make_sessionmaker
from subgraphs.budget.models import outbox
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from tests.conftest import today
from tests.federation.conftest import Client, RunningStack, Subscription
from tests.subgraphs.budget.budgets.support import make_category


def this_month() -> str:
    """The current month, asked when used (a test may run after midnight on the last day of a month)."""
    return today().strftime("%Y-%m")


BUDGET_MONTH = """
query($h: ID!, $month: String!) {
  budgetMonth(householdId: $h, month: $month) {
    month currency budgeted activity available uncategorized
    lines { name budgeted activity available progress }
  }
}"""

BUDGET_CHANGED = """
subscription($h: ID!) {
  budgetChanged(householdId: $h) { householdId months reason budgetMonths { month activity } }
}"""


@pytest.fixture
async def stack_engine(stack: RunningStack) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(stack.database_url, pool_size=2)
    yield engine
    await engine.dispose()


async def household_of(client: Client) -> str:
    me = await client.run("{ me { households { id } } }")
    return str(me["me"]["households"][0]["id"])


async def account(client: Client, name: str = "Joint") -> str:
    data = await client.run(
        """mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }""",
        input={"name": name, "type": "CHECKING", "currency": "EUR"},
    )
    return str(data["accountCreate"]["account"]["id"])


async def record(engine: AsyncEngine, household: str, account_id: str, amount: str, category: uuid.UUID) -> None:
    """A categorised transaction through the ledger service (categories are not in the GraphQL API yet); its
    event reaches the worker like any other."""
    async with make_sessionmaker(engine)() as session, session.begin():
        await create_transaction(
            session=session,
            household_ids=[uuid.UUID(household)],
            data=NewTransaction(
                account_id=uuid.UUID(account_id),
                date=today(),
                amount=Decimal(amount),
                payee="Market",
                memo=None,
                category_id=category,
            ),
        )


async def until(condition: Any, *, within: float = 20) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = await condition()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.2)


async def test_budget_vs_actual_live_and_alerted_once(
    stack: RunningStack, client: Client, new_client: Any, stack_engine: AsyncEngine
) -> None:
    await client.register("Budgeter")
    household = await household_of(client)
    account_id = await account(client)
    async with make_sessionmaker(stack_engine)() as session:
        groceries = await make_category(session, household_id=uuid.UUID(household), name="Groceries")

    settings = await client.run(
        """mutation($input: BudgetSettingsUpdateInput!) {
             budgetSettingsUpdate(input: $input) { settings { thresholdLevels } errors { message } } }""",
        input={"householdId": household, "thresholdLevels": [50, 100]},
    )
    assert settings["budgetSettingsUpdate"] == {"settings": {"thresholdLevels": [50, 100]}, "errors": []}
    set_ = await client.run(
        """mutation($input: BudgetSetInput!) {
             budgetSet(input: $input) { budgetMonth { budgeted } errors { message } } }""",
        input={"categoryId": str(groceries.id), "month": this_month(), "amount": "100.00"},
    )
    assert set_["budgetSet"] == {"budgetMonth": {"budgeted": "100.00"}, "errors": []}

    mallory: Client = new_client()
    await mallory.register("Nosy")
    own = await household_of(mallory)
    subscription = await Subscription.open(
        stack.router_url,
        BUDGET_CHANGED,
        connection_params={"authorization": f"Bearer {client.token}"},
        variables={"h": household},
    )
    eavesdropper = await Subscription.open(
        stack.router_url,
        BUDGET_CHANGED,
        connection_params={"authorization": f"Bearer {mallory.token}"},
        variables={"h": household},
    )
    try:
        # Live once it hears a change of its own: re-set the same amount until one arrives.
        deadline = time.monotonic() + 20
        while True:
            await client.run(
                """mutation($input: BudgetSetInput!) { budgetSet(input: $input) { errors { message } } }""",
                input={"categoryId": str(groceries.id), "month": this_month(), "amount": "100.00"},
            )
            try:
                probe = await subscription.next(timeout=0.5)
                assert probe["type"] == "next", probe
                break
            except TimeoutError:
                assert time.monotonic() < deadline, "the subscription never went live"
        await record(stack_engine, household, account_id, "-60.00", groceries.id)
        heard = None
        while heard is None:
            message = await subscription.next(timeout=15)
            event = message["payload"]["data"]["budgetChanged"]
            if event["reason"] == "transaction":
                heard = event
        assert heard == {
            "householdId": household,
            "months": [this_month()],
            "reason": "transaction",
            "budgetMonths": [{"month": this_month(), "activity": "-60.00"}],
        }
        with pytest.raises(TimeoutError):
            await eavesdropper.next(timeout=1.5)
    finally:
        await subscription.close()
        await eavesdropper.close()
    assert own != household

    await client.run(
        """mutation($input: TransactionCreateInput!) { transactionCreate(input: $input) { errors { message } } }""",
        input={"accountId": account_id, "date": today().isoformat(), "amount": "-5.00", "payee": "Kiosk"},
    )
    data = await client.run(BUDGET_MONTH, h=household, month=this_month())
    assert data["budgetMonth"] == {
        "month": this_month(),
        "currency": "EUR",
        "budgeted": "100.00",
        "activity": "-60.00",
        "available": "40.00",
        "uncategorized": "-5.00",
        "lines": [
            {"name": "Groceries", "budgeted": "100.00", "activity": "-60.00", "available": "40.00", "progress": 0.6}
        ],
    }
    assert (await mallory.run(BUDGET_MONTH, h=household, month=this_month())) == {"budgetMonth": None}

    async def alerts() -> list[dict[str, Any]]:
        async with stack_engine.connect() as conn:
            rows = await conn.execute(
                select(outbox.c.payload)
                .where(outbox.c.topic == TOPIC_BUDGET_THRESHOLD_EXCEEDED, outbox.c.household_id == uuid.UUID(household))
                .order_by(outbox.c.occurred_at)
            )
            return [json.loads(p) if isinstance(p, str) else dict(p) for (p,) in rows.all()]

    found = await until(alerts)
    assert [(a["category_name"], a["level"], a["spent"]) for a in found] == [("Groceries", 50, "60.00")]
    # More spending under 100 % and a repeated amount change announce nothing again.
    await record(stack_engine, household, account_id, "-10.00", groceries.id)
    await client.run(
        """mutation($input: BudgetSetInput!) { budgetSet(input: $input) { errors { message } } }""",
        input={"categoryId": str(groceries.id), "month": this_month(), "amount": "100.00"},
    )
    await asyncio.sleep(1.5)
    assert [a["level"] for a in await alerts()] == [50]
    await record(stack_engine, household, account_id, "-30.00", groceries.id)
    assert [a["level"] for a in await until(lambda: _two(alerts))] == [50, 100]


async def _two(alerts: Any) -> list[dict[str, Any]]:
    found = await alerts()
    return found if len(found) >= 2 else []


async def test_a_budget_subscription_ends_when_its_token_expires(stack: RunningStack, client: Client) -> None:
    await client.register("Brief")
    household = await household_of(client)
    key = load_or_create_signing_key(pem=None, path=stack.settings.jwt_key_path, create=False)
    short = key.issue(
        user_id=uuid.uuid4(), households=[(uuid.UUID(household), Role.OWNER)], ttl=dt.timedelta(seconds=4)
    )
    expires = jwt.decode(short, options={"verify_signature": False})["exp"]
    subscription = await Subscription.open(
        stack.router_url,
        BUDGET_CHANGED,
        connection_params={"authorization": f"Bearer {short}"},
        variables={"h": household},
    )
    models = iter(["ENVELOPE", "LIMITS"] * 50)

    async def change() -> None:
        await client.run(
            """mutation($input: BudgetSettingsUpdateInput!) { budgetSettingsUpdate(input: $input) { errors { message } } }""",
            input={"householdId": household, "model": next(models)},
        )

    after: list[dict[str, Any]] = []
    try:
        while True:  # live before it expires
            assert time.time() < expires, "the subscription never went live"
            await change()
            try:
                if (await subscription.next(timeout=0.5))["type"] == "next":
                    break
            except TimeoutError:
                continue
        await asyncio.sleep(max(0.0, expires - time.time()) + 1)
        await change()
        closed = False
        with contextlib.suppress(TimeoutError):
            while True:
                try:
                    after.append(await subscription.next(timeout=3))
                except websockets.ConnectionClosed:
                    closed = True
                    break
    finally:
        await subscription.close()
    delivered = [m for m in after if m["type"] == "next" and (m["payload"].get("data") or {}).get("budgetChanged")]
    assert not delivered, f"an expired token still hears budget changes: {delivered}"
    # Ended, one way or another: an error, a completion, or a closed socket.
    assert closed or any(m["type"] in ("error", "complete") or m["payload"].get("errors") for m in after), after
