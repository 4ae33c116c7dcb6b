"""GraphQL types of the ledger: statuses, categories and their groups, payees, splits, transfers, reconciliations,
budget settings and balances converted to the household's base currency. Nested fields resolve through the
request's loaders (``subgraphs/budget/loaders.py``)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from fincloud.graphql import Connection, MoneyType, paginate
from fincloud.money import Money
from subgraphs.budget.budgets.types import BudgetRollover
from subgraphs.budget.context import Context
from subgraphs.budget.fx.types import FxRate, FxRateMissing
from subgraphs.budget.models import Category as CategoryRow
from subgraphs.budget.models import CategoryGroup as CategoryGroupRow
from subgraphs.budget.models import Payee as PayeeRow
from subgraphs.budget.models import PayeeAlias as PayeeAliasRow
from subgraphs.budget.models import Reconciliation as ReconciliationRow
from subgraphs.budget.models import Split as SplitRow
from subgraphs.budget.models import Transaction as TransactionRow
from subgraphs.budget.services.categories import CategoryKind
from subgraphs.budget.services.ledger import TransactionStatus
from subgraphs.budget.services.reconciliation import ReconciliationPreview as Preview
from subgraphs.budget.services.reconciliation import to_reconcile
from subgraphs.budget.services.transfers import realised_rate

if TYPE_CHECKING:
    from subgraphs.budget.types import Account, Transaction

__all__ = [
    "BaseCurrencyBalance",
    "Category",
    "CategoryGroup",
    "CategoryKindType",
    "ConvertedMoney",
    "Payee",
    "PayeeAlias",
    "Reconciliation",
    "ReconciliationPreview",
    "Split",
    "TransactionStatusType",
    "Transfer",
]

LazyAccount = Annotated["Account", strawberry.lazy("subgraphs.budget.types")]
LazyTransaction = Annotated["Transaction", strawberry.lazy("subgraphs.budget.types")]


def _id(value: object) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.enum(name="TransactionStatus", description="Where a transaction is in the bank's books.")
class TransactionStatusType(Enum):
    PENDING = strawberry.enum_value(
        TransactionStatus.PENDING.value, description="Authorised but not booked by the bank yet."
    )
    CLEARED = strawberry.enum_value(TransactionStatus.CLEARED.value, description="Booked by the bank.")
    RECONCILED = strawberry.enum_value(
        TransactionStatus.RECONCILED.value,
        description="Checked against a statement; its amount, date, account and status change only when asked "
        "explicitly (`unlockReconciled`).",
    )


@strawberry.enum(name="CategoryKind", description="Whether a category counts money coming in or going out.")
class CategoryKindType(Enum):
    INCOME = strawberry.enum_value(CategoryKind.INCOME.value, description="Money in: salary, interest, refunds.")
    EXPENSE = strawberry.enum_value(CategoryKind.EXPENSE.value, description="Money out: rent, groceries.")


@strawberry.type(description='A group of categories of one kind, such as "Housing" or "Income".')
class CategoryGroup:
    id: strawberry.ID = strawberry.field(description="Group id.")
    household_id: strawberry.ID = strawberry.field(description="The household that owns the group.")
    name: str = strawberry.field(description="Display name, unique among the household's live groups.")
    kind: CategoryKindType = strawberry.field(description="Income or expense; every category of the group shares it.")
    position: int = strawberry.field(description="Order among the household's groups (smallest first).")
    hidden: bool = strawberry.field(description="Hidden from pickers and the budget view; still counted.")
    archived_at: dt.datetime | None = strawberry.field(description="When the group was archived (UTC), if it was.")
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: CategoryGroupRow) -> CategoryGroup:
        return cls(
            id=_id(row.id),
            household_id=_id(row.household_id),
            name=row.name,
            kind=CategoryKindType(row.kind),
            position=row.position,
            hidden=row.hidden,
            archived_at=row.archived_at,
            row_id=row.id,
        )

    @strawberry.field(description="Whether the group is archived (kept for history, out of pickers).")
    def archived(self) -> bool:
        return self.archived_at is not None

    @strawberry.field(description="The group's categories, by position.")
    async def categories(
        self,
        info: strawberry.Info[Context, None],
        include_hidden: Annotated[
            bool, strawberry.argument(description="Include hidden categories (default true).")
        ] = True,
        include_archived: Annotated[
            bool, strawberry.argument(description="Include archived and merged categories (default false).")
        ] = False,
    ) -> list[Category]:
        rows = await info.context.loaders.categories_by_group_id.load(self.row_id)
        return [
            Category.from_row(row)
            for row in rows
            if (include_hidden or not row.hidden) and (include_archived or row.archived_at is None)
        ]


@strawberry.type(description='A category transactions and budgets are sorted into, such as "Groceries".')
class Category:
    id: strawberry.ID = strawberry.field(description="Category id.")
    household_id: strawberry.ID = strawberry.field(description="The household that owns the category.")
    name: str = strawberry.field(description="Display name, unique among the group's live categories.")
    kind: CategoryKindType = strawberry.field(description="Income or expense, as its group.")
    position: int = strawberry.field(description="Order within the group (smallest first).")
    hidden: bool = strawberry.field(description="Hidden from pickers and the budget view; still counted.")
    rollover: BudgetRollover = strawberry.field(description="What the category's leftover budget does each month.")
    archived_at: dt.datetime | None = strawberry.field(description="When it was archived (UTC), if it was.")
    group_id: strawberry.Private[uuid.UUID]
    merged_into_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: CategoryRow) -> Category:
        return cls(
            id=_id(row.id),
            household_id=_id(row.household_id),
            name=row.name,
            kind=CategoryKindType(row.kind),
            position=row.position,
            hidden=row.hidden,
            rollover=BudgetRollover(row.rollover),
            archived_at=row.archived_at,
            group_id=row.group_id,
            merged_into_id=row.merged_into_id,
        )

    @strawberry.field(description="Whether the category is archived (kept for history, out of pickers).")
    def archived(self) -> bool:
        return self.archived_at is not None

    @strawberry.field(description="The group it belongs to.")
    async def group(self, info: strawberry.Info[Context, None]) -> CategoryGroup | None:
        row = await info.context.loaders.category_group_by_id.load(self.group_id)
        return CategoryGroup.from_row(row) if row is not None else None

    @strawberry.field(description="The category it was merged into (its transactions moved there), if it was.")
    async def merged_into(self, info: strawberry.Info[Context, None]) -> Category | None:
        if self.merged_into_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.merged_into_id)
        return Category.from_row(row) if row is not None else None


@strawberry.type(description='Another spelling of a payee, such as a bank\'s "AMZN MKTP DE*2K4" for Amazon.')
class PayeeAlias:
    id: strawberry.ID = strawberry.field(description="Alias id.")
    alias: str = strawberry.field(description="The spelling, as entered.")

    @classmethod
    def from_row(cls, row: PayeeAliasRow) -> PayeeAlias:
        return cls(id=_id(row.id), alias=row.alias)


@strawberry.type(description="Who money went to or came from, normalised: one payee however the bank spells it.")
class Payee:
    id: strawberry.ID = strawberry.field(description="Payee id.")
    household_id: strawberry.ID = strawberry.field(description="The household that owns the payee.")
    name: str = strawberry.field(description="Display name.")
    row_id: strawberry.Private[uuid.UUID]
    default_category_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: PayeeRow) -> Payee:
        return cls(
            id=_id(row.id),
            household_id=_id(row.household_id),
            name=row.name,
            row_id=row.id,
            default_category_id=row.default_category_id,
        )

    @strawberry.field(description="Other spellings that resolve to this payee, alphabetically.")
    async def aliases(self, info: strawberry.Info[Context, None]) -> list[PayeeAlias]:
        return [PayeeAlias.from_row(row) for row in await info.context.loaders.aliases_by_payee_id.load(self.row_id)]

    @strawberry.field(description="The category suggested for the payee's new transactions.")
    async def default_category(self, info: strawberry.Info[Context, None]) -> Category | None:
        if self.default_category_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.default_category_id)
        return Category.from_row(row) if row is not None else None


@strawberry.type(description="One part of a split transaction; the parts sum exactly to the transaction's amount.")
class Split:
    id: strawberry.ID = strawberry.field(description="Part id.")
    amount: MoneyType = strawberry.field(description="The part's amount, with the transaction's sign and currency.")
    memo: str | None = strawberry.field(description="What this part was for.")
    position: int = strawberry.field(description="Order within the transaction.")
    category_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: SplitRow, currency: str) -> Split:
        return cls(
            id=_id(row.id),
            amount=MoneyType.of(Money(row.amount, currency)),
            memo=row.memo,
            position=row.position,
            category_id=row.category_id,
        )

    @strawberry.field(description="The part's category; null when uncategorised.")
    async def category(self, info: strawberry.Info[Context, None]) -> Category | None:
        if self.category_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self.category_id)
        return Category.from_row(row) if row is not None else None


@strawberry.type(description="The other side of a transfer between two accounts of a household.")
class Transfer:
    transfer_id: strawberry.ID = strawberry.field(description="Shared by both legs of the transfer.")
    counterpart_amount: MoneyType = strawberry.field(
        description="What the other leg recorded, in its account's currency (opposite sign)."
    )
    realised_rate: Decimal | None = strawberry.field(
        description="Units of the other leg's currency for one unit of this leg's: |other amount| / |amount|, "
        "exact to 28 significant digits (half to even); 1 within one currency; null when an amount is zero."
    )
    counterpart_id: strawberry.Private[uuid.UUID]
    counterpart_account_id: strawberry.Private[uuid.UUID]

    @classmethod
    def of(cls, leg: TransactionRow, counterpart: TransactionRow) -> Transfer:
        return cls(
            transfer_id=_id(leg.transfer_id),
            counterpart_amount=MoneyType.of(Money(counterpart.amount, counterpart.currency)),
            realised_rate=realised_rate(leg.amount, counterpart.amount),
            counterpart_id=counterpart.id,
            counterpart_account_id=counterpart.account_id,
        )

    @strawberry.field(description="The account of the other leg.")
    async def counterpart_account(self, info: strawberry.Info[Context, None]) -> LazyAccount | None:
        from subgraphs.budget.types import Account

        row = await info.context.loaders.account_by_id.load(self.counterpart_account_id)
        return Account.from_row(row) if row is not None else None

    @strawberry.field(description="The other leg.")
    async def counterpart_transaction(self, info: strawberry.Info[Context, None]) -> LazyTransaction | None:
        from subgraphs.budget.types import Transaction

        row = await info.context.loaders.transaction_by_id.load(self.counterpart_id)
        return Transaction.from_row(row) if row is not None else None


@strawberry.type(description="A finished reconciliation: a statement's date and balance, and what the ledger said.")
class Reconciliation:
    id: strawberry.ID = strawberry.field(description="Reconciliation id.")
    account_id: strawberry.ID = strawberry.field(description="The account reconciled.")
    statement_date: dt.date = strawberry.field(description="The statement's closing date.")
    statement_balance: MoneyType = strawberry.field(description="The statement's closing balance.")
    cleared_balance: MoneyType = strawberry.field(
        description="The ledger's cleared balance on the statement date before any adjustment: opening balance "
        "plus cleared and reconciled transactions up to it."
    )
    difference: MoneyType = strawberry.field(
        description="Statement minus cleared balance; non-zero only when a balancing adjustment was recorded."
    )
    created_at: dt.datetime = strawberry.field(description="When it was finished (UTC).")
    created_by: strawberry.ID | None = strawberry.field(description="The user who finished it.")
    account_row_id: strawberry.Private[uuid.UUID]
    adjustment_transaction_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: ReconciliationRow, currency: str) -> Reconciliation:
        statement, cleared = Money(row.statement_balance, currency), Money(row.cleared_balance, currency)
        return cls(
            id=_id(row.id),
            account_id=_id(row.account_id),
            statement_date=row.statement_date,
            statement_balance=MoneyType.of(statement),
            cleared_balance=MoneyType.of(cleared),
            difference=MoneyType.of(statement - cleared),
            created_at=row.created_at,
            created_by=_id(row.created_by) if row.created_by is not None else None,
            account_row_id=row.account_id,
            adjustment_transaction_id=row.adjustment_transaction_id,
        )

    @strawberry.field(description="The account reconciled.")
    async def account(self, info: strawberry.Info[Context, None]) -> LazyAccount | None:
        from subgraphs.budget.types import Account

        row = await info.context.loaders.account_by_id.load(self.account_row_id)
        return Account.from_row(row) if row is not None else None

    @strawberry.field(description="The balancing transaction recorded for the difference, if any.")
    async def adjustment_transaction(self, info: strawberry.Info[Context, None]) -> LazyTransaction | None:
        from subgraphs.budget.types import Transaction

        if self.adjustment_transaction_id is None:
            return None
        row = await info.context.loaders.transaction_by_id.load(self.adjustment_transaction_id)
        return Transaction.from_row(row) if row is not None else None


@strawberry.type(description="What reconciling an account against a statement would find; nothing is changed.")
class ReconciliationPreview:
    account_id: strawberry.ID = strawberry.field(description="The account.")
    statement_date: dt.date = strawberry.field(description="The statement's closing date.")
    statement_balance: MoneyType = strawberry.field(description="The statement's closing balance.")
    cleared_balance: MoneyType = strawberry.field(
        description="Opening balance plus cleared and reconciled transactions up to the statement date."
    )
    difference: MoneyType = strawberry.field(
        description="Statement minus cleared balance: zero when the ledger agrees with the bank. Finishing with a "
        "difference needs a balancing adjustment."
    )
    to_reconcile_count: int = strawberry.field(
        description="Cleared transactions up to the statement date that finishing would mark reconciled."
    )
    account_row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def of(cls, preview: Preview) -> ReconciliationPreview:
        return cls(
            account_id=_id(preview.account.id),
            statement_date=preview.statement_date,
            statement_balance=MoneyType.of(preview.statement_balance),
            cleared_balance=MoneyType.of(preview.cleared_balance),
            difference=MoneyType.of(preview.difference),
            to_reconcile_count=preview.to_reconcile,
            account_row_id=preview.account.id,
        )

    @strawberry.field(
        description="The cleared, not yet reconciled transactions up to the statement date, newest first."
    )
    async def transactions(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[LazyTransaction]:
        from subgraphs.budget.types import Transaction

        return await paginate(
            info.context.session,
            to_reconcile(self.account_row_id, self.statement_date),
            keys=[TransactionRow.date, TransactionRow.created_at, TransactionRow.id],
            node=Transaction.from_row,
            first=first,
            after=after,
            descending=True,
        )


@strawberry.type(description="An amount converted into another currency, with the rate used and where it came from.")
class ConvertedMoney:
    amount: MoneyType = strawberry.field(
        description="The converted amount, rounded once to the currency's minor unit (half to even)."
    )
    rate: FxRate = strawberry.field(description="The rate used, with its source and date.")


BaseCurrencyBalance = Annotated[
    ConvertedMoney | FxRateMissing,
    strawberry.union(
        "BaseCurrencyBalance",
        description="A balance in the household's base currency, or the report that no rate was found (never a guess).",
    ),
]
