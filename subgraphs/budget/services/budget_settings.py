"""Changing a household's budget settings (base currency, budget model); reading them is
``services.households``."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from fincloud.money import MoneyError, normalize_currency
from subgraphs.budget.models import HouseholdSettings
from subgraphs.budget.services.changes import KEEP, Keep
from subgraphs.budget.services.households import household_settings
from subgraphs.budget.services.ledger import LedgerError

__all__ = ["BudgetModel", "update_settings"]


class BudgetModel(StrEnum):
    LIMITS = "limits"
    """A spending limit per category and month."""
    ENVELOPE = "envelope"
    """Zero-based: income is assigned to categories until nothing is left to budget."""


async def update_settings(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    base_currency: str | Keep = KEEP,
    budget_model: BudgetModel | Keep = KEEP,
) -> HouseholdSettings:
    """Save the household's settings (the first save stores the defaults for what is left out). Raises
    ``LedgerError`` (``baseCurrency``) for a code that is not ISO 4217."""
    current = await household_settings(session=session, household_id=household_id)
    currency = current.base_currency
    if not isinstance(base_currency, Keep):
        try:
            currency = normalize_currency(base_currency)
        except MoneyError as exc:
            raise LedgerError(str(exc), field="baseCurrency") from exc
    model = current.budget_model if isinstance(budget_model, Keep) else budget_model.value
    values = {"base_currency": currency, "budget_model": model, "updated_at": utcnow()}
    statement = insert(HouseholdSettings).values(household_id=household_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=[HouseholdSettings.household_id], set_=values))
    row = await session.scalar(
        select(HouseholdSettings)
        .where(HouseholdSettings.household_id == household_id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row
