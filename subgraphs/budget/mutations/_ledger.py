"""What the ledger's mutations share: which households the viewer may change, ids from input, left-out fields,
and turning the services' errors into typed user errors."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import TransactionStatusType
from subgraphs.budget.services.changes import KEEP
from subgraphs.budget.services.ledger import CategoryNotFoundError, LedgerError, NewSplit, TransactionStatus
from subgraphs.budget.services.owned import NotFoundInHouseholdError
from subgraphs.budget.services.transactions import MAX_MEMO

__all__ = [
    "SplitInput",
    "kept",
    "known_id",
    "new_splits",
    "required",
    "status_of",
    "user_error",
    "writable_households",
]


def writable_households(info: strawberry.Info[Context, None]) -> list[uuid.UUID]:
    """The households whose data the viewer may change (owner or editor); rows elsewhere look missing."""
    viewer = info.context.viewer
    return [h for h in viewer.household_ids if viewer.can_write(h)]


def known_id(value: strawberry.ID | None, *, what: str, field: str) -> uuid.UUID:
    """The id as a UUID; a malformed id is answered like an id that does not exist."""
    parsed = parse_id(value)
    if parsed is None:
        raise NotFoundInHouseholdError(what, field=field)
    return parsed


def kept(value: Any) -> Any:
    """``KEEP`` for a field left out of the input (``strawberry.UNSET``), else the value (``None`` clears)."""
    return KEEP if value is strawberry.UNSET else value


def required(value: Any, *, field: str) -> Any:
    """Like ``kept``, for a field that may be left out but not cleared: an explicit null is refused."""
    if value is None:
        raise LedgerError("this field cannot be cleared; leave it out to keep it", field=field)
    return kept(value)


def user_error(exc: LedgerError | MoneyError, *, money_field: str = "amount") -> UserError:
    """The typed error for a refused change: ``NotFoundError`` for a missing (or another household's) id,
    ``ValidationError`` for anything else."""
    if isinstance(exc, LedgerError):
        if isinstance(exc, LookupError):
            return NotFoundError(field=exc.field, message=str(exc))
        return ValidationError(field=exc.field, message=str(exc))
    return ValidationError(field=money_field, message=str(exc))


@strawberry.input(description="One part of a split transaction.")
class SplitInput:
    amount: Decimal = strawberry.field(
        description="The part's amount, with the transaction's sign, in the account's currency."
    )
    category_id: strawberry.ID | None = strawberry.field(default=None, description="The part's category.")
    memo: str | None = strawberry.field(default=None, description="What this part was for.")


def new_splits(parts: list[SplitInput]) -> list[NewSplit]:
    """The parts for the services; a malformed category id is answered like a missing category."""
    splits = []
    for part in parts:
        category_id = None
        if part.category_id is not None:
            category_id = parse_id(part.category_id)
            if category_id is None:
                raise CategoryNotFoundError("no such category", field="splits")
        if part.memo is not None and len(part.memo) > MAX_MEMO:
            raise LedgerError(f"a part's memo has at most {MAX_MEMO} characters", field="splits")
        splits.append(NewSplit(amount=part.amount, category_id=category_id, memo=part.memo))
    return splits


def status_of(value: TransactionStatusType) -> TransactionStatus:
    return TransactionStatus[value.name]
