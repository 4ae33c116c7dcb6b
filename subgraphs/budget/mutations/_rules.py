"""What the rule mutations share: the condition input, which household they act on, and their errors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

import strawberry

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.budget.categorisation import rules as matching
from subgraphs.budget.categorisation.types import RuleField, RuleOperator
from subgraphs.budget.context import Context

__all__ = ["RuleConditionInput", "conditions_of", "errors_of", "writable_household", "writable_households"]


@strawberry.input(
    description="One condition of a rule. PAYEE and MEMO take `value`; AMOUNT BETWEEN takes `min` and/or `max`; "
    "ACCOUNT IS_ONE_OF takes `accountIds`. Other fields are ignored."
)
class RuleConditionInput:
    field: RuleField = strawberry.field(description="What the condition looks at.")
    operator: RuleOperator = strawberry.field(description="How it compares.")
    value: str | None = strawberry.field(
        default=None, description="Text to compare with, or an RE2 regular expression for MATCHES."
    )
    min: Decimal | None = strawberry.field(default=None, description="Smallest amount size, inclusive.")
    max: Decimal | None = strawberry.field(default=None, description="Largest amount size, inclusive.")
    account_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Accounts of the household, for ACCOUNT IS_ONE_OF."
    )


def conditions_of(inputs: Sequence[RuleConditionInput]) -> tuple[tuple[matching.Condition, ...], list[UserError]]:
    """The conditions as stored, and errors for account ids that cannot exist."""
    conditions: list[matching.Condition] = []
    errors: list[UserError] = []
    for index, given in enumerate(inputs):
        field = matching.RuleField[given.field.name]
        operator = matching.Operator[given.operator.name]
        if field in (matching.RuleField.PAYEE, matching.RuleField.MEMO):
            conditions.append(matching.Condition(field, operator, value=given.value))
        elif field is matching.RuleField.AMOUNT:
            between = operator is matching.Operator.BETWEEN
            conditions.append(
                matching.Condition(
                    field, operator, min=given.min if between else None, max=given.max if between else None
                )
            )
        else:
            ids: list[uuid.UUID] = []
            for raw in given.account_ids or []:
                parsed = parse_id(raw)
                if parsed is None:
                    errors.append(NotFoundError(field=f"conditions[{index}].accountIds", message="no such account"))
                else:
                    ids.append(parsed)
            conditions.append(matching.Condition(field, operator, account_ids=tuple(dict.fromkeys(ids))))
    return tuple(conditions), errors


def errors_of(problems: Sequence[matching.Problem]) -> list[UserError]:
    return [
        NotFoundError(field=p.field, message=p.message)
        if p.missing
        else ValidationError(field=p.field, message=p.message)
        for p in problems
    ]


def writable_household(
    info: strawberry.Info[Context, None], household_id: strawberry.ID | None
) -> tuple[uuid.UUID | None, UserError | None]:
    """The household named (default: the viewer's first), if the viewer may change its categorisation; else the
    error. Another household's id answers exactly like a missing one; a viewer of the household is refused."""
    viewer = info.context.viewer
    if household_id is None:
        wanted = viewer.household_ids[0] if viewer.household_ids else None
    else:
        wanted = parse_id(household_id)
    if wanted is None or not viewer.can_read(wanted):
        return None, NotFoundError(field="householdId", message="no such household")
    if not viewer.can_write(wanted):
        return None, NotFoundError(
            field="householdId", message="only the household's owners and editors may change its categorisation"
        )
    return wanted, None


def writable_households(info: strawberry.Info[Context, None]) -> list[uuid.UUID]:
    viewer = info.context.viewer
    return [h for h in viewer.household_ids if viewer.can_write(h)]
