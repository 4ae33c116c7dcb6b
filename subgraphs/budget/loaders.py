"""Batch loaders, built once per request (never shared between requests)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.budget.categorisation.models import CategorisationSettings, TransactionCategorisation
from subgraphs.budget.files.loaders import attachments_by_account_ids, attachments_by_transaction_ids
from subgraphs.budget.fx.service import FxPolicy, MissingRate, RateKey, RateUsed, rates_for
from subgraphs.budget.models import (
    Account,
    Category,
    CategoryGroup,
    HouseholdSettings,
    Payee,
    PayeeAlias,
    Reconciliation,
    Split,
    Transaction,
)
from subgraphs.budget.recurring import loaders as recurring_loaders
from subgraphs.budget.services.balances import StatusSums, status_sums
from subgraphs.budget.services.categorise import Categoriser
from subgraphs.budget.services.households import households_settings

BalanceKey = tuple[uuid.UUID, dt.date | None]
"""``(account_id, as_of)``: ``None`` for every transaction, whatever its date."""
FxKey = tuple[uuid.UUID, str, str, dt.date]
"""``(household_id, base, quote, date)``: a rate with that household's overrides considered."""


class Loaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, fx_policy: FxPolicy | None = None) -> None:
        self._sessionmaker = sessionmaker
        self.account_by_id = DataLoader(self._accounts_by_id)
        self.transaction_by_id = DataLoader(self._transactions_by_id)
        self.posted_sum_by_account_id = DataLoader(self._posted_sums_by_account_id)
        # The ledger: balances, categories, payees, splits, transfers, reconciliations, settings, rates.
        self._fx_policy = fx_policy or FxPolicy()
        self.status_sums_by_account = DataLoader(self._status_sums_by_account)
        self.category_by_id = DataLoader(self._categories_by_id)
        self.category_group_by_id = DataLoader(self._category_groups_by_id)
        self.categories_by_group_id = DataLoader(self._categories_by_group_id)
        self.payee_by_id = DataLoader(self._payees_by_id)
        self.aliases_by_payee_id = DataLoader(self._aliases_by_payee_id)
        self.splits_by_transaction_id = DataLoader(self._splits_by_transaction_id)
        self.transfer_legs_by_transfer_id = DataLoader(self._transfer_legs_by_transfer_id)
        self.reconciliation_by_id = DataLoader(self._reconciliations_by_id)
        self.settings_by_household_id = DataLoader(self._settings_by_household_id)
        self.fx_rate = DataLoader(self._fx_rates)
        # Recurring transactions: dated amount changes, and occurrences from today (UTC) on already handled.
        today = dt.datetime.now(dt.UTC).date()
        self.recurring_amount_changes_by_schedule_id = DataLoader(
            partial(recurring_loaders.amount_changes_by_schedule_id, sessionmaker)
        )
        self.recurring_handled_by_schedule_id = DataLoader(
            partial(recurring_loaders.handled_by_schedule_id, sessionmaker, today=today)
        )
        self.categoriser_by_household_id = DataLoader(self._categorisers_by_household_id)
        self.categorisation_by_transaction_id = DataLoader(self._categorisations_by_transaction_id)
        self.categorisation_settings_by_household_id = DataLoader(self._categorisation_settings_by_household_id)
        self.attachments_by_transaction_id = DataLoader(partial(attachments_by_transaction_ids, sessionmaker))
        self.attachments_by_account_id = DataLoader(partial(attachments_by_account_ids, sessionmaker))

    async def _accounts_by_id(self, keys: Sequence[uuid.UUID]) -> list[Account | None]:
        async with self._sessionmaker() as session:
            by_id = {row.id: row for row in await session.scalars(select(Account).where(Account.id.in_(keys)))}
        return [by_id.get(k) for k in keys]

    async def _transactions_by_id(self, keys: Sequence[uuid.UUID]) -> list[Transaction | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(select(Transaction).where(Transaction.id.in_(keys)))
            by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _posted_sums_by_account_id(self, keys: Sequence[uuid.UUID]) -> list[Decimal]:
        """Sum of the transactions of each account (zero when it has none)."""
        async with self._sessionmaker() as session:
            rows = await session.execute(
                select(Transaction.account_id, func.sum(Transaction.amount))
                .where(Transaction.account_id.in_(keys))
                .group_by(Transaction.account_id)
            )
            sums = {account_id: total for account_id, total in rows.all()}
        return [sums.get(k, Decimal(0)) for k in keys]

    # The ledger.

    async def _rows_by_id(self, model: Any, keys: Sequence[uuid.UUID]) -> list[Any]:
        async with self._sessionmaker() as session:
            by_id = {row.id: row for row in await session.scalars(select(model).where(model.id.in_(keys)))}
        return [by_id.get(k) for k in keys]

    async def _rows_by(self, model: Any, column: Any, keys: Sequence[Any], *order: Any) -> list[list[Any]]:
        grouped: dict[Any, list[Any]] = defaultdict(list)
        async with self._sessionmaker() as session:
            for row in await session.scalars(select(model).where(column.in_(keys)).order_by(*order)):
                grouped[getattr(row, column.key)].append(row)
        return [grouped.get(k, []) for k in keys]

    async def _status_sums_by_account(self, keys: Sequence[BalanceKey]) -> list[StatusSums]:
        """Sums by status of each account's transactions up to a date: one query per distinct date asked for."""
        by_date: dict[dt.date | None, list[uuid.UUID]] = defaultdict(list)
        for account_id, as_of in keys:
            by_date[as_of].append(account_id)
        found: dict[BalanceKey, StatusSums] = {}
        async with self._sessionmaker() as session:
            for as_of, account_ids in by_date.items():
                sums = await status_sums(session=session, account_ids=account_ids, as_of=as_of)
                found.update({(account_id, as_of): total for account_id, total in sums.items()})
        return [found[k] for k in keys]

    async def _categories_by_id(self, keys: Sequence[uuid.UUID]) -> list[Category | None]:
        return await self._rows_by_id(Category, keys)

    async def _category_groups_by_id(self, keys: Sequence[uuid.UUID]) -> list[CategoryGroup | None]:
        return await self._rows_by_id(CategoryGroup, keys)

    async def _categories_by_group_id(self, keys: Sequence[uuid.UUID]) -> list[list[Category]]:
        return await self._rows_by(Category, Category.group_id, keys, Category.position, Category.name, Category.id)

    async def _payees_by_id(self, keys: Sequence[uuid.UUID]) -> list[Payee | None]:
        return await self._rows_by_id(Payee, keys)

    async def _aliases_by_payee_id(self, keys: Sequence[uuid.UUID]) -> list[list[PayeeAlias]]:
        return await self._rows_by(PayeeAlias, PayeeAlias.payee_id, keys, PayeeAlias.alias_key, PayeeAlias.id)

    async def _splits_by_transaction_id(self, keys: Sequence[uuid.UUID]) -> list[list[Split]]:
        return await self._rows_by(Split, Split.transaction_id, keys, Split.position, Split.id)

    async def _transfer_legs_by_transfer_id(self, keys: Sequence[uuid.UUID]) -> list[list[Transaction]]:
        legs = await self._rows_by(Transaction, Transaction.transfer_id, keys, Transaction.id)
        for leg in (leg for pair in legs for leg in pair):
            self.transaction_by_id.prime(leg.id, leg)  # the counterpart is then asked for by id
        return legs

    async def _reconciliations_by_id(self, keys: Sequence[uuid.UUID]) -> list[Reconciliation | None]:
        return await self._rows_by_id(Reconciliation, keys)

    async def _settings_by_household_id(self, keys: Sequence[uuid.UUID]) -> list[HouseholdSettings]:
        async with self._sessionmaker() as session:
            found = await households_settings(session=session, household_ids=list(keys))
        return [found[k] for k in keys]

    async def _fx_rates(self, keys: Sequence[FxKey]) -> list[RateUsed | MissingRate]:
        """Rates with each household's overrides: one query per household asked about."""
        by_household: dict[uuid.UUID, list[RateKey]] = defaultdict(list)
        for household_id, base, quote, on in keys:
            by_household[household_id].append((base, quote, on))
        found: dict[FxKey, RateUsed | MissingRate] = {}
        async with self._sessionmaker() as session:
            for household_id, wanted in by_household.items():
                rates = await rates_for(session=session, household_id=household_id, keys=wanted, policy=self._fx_policy)
                found.update({(household_id, *key): rate for key, rate in rates.items()})
        return [found[k] for k in keys]

    async def _categorisers_by_household_id(self, keys: Sequence[uuid.UUID]) -> list[Categoriser]:
        """Each household's rules and learned model, loaded once per request (the model is kept per process)."""
        async with self._sessionmaker() as session:
            return [await Categoriser.load(session=session, household_id=k) for k in keys]

    async def _categorisations_by_transaction_id(
        self, keys: Sequence[uuid.UUID]
    ) -> list[TransactionCategorisation | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(TransactionCategorisation).where(TransactionCategorisation.transaction_id.in_(keys))
            )
            by_id = {row.transaction_id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _categorisation_settings_by_household_id(
        self, keys: Sequence[uuid.UUID]
    ) -> list[CategorisationSettings | None]:
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(CategorisationSettings).where(CategorisationSettings.household_id.in_(keys))
            )
            by_id = {row.household_id: row for row in rows}
        return [by_id.get(k) for k in keys]
