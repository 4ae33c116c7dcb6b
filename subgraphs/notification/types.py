"""Notification's GraphQL types."""

from __future__ import annotations

import datetime as dt
import decimal

import strawberry
from strawberry.federation.schema_directives import FieldSet, Key

from fincloud.events import Event
from fincloud.graphql import MoneyType
from fincloud.money import Money
from subgraphs.notification.models import InboxItem as InboxItemRow


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)], description="A budget transaction.")
class Transaction:
    id: strawberry.ID = strawberry.field(description="Transaction id.")


@strawberry.type(description="A transaction was recorded in one of the viewer's households.")
class TransactionCreatedEvent:
    event_id: strawberry.ID = strawberry.field(description="Unique id of this event (deliveries may repeat).")
    household_id: strawberry.ID = strawberry.field(description="The household the transaction belongs to.")
    occurred_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    account_id: strawberry.ID = strawberry.field(description="The account it was recorded on.")
    date: dt.date = strawberry.field(description="The transaction's calendar date.")
    amount: MoneyType = strawberry.field(description="The amount, exact.")
    payee: str | None = strawberry.field(description="Who was paid or who paid.")
    transaction: Transaction = strawberry.field(description="The transaction itself (resolved by budget).")

    @classmethod
    def from_event(cls, event: Event) -> TransactionCreatedEvent:
        data = event.payload
        return cls(
            event_id=strawberry.ID(str(event.id)),
            household_id=strawberry.ID(str(event.household_id)),
            occurred_at=event.occurred_at,
            account_id=strawberry.ID(str(data["account_id"])),
            date=dt.date.fromisoformat(data["date"]),
            amount=MoneyType.of(Money(decimal.Decimal(data["amount"]), data["currency"])),
            payee=data.get("payee"),
            transaction=Transaction(id=strawberry.ID(str(data["transaction_id"]))),
        )


@strawberry.type(description="An in-app notification.")
class InboxItem:
    id: strawberry.ID = strawberry.field(description="Notification id.")
    household_id: strawberry.ID = strawberry.field(description="The household it was sent to.")
    kind: str = strawberry.field(description="What happened, such as `transaction_created`.")
    title: str = strawberry.field(description="One-line summary.")
    body: str = strawberry.field(description="Details.")
    created_at: dt.datetime = strawberry.field(description="When it arrived (UTC).")
    read_at: dt.datetime | None = strawberry.field(description="When it was marked read, if it was.")

    @classmethod
    def from_row(cls, row: InboxItemRow) -> InboxItem:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            kind=row.kind,
            title=row.title,
            body=row.body,
            created_at=row.created_at,
            read_at=row.read_at,
        )
