"""Price histories kept in memory under their version: a committed change is read at once, a rolled-back one never."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import update

from fincloud.service import Runtime
from subgraphs.portfolio.models import Price
from subgraphs.portfolio.services.prices import price_series, series_cache
from tests.factories import make_viewer
from tests.subgraphs.portfolio.support import new_instrument, prices

DAY = dt.date(2026, 3, 2)


async def read(runtime: Runtime, instrument: str, until: dt.date = DAY) -> list[tuple[dt.date, Decimal]]:
    async with runtime.sessionmaker() as session:
        found = await price_series(session=session, instrument_ids=[uuid.UUID(instrument)], until=until)
        return found[uuid.UUID(instrument)].points


async def test_a_committed_change_is_read_and_a_rolled_back_one_is_not(runtime: Runtime) -> None:
    viewer = make_viewer()
    acme = await new_instrument(runtime, viewer, "ACME")
    await prices(runtime, acme, "EUR", ("2026-03-01", "10"), ("2026-03-02", "11"))
    assert await read(runtime, acme) == [(dt.date(2026, 3, 1), Decimal("10")), (DAY, Decimal("11"))]
    assert await read(runtime, acme, until=dt.date(2026, 3, 1)) == [(dt.date(2026, 3, 1), Decimal("10"))]

    async with runtime.sessionmaker() as session:
        await session.execute(update(Price).where(Price.date == DAY).values(price=Decimal("99")))
        await session.rollback()
    assert (await read(runtime, acme))[-1] == (DAY, Decimal("11"))

    await prices(runtime, acme, "EUR", ("2026-03-02", "12.5"))
    assert (await read(runtime, acme))[-1] == (DAY, Decimal("12.5"))


async def test_unchanged_histories_come_from_memory(runtime: Runtime) -> None:
    viewer = make_viewer()
    acme = await new_instrument(runtime, viewer, "ACME")
    await prices(runtime, acme, "EUR", ("2026-03-02", "11"))
    series_cache.clear()
    first = await read(runtime, acme)
    again = await read(runtime, acme)
    assert first == again == [(DAY, Decimal("11"))]
    assert series_cache.get(uuid.UUID(acme), 0) is None  # kept under its real version, not any number
    assert len(series_cache._entries) == 1


async def test_an_instrument_without_prices_has_an_empty_history(runtime: Runtime) -> None:
    viewer = make_viewer()
    acme = await new_instrument(runtime, viewer, "ACME")
    assert await read(runtime, acme) == []
