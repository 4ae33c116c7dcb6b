from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._budget import writable_households
from subgraphs.budget.mutations._recurring import RecurringAmountChangeInput, amount_changes, user_error
from subgraphs.budget.recurring.rules import Preset
from subgraphs.budget.recurring.service import RecurringError, RecurringPatch, create_schedule
from subgraphs.budget.recurring.types import RecurringMode, RecurringPreset, RecurringTransaction


@strawberry.input(description="A new recurring transaction. Give a `preset` or a `rule`, not both.")
class RecurringCreateInput:
    account_id: strawberry.ID = strawberry.field(description="The account to record it on.")
    amount: Decimal = strawberry.field(
        description="The amount in the account's currency, signed like a transaction (negative: money out)."
    )
    start_date: dt.date = strawberry.field(description="The first possible date (the rule's DTSTART).")
    preset: RecurringPreset | None = strawberry.field(default=None, description="A ready-made schedule.")
    rule: str | None = strawberry.field(
        default=None,
        description="An RRULE (RFC 5545) such as `FREQ=MONTHLY;BYMONTHDAY=-1`, without DTSTART, UNTIL or COUNT "
        "(use startDate, endDate, count).",
    )
    end_date: dt.date | None = strawberry.field(default=None, description="The last possible date (inclusive).")
    count: int | None = strawberry.field(
        default=None, description="How many occurrences in all, 1 to 1000 (instead of an end date)."
    )
    name: str | None = strawberry.field(default=None, description="A name; defaults to the payee.")
    payee: str | None = strawberry.field(default=None, description="Who is paid or who pays.")
    category_id: strawberry.ID | None = strawberry.field(default=None, description="The category to record it in.")
    tags: list[str] | None = strawberry.field(default=None, description="Tags of the transactions it posts.")
    memo: str | None = strawberry.field(default=None, description="Memo of the transactions it posts.")
    amount_changes: list[RecurringAmountChangeInput] | None = strawberry.field(
        default=None, description="Dated changes of the amount (a rent increase from a date on)."
    )
    amount_is_estimate: bool = strawberry.field(
        default=False, description="The amount is only an estimate (a utility bill); reminders only."
    )
    mode: RecurringMode = strawberry.field(default=RecurringMode.POST, description="Post or remind.")


@strawberry.type(description="The outcome of `recurringCreate`.")
class RecurringCreatePayload:
    recurring: RecurringTransaction | None = strawberry.field(
        default=None, description="The new recurring transaction."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def recurring_create(
    info: strawberry.Info[Context, None],
    input: Annotated[RecurringCreateInput, strawberry.argument(description="The new recurring transaction.")],
) -> RecurringCreatePayload:
    account_id = parse_id(input.account_id)
    if account_id is None:
        return RecurringCreatePayload(errors=[NotFoundError(field="accountId", message="no such account")])
    category_id = parse_id(input.category_id) if input.category_id is not None else None
    if input.category_id is not None and category_id is None:
        return RecurringCreatePayload(errors=[NotFoundError(field="categoryId", message="no such category")])
    patch = RecurringPatch(
        account_id=account_id,
        name=input.name,
        payee=input.payee,
        category_id=category_id,
        tags=input.tags or [],
        memo=input.memo,
        amount=input.amount,
        amount_changes=amount_changes(input.amount_changes or []),
        amount_is_estimate=input.amount_is_estimate,
        mode=str(input.mode.value),
        rule=input.rule,
        preset=Preset(str(input.preset.value)) if input.preset is not None else None,
        start=input.start_date,
        end=input.end_date,
        count=input.count,
    )
    session = info.context.session
    try:
        async with session.begin():
            row = await create_schedule(
                session=session,
                household_ids=writable_households(info),
                data=patch,
                user_id=info.context.viewer.user_id,
            )
    except RecurringError as exc:
        return RecurringCreatePayload(errors=[user_error(exc)])
    return RecurringCreatePayload(recurring=RecurringTransaction.from_row(row))
