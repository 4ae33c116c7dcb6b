"""The resolver of ``Query.transactions``; ``subgraphs/budget/queries.py`` mounts it."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from fincloud.graphql import UserInputError, page_size, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.search import service
from subgraphs.budget.search.types import TransactionFilter, TransactionSearchConnection, TransactionSort

__all__ = ["transactions"]

_NOWHERE = uuid.UUID(int=0)
"""What a malformed id in a filter becomes: an id no row has, so it matches nothing, like a missing one."""


def _ids(values: list[strawberry.ID] | None) -> list[uuid.UUID]:
    return [parse_id(v) or _NOWHERE for v in values or []]


def _service_filter(given: TransactionFilter | None) -> service.SearchFilter:
    if given is None:
        return service.SearchFilter()
    return service.SearchFilter(
        text=given.text,
        account_ids=_ids(given.account_ids),
        category_ids=_ids(given.category_ids),
        uncategorised=given.uncategorised,
        since=given.since,
        until=given.until,
        amount_min=given.amount_min,
        amount_max=given.amount_max,
        direction=service.Direction(str(given.direction.value)) if given.direction else None,
        tags=[tag.strip().lstrip("#").strip() for tag in given.tags or [] if tag.strip()],
        statuses=[str(status.value) for status in given.statuses or []],
        transfers=given.transfers,
    )


async def transactions(
    info: strawberry.Info[Context, None],
    household_id: Annotated[strawberry.ID, strawberry.argument(description="The household whose transactions.")],
    filter: Annotated[
        TransactionFilter | None, strawberry.argument(description="Which transactions (default: all).")
    ] = None,
    sort: Annotated[TransactionSort, strawberry.argument(description="The order (default: newest first).")] = (
        TransactionSort.DATE_DESC
    ),
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[
        str | None, strawberry.argument(description="Cursor of the last item seen (from the same sort).")
    ] = None,
) -> TransactionSearchConnection:
    limit = page_size(first)
    household = parse_id(household_id)
    if household is None or not info.context.viewer.can_read(household):
        return TransactionSearchConnection.empty()
    try:
        page = await service.search_transactions(
            session=info.context.session,
            household_id=household,
            wanted=_service_filter(filter),
            sort=service.SearchSort(str(sort.value)),
            limit=limit,
            after=after,
        )
    except service.SearchError as exc:
        raise UserInputError(str(exc), field=exc.field) from None
    return TransactionSearchConnection.of(page)
