"""Fetching published rates: the configured sources in order, falling back to the next when one fails or is
stale, storing what each delivered (idempotently), and saying what happened to each.

"Stale" is judged against the ECB's calendar (``calendar.expected_rate_date``): after 16:00 Frankfurt time on a
TARGET business day that day's rates are expected, before it the previous business day's. When the newest stored
rates are more than one publication day behind (or there are none), the sources are asked for their history
instead of their latest day, so a worker that was down for a week fills the gap.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.db import utcnow
from subgraphs.budget.fx.base import FxSourceError, PublishedRates, RateSource
from subgraphs.budget.fx.calendar import ECB_TIMEZONE, expected_rate_date, publication_days_between
from subgraphs.budget.fx.service import latest_published_date, store_rates

__all__ = ["BACKFILL_DAYS", "Attempt", "Outcome", "RefreshReport", "refresh_rates"]

logger = logging.getLogger(__name__)

BACKFILL_DAYS = 90
"""How far back an empty table is filled (the ECB's history file covers 90 days)."""


class Outcome(StrEnum):
    FRESH = "fresh"
    """The source delivered the expected day's rates; no further source was asked."""
    STALE = "stale"
    """It answered, but its newest rates are older than expected (stored anyway: they are real rates)."""
    FAILED = "failed"
    """It did not deliver: network, HTTP status, unreadable document, or no rates at all."""


@dataclass(frozen=True, slots=True)
class Attempt:
    source: str
    outcome: Outcome
    detail: str
    latest_date: dt.date | None = None
    stored: int = 0
    """Rows inserted or changed (0 when every rate was already stored as is)."""


@dataclass(frozen=True, slots=True)
class RefreshReport:
    expected: dt.date
    """The newest date whose rates should be out."""
    attempts: tuple[Attempt, ...]
    up_to_date: bool = False
    """Nothing was fetched: the expected day's rates were already stored."""

    @property
    def used(self) -> str | None:
        """The source that delivered fresh rates, if any did."""
        return next((a.source for a in self.attempts if a.outcome is Outcome.FRESH), None)

    @property
    def stored(self) -> int:
        return sum(a.stored for a in self.attempts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the job's result."""
        return {
            "expected": self.expected.isoformat(),
            "up_to_date": self.up_to_date,
            "used": self.used,
            "stored": self.stored,
            "attempts": [
                {
                    "source": a.source,
                    "outcome": a.outcome.value,
                    "detail": a.detail,
                    "latest_date": a.latest_date.isoformat() if a.latest_date else None,
                    "stored": a.stored,
                }
                for a in self.attempts
            ],
        }


async def refresh_rates(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    sources: Sequence[RateSource],
    client: httpx.AsyncClient,
    now: dt.datetime | None = None,
    force: bool = False,
) -> RefreshReport:
    """Bring the published rates up to the expected day (see the module docstring).

    Without ``force`` nothing is fetched when that day's rates are already stored. Each source's delivery is
    stored in a short transaction of its own (no transaction is held across a network call), so running twice
    stores nothing twice. Every failure and stale answer is logged with the source's name and the reason."""
    now = now or utcnow()
    expected = expected_rate_date(now)
    async with sessionmaker() as session:
        latest = await latest_published_date(session=session)
    if not force and latest is not None and latest >= expected:
        return RefreshReport(expected=expected, attempts=(), up_to_date=True)
    since: dt.date | None = None
    if latest is None:
        since = expected - dt.timedelta(days=BACKFILL_DAYS)
    elif publication_days_between(latest, expected) > 1:
        since = latest + dt.timedelta(days=1)
    today = now.astimezone(ECB_TIMEZONE).date()

    attempts: list[Attempt] = []
    for source in sources:
        try:
            published = await (source.latest(client) if since is None else source.history(client, since=since))
            if not isinstance(published, PublishedRates):
                raise FxSourceError(f"{source.name}: returned {type(published).__name__}, not PublishedRates")
        except Exception as exc:  # a plugin's own bug must not stop the failover either
            detail = str(exc) if isinstance(exc, FxSourceError) else f"{type(exc).__name__}: {exc}"
            logger.warning("fx source failed", extra={"source": source.name, "reason": detail})
            attempts.append(Attempt(source.name, Outcome.FAILED, detail))
            continue
        rates = [rate for rate in published.rates if rate.date <= today]  # a rate dated tomorrow is not believed
        if not rates:
            detail = "the answer held no rates" + (f" since {since}" if since else "")
            logger.warning("fx source failed", extra={"source": source.name, "reason": detail})
            attempts.append(Attempt(source.name, Outcome.FAILED, detail))
            continue
        newest = max(rate.date for rate in rates)
        async with sessionmaker() as session, session.begin():
            stored = await store_rates(session=session, source=source.name, rates=rates, fetched_at=utcnow())
        if newest < expected:
            detail = f"newest rates are for {newest}, {expected} expected"
            logger.warning(
                "fx source stale",
                extra={"source": source.name, "reason": detail, "latest": str(newest), "stored": stored},
            )
            attempts.append(Attempt(source.name, Outcome.STALE, detail, newest, stored))
            continue
        logger.info("fx rates fetched", extra={"source": source.name, "latest": str(newest), "stored": stored})
        attempts.append(Attempt(source.name, Outcome.FRESH, f"{len(rates)} rates up to {newest}", newest, stored))
        break
    else:
        logger.error(
            "no fx source delivered fresh rates",
            extra={"expected": str(expected), "sources": [source.name for source in sources]},
        )
    return RefreshReport(expected=expected, attempts=tuple(attempts))
