from __future__ import annotations

from decimal import Decimal

import strawberry
from sqlalchemy import select

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.mutations._common import writable_portfolio
from subgraphs.portfolio.services.alerts import AlertInputError, create_alert
from subgraphs.portfolio.services.instruments import visible
from subgraphs.portfolio.types import Alert, AlertKind


@strawberry.input(
    description="A new alert. Price alerts (PRICE_ABOVE, PRICE_BELOW, DAY_MOVE) watch an instrument; portfolio"
    " alerts (DRAWDOWN, DAY_CHANGE) watch a portfolio. Each fires once per crossing."
)
class AlertCreateInput:
    household_id: strawberry.ID = strawberry.field(description="The household the alert belongs to.")
    kind: AlertKind = strawberry.field(description="What to watch.")
    threshold: Decimal = strawberry.field(
        description="A price in the instrument's currency (PRICE_ABOVE, PRICE_BELOW) or a percentage, 5 for 5 %"
        " (DAY_MOVE, DRAWDOWN, DAY_CHANGE)."
    )
    instrument_id: strawberry.ID | None = strawberry.field(default=None, description="For price alerts.")
    portfolio_id: strawberry.ID | None = strawberry.field(default=None, description="For portfolio alerts.")
    note: str = strawberry.field(default="", description="A reminder shown with the notification.")


@strawberry.type(description="The outcome of `alertCreate`.")
class AlertCreatePayload:
    alert: Alert | None = strawberry.field(default=None, description="The new alert.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def alert_create(info: strawberry.Info[Context, None], input: AlertCreateInput) -> AlertCreatePayload:
    viewer = info.context.viewer
    household_id = parse_id(input.household_id)
    if household_id is None or not viewer.can_write(household_id) or viewer.user_id is None:
        return AlertCreatePayload(errors=[NotFoundError(field="householdId", message="no such household")])
    session = info.context.session
    try:
        async with session.begin():
            instrument = None
            if input.instrument_id is not None:
                instrument_id = parse_id(input.instrument_id)
                instrument = instrument_id and await session.scalar(
                    select(InstrumentRow).where(InstrumentRow.id == instrument_id, visible([household_id]))
                )
                if not instrument:
                    return AlertCreatePayload(
                        errors=[NotFoundError(field="instrumentId", message="no such instrument")]
                    )
            portfolio = None
            if input.portfolio_id is not None:
                portfolio = await writable_portfolio(info, input.portfolio_id)
                if portfolio is None or portfolio.household_id != household_id:
                    return AlertCreatePayload(errors=[NotFoundError(field="portfolioId", message="no such portfolio")])
            row = await create_alert(
                session=session,
                household_id=household_id,
                user_id=viewer.user_id,
                kind=input.kind.value,
                threshold=input.threshold,
                instrument=instrument or None,
                portfolio=portfolio,
                note=input.note.strip(),
            )
    except AlertInputError as exc:
        return AlertCreatePayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    return AlertCreatePayload(alert=Alert.from_row(row))
