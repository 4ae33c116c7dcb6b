"""``priceSet``: a price by hand for a household's own instrument, never for a listed one; announced to the live price
subscription, and judged by the instrument's alerts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select

from fincloud.auth import Role, Viewer
from fincloud.constants import TOPIC_PRICE_ALERT, TOPIC_PRICES_UPDATED
from fincloud.service import Runtime
from subgraphs.portfolio.models import Price, outbox
from tests.factories import make_viewer
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, run

PRICE_SET = f"""
mutation($input: PriceSetInput!) {{
  priceSet(input: $input) {{ price {{ date price {{ amount currency }} source }} {ERRORS} }}
}}
"""


async def price_set(runtime: Runtime, viewer: Any, instrument_id: str, day: str, price: str) -> dict[str, Any]:
    data = await run(runtime, viewer, PRICE_SET, input={"instrumentId": instrument_id, "date": day, "price": price})
    return dict(data["priceSet"])


async def prices_of(runtime: Runtime, instrument_id: str) -> list[tuple[str, str, str]]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(select(Price).where(Price.instrument_id == uuid.UUID(instrument_id)))
        return [(row.date.isoformat(), format(row.price.normalize(), "f"), row.source) for row in rows]


async def outbox_rows(runtime: Runtime, topic: str) -> list[tuple[uuid.UUID | None, dict[str, Any]]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(outbox.c.household_id, outbox.c.payload).where(outbox.c.topic == topic))
        return [(household_id, payload) for household_id, payload in rows]


async def test_a_household_prices_its_own_instrument_by_hand(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    payload = await price_set(runtime, viewer, house, "2024-03-13", "350000.50")
    assert payload == {
        "price": {
            "date": "2024-03-13",
            "price": {"amount": "350000.5000000000", "currency": "EUR"},
            "source": "manual",
        },
        "errors": [],
    }


async def test_a_price_by_hand_replaces_the_days_price(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    await price_set(runtime, viewer, house, "2024-03-13", "350000")
    await price_set(runtime, viewer, house, "2024-03-13", "351000")
    assert await prices_of(runtime, house) == [("2024-03-13", "351000", "manual")]


async def test_a_price_by_hand_is_announced_to_its_household(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    await price_set(runtime, viewer, house, "2024-03-13", "350000")
    [(household_id, payload)] = await outbox_rows(runtime, TOPIC_PRICES_UPDATED)
    assert household_id == viewer.household_ids[0]
    assert [(p["instrument_id"], p["price"], p["date"], p["source"]) for p in payload["prices"]] == [
        (house, "350000", "2024-03-13", "manual")
    ]


async def test_a_price_by_hand_is_judged_by_the_instruments_alerts(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    alert = await run(
        runtime,
        viewer,
        f"mutation($input: AlertCreateInput!) {{ alertCreate(input: $input) {{ alert {{ id }} {ERRORS} }} }}",
        input={"householdId": str(viewer.household_ids[0]), "kind": "PRICE_ABOVE", "threshold": "400000",
               "instrumentId": house},
    )  # fmt: skip
    assert alert["alertCreate"]["errors"] == []
    await price_set(runtime, viewer, house, "2024-03-12", "350000")
    await price_set(runtime, viewer, house, "2024-03-13", "410000")
    await price_set(runtime, viewer, house, "2024-03-13", "420000")  # still above: no second event
    assert len(await outbox_rows(runtime, TOPIC_PRICE_ALERT)) == 1


async def test_a_listed_instrument_is_refused_with_the_reason(runtime: Runtime) -> None:
    viewer = make_viewer()
    apple = await new_instrument(runtime, viewer, "AAPL", currency="USD", exchange="XNAS")
    payload = await price_set(runtime, viewer, apple, "2024-03-13", "171.13")
    [error] = payload["errors"]
    assert (error["__typename"], error["field"]) == ("ValidationError", "instrumentId")
    assert "priced by the price sources and shared by every household" in error["message"]
    assert await prices_of(runtime, apple) == []


async def test_another_households_instrument_is_not_found(runtime: Runtime) -> None:
    viewer, stranger = make_viewer(), make_viewer()
    theirs = await new_instrument(runtime, stranger, "SECRET", own=True)
    payload = await price_set(runtime, viewer, theirs, "2024-03-13", "10")
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "instrumentId")]
    assert await prices_of(runtime, theirs) == []


async def test_a_member_who_may_only_read_is_refused(runtime: Runtime) -> None:
    owner = make_viewer()
    house = await new_instrument(runtime, owner, "HOUSE", asset_class="REAL_ESTATE", own=True)
    reader = Viewer(user_id=uuid.uuid4(), households={owner.household_ids[0]: Role.VIEWER})
    payload = await price_set(runtime, reader, house, "2024-03-13", "10")
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "instrumentId")]


async def test_a_price_must_be_positive(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    payload = await price_set(runtime, viewer, house, "2024-03-13", "0")
    assert [(e["field"], e["message"]) for e in payload["errors"]] == [("price", "the price must be greater than zero")]


async def test_a_price_has_at_most_ten_decimal_places(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    refused = await price_set(runtime, viewer, house, "2024-03-12", "0.00000000001")
    accepted = await price_set(runtime, viewer, house, "2024-03-13", "0.0000000001000")  # trailing zeros are fine
    assert [(e["field"], e["message"]) for e in refused["errors"]] == [
        ("price", "a price has at most 10 decimal places")
    ]
    assert accepted["errors"] == []
    assert await prices_of(runtime, house) == [("2024-03-13", "0.0000000001", "manual")]


async def test_a_price_for_a_day_after_tomorrow_is_refused(runtime: Runtime) -> None:
    viewer = make_viewer()
    house = await new_instrument(runtime, viewer, "HOUSE", asset_class="REAL_ESTATE", own=True)
    later = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    payload = await price_set(runtime, viewer, house, later, "10")
    assert [e["field"] for e in payload["errors"]] == ["date"]
