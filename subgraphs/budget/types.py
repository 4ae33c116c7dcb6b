"""Budget's GraphQL types."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, IsAuthenticated, MoneyType, paginate, parse_id
from fincloud.money import Money
from subgraphs.budget.categorisation.queries import categorisation_of, category_suggestion_of
from subgraphs.budget.categorisation.types import CategorySuggestion, TransactionCategorisation
from subgraphs.budget.context import Context
from subgraphs.budget.files.fields import account_attachments, transaction_attachments
from subgraphs.budget.fx.service import MissingRate, apply_rate
from subgraphs.budget.fx.types import FxRate, FxRateMissing
from subgraphs.budget.ledger_types import (
    BaseCurrencyBalance,
    Category,
    ConvertedMoney,
    Payee,
    Reconciliation,
    Split,
    TransactionStatusType,
    Transfer,
)
from subgraphs.budget.models import Account as AccountRow
from subgraphs.budget.models import Reconciliation as ReconciliationRow
from subgraphs.budget.models import Transaction as TransactionRow
from subgraphs.budget.services.balances import StatusSums, account_balance, cleared_balance, uncleared_balance
from subgraphs.budget.services.ledger import AccountKind, TransactionStatus


@strawberry.enum(description="What kind of account this is.")
class AccountType(Enum):
    CHECKING = AccountKind.CHECKING.value
    SAVINGS = AccountKind.SAVINGS.value
    CREDIT_CARD = AccountKind.CREDIT_CARD.value
    CASH = AccountKind.CASH.value
    INVESTMENT = AccountKind.INVESTMENT.value
    LOAN = AccountKind.LOAN.value
    OTHER = AccountKind.OTHER.value


@strawberry.federation.type(keys=["id"], description="A bank account, card, wallet or loan.")
class Account:
    id: strawberry.ID = strawberry.field(description="Account id.")
    household_id: strawberry.ID = strawberry.field(description="The household that owns the account.")
    name: str = strawberry.field(description='Display name, such as "Joint checking".')
    type: AccountType = strawberry.field(description="Kind of account.")
    currency: str = strawberry.field(description="ISO 4217 currency of every amount on this account.")
    opening_balance: MoneyType = strawberry.field(description="Balance before the first recorded transaction.")
    created_at: dt.datetime = strawberry.field(description="When the account was added (UTC).")
    opening_date: dt.date | None = strawberry.field(
        default=None,
        description="The date of the opening balance: balances as of an earlier date leave it out. Null: it "
        "always counts.",
    )
    institution: str | None = strawberry.field(default=None, description='The bank or provider, such as "ING".')
    note: str | None = strawberry.field(default=None, description="Free-text note about the account.")
    archived_at: dt.datetime | None = strawberry.field(
        default=None, description="When the account was archived (UTC); archived accounts take no new transactions."
    )
    row: strawberry.Private[AccountRow | None] = None

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            name=row.name,
            type=AccountType(row.type),
            currency=row.currency,
            opening_balance=MoneyType.of(Money(row.opening_balance, row.currency)),
            created_at=row.created_at,
            opening_date=row.opening_date,
            institution=row.institution,
            note=row.note,
            archived_at=row.archived_at,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Account | None:
        account_id = parse_id(id)
        row = await info.context.loaders.account_by_id.load(account_id) if account_id else None
        if row is None or not info.context.viewer.can_read(row.household_id):
            return None
        return cls.from_row(row)

    async def _row_and_sums(
        self, info: strawberry.Info[Context, None], as_of: dt.date | None
    ) -> tuple[AccountRow, StatusSums]:
        row = self.row or await info.context.loaders.account_by_id.load(uuid.UUID(str(self.id)))
        assert row is not None
        return row, await info.context.loaders.status_sums_by_account.load((row.id, as_of))

    @strawberry.field(
        description="Opening balance plus every transaction (or those of `statuses`), exact; as of a date when "
        "asked (transactions on that date included; the opening balance only from its opening date)."
    )
    async def balance(
        self,
        info: strawberry.Info[Context, None],
        as_of: Annotated[
            dt.date | None, strawberry.argument(description="Only transactions on or before this date.")
        ] = None,
        statuses: Annotated[
            list[TransactionStatusType] | None,
            strawberry.argument(description="Only transactions with these statuses (default: all)."),
        ] = None,
    ) -> MoneyType:
        row, sums = await self._row_and_sums(info, as_of)
        wanted = None if statuses is None else [TransactionStatus[s.name] for s in statuses]
        return MoneyType.of(account_balance(row, sums, as_of=as_of, statuses=wanted))

    @strawberry.field(
        description="Opening balance plus cleared and reconciled transactions: what the bank's statement should "
        "say. `clearedBalance + unclearedBalance = balance`."
    )
    async def cleared_balance(
        self,
        info: strawberry.Info[Context, None],
        as_of: Annotated[
            dt.date | None, strawberry.argument(description="Only transactions on or before this date.")
        ] = None,
    ) -> MoneyType:
        row, sums = await self._row_and_sums(info, as_of)
        return MoneyType.of(cleared_balance(row, sums, as_of=as_of))

    @strawberry.field(description="The sum of pending transactions (not booked by the bank yet).")
    async def uncleared_balance(
        self,
        info: strawberry.Info[Context, None],
        as_of: Annotated[
            dt.date | None, strawberry.argument(description="Only transactions on or before this date.")
        ] = None,
    ) -> MoneyType:
        row, sums = await self._row_and_sums(info, as_of)
        return MoneyType.of(uncleared_balance(row, sums))

    @strawberry.field(
        description="The balance in the household's base currency, at the rate of the date (today, UTC, by "
        "default), with the rate used; `FxRateMissing` when there is none."
    )
    async def base_currency_balance(
        self,
        info: strawberry.Info[Context, None],
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(description="The balance and the rate as of this date (default: today, UTC)."),
        ] = None,
    ) -> BaseCurrencyBalance:
        row, sums = await self._row_and_sums(info, as_of)
        loaders = info.context.loaders
        settings = await loaders.settings_by_household_id.load(row.household_id)
        on = as_of or dt.datetime.now(dt.UTC).date()
        rate = await loaders.fx_rate.load((row.household_id, row.currency, settings.base_currency, on))
        if isinstance(rate, MissingRate):
            return FxRateMissing.of(rate, household_id=row.household_id)
        converted = apply_rate(account_balance(row, sums, as_of=as_of), rate)
        return ConvertedMoney(amount=MoneyType.of(converted), rate=FxRate.of(rate, household_id=row.household_id))

    @strawberry.field(description="Whether the account is archived.")
    def archived(self) -> bool:
        return self.archived_at is not None

    @strawberry.field(description="The account's finished reconciliations, newest statement first.")
    async def reconciliations(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Reconciliation]:
        currency = self.currency
        return await paginate(
            info.context.session,
            select(ReconciliationRow).where(ReconciliationRow.account_id == uuid.UUID(str(self.id))),
            keys=[ReconciliationRow.statement_date, ReconciliationRow.created_at, ReconciliationRow.id],
            node=lambda row: Reconciliation.from_row(row, currency),
            first=first,
            after=after,
            descending=True,
        )

    attachments = strawberry.field(
        resolver=account_attachments,
        description="Documents attached to the account itself (statements, contracts), oldest first.",
        permission_classes=[IsAuthenticated],
    )

    @strawberry.field(description="Transactions on this account, newest first.", permission_classes=[IsAuthenticated])
    async def transactions(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Transaction]:
        return await paginate(
            info.context.session,
            select(TransactionRow).where(TransactionRow.account_id == uuid.UUID(str(self.id))),
            keys=[TransactionRow.date, TransactionRow.created_at, TransactionRow.id],
            node=Transaction.from_row,
            first=first,
            after=after,
            descending=True,
        )


@strawberry.federation.type(keys=["id"], description="Money in or out of an account on a calendar date.")
class Transaction:
    id: strawberry.ID = strawberry.field(description="Transaction id.")
    account_id: strawberry.ID = strawberry.field(description="The account it is recorded on.")
    date: dt.date = strawberry.field(description="The calendar date of the transaction.")
    amount: MoneyType = strawberry.field(description="Positive for money in, negative for money out.")
    payee: str | None = strawberry.field(description="Who was paid or who paid.")
    memo: str | None = strawberry.field(description="Free-text note.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    notes: str | None = strawberry.field(default=None, description="Longer private notes, seen only in the household.")
    tags: list[str] = strawberry.field(default_factory=list, description="Tags, in the order given.")
    status: TransactionStatusType = strawberry.field(
        default=TransactionStatusType.CLEARED, description="Pending, cleared or reconciled."
    )
    is_split: bool = strawberry.field(default=False, description="Whether the amount is split across `splits`.")
    row: strawberry.Private[TransactionRow | None] = None

    @classmethod
    def from_row(cls, row: TransactionRow) -> Transaction:
        return cls(
            id=strawberry.ID(str(row.id)),
            account_id=strawberry.ID(str(row.account_id)),
            date=row.date,
            amount=MoneyType.of(Money(row.amount, row.currency)),
            payee=row.payee,
            memo=row.memo,
            created_at=row.created_at,
            notes=row.notes,
            tags=list(row.tags or []),
            status=TransactionStatusType(row.status),
            is_split=row.is_split,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Transaction | None:
        transaction_id = parse_id(id)
        row = await info.context.loaders.transaction_by_id.load(transaction_id) if transaction_id else None
        if row is None or not info.context.viewer.can_read(row.household_id):
            return None
        return cls.from_row(row)

    attachments = strawberry.field(
        resolver=transaction_attachments,
        description="Documents attached to the transaction (receipts, invoices), oldest first.",
        permission_classes=[IsAuthenticated],
    )

    @strawberry.field(description="The account it is recorded on.")
    async def account(self, info: strawberry.Info[Context, None]) -> Account | None:
        row = await info.context.loaders.account_by_id.load(uuid.UUID(str(self.account_id)))
        return Account.from_row(row) if row else None

    async def _row(self, info: strawberry.Info[Context, None]) -> TransactionRow:
        row = self.row or await info.context.loaders.transaction_by_id.load(uuid.UUID(str(self.id)))
        assert row is not None
        return row

    @strawberry.field(description="The category; null when uncategorised or split (see `splits`).")
    async def category(self, info: strawberry.Info[Context, None]) -> Category | None:
        row = await self._row(info)
        if row.category_id is None:
            return None
        category = await info.context.loaders.category_by_id.load(row.category_id)
        return Category.from_row(category) if category is not None else None

    @strawberry.field(description="The normalised payee (`payee` is its name as shown).")
    async def normalized_payee(self, info: strawberry.Info[Context, None]) -> Payee | None:
        row = await self._row(info)
        if row.payee_id is None:
            return None
        payee = await info.context.loaders.payee_by_id.load(row.payee_id)
        return Payee.from_row(payee) if payee is not None else None

    @strawberry.field(description="The parts of a split transaction, in order; empty when it is not split.")
    async def splits(self, info: strawberry.Info[Context, None]) -> list[Split]:
        row = await self._row(info)
        if not row.is_split:
            return []
        parts = await info.context.loaders.splits_by_transaction_id.load(row.id)
        return [Split.from_row(part, row.currency) for part in parts]

    @strawberry.field(description="The other side, when this is one leg of a transfer between two accounts.")
    async def transfer(self, info: strawberry.Info[Context, None]) -> Transfer | None:
        row = await self._row(info)
        if row.transfer_id is None:
            return None
        legs = await info.context.loaders.transfer_legs_by_transfer_id.load(row.transfer_id)
        counterpart = next((leg for leg in legs if leg.id != row.id), None)
        return Transfer.of(row, counterpart) if counterpart is not None else None

    @strawberry.field(description="The reconciliation that reconciled it, if any.")
    async def reconciliation(self, info: strawberry.Info[Context, None]) -> Reconciliation | None:
        row = await self._row(info)
        if row.reconciliation_id is None:
            return None
        found = await info.context.loaders.reconciliation_by_id.load(row.reconciliation_id)
        return Reconciliation.from_row(found, row.currency) if found is not None else None

    @strawberry.field(
        description="A category suggested for it (by a rule, the payee's default, or similar past transactions), "
        "with its confidence and why; null once it has a category, for splits and transfers, and when nothing is "
        "confident enough to offer. Accept it with `categorySuggestionAccept`."
    )
    async def category_suggestion(self, info: strawberry.Info[Context, None]) -> CategorySuggestion | None:
        return await category_suggestion_of(info, uuid.UUID(str(self.id)))

    @strawberry.field(
        description="Why it has its category, when FinCloud chose it (a rule, the payee's default, a learned "
        "suggestion); null when a person chose it or it has none."
    )
    async def categorisation(self, info: strawberry.Info[Context, None]) -> TransactionCategorisation | None:
        return await categorisation_of(info, uuid.UUID(str(self.id)))
