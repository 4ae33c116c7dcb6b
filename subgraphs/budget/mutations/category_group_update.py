from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import CategoryGroup, CategoryKindType
from subgraphs.budget.mutations._ledger import known_id, required, user_error, writable_households
from subgraphs.budget.services.categories import CategoryKind, GroupChanges, update_group
from subgraphs.budget.services.changes import Keep
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Changes to a category group; fields left out keep their value.")
class CategoryGroupUpdateInput:
    id: strawberry.ID = strawberry.field(description="The group.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name, 1 to 100 characters.")
    kind: CategoryKindType | None = strawberry.field(
        default=strawberry.UNSET, description="Income or expense; its categories change with it."
    )
    position: int | None = strawberry.field(
        default=strawberry.UNSET, description="Order among the groups (0 to 1000000)."
    )
    hidden: bool | None = strawberry.field(default=strawberry.UNSET, description="Hide it from pickers.")
    archived: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Archive it (kept for history) or bring it back."
    )


@strawberry.type(description="The outcome of `categoryGroupUpdate`.")
class CategoryGroupUpdatePayload:
    group: CategoryGroup | None = strawberry.field(default=None, description="The group as changed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def category_group_update(
    info: strawberry.Info[Context, None], input: CategoryGroupUpdateInput
) -> CategoryGroupUpdatePayload:
    session = info.context.session
    try:
        kind = required(input.kind, field="kind")
        changes = GroupChanges(
            name=required(input.name, field="name"),
            kind=kind if isinstance(kind, Keep) else CategoryKind[kind.name],
            position=required(input.position, field="position"),
            hidden=required(input.hidden, field="hidden"),
            archived=required(input.archived, field="archived"),
        )
        group_id = known_id(input.id, what="group", field="id")
        async with session.begin():
            row = await update_group(
                session=session, household_ids=writable_households(info), group_id=group_id, changes=changes
            )
    except LedgerError as exc:
        return CategoryGroupUpdatePayload(errors=[user_error(exc)])
    return CategoryGroupUpdatePayload(group=CategoryGroup.from_row(row))
