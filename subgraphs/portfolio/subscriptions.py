"""Portfolio's live fields, and the event that feeds them.

Whoever stores prices (the price worker, ``priceSet``, ``priceHistoryUpload``) writes one ``TOPIC_PRICES_UPDATED``
event in the same transaction (``announce_prices``): the newest stored price of each instrument whose prices
changed. The outbox relay publishes it on the Redis channel ``event_channel(TOPIC_PRICES_UPDATED)`` once the
transaction commits, and it reaches subscribers through the runtime's hub. A listed instrument's prices are
public market data (the event has no household); a household's own instrument's event names its household.

The event's payload::

    {"prices": [{"instrument_id": "…", "price": "171.13", "currency": "USD", "date": "2024-03-13",
                 "source": "yahoo", "as_of": "2024-03-13T20:00:01+00:00"}, …]}

Prices are decimal strings, never floats.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import AsyncGenerator, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import strawberry
from sqlalchemy import CompoundSelect, select, union
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_PRICES_UPDATED
from fincloud.events import Event, write_event
from fincloud.graphql import IsAuthenticated, MoneyType, parse_id
from fincloud.live import viewer_events
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Activity, Alert, Instrument, Portfolio, Price, outbox
from subgraphs.portfolio.types import Instrument as InstrumentType

__all__ = [
    "PriceUpdate",
    "PriceUpdated",
    "Subscription",
    "announce_prices",
    "followed_instruments",
    "latest_prices",
    "prices_in",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PriceUpdated:
    """One instrument's newest stored price, as the event carries it."""

    instrument_id: uuid.UUID
    date: dt.date
    price: Decimal
    currency: str
    source: str
    as_of: dt.datetime

    def to_payload(self) -> dict[str, str]:
        return {
            "instrument_id": str(self.instrument_id),
            "price": format(self.price.normalize(), "f"),
            "currency": self.currency,
            "date": self.date.isoformat(),
            "source": self.source,
            "as_of": self.as_of.isoformat(),
        }

    @classmethod
    def from_payload(cls, entry: Mapping[str, Any]) -> PriceUpdated:
        """``ValueError`` (or ``KeyError``, ``TypeError``) for an entry that is not one of ours."""
        try:
            price = Decimal(str(entry["price"]))
        except InvalidOperation:
            raise ValueError(f"not a price: {entry.get('price')!r}") from None
        return cls(
            instrument_id=uuid.UUID(str(entry["instrument_id"])),
            date=dt.date.fromisoformat(str(entry["date"])),
            price=price,
            currency=str(entry["currency"]),
            source=str(entry["source"]),
            as_of=dt.datetime.fromisoformat(str(entry["as_of"])),
        )


async def latest_prices(*, session: AsyncSession, instrument_ids: Collection[uuid.UUID]) -> list[PriceUpdated]:
    """The newest stored price of each instrument (by date), in instrument id order; none for an unpriced one."""
    if not instrument_ids:
        return []
    rows = await session.scalars(
        select(Price)
        .where(Price.instrument_id.in_(list(instrument_ids)))
        .ext(distinct_on(Price.instrument_id))
        .order_by(Price.instrument_id, Price.date.desc())
    )
    return [PriceUpdated(r.instrument_id, r.date, r.price, r.currency, r.source, r.as_of) for r in rows]


async def announce_prices(
    *, session: AsyncSession, instrument_ids: Collection[uuid.UUID], household_id: uuid.UUID | None = None
) -> list[PriceUpdated]:
    """Write one ``TOPIC_PRICES_UPDATED`` event, in the caller's transaction, with the newest stored price of each of
    ``instrument_ids`` (``household_id``: the household of an own instrument; ``None`` for listed ones). Nothing is
    written when none of them has a price. Returns what the event carries."""
    updates = await latest_prices(session=session, instrument_ids=instrument_ids)
    if updates:
        await write_event(
            session,
            outbox,
            topic=TOPIC_PRICES_UPDATED,
            household_id=household_id,
            payload={"prices": [update.to_payload() for update in updates]},
        )
    return updates


def prices_in(event: Event) -> list[PriceUpdated]:
    """The prices a ``TOPIC_PRICES_UPDATED`` event carries; an entry that cannot be read is logged and left out."""
    entries = event.payload.get("prices")
    found: list[PriceUpdated] = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            found.append(PriceUpdated.from_payload(entry))
        except (KeyError, TypeError, ValueError):
            logger.warning("unreadable price in a prices-updated event", extra={"event_id": str(event.id)})
    return found


async def followed_instruments(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], instrument_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``instrument_ids`` the households follow: hold or have traded (an activity names it), watch (a price
    alert, or a portfolio's benchmark), or own."""
    wanted = list(set(instrument_ids))
    if not household_ids or not wanted:
        return set()
    households = list(household_ids)
    query: CompoundSelect = union(
        select(Activity.instrument_id).where(Activity.household_id.in_(households), Activity.instrument_id.in_(wanted)),
        select(Alert.instrument_id).where(Alert.household_id.in_(households), Alert.instrument_id.in_(wanted)),
        select(Portfolio.benchmark_id).where(
            Portfolio.household_id.in_(households), Portfolio.benchmark_id.in_(wanted)
        ),
        select(Instrument.id).where(Instrument.household_id.in_(households), Instrument.id.in_(wanted)),
    )
    found: set[uuid.UUID] = {row[0] for row in await session.execute(query) if row[0] is not None}
    return found


@strawberry.type(description="An instrument's new latest price.")
class PriceUpdate:
    instrument_id: strawberry.ID = strawberry.field(description="The instrument priced.")
    price: MoneyType = strawberry.field(description="Price of one unit, exact as published or entered.")
    date: dt.date = strawberry.field(description="The trading day the price is for.")
    source: str = strawberry.field(description="Where it came from: a price source (`yahoo`), `manual` or `upload`.")

    @classmethod
    def of(cls, update: PriceUpdated) -> PriceUpdate:
        return cls(
            instrument_id=strawberry.ID(str(update.instrument_id)),
            price=MoneyType(amount=update.price.normalize(), currency=update.currency),
            date=update.date,
            source=update.source,
        )

    @strawberry.field(description="The instrument priced.")
    async def instrument(self, info: strawberry.Info[Context, None]) -> InstrumentType | None:
        instrument_id = parse_id(self.instrument_id)
        row = await info.context.loaders.instrument_by_id.load(instrument_id) if instrument_id else None
        return InstrumentType.from_row(row) if row else None


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Each new latest price of an instrument the viewer's households hold or have traded, watch (a"
        " price alert or a benchmark) or own, as soon as it is stored: by the hourly price update, or by hand."
        " Ends when the access token expires.",
        permission_classes=[IsAuthenticated],
    )
    async def prices_updated(
        self,
        info: strawberry.Info[Context, None],
        instrument_ids: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description="Only these instruments.")
        ] = None,
    ) -> AsyncGenerator[PriceUpdate, None]:
        context = info.context
        viewer = context.viewer
        broadcast = context.runtime.broadcast
        assert broadcast is not None, "the portfolio subgraph runs with a hub"
        only = None if instrument_ids is None else {parse_id(i) for i in instrument_ids} - {None}
        async for event in viewer_events(broadcast, viewer, TOPIC_PRICES_UPDATED, public=True):
            updates = [u for u in prices_in(event) if only is None or u.instrument_id in only]
            if not updates:
                continue
            # A short session of its own per event: the subscription may stay open for as long as the token.
            async with context.runtime.sessionmaker() as session:
                followed = await followed_instruments(
                    session=session,
                    household_ids=viewer.household_ids,
                    instrument_ids=[u.instrument_id for u in updates],
                )
            for update in updates:
                if update.instrument_id in followed:
                    yield PriceUpdate.of(update)
