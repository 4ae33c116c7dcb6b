from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import CategoryGroup, CategoryKindType
from subgraphs.budget.mutations._ledger import user_error
from subgraphs.budget.services.categories import CategoryKind, create_group
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="A new category group.")
class CategoryGroupCreateInput:
    name: str = strawberry.field(description="Display name, 1 to 100 characters, unique among the live groups.")
    kind: CategoryKindType = strawberry.field(description="Income or expense; its categories share it.")
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    position: int | None = strawberry.field(
        default=None, description="Order among the groups (0 to 1000000); default: after the last one."
    )
    hidden: bool = strawberry.field(default=False, description="Hide it from pickers and the budget view.")


@strawberry.type(description="The outcome of `categoryGroupCreate`.")
class CategoryGroupCreatePayload:
    group: CategoryGroup | None = strawberry.field(default=None, description="The new group.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def category_group_create(
    info: strawberry.Info[Context, None], input: CategoryGroupCreateInput
) -> CategoryGroupCreatePayload:
    viewer = info.context.viewer
    if input.household_id is not None:
        household_id = parse_id(input.household_id)
    else:
        household_id = viewer.household_ids[0] if viewer.household_ids else None
    if household_id is None or not viewer.can_write(household_id):
        return CategoryGroupCreatePayload(errors=[NotFoundError(field="householdId", message="no such household")])
    session = info.context.session
    try:
        async with session.begin():
            row = await create_group(
                session=session,
                household_id=household_id,
                name=input.name,
                kind=CategoryKind[input.kind.name],
                position=input.position,
                hidden=input.hidden,
            )
    except LedgerError as exc:
        return CategoryGroupCreatePayload(errors=[user_error(exc)])
    return CategoryGroupCreatePayload(group=CategoryGroup.from_row(row))
