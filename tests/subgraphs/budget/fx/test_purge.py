from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select

from fincloud.constants import TOPIC_HOUSEHOLD_DELETED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.models import FxRate
from subgraphs.budget.fx.service import set_override, store_rates
from workers.purge import purge_household


async def test_deleting_a_household_deletes_its_overrides_only(runtime: Runtime) -> None:
    doomed, kept = uuid.uuid4(), uuid.uuid4()
    day = dt.date(2024, 3, 13)
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(session=session, source="ecb", rates=[PublishedRate("EUR", "USD", day, Decimal("1.0939"))])
        for household in (doomed, kept):
            await set_override(
                session=session, household_id=household, base="EUR", quote="USD", on=day, rate=Decimal("1.1")
            )
        await set_override(session=session, household_id=doomed, base="GBP", quote="EUR", on=day, rate=Decimal("1.17"))
    event = Event(
        id=uuid.uuid4(),
        topic=TOPIC_HOUSEHOLD_DELETED,
        household_id=doomed,
        payload={"household_id": str(doomed)},
        occurred_at=dt.datetime.now(dt.UTC),
    )
    ctx = {"sessionmaker": runtime.sessionmaker}
    assert await purge_household(ctx, event.to_json()) == 2
    assert await purge_household(ctx, event.to_json()) == 0
    async with runtime.sessionmaker() as session:
        left = (await session.execute(select(FxRate.household_id, FxRate.source))).all()
    assert sorted(left, key=str) == sorted([(None, "ecb"), (kept, "manual")], key=str)
