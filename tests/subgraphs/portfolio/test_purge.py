"""Deleting a household deletes everything of it in portfolio — its portfolios, activities, targets, alerts, own
instruments and their prices — and nothing of anyone else's, not even the listed instruments it traded."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from fincloud.service import Runtime
from subgraphs.portfolio.models import Activity, Alert, Instrument, Portfolio, Price, Target
from subgraphs.portfolio.services.purge import purge_household
from tests.factories import make_viewer
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, new_portfolio, ok, prices, run


async def counts(runtime: Runtime, household: uuid.UUID | None = None) -> dict[str, int]:
    """Rows of each table: all of them, or those of one household (its own instruments and their prices)."""
    found: dict[str, int] = {}
    async with runtime.sessionmaker() as session:
        for model in (Portfolio, Activity, Target, Alert, Instrument):
            query = select(func.count()).select_from(model)
            if household is not None:
                query = query.where(model.household_id == household)
            found[model.__tablename__] = int(await session.scalar(query) or 0)
        query = select(func.count()).select_from(Price).join(Instrument, Instrument.id == Price.instrument_id)
        if household is not None:
            query = query.where(Instrument.household_id == household)
        found["prices"] = int(await session.scalar(query) or 0)
    return found


async def furnish(runtime: Runtime, viewer: Any, listed: str | None = None) -> str:
    """A portfolio with a listed and an own instrument, activities, targets, an alert and hand prices."""
    portfolio = await new_portfolio(runtime, viewer)
    listed = listed or await new_instrument(runtime, viewer, "ACME")
    house = await new_instrument(runtime, viewer, f"HOUSE{uuid.uuid4().hex[:6].upper()}", asset_class="REAL_ESTATE",
                                 own=True)  # fmt: skip
    await prices(runtime, house, "EUR", ("2026-01-05", "100000"), source="manual")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=listed, quantity="3", price="10")
    await ok(runtime, viewer, portfolio, kind="BUY", date="2026-01-05", instrumentId=house, quantity="1",
             price="100000")  # fmt: skip
    await run(runtime, viewer, f"""mutation($input: PortfolioTargetsSetInput!) {{
        portfolioTargetsSet(input: $input) {{ {ERRORS} }} }}""",
              input={"portfolioId": portfolio, "dimension": "ASSET_CLASS", "targets": [{"key": "equity", "weight": "1"}]})  # fmt: skip
    made = await run(runtime, viewer, f"""mutation($input: AlertCreateInput!) {{
        alertCreate(input: $input) {{ alert {{ id }} {ERRORS} }} }}""",
                     input={"householdId": str(viewer.household_ids[0]), "kind": "DRAWDOWN", "threshold": "10",
                            "portfolioId": portfolio})  # fmt: skip
    assert made["alertCreate"]["errors"] == []
    return listed


async def test_purge_removes_the_household_and_nothing_else(runtime: Runtime) -> None:
    leaving, staying = make_viewer(), make_viewer()
    listed = await furnish(runtime, leaving)
    await furnish(runtime, staying, listed=listed)
    before = await counts(runtime)
    leaving_rows = await counts(runtime, leaving.household_ids[0])
    assert leaving_rows == {"portfolios": 1, "activities": 2, "targets": 1, "alerts": 1, "instruments": 1, "prices": 1}

    async with runtime.sessionmaker() as session, session.begin():
        deleted = await purge_household(session=session, household_id=leaving.household_ids[0])
    assert deleted == 1 + 2 + 1 + 1 + 1  # portfolio, activities, target, alert, own instrument (its price cascades)
    assert await counts(runtime, leaving.household_ids[0]) == dict.fromkeys(leaving_rows, 0)
    after = await counts(runtime)
    assert after == {name: before[name] - leaving_rows[name] for name in before}
    assert after["instruments"] == 2  # the listed one both traded, and the staying household's own
    async with runtime.sessionmaker() as session, session.begin():
        assert await purge_household(session=session, household_id=leaving.household_ids[0]) == 0
