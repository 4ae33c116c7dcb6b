from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.imports.models import ImportBatch
from subgraphs.budget.imports.reading import ImportSettings
from subgraphs.budget.imports.service import dry_run
from subgraphs.budget.imports.types import Import, ImportSettingsInput
from subgraphs.budget.mutations._imports import error_of, file_error, merged_settings, writable_import
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Read an uploaded statement again, with other settings, against the ledger as it is now.")
class ImportDryRunInput:
    import_id: strawberry.ID = strawberry.field(description="The import.")
    settings: ImportSettingsInput | None = strawberry.field(
        default=None, description="What to change; settings left out keep their value."
    )


@strawberry.type(description="The outcome of `importDryRun`.")
class ImportDryRunPayload:
    import_: Import | None = strawberry.field(
        default=None, name="import", description="The import with its new dry run, or what must be chosen first."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Empty on success; an `ImportFileError` with line numbers when the file itself is at fault.",
    )


async def import_dry_run(info: strawberry.Info[Context, None], input: ImportDryRunInput) -> ImportDryRunPayload:
    import_id, households, refused = await writable_import(info, input.import_id)
    if refused is not None or import_id is None:
        return ImportDryRunPayload(errors=[refused] if refused else [])
    session = info.context.session
    try:
        async with session.begin():
            stored = await session.get(ImportBatch, import_id)
            assert stored is not None
            settings, errors = merged_settings(input.settings, ImportSettings.from_json(stored.settings))
            if errors:
                return ImportDryRunPayload(errors=errors)
            batch = await dry_run(
                session=session,
                store=info.context.runtime.store,
                household_ids=households,
                import_id=import_id,
                settings=settings,
            )
    except LedgerError as exc:
        return ImportDryRunPayload(errors=[error_of(exc)])
    problem = file_error(batch.problem)
    return ImportDryRunPayload(import_=Import.from_row(batch), errors=[problem] if problem else [])
