"""Resolvers of the categorisation queries and of ``Transaction``'s categorisation fields; ``queries.py`` and
``types.py`` mount them."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, PageInfo, paginate, parse_id
from subgraphs.budget.categorisation.models import DEFAULT_AUTO_APPLY_THRESHOLD
from subgraphs.budget.categorisation.models import Rule as RuleRow
from subgraphs.budget.categorisation.types import (
    CategorisationSettings,
    CategorySuggestion,
    Rule,
    TransactionCategorisation,
)
from subgraphs.budget.context import Context
from subgraphs.budget.services.rules import suggestion_for

__all__ = ["categorisation_of", "categorisation_settings", "category_suggestion_of", "rules"]


def _readable(info: strawberry.Info[Context, None], household_id: strawberry.ID | None) -> uuid.UUID | None:
    """The household named (default: the viewer's first) if the viewer may read it."""
    if household_id is None:
        return info.context.viewer.household_ids[0] if info.context.viewer.household_ids else None
    wanted = parse_id(household_id)
    return wanted if wanted is not None and info.context.viewer.can_read(wanted) else None


async def rules(
    info: strawberry.Info[Context, None],
    household_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="The household; defaults to the viewer's first household."),
    ] = None,
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
) -> Connection[Rule]:
    household = _readable(info, household_id)
    if household is None:
        return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
    return await paginate(
        info.context.session,
        select(RuleRow).where(RuleRow.household_id == household),
        keys=[RuleRow.position, RuleRow.id],
        node=Rule.from_row,
        first=first,
        after=after,
    )


async def categorisation_settings(
    info: strawberry.Info[Context, None],
    household_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="The household; defaults to the viewer's first household."),
    ] = None,
) -> CategorisationSettings | None:
    household = _readable(info, household_id)
    if household is None:
        return None
    row = await info.context.loaders.categorisation_settings_by_household_id.load(household)
    return CategorisationSettings.of(household, row, DEFAULT_AUTO_APPLY_THRESHOLD)


async def category_suggestion_of(
    info: strawberry.Info[Context, None], transaction_id: uuid.UUID
) -> CategorySuggestion | None:
    """The suggestion for a transaction the viewer can read: null when it has a category (or is split or a
    transfer), or when nothing is confident enough to offer."""
    row = await info.context.loaders.transaction_by_id.load(transaction_id)
    if row is None or not info.context.viewer.can_read(row.household_id):
        return None
    categoriser = await info.context.loaders.categoriser_by_household_id.load(row.household_id)
    suggestion = suggestion_for(categoriser, row)
    return CategorySuggestion.of(suggestion) if suggestion is not None else None


async def categorisation_of(
    info: strawberry.Info[Context, None], transaction_id: uuid.UUID
) -> TransactionCategorisation | None:
    """Why the transaction has its category, if FinCloud chose it and it has not been changed since."""
    row = await info.context.loaders.transaction_by_id.load(transaction_id)
    if row is None or not info.context.viewer.can_read(row.household_id) or row.category_id is None:
        return None
    record = await info.context.loaders.categorisation_by_transaction_id.load(transaction_id)
    if record is None or record.category_id != row.category_id:
        return None
    return TransactionCategorisation.from_row(record)
