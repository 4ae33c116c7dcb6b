"""GraphQL types of transaction search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from fincloud.graphql import PageInfo
from subgraphs.budget.search import service
from subgraphs.budget.services.ledger import TransactionStatus
from subgraphs.budget.types import Transaction

__all__ = [
    "MoneyDirection",
    "TransactionFilter",
    "TransactionFilterStatus",
    "TransactionSearchConnection",
    "TransactionSearchEdge",
    "TransactionSort",
]


@strawberry.enum(description="The order of a transaction list.")
class TransactionSort(Enum):
    DATE_DESC = strawberry.enum_value(service.SearchSort.DATE_DESC.value, description="Newest first.")
    DATE_ASC = strawberry.enum_value(service.SearchSort.DATE_ASC.value, description="Oldest first.")
    AMOUNT_DESC = strawberry.enum_value(
        service.SearchSort.AMOUNT_DESC.value,
        description="Largest amount first (the biggest inflow first, the biggest outflow last), in each "
        "transaction's own currency.",
    )
    AMOUNT_ASC = strawberry.enum_value(
        service.SearchSort.AMOUNT_ASC.value, description="Smallest amount first (the biggest outflow first)."
    )
    RELEVANCE = strawberry.enum_value(
        service.SearchSort.RELEVANCE.value,
        description="Best match for `filter.text` first (a payee match before a tag, a tag before a memo or "
        "note), then newest first. Without text, newest first.",
    )


@strawberry.enum(description="Money into or out of the account.")
class MoneyDirection(Enum):
    IN = strawberry.enum_value(service.Direction.IN.value, description="Positive amounts.")
    OUT = strawberry.enum_value(service.Direction.OUT.value, description="Negative amounts.")


@strawberry.enum(description="Where a transaction is in its life.")
class TransactionFilterStatus(Enum):
    PENDING = strawberry.enum_value(TransactionStatus.PENDING.value, description="Not yet cleared by the bank.")
    CLEARED = strawberry.enum_value(TransactionStatus.CLEARED.value, description="Cleared by the bank.")
    RECONCILED = strawberry.enum_value(TransactionStatus.RECONCILED.value, description="Matched to a statement.")


@strawberry.input(description="Which transactions to list; every condition given must hold.")
class TransactionFilter:
    text: str | None = strawberry.field(
        default=None,
        description="Words to find in the payee, memo, notes and tags; each word matches as a prefix, accents "
        "and case are ignored, and payees with a similar name (typos) match too. At most 200 characters.",
    )
    account_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these accounts.")
    category_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these categories (a split transaction matches through any of its parts)."
    )
    uncategorised: bool | None = strawberry.field(
        default=None,
        description="True: only transactions without a category (or with a split part without one), transfers "
        "excepted; false: only categorised ones.",
    )
    since: dt.date | None = strawberry.field(default=None, name="from", description="First date, inclusive.")
    until: dt.date | None = strawberry.field(default=None, name="to", description="Last date, inclusive.")
    amount_min: Decimal | None = strawberry.field(
        default=None, description="Smallest amount, without its sign, in the transaction's own currency."
    )
    amount_max: Decimal | None = strawberry.field(
        default=None, description="Largest amount, without its sign, in the transaction's own currency."
    )
    direction: MoneyDirection | None = strawberry.field(default=None, description="Only money in, or only out.")
    tags: list[str] | None = strawberry.field(default=None, description="Only transactions with all these tags.")
    statuses: list[TransactionFilterStatus] | None = strawberry.field(default=None, description="Only these statuses.")
    transfers: bool | None = strawberry.field(
        default=None, description="True: only transfers between the household's accounts; false: no transfers."
    )


@strawberry.type(description="One transaction found, with the cursor that points at it.")
class TransactionSearchEdge:
    cursor: str = strawberry.field(description="Opaque position of this transaction in this sort.")
    node: Transaction = strawberry.field(description="The transaction.")
    relevance: float = strawberry.field(
        description="How well it matches `filter.text` (higher is better; 0 without text): the text rank plus "
        "the payee's similarity to the text."
    )


@strawberry.type(description="A page of transactions found (Relay connection).")
class TransactionSearchConnection:
    edges: list[TransactionSearchEdge] = strawberry.field(description="The transactions of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Paging information.")

    @strawberry.field(description="The transactions of this page without cursors.")
    def nodes(self) -> list[Transaction]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, page: service.SearchPage) -> TransactionSearchConnection:
        edges = [
            TransactionSearchEdge(
                cursor=hit.cursor, node=Transaction.from_row(hit.transaction), relevance=float(hit.relevance)
            )
            for hit in page.hits
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None),
        )

    @classmethod
    def empty(cls) -> TransactionSearchConnection:
        return cls(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
