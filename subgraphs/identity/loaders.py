"""Batch loaders, built once per request (never shared between requests)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.identity.models import Household, User


class Loaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self.user_by_id = DataLoader(self._users_by_id)
        self.household_by_id = DataLoader(self._households_by_id)

    async def _users_by_id(self, keys: Sequence[uuid.UUID]) -> list[User | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(select(User).where(User.id.in_(keys)))
            by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _households_by_id(self, keys: Sequence[uuid.UUID]) -> list[Household | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(select(Household).where(Household.id.in_(keys)))
            by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]
