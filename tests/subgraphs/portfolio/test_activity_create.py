"""``instrumentCreate``, ``activityCreate`` and ``activityDelete``: what may be recorded, and bad input refused with
nothing written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.portfolio.models import Activity, Instrument
from tests.factories import make_viewer
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, new_portfolio, ok, record, run


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


INSTRUMENT_CREATE = f"""
mutation($input: InstrumentCreateInput!) {{
  instrumentCreate(input: $input) {{ created instrument {{ id symbol isin userDefined assetClass }} {ERRORS} }}
}}
"""


async def test_a_listed_instrument_is_shared_and_an_own_one_is_private(runtime: Runtime) -> None:
    alice, bob = make_viewer(), make_viewer()
    spec = {"symbol": "aapl", "name": "Apple Inc.", "currency": "usd", "assetClass": "EQUITY", "exchange": "XNAS",
            "isin": "US0378331005"}  # fmt: skip
    first = (await run(runtime, alice, INSTRUMENT_CREATE, input=spec))["instrumentCreate"]
    again = (await run(runtime, bob, INSTRUMENT_CREATE, input=spec))["instrumentCreate"]
    assert first["created"] is True
    assert again["created"] is False
    assert first["instrument"] == again["instrument"]
    assert first["instrument"]["symbol"] == "AAPL"
    assert first["instrument"]["userDefined"] is False

    house = await new_instrument(runtime, alice, "HOUSE", asset_class="REAL_ESTATE", own=True)
    seen = await run(runtime, bob, "query($id: ID!) { instrument(id: $id) { id } }", id=house)
    assert seen["instrument"] is None
    mine = await run(runtime, alice, "query($id: ID!) { instrument(id: $id) { id userDefined } }", id=house)
    assert mine["instrument"] == {"id": house, "userDefined": True}


async def test_a_wrong_isin_check_digit_is_refused(runtime: Runtime) -> None:
    viewer = make_viewer()
    data = await run(
        runtime,
        viewer,
        INSTRUMENT_CREATE,
        input={"symbol": "AAPL", "name": "", "currency": "USD", "assetClass": "EQUITY", "isin": "US0378331006"},
    )
    assert data["instrumentCreate"]["errors"][0]["field"] == "isin"
    assert await count(runtime, Instrument) == 0


async def test_activities_are_recorded_with_exact_decimals(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    acme = await new_instrument(runtime, viewer, "ACME")
    payload = await record(
        runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="0.1234567891",
        price="101.23", fee="1.5",
    )  # fmt: skip
    assert payload["errors"] == []
    assert payload["activity"] == {
        "id": payload["activity"]["id"], "kind": "BUY", "quantity": "0.1234567891", "price": "101.23",
        "currency": "EUR",
    }  # fmt: skip


async def test_bad_input_is_refused_and_nothing_is_written(runtime: Runtime) -> None:
    viewer, stranger = make_viewer(), make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    acme = await new_instrument(runtime, viewer, "ACME")
    theirs = await new_instrument(runtime, stranger, "SECRET", own=True)
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="10", price="100")
    cases = [
        ({"kind": "SELL", "date": "2026-01-06", "instrumentId": acme, "quantity": "10.5", "price": "100"}, "quantity"),
        ({"kind": "SELL", "date": "2026-01-04", "instrumentId": acme, "quantity": "1", "price": "100"}, "quantity"),
        ({"kind": "BUY", "date": "2026-01-06", "instrumentId": acme, "quantity": "1", "price": "-1"}, "price"),
        ({"kind": "BUY", "date": "2026-01-06", "instrumentId": acme, "quantity": "0", "price": "1"}, "quantity"),
        ({"kind": "BUY", "date": "2026-01-06", "instrumentId": acme, "quantity": "0.00000000001", "price": "1"},
         "quantity"),
        ({"kind": "SPLIT", "date": "2026-01-06", "instrumentId": acme, "splitFrom": "1", "splitTo": "0"}, "splitTo"),
        ({"kind": "SPLIT", "date": "2026-01-06", "instrumentId": acme, "splitFrom": "0", "splitTo": "2"},
         "splitFrom"),
        ({"kind": "DIVIDEND", "date": "2026-01-06", "amount": "5"}, "instrumentId"),
        ({"kind": "DEPOSIT", "date": "2026-01-06", "amount": "5", "quantity": "1"}, "quantity"),
        ({"kind": "BUY", "date": "2026-01-06", "instrumentId": acme, "quantity": "1", "price": "1", "currency": "USD"},
         "currency"),
    ]  # fmt: skip
    for input_, field in cases:
        payload = await record(runtime, viewer, portfolio, **input_)
        assert payload["activity"] is None, input_
        assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("ValidationError", field)], input_
    for instrument in ("00000000-0000-0000-0000-000000000000", theirs, "not-an-id"):
        payload = await record(
            runtime, viewer, portfolio, kind="BUY", date="2026-01-06", instrumentId=instrument, quantity="1", price="1"
        )
        assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "instrumentId")]
    assert await count(runtime, Activity) == 1


async def test_only_members_who_may_edit_record_activities(runtime: Runtime) -> None:
    owner = make_viewer()
    portfolio = await new_portfolio(runtime, owner)
    household = owner.household_ids[0]
    onlooker = type(owner)(user_id=owner.user_id, households={household: Role.VIEWER})
    stranger = make_viewer()
    for viewer in (onlooker, stranger):
        payload = await record(runtime, viewer, portfolio, kind="DEPOSIT", date="2026-01-05", amount="100")
        assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "portfolioId")]
    assert await count(runtime, Activity) == 0


ACTIVITY_DELETE = f"""
mutation($input: ActivityDeleteInput!) {{ activityDelete(input: $input) {{ deletedId {ERRORS} }} }}
"""


async def test_a_purchase_a_later_sale_depends_on_cannot_be_deleted(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    acme = await new_instrument(runtime, viewer, "ACME")
    buy = await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="10",
                   price="100")  # fmt: skip
    sale = await ok(runtime, viewer, portfolio, kind="SELL", date="2026-02-05", instrumentId=acme, quantity="4",
                    price="120")  # fmt: skip
    refused = await run(runtime, viewer, ACTIVITY_DELETE, input={"portfolioId": portfolio, "id": buy})
    assert refused["activityDelete"]["errors"][0]["field"] == "id"
    assert "no longer holds" in refused["activityDelete"]["errors"][0]["message"]
    assert await count(runtime, Activity) == 2
    done = await run(runtime, viewer, ACTIVITY_DELETE, input={"portfolioId": portfolio, "id": sale})
    assert done["activityDelete"] == {"deletedId": sale, "errors": []}
    done = await run(runtime, viewer, ACTIVITY_DELETE, input={"portfolioId": portfolio, "id": buy})
    assert done["activityDelete"] == {"deletedId": buy, "errors": []}
    assert await count(runtime, Activity) == 0


async def test_activities_list_newest_first(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer)
    acme = await new_instrument(runtime, viewer, "ACME")
    await ok(runtime, viewer, portfolio, kind="DEPOSIT", date="2026-01-02", amount="1000")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=acme, quantity="3", price="10")
    await ok(runtime, viewer, portfolio, kind="SPLIT", date="2026-02-01", instrumentId=acme, splitFrom="1", splitTo="4")
    data = await run(
        runtime,
        viewer,
        "query($id: ID!) { portfolio(id: $id) { activities(first: 2) { nodes { kind date instrument { symbol } }"
        " pageInfo { hasNextPage } } } }",
        id=portfolio,
    )
    page = data["portfolio"]["activities"]
    assert page["nodes"] == [
        {"kind": "SPLIT", "date": "2026-02-01", "instrument": {"symbol": "ACME"}},
        {"kind": "BUY", "date": "2026-01-05", "instrument": {"symbol": "ACME"}},
    ]
    assert page["pageInfo"]["hasNextPage"] is True
