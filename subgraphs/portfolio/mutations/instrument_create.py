from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.services.instruments import InstrumentInputError, InstrumentSpec, create_instrument
from subgraphs.portfolio.types import AssetClass, Instrument


@strawberry.input(description="An instrument's symbol at one price source.")
class SourceCodeInput:
    source: str = strawberry.field(description="Price source name, such as `yahoo`.")
    symbol: str = strawberry.field(description="The symbol that source uses, such as `VWCE.DE`.")


@strawberry.input(description="A new instrument.")
class InstrumentCreateInput:
    symbol: str = strawberry.field(description="Ticker symbol (`AAPL`); stored upper case.")
    name: str = strawberry.field(description="Display name; defaults to the symbol when empty.")
    currency: str = strawberry.field(description="ISO 4217 currency it trades in.")
    asset_class: AssetClass = strawberry.field(description="What it is.")
    exchange: str = strawberry.field(default="", description="Exchange code (MIC such as `XNAS`).")
    isin: str | None = strawberry.field(default=None, description="ISIN; its check digit is verified.")
    region: str = strawberry.field(default="", description="Region, free text.")
    sector: str = strawberry.field(default="", description="Sector, free text.")
    source_codes: list[SourceCodeInput] | None = strawberry.field(
        default=None, description="The symbol at sources that spell it differently."
    )
    price_sources: list[str] | None = strawberry.field(
        default=None, description="Price sources to ask, in order; omit for the default chain of the asset class."
    )
    household_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Set to make it the household's own instrument (unlisted, priced by hand, seen only by the"
        " household). Omit for a listed instrument, shared by everyone and priced from the sources: an existing"
        " listed instrument with the same symbol and exchange is returned as it is.",
    )


@strawberry.type(description="The outcome of `instrumentCreate`.")
class InstrumentCreatePayload:
    instrument: Instrument | None = strawberry.field(default=None, description="The instrument.")
    created: bool = strawberry.field(default=False, description="False when a listed instrument already existed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def instrument_create(
    info: strawberry.Info[Context, None], input: InstrumentCreateInput
) -> InstrumentCreatePayload:
    viewer = info.context.viewer
    household_id = None
    if input.household_id is not None:
        household_id = parse_id(input.household_id)
        if household_id is None or not viewer.can_write(household_id):
            return InstrumentCreatePayload(errors=[NotFoundError(field="householdId", message="no such household")])
    elif not any(viewer.can_write(h) for h in viewer.household_ids):
        return InstrumentCreatePayload(
            errors=[ValidationError(field="householdId", message="only members who may edit can add instruments")]
        )
    codes = {code.source: code.symbol for code in input.source_codes or []}
    spec = InstrumentSpec(
        symbol=input.symbol,
        name=input.name,
        currency=input.currency,
        asset_class=input.asset_class.value,
        exchange=input.exchange,
        isin=input.isin,
        region=input.region,
        sector=input.sector,
        codes=codes,
        sources=input.price_sources,
    )
    session = info.context.session
    try:
        async with session.begin():
            row, created = await create_instrument(session=session, spec=spec, household_id=household_id)
    except InstrumentInputError as exc:
        return InstrumentCreatePayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    return InstrumentCreatePayload(instrument=Instrument.from_row(row), created=created)
