"""Price and portfolio alerts. Keyword-only async functions; no GraphQL here. Callers own the transaction.

An alert fires **once per crossing**: when its condition becomes true while it is armed, an event is written to the
outbox (for the notification subgraph) and the alert disarms; it re-arms when the condition is false again, so the
next crossing fires again. A price sitting above a level for a week fires once, not every hour.

- ``price_above`` / ``price_below``: the latest price against ``threshold`` (in the instrument's currency).
- ``day_move``: the latest price against the previous day's, ``|p1 / p0 - 1|`` at least ``threshold`` percent.
- ``drawdown``: the portfolio's time-weighted growth index below its highest point by at least ``threshold``
  percent (deposits and withdrawals do not move it; only gains and losses do).
- ``day_change``: the portfolio's time-weighted return of its last day at least ``threshold`` percent either way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_PORTFOLIO_ALERT, TOPIC_PRICE_ALERT
from fincloud.db import utcnow
from fincloud.events import write_event
from subgraphs.portfolio.models import Alert, Instrument, Portfolio, Price, outbox

__all__ = [
    "INSTRUMENT_KINDS",
    "PORTFOLIO_KINDS",
    "AlertInputError",
    "check_portfolio_alerts",
    "check_price_alerts",
    "create_alert",
]

INSTRUMENT_KINDS = ("price_above", "price_below", "day_move")
PORTFOLIO_KINDS = ("drawdown", "day_change")
_HUNDRED = Decimal(100)


class AlertInputError(ValueError):
    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


async def create_alert(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    user_id: uuid.UUID,
    kind: str,
    threshold: Decimal,
    instrument: Instrument | None = None,
    portfolio: Portfolio | None = None,
    note: str = "",
) -> Alert:
    """A new, armed alert. ``instrument`` for price alerts, ``portfolio`` for portfolio alerts; a percentage
    threshold is in percent (5 is 5 %), a price threshold in the instrument's currency."""
    if kind in INSTRUMENT_KINDS and instrument is None:
        raise AlertInputError("a price alert needs an instrument", field="instrumentId")
    if kind in PORTFOLIO_KINDS and portfolio is None:
        raise AlertInputError("a portfolio alert needs a portfolio", field="portfolioId")
    if not threshold.is_finite() or threshold <= 0:
        raise AlertInputError("the threshold must be greater than zero", field="threshold")
    if kind in ("day_move", *PORTFOLIO_KINDS) and threshold >= _HUNDRED:
        raise AlertInputError("a percentage threshold is below 100", field="threshold")
    if abs(threshold) >= Decimal("1e17") or (threshold.as_tuple().exponent or 0) < -10:  # type: ignore[operator]
        raise AlertInputError("the threshold has too many digits", field="threshold")
    if len(note) > 200:
        raise AlertInputError("the note is longer than 200 characters", field="note")
    alert = Alert(
        id=uuid.uuid4(),
        household_id=household_id,
        kind=kind,
        instrument_id=instrument.id if instrument is not None and kind in INSTRUMENT_KINDS else None,
        portfolio_id=portfolio.id if portfolio is not None and kind in PORTFOLIO_KINDS else None,
        threshold=threshold,
        currency=instrument.currency if instrument is not None and kind in ("price_above", "price_below") else None,
        note=note,
        armed=True,
        created_by=user_id,
    )
    session.add(alert)
    await session.flush()
    return alert


@dataclass(frozen=True, slots=True)
class _Latest:
    date: dt.date
    price: Decimal
    previous: Decimal | None


def _price_condition(alert: Alert, latest: _Latest) -> tuple[bool, Decimal]:
    """Whether the alert's condition holds, and the value it was judged on."""
    if alert.kind == "price_above":
        return latest.price >= alert.threshold, latest.price
    if alert.kind == "price_below":
        return latest.price <= alert.threshold, latest.price
    if latest.previous is None or latest.previous == 0:
        return False, Decimal(0)
    move = (latest.price / latest.previous - 1) * _HUNDRED
    return abs(move) >= alert.threshold, move


async def check_price_alerts(*, session: AsyncSession, instrument_ids: Sequence[uuid.UUID]) -> int:
    """Judge every price alert on ``instrument_ids`` against their latest stored prices; returns events written."""
    if not instrument_ids:
        return 0
    alerts = list(
        await session.scalars(
            select(Alert).where(Alert.instrument_id.in_(instrument_ids)).order_by(Alert.id).with_for_update()
        )
    )
    if not alerts:
        return 0
    wanted = {a.instrument_id for a in alerts}
    latest: dict[uuid.UUID, _Latest] = {}
    for instrument_id in wanted:
        rows = (
            await session.execute(
                select(Price.date, Price.price)
                .where(Price.instrument_id == instrument_id)
                .order_by(Price.date.desc())
                .limit(2)
            )
        ).all()
        if rows:
            latest[instrument_id] = _Latest(rows[0].date, rows[0].price, rows[1].price if len(rows) > 1 else None)  # type: ignore[index]
    symbols = {
        instrument_id: symbol
        for instrument_id, symbol in await session.execute(
            select(Instrument.id, Instrument.symbol).where(Instrument.id.in_(wanted))
        )
    }
    fired = 0
    for alert in alerts:
        assert alert.instrument_id is not None
        seen = latest.get(alert.instrument_id)
        if seen is None:
            continue
        holds, value = _price_condition(alert, seen)
        fired += await _transition(
            session,
            alert,
            holds,
            value,
            topic=TOPIC_PRICE_ALERT,
            details={
                "instrument_id": alert.instrument_id,
                "symbol": symbols.get(alert.instrument_id, ""),
                "date": seen.date,
                "price": seen.price,
            },
        )
    return fired


async def check_portfolio_alerts(
    *, session: AsyncSession, portfolio: Portfolio, growth: Mapping[dt.date, float]
) -> int:
    """Judge the portfolio's alerts on its daily time-weighted growth index (``growth[day]`` is the value of 1
    invested at the start, ordered by day); returns events written."""
    alerts = list(
        await session.scalars(
            select(Alert).where(Alert.portfolio_id == portfolio.id).order_by(Alert.id).with_for_update()
        )
    )
    if not alerts or not growth:
        return 0
    days = sorted(growth)
    last_day = days[-1]
    now = growth[last_day]
    peak = max(growth.values())
    drawdown = Decimal(str(round((1 - now / peak) * 100, 6))) if peak > 0 else Decimal(0)
    previous = growth[days[-2]] if len(days) > 1 else None
    day_change = Decimal(str(round((now / previous - 1) * 100, 6))) if previous else Decimal(0)
    fired = 0
    for alert in alerts:
        value = drawdown if alert.kind == "drawdown" else day_change
        holds = value >= alert.threshold if alert.kind == "drawdown" else abs(value) >= alert.threshold
        fired += await _transition(
            session,
            alert,
            holds,
            value,
            topic=TOPIC_PORTFOLIO_ALERT,
            details={"portfolio_id": portfolio.id, "portfolio": portfolio.name, "date": last_day},
        )
    return fired


async def _transition(
    session: AsyncSession, alert: Alert, holds: bool, value: Decimal, *, topic: str, details: Mapping[str, object]
) -> int:
    alert.last_value = value
    if holds and alert.armed:
        alert.armed = False
        alert.last_triggered_at = utcnow()
        await write_event(
            session,
            outbox,
            topic=topic,
            household_id=alert.household_id,
            payload={
                "alert_id": alert.id,
                "kind": alert.kind,
                "threshold": alert.threshold,
                "value": value,
                "currency": alert.currency,
                "user_id": alert.created_by,
                "note": alert.note,
                **details,
            },
        )
        return 1
    if not holds and not alert.armed:
        alert.armed = True
    return 0
