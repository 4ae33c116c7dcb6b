from __future__ import annotations

import strawberry

from fincloud.auth import Role
from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import BudgetModelType, BudgetSettings
from subgraphs.budget.mutations._ledger import required, user_error
from subgraphs.budget.services.budget_settings import BudgetModel, update_settings
from subgraphs.budget.services.changes import Keep
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Changes to a household's budget settings; fields left out keep their value.")
class BudgetSettingsUpdateInput:
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    base_currency: str | None = strawberry.field(
        default=strawberry.UNSET, description="ISO 4217 currency of budgets and reports, such as EUR."
    )
    budget_model: BudgetModelType | None = strawberry.field(
        default=strawberry.UNSET, description="How the household budgets."
    )


@strawberry.type(description="The outcome of `budgetSettingsUpdate`.")
class BudgetSettingsUpdatePayload:
    settings: BudgetSettings | None = strawberry.field(default=None, description="The settings as saved.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def budget_settings_update(
    info: strawberry.Info[Context, None], input: BudgetSettingsUpdateInput
) -> BudgetSettingsUpdatePayload:
    """Only the household's owners change its settings; to anyone else (editors, viewers, strangers) the household
    looks missing."""
    viewer = info.context.viewer
    if input.household_id is not None:
        household_id = parse_id(input.household_id)
    else:
        household_id = viewer.household_ids[0] if viewer.household_ids else None
    if household_id is None or not viewer.can_read(household_id):
        return BudgetSettingsUpdatePayload(errors=[NotFoundError(field="householdId", message="no such household")])
    if viewer.role_in(household_id) is not Role.OWNER:
        return BudgetSettingsUpdatePayload(
            errors=[
                NotFoundError(field="householdId", message="only the household's owners may change its budget settings")
            ]
        )
    session = info.context.session
    try:
        model = required(input.budget_model, field="budgetModel")
        async with session.begin():
            row = await update_settings(
                session=session,
                household_id=household_id,
                base_currency=required(input.base_currency, field="baseCurrency"),
                budget_model=model if isinstance(model, Keep) else BudgetModel[model.name],
            )
    except LedgerError as exc:
        return BudgetSettingsUpdatePayload(errors=[user_error(exc)])
    return BudgetSettingsUpdatePayload(settings=BudgetSettings.from_row(row))
