"""Resolvers of the budget queries; ``subgraphs/budget/queries.py`` mounts them on ``Query``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry

from fincloud.graphql import UserInputError, parse_id
from subgraphs.budget.budgets.figures import budget_figures
from subgraphs.budget.budgets.months import MonthError, months_between, parse_month
from subgraphs.budget.budgets.service import budget_settings as settings_of
from subgraphs.budget.budgets.types import BudgetMonth, BudgetSettings
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxPolicy

__all__ = ["budget_month", "budget_months", "budget_settings", "readable_household"]


def readable_household(info: strawberry.Info[Context, None], household_id: strawberry.ID) -> uuid.UUID | None:
    """The household, if the viewer is a member (any role); ``None`` for another household or a malformed id."""
    wanted = parse_id(household_id)
    return wanted if wanted is not None and info.context.viewer.can_read(wanted) else None


def _month(text: str, field: str) -> dt.date:
    try:
        return parse_month(text)
    except MonthError as exc:
        raise UserInputError(str(exc), field=field) from None


async def _figures(
    info: strawberry.Info[Context, None], household_id: uuid.UUID, months: list[dt.date]
) -> list[BudgetMonth]:
    figures = await budget_figures(
        session=info.context.session,
        household_id=household_id,
        months=months,
        policy=FxPolicy.from_settings(info.context.runtime.settings),
    )
    return [BudgetMonth.of(month) for month in figures]


HouseholdArgument = Annotated[strawberry.ID, strawberry.argument(description="The household.")]


async def budget_month(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArgument,
    month: Annotated[str, strawberry.argument(description="The month, as YYYY-MM (such as 2026-11).")],
) -> BudgetMonth | None:
    parsed = _month(month, "month")
    household = readable_household(info, household_id)
    if household is None:
        return None
    [figures] = await _figures(info, household, [parsed])
    return figures


async def budget_months(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArgument,
    since: Annotated[str, strawberry.argument(name="from", description="The first month, as YYYY-MM.")],
    until: Annotated[str, strawberry.argument(name="to", description="The last month, as YYYY-MM (at most 24).")],
) -> list[BudgetMonth] | None:
    try:
        months = months_between(_month(since, "from"), _month(until, "to"))
    except MonthError as exc:
        raise UserInputError(str(exc), field="to") from None
    household = readable_household(info, household_id)
    if household is None:
        return None
    return await _figures(info, household, months)


async def budget_settings(
    info: strawberry.Info[Context, None], household_id: HouseholdArgument
) -> BudgetSettings | None:
    household = readable_household(info, household_id)
    if household is None:
        return None
    return BudgetSettings.of(await settings_of(session=info.context.session, household_id=household))
