"""Resolvers of the exchange-rate queries; ``subgraphs/budget/queries.py`` mounts them on ``Query``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry

from fincloud.graphql import Connection, PageInfo, UserInputError, paginate, parse_id
from fincloud.money import MoneyError, currencies, normalize_currency
from subgraphs.budget.context import Context
from subgraphs.budget.fx.models import FxRate as FxRateRow
from subgraphs.budget.fx.service import FxPolicy, MissingRate, rate_for, rates_query
from subgraphs.budget.fx.types import Currency, FxRate, FxRateMissing, FxRateRecord, FxRateResult

__all__ = ["currencies_list", "fx_rate", "fx_rates"]


def _overrides_of(
    info: strawberry.Info[Context, None], household_id: strawberry.ID | None
) -> tuple[bool, uuid.UUID | None]:
    """``(visible, household)``: whose overrides count. The household named must be the viewer's (else not
    visible: answer like a missing one); unnamed, the viewer's first household, or none (published rates only)."""
    viewer = info.context.viewer
    if household_id is None:
        return True, (viewer.household_ids[0] if viewer.household_ids else None)
    wanted = parse_id(household_id)
    if wanted is None or not viewer.can_read(wanted):
        return False, None
    return True, wanted


def _code(value: str, field: str) -> str:
    try:
        return normalize_currency(value)
    except MoneyError as exc:
        raise UserInputError(str(exc), field=field) from None


async def fx_rate(
    info: strawberry.Info[Context, None],
    base: Annotated[str, strawberry.argument(description="ISO 4217 code to convert from, such as USD.")],
    quote: Annotated[str, strawberry.argument(description="ISO 4217 code to convert to, such as EUR.")],
    date: Annotated[
        dt.date | None,
        strawberry.argument(description="The date of the rate, such as a transaction's (default: today, UTC)."),
    ] = None,
    household_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Whose manual overrides apply (default: the viewer's first household)."),
    ] = None,
) -> FxRateResult | None:
    visible, owner = _overrides_of(info, household_id)
    if not visible:
        return None
    found = await rate_for(
        session=info.context.session,
        household_id=owner,
        base=_code(base, "base"),
        quote=_code(quote, "quote"),
        on=date or dt.datetime.now(dt.UTC).date(),
        policy=FxPolicy.from_settings(info.context.runtime.settings),
    )
    if isinstance(found, MissingRate):
        return FxRateMissing.of(found, household_id=owner)
    return FxRate.of(found, household_id=owner)


async def fx_rates(
    info: strawberry.Info[Context, None],
    base: Annotated[str, strawberry.argument(description="ISO 4217 code of one currency of the pair.")],
    quote: Annotated[str, strawberry.argument(description="ISO 4217 code of the other currency of the pair.")],
    since: Annotated[dt.date, strawberry.argument(name="from", description="First date, inclusive.")],
    until: Annotated[dt.date, strawberry.argument(name="to", description="Last date, inclusive.")],
    household_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Whose overrides to list (default: the viewer's first household)."),
    ] = None,
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
) -> Connection[FxRateRecord]:
    base, quote = _code(base, "base"), _code(quote, "quote")
    if since > until:
        raise UserInputError("`from` must not be after `to`", field="to")
    visible, owner = _overrides_of(info, household_id)
    if not visible:
        return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    return await paginate(
        info.context.session,
        rates_query(household_id=owner, base=base, quote=quote, since=since, until=until),
        keys=[FxRateRow.date, FxRateRow.id],
        node=FxRateRecord.from_row,
        first=first,
        after=after,
        descending=True,
    )


def currencies_list() -> list[Currency]:
    return [Currency.of(info) for info in currencies()]
