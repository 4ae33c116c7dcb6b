"""GraphQL types of recurring transactions."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum

import strawberry

from fincloud.graphql import MoneyType
from fincloud.money import Money
from subgraphs.budget.context import Context
from subgraphs.budget.recurring.models import RecurringSchedule
from subgraphs.budget.recurring.rules import Preset
from subgraphs.budget.recurring.service import MAX_UPCOMING_DAYS, next_dates
from subgraphs.budget.types import Account

__all__ = ["RecurringAmountChange", "RecurringMode", "RecurringOccurrence", "RecurringPreset", "RecurringTransaction"]


@strawberry.enum(description="What happens on each occurrence.")
class RecurringMode(Enum):
    POST = strawberry.enum_value("post", description="The transaction is recorded (as pending) on the day.")
    REMIND = strawberry.enum_value(
        "remind", description="A reminder is sent on the day (event `budget.recurring_due`); nothing is recorded."
    )


@strawberry.enum(description="Schedules users ask for most; each is an ordinary RRULE once stored.")
class RecurringPreset(Enum):
    MONTHLY_FIRST = strawberry.enum_value(Preset.MONTHLY_FIRST.value, description="The 1st of every month.")
    EVERY_TWO_WEEKS = strawberry.enum_value(
        Preset.EVERY_TWO_WEEKS.value, description="Every other week, on the start date's weekday."
    )
    LAST_BUSINESS_DAY = strawberry.enum_value(
        Preset.LAST_BUSINESS_DAY.value,
        description="The last weekday (Monday to Friday) of every month; public holidays are not known.",
    )
    YEARLY = strawberry.enum_value(
        Preset.YEARLY.value,
        description="Every year on the start date's day and month (29 February: the last day of February).",
    )


def _money(amount: Decimal, currency: str) -> MoneyType:
    return MoneyType.of(Money(amount, currency))


@strawberry.type(description="From a date on, the occurrences of a recurring transaction have another amount.")
class RecurringAmountChange:
    effective_date: dt.date = strawberry.field(description="The first date the amount applies to.")
    amount: MoneyType = strawberry.field(description="The amount from then on, signed like a transaction's.")


@strawberry.type(description="A transaction that repeats on a schedule: posted on each date, or reminded of.")
class RecurringTransaction:
    id: strawberry.ID = strawberry.field(description="Recurring transaction id.")
    household_id: strawberry.ID = strawberry.field(description="The household.")
    name: str = strawberry.field(description="What it is called (the payee when no name was given).")
    account_id: strawberry.ID = strawberry.field(description="The account it is recorded on.")
    payee: str | None = strawberry.field(description="Who is paid or who pays.")
    category_id: strawberry.ID | None = strawberry.field(description="The category of the transactions it posts.")
    tags: list[str] = strawberry.field(description="Tags of the transactions it posts.")
    memo: str | None = strawberry.field(description="Memo of the transactions it posts.")
    amount: MoneyType = strawberry.field(
        description="The amount before the first dated change, signed (negative: money out)."
    )
    amount_is_estimate: bool = strawberry.field(description="Whether the amount is only an estimate (reminders).")
    mode: RecurringMode = strawberry.field(description="Post or remind.")
    rule: str = strawberry.field(description="The RRULE (RFC 5545) without start, end or count.")
    preset: RecurringPreset | None = strawberry.field(description="The preset the rule follows, if any.")
    start_date: dt.date = strawberry.field(description="The first possible date.")
    end_date: dt.date | None = strawberry.field(description="The last possible date, if any.")
    count: int | None = strawberry.field(description="How many occurrences in all (skipped ones count), if limited.")
    last_date: dt.date | None = strawberry.field(
        description="Nothing happens after this date (the last occurrence, or the end date); null if endless."
    )
    created_at: dt.datetime = strawberry.field(description="When it was created (UTC).")
    row: strawberry.Private[RecurringSchedule]

    @classmethod
    def from_row(cls, row: RecurringSchedule) -> RecurringTransaction:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            name=row.name,
            account_id=strawberry.ID(str(row.account_id)),
            payee=row.payee,
            category_id=strawberry.ID(str(row.category_id)) if row.category_id else None,
            tags=list(row.tags or []),
            memo=row.memo,
            amount=_money(row.amount, row.currency),
            amount_is_estimate=row.amount_is_estimate,
            mode=RecurringMode(row.mode),
            rule=row.rule,
            preset=RecurringPreset(row.preset) if row.preset else None,
            start_date=row.start_date,
            end_date=row.end_date,
            count=row.count,
            last_date=row.last_date,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The account it is recorded on.")
    async def account(self, info: strawberry.Info[Context, None]) -> Account | None:
        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(row) if row is not None else None

    @strawberry.field(description="Dated amount changes, oldest first.")
    async def amount_changes(self, info: strawberry.Info[Context, None]) -> list[RecurringAmountChange]:
        rows = await info.context.loaders.recurring_amount_changes_by_schedule_id.load(self.row.id)
        return [
            RecurringAmountChange(effective_date=r.effective_date, amount=_money(r.amount, self.row.currency))
            for r in rows
        ]

    @strawberry.field(
        description="The next date still to come (today included, UTC) that is not skipped, within a year; null "
        "when there is none."
    )
    async def next_date(self, info: strawberry.Info[Context, None]) -> dt.date | None:
        handled = await info.context.loaders.recurring_handled_by_schedule_id.load(self.row.id)
        today = dt.datetime.now(dt.UTC).date()
        skipped = sum(1 for status in handled.values() if status == "skipped")
        for day, is_skipped in next_dates(self.row, handled, today=today, days=MAX_UPCOMING_DAYS, limit=skipped + 1):
            if not is_skipped:
                return day
        return None


@strawberry.type(description="One date of a recurring transaction still to come.")
class RecurringOccurrence:
    date: dt.date = strawberry.field(description="The date.")
    amount: MoneyType = strawberry.field(description="The amount expected on that date (dated changes applied).")
    amount_is_estimate: bool = strawberry.field(description="Whether the amount is only an estimate.")
    skipped: bool = strawberry.field(description="Skipped: nothing will be posted or reminded that day.")
    recurring: RecurringTransaction = strawberry.field(description="The recurring transaction.")

    @property
    def key(self) -> tuple[dt.date, uuid.UUID]:
        return self.date, self.recurring.row.id
