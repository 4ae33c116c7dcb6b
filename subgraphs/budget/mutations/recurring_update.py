from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._budget import writable_households
from subgraphs.budget.mutations._recurring import RecurringAmountChangeInput, amount_changes, user_error
from subgraphs.budget.recurring.rules import Preset
from subgraphs.budget.recurring.service import KEEP, RecurringError, RecurringPatch, update_schedule
from subgraphs.budget.recurring.types import RecurringMode, RecurringPreset, RecurringTransaction

KEPT = "Left out: unchanged."


@strawberry.input(
    description="Changes to a recurring transaction: fields left out stay as they are. Dates already handled "
    "stay as they were; the change applies to the dates still to come."
)
class RecurringUpdateInput:
    id: strawberry.ID = strawberry.field(description="The recurring transaction.")
    account_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=f"Another account of the same household. {KEPT}"
    )
    amount: Decimal | None = strawberry.field(default=strawberry.UNSET, description=f"The amount. {KEPT}")
    start_date: dt.date | None = strawberry.field(default=strawberry.UNSET, description=f"The start date. {KEPT}")
    preset: RecurringPreset | None = strawberry.field(
        default=strawberry.UNSET, description=f"A ready-made schedule (replaces the rule). {KEPT}"
    )
    rule: str | None = strawberry.field(default=strawberry.UNSET, description=f"An RRULE (replaces the preset). {KEPT}")
    end_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description=f"The end date; null: none. {KEPT}"
    )
    count: int | None = strawberry.field(default=strawberry.UNSET, description=f"The count; null: unlimited. {KEPT}")
    name: str | None = strawberry.field(default=strawberry.UNSET, description=f"The name. {KEPT}")
    payee: str | None = strawberry.field(default=strawberry.UNSET, description=f"The payee; null: none. {KEPT}")
    category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=f"The category; null: none. {KEPT}"
    )
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description=f"The tags. {KEPT}")
    memo: str | None = strawberry.field(default=strawberry.UNSET, description=f"The memo; null: none. {KEPT}")
    amount_changes: list[RecurringAmountChangeInput] | None = strawberry.field(
        default=strawberry.UNSET, description=f"Every dated amount change (replaces them all). {KEPT}"
    )
    amount_is_estimate: bool | None = strawberry.field(
        default=strawberry.UNSET, description=f"Whether the amount is only an estimate. {KEPT}"
    )
    mode: RecurringMode | None = strawberry.field(default=strawberry.UNSET, description=f"Post or remind. {KEPT}")


@strawberry.type(description="The outcome of `recurringUpdate`.")
class RecurringUpdatePayload:
    recurring: RecurringTransaction | None = strawberry.field(default=None, description="The recurring transaction.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET


def _required(value: Any) -> Any:
    """A field that cannot be emptied: null and left out both keep it."""
    return value if _given(value) and value is not None else KEEP


async def recurring_update(
    info: strawberry.Info[Context, None],
    input: Annotated[RecurringUpdateInput, strawberry.argument(description="The changes.")],
) -> RecurringUpdatePayload:
    schedule_id = parse_id(input.id)
    if schedule_id is None:
        return RecurringUpdatePayload(errors=[NotFoundError(field="id", message="no such recurring transaction")])
    account_id: Any = KEEP
    if _given(input.account_id) and input.account_id is not None:
        account_id = parse_id(input.account_id)
        if account_id is None:
            return RecurringUpdatePayload(errors=[NotFoundError(field="accountId", message="no such account")])
    category_id: Any = KEEP
    if _given(input.category_id):
        category_id = parse_id(input.category_id) if input.category_id is not None else None
        if input.category_id is not None and category_id is None:
            return RecurringUpdatePayload(errors=[NotFoundError(field="categoryId", message="no such category")])
    patch = RecurringPatch(
        account_id=account_id,
        name=input.name if _given(input.name) else KEEP,
        payee=input.payee if _given(input.payee) else KEEP,
        category_id=category_id,
        tags=_required(input.tags),
        memo=input.memo if _given(input.memo) else KEEP,
        amount=_required(input.amount),
        amount_changes=amount_changes(input.amount_changes or []) if _given(input.amount_changes) else KEEP,
        amount_is_estimate=_required(input.amount_is_estimate),
        mode=str(input.mode.value) if _given(input.mode) and input.mode is not None else KEEP,
        rule=input.rule if _given(input.rule) else KEEP,
        preset=(
            (Preset(str(input.preset.value)) if input.preset is not None else None) if _given(input.preset) else KEEP
        ),
        start=_required(input.start_date),
        end=input.end_date if _given(input.end_date) else KEEP,
        count=input.count if _given(input.count) else KEEP,
    )
    session = info.context.session
    try:
        async with session.begin():
            row = await update_schedule(
                session=session, household_ids=writable_households(info), schedule_id=schedule_id, patch=patch
            )
    except RecurringError as exc:
        return RecurringUpdatePayload(errors=[user_error(exc)])
    return RecurringUpdatePayload(recurring=RecurringTransaction.from_row(row))
