"""A portfolio through the real router and worker: linked to a budget investment account, priced by hand, its
figures read across subgraphs (``Account.portfolio``), prices heard live, and a price alert written once per
crossing."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from fincloud.constants import TOPIC_PRICE_ALERT
from fincloud.db import create_engine, make_sessionmaker
from subgraphs.portfolio.models import outbox
from tests.federation.conftest import Client, RunningStack, Subscription
from tests.subgraphs.portfolio.test_portfolio_import import COMPLETE

ERRORS = "errors { __typename message }"


@pytest.fixture
async def stack_engine(stack: RunningStack) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(stack.database_url, pool_size=2)
    yield engine
    await engine.dispose()


async def create(client: Client, field: str, node: str, **input_: Any) -> str:
    document = f"""mutation($input: {field[0].upper()}{field[1:]}Input!) {{
        {field}(input: $input) {{ {node} {{ id }} {ERRORS} }} }}"""
    data = (await client.run(document, input=input_))[field]
    assert data["errors"] == [], data
    return str(data[node]["id"])


async def set_price(client: Client, instrument: str, date: str, price: str) -> None:
    data = await client.run(
        f"mutation($input: PriceSetInput!) {{ priceSet(input: $input) {{ price {{ date }} {ERRORS} }} }}",
        input={"instrumentId": instrument, "date": date, "price": price},
    )
    assert data["priceSet"]["errors"] == [], data


async def alert_events(engine: AsyncEngine, household: str) -> int:
    """Price alerts written for ``household`` (the stack's database is shared by the whole federation suite)."""
    async with make_sessionmaker(engine)() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.topic == TOPIC_PRICE_ALERT, outbox.c.household_id == uuid.UUID(household))
            )
            or 0
        )


async def test_a_portfolio_across_the_router(stack: RunningStack, client: Client, stack_engine: AsyncEngine) -> None:
    await client.register("Investor")
    household = (await client.run("{ me { households { id } } }"))["me"]["households"][0]["id"]
    account = await create(client, "accountCreate", "account", name="Broker", type="INVESTMENT", currency="EUR")
    portfolio = await create(
        client, "portfolioCreate", "portfolio", name="Long term", baseCurrency="EUR", accountId=account
    )
    house = await create(
        client, "instrumentCreate", "instrument", householdId=household, symbol="FLAT", name="The flat",
        currency="EUR", assetClass="REAL_ESTATE",
    )  # fmt: skip
    await set_price(client, house, "2026-01-05", "100")
    await set_price(client, house, "2026-06-01", "150")
    # Ten units bought at 100 (funded from outside), worth 150 each in June: +50 % by every measure.
    await create(client, "activityCreate", "activity", portfolioId=portfolio, instrumentId=house, kind="BUY",
                 date="2026-01-05", quantity="10", price="100")  # fmt: skip
    refused = await client.run(
        f"mutation($input: ActivityCreateInput!) {{ activityCreate(input: $input) {{ activity {{ id }} {ERRORS} }} }}",
        input={"portfolioId": portfolio, "instrumentId": house, "kind": "SELL", "date": "2026-02-01",
               "quantity": "11", "price": "120"},
    )  # fmt: skip
    assert refused["activityCreate"]["activity"] is None
    assert refused["activityCreate"]["errors"][0]["__typename"] == "ValidationError"

    data = await client.run(
        """query($from: Date!, $to: Date!) { accounts(first: 5) { edges { node { name portfolio {
             name holdings(asOf: "2026-06-30") { quantity valueBase { amount currency } unrealisedGainBase { amount } }
             performance(from: $from, to: $to, periods: []) { timeWeighted { value } simpleRoi { value }
               absoluteGain { amount } }
             allocation(dimension: ASSET_CLASS, asOf: "2026-06-30") { key weight } } } } } }""",
        **{"from": "2026-01-05", "to": "2026-06-30"},
    )
    [edge] = data["accounts"]["edges"]
    linked = edge["node"]["portfolio"]
    assert linked["name"] == "Long term"
    assert linked["holdings"] == [
        {"quantity": "10", "valueBase": {"amount": "1500.00", "currency": "EUR"}, "unrealisedGainBase": {"amount": "500.00"}}
    ]  # fmt: skip
    [row] = linked["performance"]
    assert row["timeWeighted"]["value"] == pytest.approx(0.5)
    assert row["simpleRoi"]["value"] == pytest.approx(0.5)
    assert row["absoluteGain"]["amount"] == "500.00"
    assert linked["allocation"] == [{"key": "real_estate", "weight": 1.0}]


async def test_prices_live_and_alerts_once_per_crossing(
    stack: RunningStack, client: Client, stack_engine: AsyncEngine
) -> None:
    await client.register("Watcher")
    household = (await client.run("{ me { households { id } } }"))["me"]["households"][0]["id"]
    portfolio = await create(client, "portfolioCreate", "portfolio", name="Watched", baseCurrency="EUR")
    gold = await create(
        client, "instrumentCreate", "instrument", householdId=household, symbol="BAR", name="Gold bar",
        currency="EUR", assetClass="COMMODITY",
    )  # fmt: skip
    await set_price(client, gold, "2026-11-02", "1000")
    await create(client, "activityCreate", "activity", portfolioId=portfolio, instrumentId=gold, kind="BUY",
                 date="2026-11-02", quantity="1", price="1000")  # fmt: skip
    await create(client, "alertCreate", "alert", householdId=household, kind="PRICE_ABOVE", threshold="1100",
                 instrumentId=gold)  # fmt: skip

    subscription = await Subscription.open(
        stack.router_url,
        "subscription { pricesUpdated { instrumentId price { amount currency } date source } }",
        connection_params={"authorization": f"Bearer {client.token}"},
    )
    try:
        heard: dict[str, Any] = {}
        deadline = time.monotonic() + 20
        while not heard and time.monotonic() < deadline:
            await set_price(client, gold, "2026-11-03", "1050")
            with contextlib.suppress(TimeoutError):
                message = await subscription.next(1.0)
                if message["type"] == "next":
                    heard = message["payload"]["data"]["pricesUpdated"]
        assert heard["instrumentId"] == gold, heard
        assert Decimal(heard["price"]["amount"]) == Decimal(1050)
        assert (heard["price"]["currency"], heard["date"], heard["source"]) == ("EUR", "2026-11-03", "manual")
    finally:
        await subscription.close()

    assert await alert_events(stack_engine, household) == 0
    await set_price(client, gold, "2026-11-04", "1120")  # crosses 1,100
    await set_price(client, gold, "2026-11-05", "1150")  # still above: no second alert
    assert await alert_events(stack_engine, household) == 1
    await set_price(client, gold, "2026-11-06", "1080")  # back below: re-armed
    await set_price(client, gold, "2026-11-09", "1101")  # crosses again
    assert await alert_events(stack_engine, household) == 2
    alerts = await client.run("{ alerts { edges { node { armed lastValue lastTriggeredAt } } } }")
    [node] = [edge["node"] for edge in alerts["alerts"]["edges"]]
    assert node["armed"] is False
    assert node["lastTriggeredAt"] is not None


PORTFOLIO_IMPORT = """mutation($input: PortfolioImportInput!) { portfolioImport(input: $input) {
  newCount duplicateCount rowErrors { line message } positionCheck { symbol brokerUnits portfolioUnits matches }
  errors { __typename message } } }"""


async def import_statement(client: Client, portfolio: str, data: bytes, filename: str) -> dict[str, Any]:
    """``portfolioImport`` as a browser sends it through the router: multipart/form-data, with the CSRF header."""
    operations = {"query": PORTFOLIO_IMPORT, "variables": {"input": {"portfolioId": portfolio, "file": None}}}
    response = await client.http.post(
        client.url,
        headers={"authorization": f"Bearer {client.token}", "x-fincloud-csrf": "1"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (filename, data, "application/x-ofx")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"]["portfolioImport"])


async def test_a_broker_statement_imports_once_through_the_router(stack: RunningStack, client: Client) -> None:
    await client.register("Importer")
    portfolio = await create(client, "portfolioCreate", "portfolio", name="Broker", baseCurrency="USD")
    first = await import_statement(client, portfolio, COMPLETE, "broker.ofx")
    assert (first["newCount"], first["duplicateCount"], first["rowErrors"], first["errors"]) == (2, 0, [], [])
    assert first["positionCheck"] == [{"symbol": "AAPL", "brokerUnits": "6", "portfolioUnits": "6", "matches": True}]
    again = await import_statement(client, portfolio, COMPLETE, "broker.ofx")
    assert (again["newCount"], again["duplicateCount"]) == (0, 2)
    held = await client.run(
        """query($id: ID!) { portfolio(id: $id) { holdings { instrument { symbol } quantity realisedGain { amount } } } }""",
        id=portfolio,
    )
    # 10 bought at 150.25, 4 sold at 160 (no fees): (160 - 150.25) x 4 = 39.00 realised.
    assert held["portfolio"]["holdings"] == [
        {"instrument": {"symbol": "AAPL"}, "quantity": "6", "realisedGain": {"amount": "39.00"}}
    ]
