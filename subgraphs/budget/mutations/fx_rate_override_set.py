from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import UserError, ValidationError
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxInputError, set_override, validate_override
from subgraphs.budget.fx.types import FxRateRecord
from subgraphs.budget.mutations._fx import writable_household


@strawberry.input(description="A household's own exchange rate for one pair and day; it wins over published rates.")
class FxRateOverrideSetInput:
    base: str = strawberry.field(description="ISO 4217 code of the currency converted from, such as USD.")
    quote: str = strawberry.field(description="ISO 4217 code of the currency converted to, such as EUR.")
    date: dt.date = strawberry.field(description="The day it applies to (and up to the look-back window after).")
    rate: Decimal = strawberry.field(
        description='Units of `quote` for one `base`, such as "0.9141": positive, at most 12 decimal places.'
    )
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )


@strawberry.type(description="The outcome of `fxRateOverrideSet`.")
class FxRateOverrideSetPayload:
    override: FxRateRecord | None = strawberry.field(default=None, description="The override as stored.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def fx_rate_override_set(
    info: strawberry.Info[Context, None], input: FxRateOverrideSetInput
) -> FxRateOverrideSetPayload:
    """Set (or replace) the household's rate for the pair on that day; an override of the inverse pair for the
    same day is replaced too, so the two can never disagree."""
    household_id, refused = writable_household(info, input.household_id)
    errors: list[UserError] = [refused] if refused else []
    try:
        validate_override(base=input.base, quote=input.quote, rate=input.rate)
    except FxInputError as exc:
        errors += [ValidationError(field=field, message=message) for field, message in exc.problems]
    if errors or household_id is None:
        return FxRateOverrideSetPayload(errors=errors)
    session = info.context.session
    async with session.begin():
        record = await set_override(
            session=session,
            household_id=household_id,
            base=input.base,
            quote=input.quote,
            on=input.date,
            rate=input.rate,
        )
    return FxRateOverrideSetPayload(override=FxRateRecord.of(record))
