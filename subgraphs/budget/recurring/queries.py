"""Resolvers of the recurring-transaction queries; ``subgraphs/budget/queries.py`` mounts them on ``Query``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import (
    Connection,
    MoneyType,
    PageInfo,
    UserInputError,
    decode_cursor,
    encode_cursor,
    page_size,
    paginate,
    parse_id,
    to_connection,
)
from fincloud.money import Money
from subgraphs.budget.context import Context
from subgraphs.budget.recurring.models import RecurringSchedule
from subgraphs.budget.recurring.service import MAX_UPCOMING_DAYS, RecurringError, upcoming
from subgraphs.budget.recurring.types import RecurringOccurrence, RecurringTransaction

__all__ = ["recurring_transactions", "recurring_upcoming"]


def _readable(info: strawberry.Info[Context, None], household_id: strawberry.ID) -> uuid.UUID | None:
    wanted = parse_id(household_id)
    return wanted if wanted is not None and info.context.viewer.can_read(wanted) else None


def _empty() -> Connection[RecurringTransaction]:
    return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))


HouseholdArgument = Annotated[strawberry.ID, strawberry.argument(description="The household.")]
First = Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")]


async def recurring_transactions(
    info: strawberry.Info[Context, None], household_id: HouseholdArgument, first: First = None, after: After = None
) -> Connection[RecurringTransaction]:
    household = _readable(info, household_id)
    if household is None:
        page_size(first)
        return _empty()
    return await paginate(
        info.context.session,
        select(RecurringSchedule).where(RecurringSchedule.household_id == household),
        keys=[RecurringSchedule.created_at, RecurringSchedule.id],
        node=RecurringTransaction.from_row,
        first=first,
        after=after,
    )


async def recurring_upcoming(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArgument,
    days: Annotated[
        int, strawberry.argument(description=f"How many days ahead of today (UTC) to look, 0 to {MAX_UPCOMING_DAYS}.")
    ] = 30,
    first: First = None,
    after: After = None,
) -> Connection[RecurringOccurrence]:
    limit = page_size(first)
    if not 0 <= days <= MAX_UPCOMING_DAYS:
        raise UserInputError(f"look 0 to {MAX_UPCOMING_DAYS} days ahead", field="days")
    position: tuple[str, str] | None = None
    if after is not None:
        day, schedule = decode_cursor(after, arity=2)
        position = (day, schedule)
    household = _readable(info, household_id)
    if household is None:
        return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    try:
        found = await upcoming(
            session=info.context.session, household_id=household, days=days, today=dt.datetime.now(dt.UTC).date()
        )
    except RecurringError as exc:  # pragma: no cover - days is checked above
        raise UserInputError(str(exc), field=exc.field) from None
    transactions: dict[uuid.UUID, RecurringTransaction] = {}
    items = []
    for item in found:
        key = (item.date.isoformat(), str(item.schedule.id))
        if position is not None and key <= position:
            continue
        node = transactions.setdefault(item.schedule.id, RecurringTransaction.from_row(item.schedule))
        items.append(
            RecurringOccurrence(
                date=item.date,
                amount=MoneyType.of(Money(item.amount, item.schedule.currency)),
                amount_is_estimate=item.schedule.amount_is_estimate,
                skipped=item.skipped,
                recurring=node,
            )
        )
        if len(items) > limit:
            break
    return to_connection(
        items, limit=limit, node=lambda item: item, cursor=lambda item: encode_cursor(item.date, item.recurring.id)
    )
