"""Setting budget amounts and the household's budget settings. Keyword-only async functions; no GraphQL here;
callers own the transaction. Every change writes ``budget.budget_changed`` and re-checks the thresholds of the
months it touches, in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import Money, MoneyError
from subgraphs.budget.budgets.events import write_budget_changed
from subgraphs.budget.budgets.models import BudgetAmount, BudgetPreferences
from subgraphs.budget.budgets.months import add_months, month_label
from subgraphs.budget.budgets.thresholds import evaluate_thresholds, threshold_levels
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.models import Category, HouseholdSettings
from subgraphs.budget.services.households import DEFAULT_BASE_CURRENCY, DEFAULT_BUDGET_MODEL, household_settings

__all__ = [
    "BUDGET_MODELS",
    "MAX_LEVEL",
    "MAX_LEVELS",
    "BudgetInputError",
    "BudgetSettingsView",
    "budget_settings",
    "copy_month",
    "find_category",
    "set_amount",
    "threshold_levels",
    "update_settings",
    "validate_levels",
]

BUDGET_MODELS = ("limits", "envelope")
MAX_LEVELS = 5
MAX_LEVEL = 1000


class BudgetInputError(ValueError):
    """Input the caller must change; ``field`` names the input field (GraphQL spelling)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


async def find_category(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], category_id: uuid.UUID
) -> Category | None:
    """The live (not archived) category, if it belongs to one of ``household_ids``."""
    found: Category | None = await session.scalar(
        select(Category).where(
            Category.id == category_id, Category.household_id.in_(household_ids), Category.archived_at.is_(None)
        )
    )
    return found


def _exact(amount: Decimal, currency: str) -> Decimal:
    try:
        money = Money.exact(amount, currency)
    except MoneyError as exc:
        raise BudgetInputError(str(exc), field="amount") from None
    if money.amount < 0:
        raise BudgetInputError("a budget cannot be negative", field="amount")
    return money.amount


async def set_amount(
    *,
    session: AsyncSession,
    category: Category,
    month: dt.date,
    amount: Decimal,
    user_id: uuid.UUID | None,
    today: dt.date,
    policy: FxPolicy | None = None,
) -> None:
    """Budget ``amount`` (in the household's base currency) for ``category`` in ``month`` (its first day); zero
    removes the amount. In an envelope budget only expense categories are given money (income is to be
    budgeted). Raises ``BudgetInputError``."""
    settings = await household_settings(session=session, household_id=category.household_id)
    value = _exact(amount, settings.base_currency)
    if settings.budget_model == "envelope" and category.kind == "income":
        raise BudgetInputError(
            "in an envelope budget income is not assigned: it adds to what is to be budgeted", field="categoryId"
        )
    if value == 0:
        await session.execute(
            delete(BudgetAmount).where(BudgetAmount.category_id == category.id, BudgetAmount.month == month)
        )
    else:
        row = insert(BudgetAmount).values(
            id=uuid.uuid4(),
            household_id=category.household_id,
            category_id=category.id,
            month=month,
            amount=value,
            updated_by=user_id,
        )
        await session.execute(
            row.on_conflict_do_update(
                index_elements=[BudgetAmount.category_id, BudgetAmount.month],
                set_={
                    "amount": row.excluded.amount,
                    "updated_by": row.excluded.updated_by,
                    "updated_at": dt.datetime.now(dt.UTC),
                },
            )
        )
    await write_budget_changed(
        session=session,
        household_id=category.household_id,
        months=[month],
        category_ids=[category.id],
        reason="amount_set",
    )
    await evaluate_thresholds(
        session=session, household_id=category.household_id, from_month=month, today=today, policy=policy
    )


async def copy_month(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    month: dt.date,
    overwrite: bool,
    user_id: uuid.UUID | None,
    today: dt.date,
    policy: FxPolicy | None = None,
) -> int:
    """Give each live category of the household in ``month`` what it had the month before; with ``overwrite``
    amounts already set in ``month`` are replaced, else kept. Returns how many amounts were written. Raises
    ``BudgetInputError`` when the month before has no budget."""
    previous = add_months(month, -1)
    settings = await household_settings(session=session, household_id=household_id)
    query = (
        select(BudgetAmount.category_id, BudgetAmount.amount)
        .join(Category, Category.id == BudgetAmount.category_id)
        .where(
            BudgetAmount.household_id == household_id,
            BudgetAmount.month == previous,
            Category.archived_at.is_(None),
        )
    )
    if settings.budget_model == "envelope":
        query = query.where(Category.kind == "expense")
    amounts = (await session.execute(query)).all()
    if not amounts:
        raise BudgetInputError(f"{month_label(previous)} has no budget to copy", field="month")
    rows = insert(BudgetAmount).values(
        [
            {
                "id": uuid.uuid4(),
                "household_id": household_id,
                "category_id": category_id,
                "month": month,
                "amount": amount,
                "updated_by": user_id,
            }
            for category_id, amount in amounts
        ]
    )
    keys = [BudgetAmount.category_id, BudgetAmount.month]
    statement = (
        rows.on_conflict_do_update(
            index_elements=keys,
            set_={
                "amount": rows.excluded.amount,
                "updated_by": rows.excluded.updated_by,
                "updated_at": dt.datetime.now(dt.UTC),
            },
        )
        if overwrite
        else rows.on_conflict_do_nothing(index_elements=keys)
    )
    written = (await session.execute(statement.returning(BudgetAmount.category_id))).scalars().all()
    if written:
        await write_budget_changed(
            session=session, household_id=household_id, months=[month], category_ids=written, reason="month_copied"
        )
        await evaluate_thresholds(
            session=session, household_id=household_id, from_month=month, today=today, policy=policy
        )
    return len(written)


def validate_levels(levels: Sequence[int]) -> list[int]:
    """Distinct whole percentages from 1 to ``MAX_LEVEL``, at most ``MAX_LEVELS`` of them, ascending."""
    unique = sorted(set(levels))
    if any(not 1 <= level <= MAX_LEVEL for level in unique):
        raise BudgetInputError(f"levels are whole percentages from 1 to {MAX_LEVEL}", field="thresholdLevels")
    if len(unique) > MAX_LEVELS:
        raise BudgetInputError(f"use at most {MAX_LEVELS} levels", field="thresholdLevels")
    return unique


class BudgetSettingsView:
    """What ``budget_settings`` answers: model, base currency and alert levels."""

    def __init__(self, *, household_id: uuid.UUID, model: str, currency: str, levels: Sequence[int]) -> None:
        self.household_id = household_id
        self.model = model
        self.currency = currency
        self.levels = list(levels)


async def budget_settings(*, session: AsyncSession, household_id: uuid.UUID) -> BudgetSettingsView:
    """The household's budget model, base currency and alert levels, defaults filled in."""
    row = await session.scalar(
        select(HouseholdSettings)
        .where(HouseholdSettings.household_id == household_id)
        .execution_options(populate_existing=True)
    )
    return BudgetSettingsView(
        household_id=household_id,
        model=row.budget_model if row is not None else DEFAULT_BUDGET_MODEL,
        currency=row.base_currency if row is not None else DEFAULT_BASE_CURRENCY,
        levels=await threshold_levels(session=session, household_id=household_id),
    )


async def update_settings(
    *, session: AsyncSession, household_id: uuid.UUID, model: str | None, levels: Sequence[int] | None
) -> BudgetSettingsView:
    """Change the budget model and/or the alert levels (``None``: unchanged). Raises ``BudgetInputError``."""
    if model is not None and model not in BUDGET_MODELS:
        raise BudgetInputError(f"the budget model is one of {', '.join(BUDGET_MODELS)}", field="model")
    clean = validate_levels(levels) if levels is not None else None
    if model is not None:
        row = insert(HouseholdSettings).values(
            household_id=household_id, base_currency=DEFAULT_BASE_CURRENCY, budget_model=model
        )
        result = await session.execute(
            row.on_conflict_do_update(
                index_elements=[HouseholdSettings.household_id],
                set_={"budget_model": row.excluded.budget_model, "updated_at": dt.datetime.now(dt.UTC)},
                where=HouseholdSettings.budget_model != row.excluded.budget_model,
            ).returning(HouseholdSettings.household_id)
        )
        if result.first() is not None:
            await write_budget_changed(session=session, household_id=household_id, months=[], reason="settings_changed")
    if clean is not None:
        row = insert(BudgetPreferences).values(household_id=household_id, threshold_levels=clean)
        await session.execute(
            row.on_conflict_do_update(
                index_elements=[BudgetPreferences.household_id],
                set_={"threshold_levels": row.excluded.threshold_levels, "updated_at": dt.datetime.now(dt.UTC)},
            )
        )
    return await budget_settings(session=session, household_id=household_id)
