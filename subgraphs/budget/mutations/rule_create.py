from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.categorisation.rules import Match
from subgraphs.budget.categorisation.types import Rule, RuleMatch
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import RuleConditionInput, conditions_of, errors_of, writable_household
from subgraphs.budget.services.rules import RuleData, RuleInputError, create_rule


@strawberry.input(description="A new categorisation rule; it goes last in the household's priority order.")
class RuleCreateInput:
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    name: str = strawberry.field(description="1 to 100 characters; shown as the reason: rule 'Groceries'.")
    conditions: list[RuleConditionInput] = strawberry.field(description="One to 20 conditions.")
    match: RuleMatch = strawberry.field(default=RuleMatch.ALL, description="All conditions, or any one (ALL).")
    enabled: bool = strawberry.field(default=True, description="Whether it applies (true).")
    set_category_id: strawberry.ID | None = strawberry.field(
        default=None, description="A category of the household to give."
    )
    set_payee: str | None = strawberry.field(default=None, description="A payee name to give (rename).")
    add_tags: list[str] = strawberry.field(default_factory=list, description="Tags to add.")


@strawberry.type(description="The outcome of `ruleCreate`.")
class RuleCreatePayload:
    rule: Rule | None = strawberry.field(default=None, description="The new rule.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def rule_create(info: strawberry.Info[Context, None], input: RuleCreateInput) -> RuleCreatePayload:
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return RuleCreatePayload(errors=[refused] if refused else [])
    conditions, errors = conditions_of(input.conditions)
    category_id = parse_id(input.set_category_id)
    if input.set_category_id is not None and category_id is None:
        errors.append(NotFoundError(field="setCategoryId", message="no such category"))
    if errors:
        return RuleCreatePayload(errors=errors)
    session = info.context.session
    try:
        async with session.begin():
            row = await create_rule(
                session=session,
                household_id=household_id,
                data=RuleData(
                    name=input.name,
                    conditions=conditions,
                    match=Match[input.match.name],
                    enabled=input.enabled,
                    category_id=category_id,
                    payee=input.set_payee,
                    tags=tuple(input.add_tags),
                ),
                created_by=info.context.viewer.user_id,
            )
    except RuleInputError as exc:
        return RuleCreatePayload(errors=errors_of(exc.problems))
    return RuleCreatePayload(rule=Rule.from_row(row))
