from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from sqlalchemy import select

from fincloud.db import utcnow
from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.models import Price as PriceRow
from subgraphs.portfolio.services.alerts import check_price_alerts
from subgraphs.portfolio.services.instruments import visible
from subgraphs.portfolio.services.prices import MANUAL, StoredQuote, store_prices
from subgraphs.portfolio.subscriptions import announce_prices
from subgraphs.portfolio.types import Price

__all__ = [
    "LISTED_REFUSAL",
    "PriceSetInput",
    "PriceSetPayload",
    "after_storing",
    "latest_allowed_date",
    "own_instrument",
    "price_problem",
    "price_set",
]

LISTED_REFUSAL = (
    "a listed instrument is priced by the price sources and shared by every household, so it takes no prices by hand;"
    " enter prices for your household's own instruments"
)
PRICE_PLACES = 10
"""Decimal places a price may have (``portfolio.prices.price`` is ``Numeric(28, 10)``)."""
MAX_PRICE = Decimal("1E18")
FUTURE_DAYS = 1
"""A price may be dated at most this many days after today (UTC): a user east of UTC may already be in tomorrow."""


async def own_instrument(
    info: strawberry.Info[Context, None], instrument_id: strawberry.ID
) -> tuple[InstrumentRow | None, UserError | None]:
    """The instrument if it is one of the viewer's writable households' own; else the error. A listed instrument
    is refused with the reason; another household's, or one the viewer may only read, answers like a missing one."""
    viewer = info.context.viewer
    wanted = parse_id(instrument_id)
    row = (
        await info.context.session.scalar(
            select(InstrumentRow).where(InstrumentRow.id == wanted, visible(viewer.household_ids))
        )
        if wanted is not None
        else None
    )
    if row is None:
        return None, NotFoundError(field="instrumentId", message="no such instrument")
    if row.household_id is None:
        return None, ValidationError(field="instrumentId", message=LISTED_REFUSAL)
    if not viewer.can_write(row.household_id):
        return None, NotFoundError(field="instrumentId", message="no such instrument")
    return row, None


def price_problem(price: Decimal) -> str | None:
    """What is wrong with a price entered by hand, if anything."""
    if not price.is_finite() or price <= 0:
        return "the price must be greater than zero"
    if price >= MAX_PRICE:
        return "the price is too large"
    exponent = price.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PRICE_PLACES:
        return f"a price has at most {PRICE_PLACES} decimal places"
    return None


def latest_allowed_date(now: dt.datetime) -> dt.date:
    return now.date() + dt.timedelta(days=FUTURE_DAYS)


async def after_storing(info: strawberry.Info[Context, None], instrument: InstrumentRow) -> None:
    """In the mutation's transaction: the event for the live price subscription, and the instrument's alerts."""
    session = info.context.session
    await announce_prices(session=session, instrument_ids=[instrument.id], household_id=instrument.household_id)
    await check_price_alerts(session=session, instrument_ids=[instrument.id])


@strawberry.input(description="A price entered by hand for one of the household's own instruments.")
class PriceSetInput:
    instrument_id: strawberry.ID = strawberry.field(
        description="The instrument: a household's own (a listed one is priced by the price sources)."
    )
    date: dt.date = strawberry.field(description="The day the price is for.")
    price: Decimal = strawberry.field(
        description="Price of one unit in the instrument's currency, greater than zero, at most 10 decimal places."
    )


@strawberry.type(description="The outcome of `priceSet`.")
class PriceSetPayload:
    price: Price | None = strawberry.field(default=None, description="The price stored, with source `manual`.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def price_set(info: strawberry.Info[Context, None], input: PriceSetInput) -> PriceSetPayload:
    """Store (or replace) the instrument's price on the day, as ``manual``: no fetched price replaces it."""
    now = utcnow()
    problem = price_problem(input.price)
    if problem is not None:
        return PriceSetPayload(errors=[ValidationError(field="price", message=problem)])
    if input.date > latest_allowed_date(now):
        return PriceSetPayload(errors=[ValidationError(field="date", message="the date is in the future")])
    session = info.context.session
    async with session.begin():
        instrument, refused = await own_instrument(info, input.instrument_id)
        if instrument is None:
            assert refused is not None
            return PriceSetPayload(errors=[refused])
        quote = StoredQuote(
            instrument_id=instrument.id,
            date=input.date,
            price=input.price.normalize(),
            currency=instrument.currency,
            source=MANUAL,
            as_of=now,
        )
        await store_prices(session=session, quotes=[quote], user=True)
        await after_storing(info, instrument)
        row = await session.get(PriceRow, (instrument.id, input.date), populate_existing=True)
    assert row is not None
    return PriceSetPayload(price=Price.from_row(row))
