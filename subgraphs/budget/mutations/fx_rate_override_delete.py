from __future__ import annotations

import datetime as dt

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxInputError, delete_override, validate_pair
from subgraphs.budget.fx.types import FxRateRecord
from subgraphs.budget.mutations._fx import writable_household


@strawberry.input(description="The household override to remove: its pair (either direction) and day.")
class FxRateOverrideDeleteInput:
    base: str = strawberry.field(description="ISO 4217 code of one currency of the pair, such as USD.")
    quote: str = strawberry.field(description="ISO 4217 code of the other currency, such as EUR.")
    date: dt.date = strawberry.field(description="The day of the override.")
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )


@strawberry.type(description="The outcome of `fxRateOverrideDelete`.")
class FxRateOverrideDeletePayload:
    override: FxRateRecord | None = strawberry.field(default=None, description="The override removed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def fx_rate_override_delete(
    info: strawberry.Info[Context, None], input: FxRateOverrideDeleteInput
) -> FxRateOverrideDeletePayload:
    """Remove the household's override; published rates apply again for that day."""
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return FxRateOverrideDeletePayload(errors=[refused] if refused else [])
    try:
        validate_pair(base=input.base, quote=input.quote)
    except FxInputError as exc:
        return FxRateOverrideDeletePayload(
            errors=[ValidationError(field=field, message=message) for field, message in exc.problems]
        )
    session = info.context.session
    async with session.begin():
        record = await delete_override(
            session=session, household_id=household_id, base=input.base, quote=input.quote, on=input.date
        )
    if record is None:
        return FxRateOverrideDeletePayload(
            errors=[NotFoundError(field="date", message="the household has no override of this pair on this day")]
        )
    return FxRateOverrideDeletePayload(override=FxRateRecord.of(record))
