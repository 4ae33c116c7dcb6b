from __future__ import annotations

from typing import Annotated, cast

import strawberry

from fincloud.auth import Role
from fincloud.graphql import NotFoundError, UserError, ValidationError
from subgraphs.budget.budgets.service import BudgetInputError, update_settings
from subgraphs.budget.budgets.types import BudgetModel, BudgetSettings
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._budget import writable_household
from subgraphs.budget.services.budget_settings import set_base_currency
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Budget settings to change; fields left out stay as they are.")
class BudgetSettingsUpdateInput:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    model: BudgetModel | None = strawberry.field(default=None, description="How the household budgets.")
    base_currency: str | None = strawberry.field(
        default=None,
        description="ISO 4217 currency of budgets, reports and converted balances (owners only; refused while the "
        "household has budget amounts, which are in the old currency).",
    )
    threshold_levels: list[int] | None = strawberry.field(
        default=None,
        description="Alert levels, whole percentages of a category's budget from 1 to 1000, at most 5, such as "
        "[80, 100]; an empty list turns alerts off.",
    )


@strawberry.type(description="The outcome of `budgetSettingsUpdate`.")
class BudgetSettingsUpdatePayload:
    settings: BudgetSettings | None = strawberry.field(default=None, description="The settings now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def budget_settings_update(
    info: strawberry.Info[Context, None],
    input: Annotated[BudgetSettingsUpdateInput, strawberry.argument(description="The settings to change.")],
) -> BudgetSettingsUpdatePayload:
    """Choose the budget model, the alert levels and (owners only) the base currency."""
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return BudgetSettingsUpdatePayload(errors=[refused] if refused else [])
    if input.base_currency is not None and info.context.viewer.role_in(household_id) is not Role.OWNER:
        return BudgetSettingsUpdatePayload(
            errors=[
                NotFoundError(field="householdId", message="only the household's owners may change its base currency")
            ]
        )
    session = info.context.session
    try:
        async with session.begin():
            if input.base_currency is not None:
                await set_base_currency(session=session, household_id=household_id, currency=input.base_currency)
            view = await update_settings(
                session=session,
                household_id=household_id,
                model=cast(str, input.model.value) if input.model is not None else None,
                levels=input.threshold_levels,
            )
    except (BudgetInputError, LedgerError) as exc:
        return BudgetSettingsUpdatePayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    return BudgetSettingsUpdatePayload(settings=BudgetSettings.of(view))
