"""Test households for budgets: categories made straight with the models, and ledgers written as text tables."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.budgets.models import BudgetAmount
from subgraphs.budget.budgets.months import parse_month
from subgraphs.budget.models import Account, Category, CategoryGroup, HouseholdSettings
from subgraphs.budget.services.ledger import NewSplit, NewTransaction, create_transaction
from tests.factories import make_account


def table(text: str) -> list[dict[str, str]]:
    """Rows of a whitespace-separated table whose first line names the columns; ``#`` starts a comment."""
    lines = [line.split("#", 1)[0].split() for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    header, rows = lines[0], lines[1:]
    return [dict(zip(header, row, strict=True)) for row in rows]


async def make_category(
    session: AsyncSession,
    *,
    household_id: uuid.UUID,
    name: str,
    kind: str = "expense",
    rollover: str = "none",
    group: CategoryGroup | None = None,
    position: int = 0,
) -> Category:
    """A category (in a new group of the same kind unless ``group`` is given), committed."""
    async with session.begin():
        if group is None:
            group = CategoryGroup(household_id=household_id, name=f"{name} group", kind=kind, position=position)
            session.add(group)
            await session.flush()
        category = Category(
            household_id=household_id, group_id=group.id, name=name, kind=kind, rollover=rollover, position=position
        )
        session.add(category)
    return category


async def make_group(
    session: AsyncSession, *, household_id: uuid.UUID, name: str, kind: str = "expense"
) -> CategoryGroup:
    async with session.begin():
        group = CategoryGroup(household_id=household_id, name=name, kind=kind)
        session.add(group)
    return group


async def set_settings(
    session: AsyncSession, *, household_id: uuid.UUID, model: str = "limits", currency: str = "EUR"
) -> None:
    async with session.begin():
        await session.merge(HouseholdSettings(household_id=household_id, base_currency=currency, budget_model=model))


@dataclass
class Household:
    """One household with an account and named categories, written to through the real ledger service."""

    session: AsyncSession
    id: uuid.UUID
    account: Account
    categories: dict[str, Category] = field(default_factory=dict)

    @classmethod
    async def create(
        cls,
        session: AsyncSession,
        *,
        currency: str = "EUR",
        model: str = "limits",
        household_id: uuid.UUID | None = None,
    ) -> Household:
        household_id = household_id or uuid.uuid4()
        await set_settings(session, household_id=household_id, model=model, currency=currency)
        account = await make_account(session, household_id=household_id, currency=currency)
        return cls(session, household_id, account)

    async def category(self, name: str, *, kind: str = "expense", rollover: str = "none") -> Category:
        category = await make_category(self.session, household_id=self.id, name=name, kind=kind, rollover=rollover)
        self.categories[name] = category
        return category

    async def budget(self, name: str, month: str, amount: str) -> None:
        async with self.session.begin():
            self.session.add(
                BudgetAmount(
                    household_id=self.id,
                    category_id=self.categories[name].id,
                    month=parse_month(month),
                    amount=Decimal(amount),
                )
            )

    async def record(
        self,
        on: dt.date | str,
        amount: str,
        name: str | None = None,
        *,
        account: Account | None = None,
        splits: dict[str, str] | None = None,
    ) -> uuid.UUID:
        """A transaction in category ``name`` (or uncategorised, or split by ``{category: amount}``)."""
        day = dt.date.fromisoformat(on) if isinstance(on, str) else on
        async with self.session.begin():
            row = await create_transaction(
                session=self.session,
                household_ids=[self.id],
                data=NewTransaction(
                    account_id=(account or self.account).id,
                    date=day,
                    amount=Decimal(amount),
                    payee="Shop",
                    memo=None,
                    category_id=self.categories[name].id if name else None,
                    splits=[
                        NewSplit(amount=Decimal(value), category_id=self.categories[key].id)
                        for key, value in (splits or {}).items()
                    ],
                ),
            )
        return row.id


async def count_rows(session: AsyncSession, model: type) -> int:
    from sqlalchemy import func, select

    return int(await session.scalar(select(func.count()).select_from(model)) or 0)
