from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import writable_households
from subgraphs.budget.services.rules import RuleNotFoundError, delete_rule


@strawberry.input(description="A rule to delete.")
class RuleDeleteInput:
    id: strawberry.ID = strawberry.field(description="The rule.")


@strawberry.type(description="The outcome of `ruleDelete`.")
class RuleDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The deleted rule's id.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def rule_delete(info: strawberry.Info[Context, None], input: RuleDeleteInput) -> RuleDeletePayload:
    """Transactions the rule categorised keep their category."""
    rule_id = parse_id(input.id)
    missing = RuleDeletePayload(errors=[NotFoundError(field="id", message="no such rule")])
    if rule_id is None:
        return missing
    session = info.context.session
    try:
        async with session.begin():
            await delete_rule(session=session, household_ids=writable_households(info), rule_id=rule_id)
    except RuleNotFoundError:
        return missing
    return RuleDeletePayload(deleted_id=strawberry.ID(str(rule_id)))
