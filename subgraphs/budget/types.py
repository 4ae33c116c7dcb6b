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
from subgraphs.budget.context import Context
from subgraphs.budget.files.fields import account_attachments, transaction_attachments
from subgraphs.budget.models import Account as AccountRow
from subgraphs.budget.models import Transaction as TransactionRow
from subgraphs.budget.services.ledger import AccountKind


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
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Account | None:
        account_id = parse_id(id)
        row = await info.context.loaders.account_by_id.load(account_id) if account_id else None
        if row is None or not info.context.viewer.can_read(row.household_id):
            return None
        return cls.from_row(row)

    @strawberry.field(description="Opening balance plus every transaction, exact.")
    async def balance(self, info: strawberry.Info[Context, None]) -> MoneyType:
        posted = await info.context.loaders.posted_sum_by_account_id.load(uuid.UUID(str(self.id)))
        return MoneyType.of(Money(self.opening_balance.amount + posted, self.currency))

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
