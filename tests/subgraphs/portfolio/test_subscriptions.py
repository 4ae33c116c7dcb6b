"""``pricesUpdated`` in-process, on the real Redis hub: prices stored and announced in a transaction, relayed
from the outbox as the worker does, and delivered to the viewers who follow the instrument, and to no one else."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from arq import ArqRedis

from fincloud.auth import Viewer
from fincloud.broadcast import Hub
from fincloud.constants import TOPIC_PRICES_UPDATED
from fincloud.db import utcnow
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.schema import schema
from subgraphs.portfolio.services.prices import StoredQuote, store_prices
from subgraphs.portfolio.subscriptions import announce_prices
from tests.factories import make_viewer
from tests.subgraphs.budget.test_subscriptions import Answers
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, new_portfolio, ok, run
from workers.outbox import make_relay

SUBSCRIBE = """subscription($ids: [ID!]) {
  pricesUpdated(instrumentIds: $ids) { instrumentId price { amount currency } date source instrument { symbol } }
}"""
MARCH_13 = dt.date(2024, 3, 13)


@pytest.fixture
async def hub(runtime: Runtime) -> AsyncIterator[Hub]:
    broadcast = Hub(runtime.settings.REDIS_URL or "")
    await broadcast.connect()
    runtime.broadcast = broadcast
    try:
        yield broadcast
    finally:
        runtime.broadcast = None
        await broadcast.disconnect()


async def subscribe(runtime: Runtime, viewer: Viewer, **variables: Any) -> Answers:
    results = await schema.subscribe(SUBSCRIBE, variable_values=variables, context_value=Context(runtime, viewer))
    assert hasattr(results, "__anext__"), results
    return Answers(results)


def probe(instrument_id: str) -> Event:
    """A prices-updated event published straight to the hub, until the subscription is live (it has no
    acknowledgement)."""
    entry = {"instrument_id": instrument_id, "price": "1", "currency": "USD", "date": "2024-03-01", "source": "probe",
             "as_of": "2024-03-01T20:00:00+00:00"}  # fmt: skip
    return Event(uuid.uuid4(), TOPIC_PRICES_UPDATED, None, utcnow(), {"prices": [entry]})


async def priced(runtime: Runtime, pool: ArqRedis, instrument_id: str, price: str) -> None:
    """What the price job does for one instrument: store its price and announce it in one transaction; then what
    the worker's relay does: publish the committed event."""
    async with runtime.sessionmaker() as session, session.begin():
        quote = StoredQuote(uuid.UUID(instrument_id), MARCH_13, Decimal(price), "USD", "yahoo", utcnow())
        await store_prices(session=session, quotes=[quote])
        await announce_prices(session=session, instrument_ids=[uuid.UUID(instrument_id)])
    await make_relay({"redis": pool, "engine": runtime.engine}).relay_schema("portfolio")


async def holder(runtime: Runtime) -> tuple[Viewer, str, str]:
    """A viewer whose household bought Apple, and Microsoft, which it never traded: the viewer and both ids."""
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")
    apple = await new_instrument(runtime, viewer, "AAPL", currency="USD", exchange="XNAS")
    microsoft = await new_instrument(runtime, viewer, "MSFT", currency="USD", exchange="XNAS")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2024-03-07", instrumentId=apple, quantity="1", price="169")
    return viewer, apple, microsoft


async def test_a_held_instrument_is_delivered_and_one_not_held_never(
    runtime: Runtime, hub: Hub, pool: ArqRedis
) -> None:
    viewer, apple, microsoft = await holder(runtime)
    answers = await subscribe(runtime, viewer)
    try:
        await answers.next(hub, probe=probe(apple))
        await answers.drain(hub)  # the answers to the other probes

        await priced(runtime, pool, microsoft, "415.10")
        await priced(runtime, pool, apple, "171.13")

        answer = await answers.next(hub)
        assert answer.errors is None, answer.errors
        assert answer.data == {
            "pricesUpdated": {
                "instrumentId": apple,
                "price": {"amount": "171.13", "currency": "USD"},
                "date": "2024-03-13",
                "source": "yahoo",
                "instrument": {"symbol": "AAPL"},
            }
        }
        with pytest.raises(TimeoutError):
            await answers.next(hub, timeout=1.0)
    finally:
        await answers.close()


async def test_a_watched_instrument_is_delivered(runtime: Runtime, hub: Hub, pool: ArqRedis) -> None:
    viewer, apple, microsoft = await holder(runtime)
    created = await run(
        runtime,
        viewer,
        f"mutation($input: AlertCreateInput!) {{ alertCreate(input: $input) {{ alert {{ id }} {ERRORS} }} }}",
        input={"householdId": str(viewer.household_ids[0]), "kind": "PRICE_BELOW", "threshold": "300",
               "instrumentId": microsoft},
    )  # fmt: skip
    assert created["alertCreate"]["errors"] == []
    answers = await subscribe(runtime, viewer, ids=[microsoft])
    try:
        await answers.next(hub, probe=probe(microsoft))
        await answers.drain(hub)
        await priced(runtime, pool, apple, "171.13")  # held, but not asked for
        await priced(runtime, pool, microsoft, "415.10")
        answer = await answers.next(hub)
        assert answer.data["pricesUpdated"]["instrumentId"] == microsoft
    finally:
        await answers.close()


async def test_a_viewer_who_does_not_follow_the_instrument_hears_nothing(
    runtime: Runtime, hub: Hub, pool: ArqRedis
) -> None:
    _, apple, _ = await holder(runtime)
    stranger, _, _ = await holder(runtime)  # bought Apple too: the same listed instrument
    outsider = make_viewer()
    house = await new_instrument(runtime, outsider, "HOUSE", asset_class="REAL_ESTATE", own=True)
    outsider_answers = await subscribe(runtime, outsider)
    stranger_answers = await subscribe(runtime, stranger)
    try:
        await outsider_answers.next(hub, probe=probe(house))  # its own instrument: live now
        await outsider_answers.drain(hub)
        await stranger_answers.next(hub, probe=probe(apple))
        await stranger_answers.drain(hub)
        await priced(runtime, pool, apple, "171.13")
        assert (await stranger_answers.next(hub)).data["pricesUpdated"]["instrumentId"] == apple
        with pytest.raises(TimeoutError):
            await outsider_answers.next(hub, timeout=1.0)
    finally:
        await outsider_answers.close()
        await stranger_answers.close()


async def test_the_subscription_ends_when_the_token_expires(runtime: Runtime, hub: Hub) -> None:
    viewer = make_viewer()
    short = Viewer(viewer.user_id, viewer.households, expires_at=utcnow() + dt.timedelta(seconds=1))
    answers = await subscribe(runtime, short)
    try:
        ended = await answers.next(hub, timeout=5)
        assert ended.errors is not None
        assert ended.errors[0].extensions == {"code": "UNAUTHENTICATED"}
    finally:
        await answers.close()
