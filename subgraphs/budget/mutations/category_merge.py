from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Category
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.categories import merge_categories
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="A category to merge into another.")
class CategoryMergeInput:
    source_id: strawberry.ID = strawberry.field(
        description="The category merged away: its transactions and split parts move, then it is archived."
    )
    target_id: strawberry.ID = strawberry.field(description="The category kept: live, of the same kind.")


@strawberry.type(description="The outcome of `categoryMerge`.")
class CategoryMergePayload:
    category: Category | None = strawberry.field(default=None, description="The category kept.")
    merged: Category | None = strawberry.field(default=None, description="The merged category, now archived.")
    transactions_moved: int | None = strawberry.field(default=None, description="Transactions moved to the target.")
    splits_moved: int | None = strawberry.field(default=None, description="Split parts moved to the target.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def category_merge(info: strawberry.Info[Context, None], input: CategoryMergeInput) -> CategoryMergePayload:
    session = info.context.session
    try:
        source_id = known_id(input.source_id, what="category", field="sourceId")
        target_id = known_id(input.target_id, what="category", field="targetId")
        async with session.begin():
            merged = await merge_categories(
                session=session, household_ids=writable_households(info), source_id=source_id, target_id=target_id
            )
    except LedgerError as exc:
        return CategoryMergePayload(errors=[user_error(exc)])
    return CategoryMergePayload(
        category=Category.from_row(merged.target),
        merged=Category.from_row(merged.source),
        transactions_moved=merged.transactions_moved,
        splits_moved=merged.splits_moved,
    )
