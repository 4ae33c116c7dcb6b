from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.budgets.types import BudgetRollover
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Category
from subgraphs.budget.mutations._ledger import known_id, required, user_error, writable_households
from subgraphs.budget.services.categories import CategoryChanges, Rollover, update_category
from subgraphs.budget.services.changes import Keep
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Changes to a category; fields left out keep their value.")
class CategoryUpdateInput:
    id: strawberry.ID = strawberry.field(description="The category.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name, 1 to 100 characters.")
    group_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Move it to another group of the household (it takes that group's kind)."
    )
    position: int | None = strawberry.field(
        default=strawberry.UNSET, description="Order within the group (0 to 1000000)."
    )
    hidden: bool | None = strawberry.field(default=strawberry.UNSET, description="Hide it from pickers.")
    archived: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Archive it (kept for history) or bring it back."
    )
    rollover: BudgetRollover | None = strawberry.field(
        default=strawberry.UNSET, description="What its leftover budget does at the end of a month."
    )


@strawberry.type(description="The outcome of `categoryUpdate`.")
class CategoryUpdatePayload:
    category: Category | None = strawberry.field(default=None, description="The category as changed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def category_update(info: strawberry.Info[Context, None], input: CategoryUpdateInput) -> CategoryUpdatePayload:
    session = info.context.session
    try:
        group_id = required(input.group_id, field="groupId")
        rollover = required(input.rollover, field="rollover")
        changes = CategoryChanges(
            name=required(input.name, field="name"),
            group_id=group_id if isinstance(group_id, Keep) else known_id(group_id, what="group", field="groupId"),
            position=required(input.position, field="position"),
            hidden=required(input.hidden, field="hidden"),
            archived=required(input.archived, field="archived"),
            rollover=rollover if isinstance(rollover, Keep) else Rollover[rollover.name],
        )
        category_id = known_id(input.id, what="category", field="id")
        async with session.begin():
            row = await update_category(
                session=session, household_ids=writable_households(info), category_id=category_id, changes=changes
            )
    except LedgerError as exc:
        return CategoryUpdatePayload(errors=[user_error(exc)])
    return CategoryUpdatePayload(category=Category.from_row(row))
