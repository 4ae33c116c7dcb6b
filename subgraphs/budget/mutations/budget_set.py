from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.budget.budgets.figures import budget_figures
from subgraphs.budget.budgets.months import MonthError, parse_month
from subgraphs.budget.budgets.service import BudgetInputError, find_category, set_amount
from subgraphs.budget.budgets.types import BudgetMonth
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.mutations._budget import READ_ONLY, today


@strawberry.input(description="What to budget for a category in a month.")
class BudgetSetInput:
    category_id: strawberry.ID = strawberry.field(description="The category.")
    month: str = strawberry.field(description="The month, as YYYY-MM (such as 2026-11).")
    amount: Decimal = strawberry.field(
        description='In the household\'s base currency, zero or more, such as "250.00"; zero removes the amount.'
    )


@strawberry.type(description="The outcome of `budgetSet`.")
class BudgetSetPayload:
    budget_month: BudgetMonth | None = strawberry.field(default=None, description="The month's figures, updated.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def budget_set(
    info: strawberry.Info[Context, None],
    input: Annotated[BudgetSetInput, strawberry.argument(description="The category, month and amount.")],
) -> BudgetSetPayload:
    """Set (or replace) a category's amount for a month, announce the change and check its thresholds."""
    viewer = info.context.viewer
    category_id = parse_id(input.category_id)
    session = info.context.session
    async with session.begin():
        category = (
            await find_category(session=session, household_ids=viewer.household_ids, category_id=category_id)
            if category_id is not None
            else None
        )
    if category is None:
        return BudgetSetPayload(errors=[NotFoundError(field="categoryId", message="no such category")])
    if not viewer.can_write(category.household_id):
        return BudgetSetPayload(errors=[NotFoundError(field="categoryId", message=READ_ONLY)])
    try:
        month = parse_month(input.month)
    except MonthError as exc:
        return BudgetSetPayload(errors=[ValidationError(field="month", message=str(exc))])
    policy = FxPolicy.from_settings(info.context.runtime.settings)
    try:
        async with session.begin():
            await set_amount(
                session=session,
                category=category,
                month=month,
                amount=input.amount,
                user_id=viewer.user_id,
                today=today(),
                policy=policy,
            )
    except BudgetInputError as exc:
        return BudgetSetPayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    async with session.begin():
        [figures] = await budget_figures(
            session=session, household_id=category.household_id, months=[month], policy=policy
        )
    return BudgetSetPayload(budget_month=BudgetMonth.of(figures))
