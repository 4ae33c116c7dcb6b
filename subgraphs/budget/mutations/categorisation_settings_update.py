from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.categorisation.models import DEFAULT_AUTO_APPLY_THRESHOLD
from subgraphs.budget.categorisation.types import CategorisationSettings
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._rules import errors_of, writable_household
from subgraphs.budget.services.rules import RuleInputError, set_categorisation_settings


@strawberry.input(description="Changes to a household's categorisation settings; fields left out stay as they are.")
class CategorisationSettingsUpdateInput:
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    auto_apply_threshold: float | None = strawberry.field(
        default=None, description="Confidence from 0 to 1 from which learned suggestions are applied without asking."
    )
    learning_enabled: bool | None = strawberry.field(
        default=None, description="Whether to learn suggestions from the household's history."
    )


@strawberry.type(description="The outcome of `categorisationSettingsUpdate`.")
class CategorisationSettingsUpdatePayload:
    settings: CategorisationSettings | None = strawberry.field(default=None, description="The settings now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def categorisation_settings_update(
    info: strawberry.Info[Context, None], input: CategorisationSettingsUpdateInput
) -> CategorisationSettingsUpdatePayload:
    household_id, refused = writable_household(info, input.household_id)
    if refused is not None or household_id is None:
        return CategorisationSettingsUpdatePayload(errors=[refused] if refused else [])
    session = info.context.session
    try:
        async with session.begin():
            row = await set_categorisation_settings(
                session=session,
                household_id=household_id,
                auto_apply_threshold=input.auto_apply_threshold,
                learning_enabled=input.learning_enabled,
            )
    except RuleInputError as exc:
        return CategorisationSettingsUpdatePayload(errors=errors_of(exc.problems))
    return CategorisationSettingsUpdatePayload(
        settings=CategorisationSettings.of(household_id, row, DEFAULT_AUTO_APPLY_THRESHOLD)
    )
