from __future__ import annotations

from typing import Annotated

import strawberry

from fincloud.graphql import UserError, ValidationError
from subgraphs.budget.budgets.figures import budget_figures
from subgraphs.budget.budgets.months import MonthError, parse_month
from subgraphs.budget.budgets.service import BudgetInputError, copy_month
from subgraphs.budget.budgets.types import BudgetMonth
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.mutations._budget import today, writable_household


@strawberry.input(description="The month to fill with the amounts of the month before.")
class BudgetCopyMonthInput:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    month: str = strawberry.field(description="The month to fill, as YYYY-MM; amounts come from the month before.")
    overwrite: bool = strawberry.field(
        default=False, description="Replace amounts already set in `month` (default: keep them)."
    )


@strawberry.type(description="The outcome of `budgetCopyMonth`.")
class BudgetCopyMonthPayload:
    budget_month: BudgetMonth | None = strawberry.field(default=None, description="The month's figures, updated.")
    copied: int | None = strawberry.field(default=None, description="How many amounts were written.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def budget_copy_month(
    info: strawberry.Info[Context, None],
    input: Annotated[BudgetCopyMonthInput, strawberry.argument(description="The household and the month to fill.")],
) -> BudgetCopyMonthPayload:
    """Copy last month's amounts into a month (live categories only; expense categories in an envelope budget)."""
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return BudgetCopyMonthPayload(errors=[refused] if refused else [])
    try:
        month = parse_month(input.month)
    except MonthError as exc:
        return BudgetCopyMonthPayload(errors=[ValidationError(field="month", message=str(exc))])
    session = info.context.session
    policy = FxPolicy.from_settings(info.context.runtime.settings)
    try:
        async with session.begin():
            copied = await copy_month(
                session=session,
                household_id=household_id,
                month=month,
                overwrite=input.overwrite,
                user_id=info.context.viewer.user_id,
                today=today(),
                policy=policy,
            )
    except BudgetInputError as exc:
        return BudgetCopyMonthPayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    async with session.begin():
        [figures] = await budget_figures(session=session, household_id=household_id, months=[month], policy=policy)
    return BudgetCopyMonthPayload(budget_month=BudgetMonth.of(figures), copied=copied)
