"""FinCloud's first slice, end to end through the real router: sign up, record money, see it across subgraphs,
and hear about it live."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import httpx
import jwt
import pytest
import websockets
from sqlalchemy import text
from websockets.typing import Subprotocol

from fincloud.auth import Role, SigningKey
from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.db import create_engine
from tests.conftest import TEST_SERVICE_TOKEN
from tests.federation.conftest import Client, RunningStack, Subscription

ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { id name } errors { __typename message } }
}"""

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id amount { amount currency } } errors { __typename message } }
}"""

PORTFOLIO_CREATE = """
mutation PortfolioCreate($input: PortfolioCreateInput!) {
  portfolioCreate(input: $input) { portfolio { id name } errors { __typename message } }
}"""

TRANSACTION_CREATED = """
subscription {
  transactionCreated {
    eventId payee amount { amount currency }
    transaction { id payee account { name balance { amount } } }
  }
}"""


async def make_account(
    client: Client, name: str = "Joint checking", opening: str = "100.00", type_: str = "CHECKING"
) -> str:
    data = await client.run(
        ACCOUNT_CREATE, input={"name": name, "type": type_, "currency": "EUR", "openingBalance": opening}
    )
    assert data["accountCreate"]["errors"] == []
    return str(data["accountCreate"]["account"]["id"])


async def test_one_query_crosses_budget_and_portfolio(client: Client) -> None:
    await client.register()
    # Linked at once: portfolio waits for budget's account event to reach it.
    account_id = await make_account(client, "Brokerage cash", type_="INVESTMENT")
    created = await client.run(
        PORTFOLIO_CREATE, input={"name": "Retirement", "baseCurrency": "EUR", "accountId": account_id}
    )
    assert created["portfolioCreate"]["errors"] == []
    await client.run(TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "-0.10"})
    await client.run(TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "-0.20"})

    data = await client.run(
        """{ accounts { edges { node {
              name balance { amount currency }
              portfolio { name baseCurrency account { name } }
        } } } }"""
    )
    assert data["accounts"]["edges"] == [
        {
            "node": {
                "name": "Brokerage cash",
                "balance": {"amount": "99.70", "currency": "EUR"},
                "portfolio": {"name": "Retirement", "baseCurrency": "EUR", "account": {"name": "Brokerage cash"}},
            }
        }
    ]


async def test_login_issues_a_token_that_the_router_accepts(client: Client, new_client) -> None:
    registered = await client.register("Grace")
    me = await client.run("{ me { id } }")
    assert me["me"]["id"] == registered["user"]["id"]

    email = (await client.run("{ me { email } }"))["me"]["email"]
    fresh: Client = new_client()
    login = await fresh.run(
        "mutation L($input: LoginInput!) { login(input: $input) { token errors { message } } }",
        input={"email": email, "password": "correct horse battery"},
    )
    fresh.token = login["login"]["token"]
    assert (await fresh.run("{ me { id } }"))["me"]["id"] == registered["user"]["id"]


async def wait_until_live(subscription: Subscription, client: Client, account_id: str) -> None:
    """A subscription goes live a moment after it is sent (router → subgraph → Redis); the protocol has no
    acknowledgement, so probe with zero-amount transactions until one is heard."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        await client.run(TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "0"})
        try:
            await subscription.next(timeout=0.5)
            return
        except TimeoutError:
            continue
    raise AssertionError("the subscription never went live")


async def test_a_subscriber_hears_a_mutation_through_the_router(stack: RunningStack, client: Client) -> None:
    await client.register()
    account_id = await make_account(client, name="Wallet")
    subscription = await Subscription.open(
        stack.router_url, TRANSACTION_CREATED, connection_params={"authorization": f"Bearer {client.token}"}
    )
    try:
        await wait_until_live(subscription, client, account_id)
        sent = time.monotonic()
        created = await client.run(
            TRANSACTION_CREATE,
            input={"accountId": account_id, "date": "2026-11-28", "amount": "-3.50", "payee": "Bakery"},
        )
        message = await subscription.next(timeout=10)
        latency = time.monotonic() - sent
    finally:
        await subscription.close()
    assert message["type"] == "next", message
    event = message["payload"]["data"]["transactionCreated"]
    assert event["payee"] == "Bakery"
    assert event["amount"] == {"amount": "-3.50", "currency": "EUR"}
    assert event["transaction"] == {
        "id": created["transactionCreate"]["transaction"]["id"],
        "payee": "Bakery",
        "account": {"name": "Wallet", "balance": {"amount": "96.50"}},  # probes were zero
    }
    print(f"mutation → subscriber latency through the router: {latency * 1000:.0f} ms")


async def test_subscribers_hear_only_their_own_households(stack: RunningStack, client: Client, new_client) -> None:
    await client.register("Alice")
    other: Client = new_client()
    await other.register("Bob")
    account_id = await make_account(client)
    eavesdropper = await Subscription.open(
        stack.router_url, TRANSACTION_CREATED, connection_params={"authorization": f"Bearer {other.token}"}
    )
    own_account = await make_account(other, name="Bob's")
    try:
        await wait_until_live(eavesdropper, other, own_account)
        await client.run(TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "1"})
        with pytest.raises(TimeoutError):
            await eavesdropper.next(timeout=1.5)
        await other.run(TRANSACTION_CREATE, input={"accountId": own_account, "date": "2026-11-28", "amount": "2"})
        heard = await eavesdropper.next(timeout=10)
        assert heard["payload"]["data"]["transactionCreated"]["amount"]["amount"] == "2.00"
    finally:
        await eavesdropper.close()


async def test_the_worker_turns_the_event_into_an_inbox_item(client: Client) -> None:
    await client.register()
    account_id = await make_account(client, name="Savings")
    await client.run(
        TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-27", "amount": "250", "payee": "Salary"}
    )
    deadline = time.monotonic() + 15
    while True:
        items = (await client.run("{ inbox { edges { node { title body kind } } } }"))["inbox"]["edges"]
        if items or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    [item] = [i["node"] for i in items]
    # Rendered for the member in their locale (English and UTC until they choose): the amount with its currency.
    assert (item["title"], item["kind"]) == ("€250.00 · Salary", "transaction_created")
    assert item["body"].startswith("€250.00 on Savings, Nov 27, 2026: Salary")


async def test_the_sweep_cron_publishes_what_the_live_relay_missed(stack: RunningStack, client: Client) -> None:
    """An outbox row committed without a NOTIFY (as after a relay outage) is published by the cron sweep."""
    engine = create_engine(stack.database_url, pool_size=1)
    event_id = uuid.uuid4()
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO budget.outbox (id, topic, household_id, payload, occurred_at) "
                    "VALUES (:id, 'budget.sweep_probe', NULL, '{}'::jsonb, now() - interval '1 minute')"
                ),
                {"id": event_id},
            )
        deadline = time.monotonic() + 40
        published = None
        while time.monotonic() < deadline:
            async with engine.connect() as conn:
                published = await conn.scalar(
                    text("SELECT published_at FROM budget.outbox WHERE id = :id"), {"id": event_id}
                )
            if published is not None:
                break
            await asyncio.sleep(0.5)
        assert published is not None, "the outbox sweep cron did not run"
    finally:
        await engine.dispose()


async def test_another_households_account_looks_missing(client: Client, new_client) -> None:
    await client.register("Owner")
    account_id = await make_account(client)
    stranger: Client = new_client()
    await stranger.register("Stranger")
    data = await stranger.run("query A($id: ID!) { account(id: $id) { name } }", id=account_id)
    assert data == {"account": None}
    denied = await stranger.run(
        TRANSACTION_CREATE, input={"accountId": account_id, "date": "2026-11-28", "amount": "1"}
    )
    assert denied["transactionCreate"]["errors"] == [{"__typename": "NotFoundError", "message": "no such account"}]


async def test_anonymous_and_forged_callers(client: Client) -> None:
    query = "{ accounts { edges { node { id } } } }"
    response = await client.post(query)
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    victim = await client.register()
    claims = jwt.decode(victim["token"], options={"verify_signature": False})
    header = jwt.get_unverified_header(victim["token"])
    forger = SigningKey.generate()
    for forged in [
        jwt.encode(claims, forger._private, algorithm="RS256", headers={"kid": header["kid"]}),  # right kid, wrong key
        forger.issue(user_id=uuid.UUID(claims["sub"]), households=[], ttl=timedelta(minutes=5)),  # unknown kid
        "not-a-token",
    ]:
        client.token = forged
        refused = await client.post(query)
        assert refused.status_code in (400, 401), refused.text
        assert refused.json().get("data") is None


async def test_subgraphs_refuse_anyone_but_the_router(stack: RunningStack, http: httpx.AsyncClient) -> None:
    for name in ("identity", "budget", "portfolio", "notification"):
        response = await http.post(stack.subgraph_url(name), json={"query": "{ __typename }"})
        assert response.status_code == 403, name
    socket = await websockets.connect(
        stack.subgraph_url("notification").replace("http://", "ws://"),
        subprotocols=[Subprotocol("graphql-transport-ws")],
    )
    await socket.send('{"type": "connection_init", "payload": {}}')
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_bad_input_through_the_router_is_typed_and_changes_nothing(client: Client) -> None:
    await client.register()
    bad = await client.run(
        ACCOUNT_CREATE, input={"name": "Cash", "type": "CASH", "currency": "EUR", "openingBalance": "1.234"}
    )
    assert bad["accountCreate"]["account"] is None
    assert bad["accountCreate"]["errors"][0]["__typename"] == "ValidationError"
    assert (await client.run("{ accounts { edges { node { id } } } }"))["accounts"]["edges"] == []


async def test_graphiql_is_served_in_dev_only(stack: RunningStack, http: httpx.AsyncClient) -> None:
    page = await http.get(stack.router_url, headers={"accept": "text/html"})
    assert "<title>FinCloud</title>" not in page.text


async def test_subgraphs_verify_forwarded_tokens_themselves(
    stack: RunningStack, http: httpx.AsyncClient, client: Client
) -> None:
    """Zero trust: even with the service credential, a subgraph checks the token's signature on its own."""
    victim = await client.register()
    claims = jwt.decode(victim["token"], options={"verify_signature": False})
    forged = SigningKey.generate().issue(
        user_id=uuid.UUID(claims["sub"]),
        households=[(uuid.UUID(h["id"]), Role.OWNER) for h in claims["households"]],
        ttl=timedelta(minutes=5),
    )
    response = await http.post(
        stack.subgraph_url("budget"),
        json={"query": "{ accounts { edges { node { id } } } }", "extensions": {"jwt": {"token": {"value": forged}}}},
        headers={SERVICE_TOKEN_HEADER: TEST_SERVICE_TOKEN},
    )
    assert response.status_code == 401


async def test_router_serves_prometheus_metrics_and_cors(stack: RunningStack, http: httpx.AsyncClient) -> None:
    base = stack.router_url.removesuffix("/graphql")
    metrics = await http.get(f"{base}/metrics")
    assert metrics.status_code == 200
    assert "graphql_" in metrics.text

    allowed = f"http://127.0.0.1:{stack.web_port}"
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
    ok = await http.options(stack.router_url, headers={"origin": allowed, **preflight})
    assert ok.headers.get("access-control-allow-origin") == allowed
    other = await http.options(stack.router_url, headers={"origin": "https://evil.example", **preflight})
    assert other.headers.get("access-control-allow-origin") in (None, "null")
