"""Resolvers of the report queries; ``subgraphs/budget/queries.py`` mounts them on ``Query``.

Each answers null when ``householdId`` is not one of the viewer's households (exactly as for one that does not
exist), and a ``BAD_USER_INPUT`` error for a period that cannot work."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from fincloud.graphql import UserInputError, page_size, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.reports import service
from subgraphs.budget.reports.types import (
    CashFlowReport,
    IncomeExpenseReport,
    NetWorthReport,
    ReportGrain,
    ReportKind,
    SpendingReport,
)

__all__ = ["cash_flow", "income_vs_expense", "net_worth", "spending_by_category", "spending_by_payee"]

R = TypeVar("R")

HouseholdArg = Annotated[strawberry.ID, strawberry.argument(description="The household to report on.")]
FromArg = Annotated[dt.date, strawberry.argument(name="from", description="First day of the period, inclusive.")]
ToArg = Annotated[dt.date, strawberry.argument(name="to", description="Last day of the period, inclusive.")]
KindArg = Annotated[ReportKind, strawberry.argument(description="Spending (default) or income.")]
FirstArg = Annotated[
    int | None,
    strawberry.argument(description="How many lines to show, 1 to 100 (default 20); the rest are summed in `others`."),
]


def _readable(info: strawberry.Info[Context, None], household_id: strawberry.ID) -> uuid.UUID | None:
    wanted = parse_id(household_id)
    return wanted if wanted is not None and info.context.viewer.can_read(wanted) else None


async def _run(info: strawberry.Info[Context, None], compute: Callable[[FxPolicy], Awaitable[R]]) -> R:
    try:
        return await compute(FxPolicy.from_settings(info.context.runtime.settings))
    except service.ReportError as exc:
        raise UserInputError(str(exc), field=exc.field) from None


async def cash_flow(
    info: strawberry.Info[Context, None], household_id: HouseholdArg, since: FromArg, until: ToArg
) -> CashFlowReport | None:
    household = _readable(info, household_id)
    if household is None:
        return None
    report = await _run(
        info,
        lambda policy: service.cash_flow(
            session=info.context.session, household_id=household, since=since, until=until, policy=policy
        ),
    )
    return CashFlowReport.of(report)


async def spending_by_category(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArg,
    since: FromArg,
    until: ToArg,
    kind: KindArg = ReportKind.EXPENSE,
    first: FirstArg = None,
) -> SpendingReport | None:
    household = _readable(info, household_id)
    limit = page_size(first if first is not None else 20)
    if household is None:
        return None
    report = await _run(
        info,
        lambda policy: service.spending_by_category(
            session=info.context.session,
            household_id=household,
            since=since,
            until=until,
            kind=service.Kind(str(kind.value)),
            limit=limit,
            policy=policy,
        ),
    )
    return SpendingReport.of(report)


async def spending_by_payee(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArg,
    since: FromArg,
    until: ToArg,
    kind: KindArg = ReportKind.EXPENSE,
    first: FirstArg = None,
) -> SpendingReport | None:
    household = _readable(info, household_id)
    limit = page_size(first if first is not None else 20)
    if household is None:
        return None
    report = await _run(
        info,
        lambda policy: service.spending_by_payee(
            session=info.context.session,
            household_id=household,
            since=since,
            until=until,
            kind=service.Kind(str(kind.value)),
            limit=limit,
            policy=policy,
        ),
    )
    return SpendingReport.of(report)


async def income_vs_expense(
    info: strawberry.Info[Context, None], household_id: HouseholdArg, since: FromArg, until: ToArg
) -> IncomeExpenseReport | None:
    household = _readable(info, household_id)
    if household is None:
        return None
    report = await _run(
        info,
        lambda policy: service.income_vs_expense(
            session=info.context.session, household_id=household, since=since, until=until, policy=policy
        ),
    )
    return IncomeExpenseReport.of(report)


async def net_worth(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArg,
    since: FromArg,
    until: ToArg,
    grain: Annotated[
        ReportGrain, strawberry.argument(description="A point at each month's end (default) or every day.")
    ] = ReportGrain.MONTH,
) -> NetWorthReport | None:
    household = _readable(info, household_id)
    if household is None:
        return None
    report = await _run(
        info,
        lambda policy: service.net_worth(
            session=info.context.session,
            household_id=household,
            since=since,
            until=until,
            grain=service.Grain(str(grain.value)),
            policy=policy,
        ),
    )
    return NetWorthReport.of(report)
