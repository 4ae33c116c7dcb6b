from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.budgets.types import BudgetRollover
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Category
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.categories import Rollover, create_category
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="A new category.")
class CategoryCreateInput:
    group_id: strawberry.ID = strawberry.field(description="The group it belongs to (and takes its kind from).")
    name: str = strawberry.field(description="Display name, 1 to 100 characters, unique among the group's live ones.")
    position: int | None = strawberry.field(
        default=None, description="Order within the group (0 to 1000000); default: after the last one."
    )
    hidden: bool = strawberry.field(default=False, description="Hide it from pickers and the budget view.")
    rollover: BudgetRollover = strawberry.field(
        default=BudgetRollover.NONE, description="What its leftover budget does at the end of a month."
    )


@strawberry.type(description="The outcome of `categoryCreate`.")
class CategoryCreatePayload:
    category: Category | None = strawberry.field(default=None, description="The new category.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def category_create(info: strawberry.Info[Context, None], input: CategoryCreateInput) -> CategoryCreatePayload:
    session = info.context.session
    try:
        group_id = known_id(input.group_id, what="group", field="groupId")
        async with session.begin():
            row = await create_category(
                session=session,
                household_ids=writable_households(info),
                group_id=group_id,
                name=input.name,
                position=input.position,
                hidden=input.hidden,
                rollover=Rollover[input.rollover.name],
            )
    except LedgerError as exc:
        return CategoryCreatePayload(errors=[user_error(exc)])
    return CategoryCreatePayload(category=Category.from_row(row))
