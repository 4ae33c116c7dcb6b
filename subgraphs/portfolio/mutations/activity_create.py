from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.mutations._common import writable_portfolio
from subgraphs.portfolio.services.activities import ActivityInputError, NewActivity, add_activities
from subgraphs.portfolio.types import Activity, ActivityKindEnum


@strawberry.input(description="A new investment transaction. Which fields apply depends on `kind`; see ActivityKind.")
class ActivityCreateInput:
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio.")
    kind: ActivityKindEnum = strawberry.field(description="What it does.")  # type: ignore[valid-type]
    date: dt.date = strawberry.field(description="Trade date.")
    instrument_id: strawberry.ID | None = strawberry.field(
        default=None, description="The instrument (trades, dividends, splits; optional for interest, fees, taxes)."
    )
    quantity: Decimal = strawberry.field(default=Decimal(0), description="Units, more than 0, up to 10 decimals.")
    price: Decimal = strawberry.field(default=Decimal(0), description="Price per unit in `currency`.")
    amount: Decimal = strawberry.field(default=Decimal(0), description="Cash amount (dividend, interest, fee...).")
    fee: Decimal = strawberry.field(default=Decimal(0), description="Fees on the trade.")
    tax: Decimal = strawberry.field(default=Decimal(0), description="Taxes on the trade or withheld.")
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217; defaults to the instrument's currency, else the portfolio's."
    )
    fx_rate: Decimal | None = strawberry.field(
        default=None, description="Units of the portfolio's base currency for one unit of `currency` that day."
    )
    split_from: Decimal = strawberry.field(default=Decimal(0), description="A split's old units (1 in 4-for-1).")
    split_to: Decimal = strawberry.field(default=Decimal(0), description="A split's new units (4 in 4-for-1).")
    memo: str = strawberry.field(default="", description="Free text, up to 500 characters.")


@strawberry.type(description="The outcome of `activityCreate`.")
class ActivityCreatePayload:
    activity: Activity | None = strawberry.field(default=None, description="The recorded activity.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def activity_create(info: strawberry.Info[Context, None], input: ActivityCreateInput) -> ActivityCreatePayload:
    instrument_id = None
    if input.instrument_id is not None:
        instrument_id = parse_id(input.instrument_id)
        if instrument_id is None:
            return ActivityCreatePayload(errors=[NotFoundError(field="instrumentId", message="no such instrument")])
    new = NewActivity(
        kind=Kind(input.kind),
        date=input.date,
        currency=input.currency,
        instrument_id=instrument_id,
        quantity=input.quantity,
        price=input.price,
        amount=input.amount,
        fee=input.fee,
        tax=input.tax,
        fx_rate=input.fx_rate,
        split_from=input.split_from,
        split_to=input.split_to,
        memo=input.memo,
    )
    session = info.context.session
    try:
        async with session.begin():
            portfolio = await writable_portfolio(info, input.portfolio_id)
            if portfolio is None:
                return ActivityCreatePayload(errors=[NotFoundError(field="portfolioId", message="no such portfolio")])
            rows = await add_activities(session=session, portfolio=portfolio, activities=[new])
    except ActivityInputError as exc:
        error: UserError = (
            NotFoundError(field=exc.field, message=str(exc))
            if str(exc) == "no such instrument"
            else ValidationError(field=exc.field, message=str(exc))
        )
        return ActivityCreatePayload(errors=[error])
    return ActivityCreatePayload(activity=Activity.from_row(rows[0]))
