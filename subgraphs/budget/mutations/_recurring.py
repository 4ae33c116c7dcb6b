"""What the recurring-transaction mutations share: input pieces and error mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError
from subgraphs.budget.recurring.service import AmountChange, RecurringError, RecurringNotFoundError


@strawberry.input(description="From a date on, occurrences have another amount.")
class RecurringAmountChangeInput:
    effective_date: dt.date = strawberry.field(description="The first date the amount applies to.")
    amount: Decimal = strawberry.field(description="The amount from then on, in the account's currency, signed.")


def amount_changes(changes: list[RecurringAmountChangeInput]) -> list[AmountChange]:
    return [AmountChange(change.effective_date, change.amount) for change in changes]


def user_error(exc: RecurringError) -> UserError:
    if isinstance(exc, RecurringNotFoundError):
        return NotFoundError(field=exc.field, message=str(exc))
    return ValidationError(field=exc.field, message=str(exc))
