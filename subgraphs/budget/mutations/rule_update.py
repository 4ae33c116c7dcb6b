from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.categorisation.rules import Match
from subgraphs.budget.categorisation.types import Rule, RuleMatch
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import RuleConditionInput, conditions_of, errors_of, writable_households
from subgraphs.budget.services.rules import RuleInputError, RuleNotFoundError, find_rule, rule_data, update_rule


@strawberry.input(description="Changes to a rule; fields left out stay as they are, null clears an action.")
class RuleUpdateInput:
    id: strawberry.ID = strawberry.field(description="The rule.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name, 1 to 100 characters.")
    conditions: list[RuleConditionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="New conditions, replacing all of them (one to 20)."
    )
    match: RuleMatch | None = strawberry.field(default=strawberry.UNSET, description="All conditions, or any one.")
    enabled: bool | None = strawberry.field(default=strawberry.UNSET, description="Whether it applies.")
    set_category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A category to give; null for none."
    )
    set_payee: str | None = strawberry.field(
        default=strawberry.UNSET, description="A payee name to give; null for none."
    )
    add_tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Tags to add; null for none.")


@strawberry.type(description="The outcome of `ruleUpdate`.")
class RuleUpdatePayload:
    rule: Rule | None = strawberry.field(default=None, description="The rule as it is now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


def _given(value: object) -> bool:
    return value is not strawberry.UNSET


async def rule_update(info: strawberry.Info[Context, None], input: RuleUpdateInput) -> RuleUpdatePayload:
    rule_id = parse_id(input.id)
    missing = RuleUpdatePayload(errors=[NotFoundError(field="id", message="no such rule")])
    if rule_id is None:
        return missing
    errors: list[UserError] = []
    changes: dict[str, Any] = {}
    if _given(input.conditions):
        conditions, errors = conditions_of(input.conditions or [])
        changes["conditions"] = conditions
    if _given(input.set_category_id):
        category_id = parse_id(input.set_category_id)
        if input.set_category_id is not None and category_id is None:
            errors.append(NotFoundError(field="setCategoryId", message="no such category"))
        changes["category_id"] = category_id
    for name, value in (("name", input.name), ("enabled", input.enabled)):
        if _given(value) and value is not None:
            changes[name] = value
    if _given(input.match) and input.match is not None:
        changes["match"] = Match[input.match.name]
    if _given(input.set_payee):
        changes["payee"] = input.set_payee
    if _given(input.add_tags):
        changes["tags"] = tuple(input.add_tags or ())
    session = info.context.session
    try:
        async with session.begin():
            row = await find_rule(session=session, household_ids=writable_households(info), rule_id=rule_id, lock=True)
            if errors:
                return RuleUpdatePayload(errors=errors)
            await update_rule(session=session, rule=row, data=dataclasses.replace(rule_data(row), **changes))
    except RuleNotFoundError:
        return missing
    except RuleInputError as exc:
        return RuleUpdatePayload(errors=errors_of(exc.problems))
    return RuleUpdatePayload(rule=Rule.from_row(row))
