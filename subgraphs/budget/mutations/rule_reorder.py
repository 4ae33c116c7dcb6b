from __future__ import annotations

import strawberry

from fincloud.graphql import UserError, ValidationError, parse_id
from subgraphs.budget.categorisation.types import Rule
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import errors_of, writable_household
from subgraphs.budget.services.rules import RuleInputError, reorder_rules


@strawberry.input(description="A household's rules in their new priority order.")
class RuleReorderInput:
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    rule_ids: list[strawberry.ID] = strawberry.field(
        description="Every rule of the household exactly once, highest priority first."
    )


@strawberry.type(description="The outcome of `ruleReorder`.")
class RuleReorderPayload:
    rules: list[Rule] | None = strawberry.field(default=None, description="The rules in their new order.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def rule_reorder(info: strawberry.Info[Context, None], input: RuleReorderInput) -> RuleReorderPayload:
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return RuleReorderPayload(errors=[refused] if refused else [])
    rule_ids = [parse_id(r) for r in input.rule_ids]
    if any(r is None for r in rule_ids):
        return RuleReorderPayload(
            errors=[ValidationError(field="ruleIds", message="list every rule of the household exactly once")]
        )
    session = info.context.session
    try:
        async with session.begin():
            rows = await reorder_rules(
                session=session, household_id=household_id, rule_ids=[r for r in rule_ids if r is not None]
            )
    except RuleInputError as exc:
        return RuleReorderPayload(errors=errors_of(exc.problems))
    return RuleReorderPayload(rules=[Rule.from_row(r) for r in rows])
