from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from fincloud.service import BaseContext
from subgraphs.portfolio.loaders import Loaders
from subgraphs.portfolio.models import Portfolio
from subgraphs.portfolio.services.analytics import Inputs, load_inputs


@dataclass
class Context(BaseContext):
    _inputs: dict[tuple[object, dt.date], asyncio.Future[Inputs]] = field(default_factory=dict)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.runtime.sessionmaker, self.viewer.household_ids)

    async def inputs(self, portfolio: Portfolio, today: dt.date) -> Inputs:
        """The portfolio's history, prices and rates, loaded once per operation however many figures ask (in a
        session of its own, so figures resolved side by side do not share one connection)."""
        key = (portfolio.id, today)
        future = self._inputs.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._inputs[key] = future
            try:
                extra = [portfolio.benchmark_id] if portfolio.benchmark_id else []
                async with self.runtime.sessionmaker() as session:
                    future.set_result(await load_inputs(session=session, portfolio=portfolio, today=today, extra=extra))
            except BaseException as exc:
                future.set_exception(exc)
                future.exception()  # retrieved: this caller raises it, and any other waiter gets it too
                del self._inputs[key]
                raise
        return await future
