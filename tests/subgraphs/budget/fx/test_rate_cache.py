"""Resolved rates are remembered per process, and never outlive a change to the rates: a committed change is seen
by the next lookup, a rolled-back one by no one, in this process or another."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import text

from fincloud.service import Runtime
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import MissingRate, RateUsed, rates_for, resolved_rates, store_rates
from tests.factories import count_statements

DAY = dt.date(2024, 3, 8)
KEY = ("USD", "EUR", DAY)


async def _rate(runtime: Runtime, household: uuid.UUID) -> Decimal | None:
    async with runtime.sessionmaker() as session, session.begin():
        found = (await rates_for(session=session, household_id=household, keys=[KEY]))[KEY]
    return found.rate if isinstance(found, RateUsed) else None


async def _publish(runtime: Runtime, rate: str) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(session=session, source="ecb", rates=[PublishedRate("EUR", "USD", DAY, Decimal(rate))])


async def test_a_change_to_the_rates_is_seen_at_once_and_a_rolled_back_one_never(runtime: Runtime) -> None:
    resolved_rates.clear()
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session, session.begin():
        assert isinstance((await rates_for(session=session, household_id=household, keys=[KEY]))[KEY], MissingRate)

    await _publish(runtime, "1.25")
    assert await _rate(runtime, household) == Decimal("0.8")

    # Asked again: one statement (the version), nothing resolved again.
    async with runtime.sessionmaker() as session, session.begin():
        with count_statements(runtime.engine) as statements:
            await rates_for(session=session, household_id=household, keys=[KEY])
    assert len(statements) == 1

    # A correction inside a transaction that is then rolled back: seen inside it, by no one after.
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(session=session, source="ecb", rates=[PublishedRate("EUR", "USD", DAY, Decimal("2"))])
        inside = (await rates_for(session=session, household_id=household, keys=[KEY]))[KEY]
        assert isinstance(inside, RateUsed)
        assert inside.rate == Decimal("0.5")
        await session.rollback()
    assert await _rate(runtime, household) == Decimal("0.8")

    # A committed correction after the rolled-back one: its version is new, so its rate is what everyone sees.
    await _publish(runtime, "1.6")
    assert await _rate(runtime, household) == Decimal("0.625")

    # Emptied by hand (as a restore might): nothing is remembered until rates are written again.
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(text("TRUNCATE budget.fx_rates, budget.fx_rates_version"))
    assert await _rate(runtime, household) is None
    await _publish(runtime, "1.25")
    assert await _rate(runtime, household) == Decimal("0.8")


async def test_a_fetch_that_finds_nothing_new_keeps_the_version(runtime: Runtime) -> None:
    await _publish(runtime, "1.25")
    async with runtime.sessionmaker() as session:
        before = await session.scalar(text("SELECT version FROM budget.fx_rates_version"))
    await _publish(runtime, "1.25")  # the same rate again: nothing changes
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(text("DELETE FROM budget.fx_rates WHERE false"))
        after = await session.scalar(text("SELECT version FROM budget.fx_rates_version"))
    assert after == before
    await _publish(runtime, "1.30")
    async with runtime.sessionmaker() as session:
        assert await session.scalar(text("SELECT version FROM budget.fx_rates_version")) != before
