from __future__ import annotations

import strawberry

from fincloud.graphql import UserError, ValidationError
from subgraphs.budget.context import Context
from subgraphs.budget.imports.service import request_commit
from subgraphs.budget.imports.types import Import, ImportRowAction
from subgraphs.budget.mutations._imports import error_of, writable_import
from subgraphs.budget.services.ledger import LedgerError

MAX_RESOLUTIONS = 100_000


@strawberry.input(description="What to do with one row of the dry run.")
class ImportRowResolutionInput:
    index: int = strawberry.field(description="The row's `index`.")
    action: ImportRowAction = strawberry.field(description="Create it, link (merge) it, or skip it.")


@strawberry.input(description="Commit an import's dry run to the ledger.")
class ImportCommitInput:
    import_id: strawberry.ID = strawberry.field(description="The import (status READY, or FAILED to try again).")
    resolutions: list[ImportRowResolutionInput] = strawberry.field(
        default_factory=list,
        description="Choices for single rows (a duplicate that is in fact new, a conflict to merge ...); the other "
        "rows follow their classification: new rows are created, duplicates linked, deleted ones skipped.",
    )
    conflicts: ImportRowAction | None = strawberry.field(
        default=None,
        description="What to do with conflicts not resolved one by one; required when there are any.",
    )


@strawberry.type(description="The outcome of `importCommit`.")
class ImportCommitPayload:
    import_: Import | None = strawberry.field(
        default=None,
        name="import",
        description="The import, QUEUED: a worker commits it in one transaction; follow it with `importProgress`.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def import_commit(info: strawberry.Info[Context, None], input: ImportCommitInput) -> ImportCommitPayload:
    import_id, households, refused = await writable_import(info, input.import_id)
    if refused is not None or import_id is None:
        return ImportCommitPayload(errors=[refused] if refused else [])
    if len(input.resolutions) > MAX_RESOLUTIONS:
        return ImportCommitPayload(
            errors=[ValidationError(field="resolutions", message=f"give at most {MAX_RESOLUTIONS} resolutions")]
        )
    chosen: dict[int, str] = {}
    for resolution in input.resolutions:
        if resolution.index in chosen:
            return ImportCommitPayload(
                errors=[ValidationError(field="resolutions", message=f"row {resolution.index} is resolved twice")]
            )
        chosen[resolution.index] = str(resolution.action.value)
    session = info.context.session
    try:
        async with session.begin():
            batch = await request_commit(
                session=session,
                household_ids=households,
                import_id=import_id,
                resolutions=chosen,
                conflicts=str(input.conflicts.value) if input.conflicts is not None else None,
            )
    except LedgerError as exc:
        return ImportCommitPayload(errors=[error_of(exc)])
    return ImportCommitPayload(import_=Import.from_row(batch))
