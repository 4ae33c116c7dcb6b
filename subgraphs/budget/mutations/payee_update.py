from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Payee
from subgraphs.budget.mutations._ledger import kept, known_id, required, user_error, writable_households
from subgraphs.budget.services.changes import Keep
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.payee_changes import PayeeChanges, update_payee


@strawberry.input(description="Changes to a payee; fields left out keep their value.")
class PayeeUpdateInput:
    id: strawberry.ID = strawberry.field(description="The payee.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="New name (the old one is kept as an alias); refused when another payee has it (merge instead).",
    )
    default_category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The category suggested for its new transactions; null clears."
    )


@strawberry.type(description="The outcome of `payeeUpdate`.")
class PayeeUpdatePayload:
    payee: Payee | None = strawberry.field(default=None, description="The payee as changed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def payee_update(info: strawberry.Info[Context, None], input: PayeeUpdateInput) -> PayeeUpdatePayload:
    session = info.context.session
    try:
        category = kept(input.default_category_id)
        changes = PayeeChanges(
            name=required(input.name, field="name"),
            default_category_id=(
                category
                if category is None or isinstance(category, Keep)
                else known_id(category, what="category", field="defaultCategoryId")
            ),
        )
        payee_id = known_id(input.id, what="payee", field="id")
        async with session.begin():
            row = await update_payee(
                session=session, household_ids=writable_households(info), payee_id=payee_id, changes=changes
            )
    except LedgerError as exc:
        return PayeeUpdatePayload(errors=[user_error(exc)])
    return PayeeUpdatePayload(payee=Payee.from_row(row))
