"""Changing a household's base currency (the budget model and alert levels: ``budgets.service``)."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from fincloud.money import MoneyError, normalize_currency
from subgraphs.budget.budgets.events import write_budget_changed
from subgraphs.budget.budgets.models import BudgetAmount
from subgraphs.budget.models import HouseholdSettings
from subgraphs.budget.services.households import DEFAULT_BUDGET_MODEL, household_settings
from subgraphs.budget.services.ledger import LedgerError

__all__ = ["set_base_currency"]


async def set_base_currency(*, session: AsyncSession, household_id: uuid.UUID, currency: str) -> bool:
    """Make ``currency`` the household's base currency (reports, net worth and budgets are in it); whether it
    changed. Refused (``LedgerError`` on ``baseCurrency``) for a code that is not ISO 4217, and while the household
    has budget amounts: they are recorded in the old currency and would silently change meaning."""
    try:
        code = normalize_currency(currency)
    except MoneyError as exc:
        raise LedgerError(str(exc), field="baseCurrency") from exc
    current = await household_settings(session=session, household_id=household_id)
    if code == current.base_currency:
        return False
    if await session.scalar(select(exists().where(BudgetAmount.household_id == household_id))):
        raise LedgerError(
            f"the household's budgets are in {current.base_currency}; clear them before changing the base currency",
            field="baseCurrency",
        )
    row = insert(HouseholdSettings).values(
        household_id=household_id, base_currency=code, budget_model=DEFAULT_BUDGET_MODEL, updated_at=utcnow()
    )
    await session.execute(
        row.on_conflict_do_update(
            index_elements=[HouseholdSettings.household_id],
            set_={"base_currency": row.excluded.base_currency, "updated_at": row.excluded.updated_at},
        )
    )
    if current in session:  # the row read above is cached in the session: read it again
        await session.refresh(current)
    await write_budget_changed(session=session, household_id=household_id, months=[], reason="settings_changed")
    return True
