from __future__ import annotations

import strawberry
from sqlalchemy import select

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.imports.models import ImportMappingProfile
from subgraphs.budget.imports.service import delete_profile
from subgraphs.budget.mutations._imports import WRITERS_ONLY, error_of
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Forget a saved CSV mapping.")
class ImportMappingProfileDeleteInput:
    id: strawberry.ID = strawberry.field(description="The profile.")


@strawberry.type(description="The outcome of `importMappingProfileDelete`.")
class ImportMappingProfileDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The id of the deleted profile.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def import_mapping_profile_delete(
    info: strawberry.Info[Context, None], input: ImportMappingProfileDeleteInput
) -> ImportMappingProfileDeletePayload:
    viewer = info.context.viewer
    wanted = parse_id(input.id)
    session = info.context.session
    try:
        async with session.begin():
            household = (
                await session.scalar(select(ImportMappingProfile.household_id).where(ImportMappingProfile.id == wanted))
                if wanted is not None
                else None
            )
            if wanted is None or household is None or not viewer.can_read(household):
                return ImportMappingProfileDeletePayload(
                    errors=[NotFoundError(field="id", message="no such mapping profile")]
                )
            if not viewer.can_write(household):
                return ImportMappingProfileDeletePayload(errors=[NotFoundError(field="id", message=WRITERS_ONLY)])
            await delete_profile(session=session, household_ids=[household], profile_id=wanted)
    except LedgerError as exc:
        return ImportMappingProfileDeletePayload(errors=[error_of(exc)])
    return ImportMappingProfileDeletePayload(deleted_id=strawberry.ID(str(wanted)))
