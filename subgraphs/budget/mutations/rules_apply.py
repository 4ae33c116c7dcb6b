from __future__ import annotations

import datetime as dt

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.categorisation.types import RulesApplyResult
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import errors_of, writable_household
from subgraphs.budget.services.rules import RuleInputError, apply_rules


@strawberry.input(description="Run the household's enabled rules again over a date range.")
class RulesApplyInput:
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    since: dt.date = strawberry.field(name="from", description="First date, inclusive.")
    until: dt.date = strawberry.field(name="to", description="Last date, inclusive.")
    only_uncategorised: bool = strawberry.field(
        default=True,
        description="Give rule categories only to transactions without one (true); false lets a rule replace a "
        "category. Payee renames and tags apply either way.",
    )
    dry_run: bool = strawberry.field(
        default=True, description="Only count and list what would change (true); false changes it."
    )


@strawberry.type(description="The outcome of `rulesApply`.")
class RulesApplyPayload:
    result: RulesApplyResult | None = strawberry.field(default=None, description="What changed or would change.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def rules_apply(info: strawberry.Info[Context, None], input: RulesApplyInput) -> RulesApplyPayload:
    """Each changed transaction gets a `TransactionUpdated` event with the before and after of what changed."""
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return RulesApplyPayload(errors=[refused] if refused else [])
    session = info.context.session
    try:
        async with session.begin():
            result = await apply_rules(
                session=session,
                household_id=household_id,
                since=input.since,
                until=input.until,
                only_uncategorised=input.only_uncategorised,
                dry_run=input.dry_run,
            )
    except RuleInputError as exc:
        return RulesApplyPayload(errors=errors_of(exc.problems))
    return RulesApplyPayload(result=RulesApplyResult.of(result))
