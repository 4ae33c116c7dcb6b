"""Batch loaders, built once per request for one viewer (never shared between requests)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.portfolio.models import Instrument, Portfolio, Price
from subgraphs.portfolio.services.instruments import visible


class Loaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], household_ids: list[uuid.UUID]) -> None:
        self._sessionmaker = sessionmaker
        self._household_ids = household_ids
        self.portfolio_by_id = DataLoader(self._portfolios_by_id)
        self.portfolio_by_account_id = DataLoader(self._portfolios_by_account_id)
        self.instrument_by_id = DataLoader(self._instruments_by_id)
        self.latest_price_by_instrument_id = DataLoader(self._latest_prices)

    async def _instruments_by_id(self, keys: Sequence[uuid.UUID]) -> list[Instrument | None]:
        """Instruments the viewer may see: listed ones and their households' own."""
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Instrument).where(Instrument.id.in_(keys), visible(self._household_ids))
            )
            by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _latest_prices(self, keys: Sequence[uuid.UUID]) -> list[Price | None]:
        """The newest price of each instrument (callers pass only instruments the viewer may see)."""
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Price)
                .where(Price.instrument_id.in_(keys))
                .ext(distinct_on(Price.instrument_id))
                .order_by(Price.instrument_id, Price.date.desc())
            )
            by_id = {row.instrument_id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _portfolios_by_id(self, keys: Sequence[uuid.UUID]) -> list[Portfolio | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Portfolio).where(Portfolio.id.in_(keys), Portfolio.household_id.in_(self._household_ids))
            )
            by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _portfolios_by_account_id(self, keys: Sequence[uuid.UUID]) -> list[Portfolio | None]:
        """The viewer's portfolio backed by each account, if any."""
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Portfolio)
                .where(Portfolio.account_id.in_(keys), Portfolio.household_id.in_(self._household_ids))
                .order_by(Portfolio.created_at)
            )
            by_account: dict[uuid.UUID, Portfolio] = {}
            for row in rows:
                if row.account_id is not None:
                    by_account.setdefault(row.account_id, row)
        return [by_account.get(k) for k in keys]
