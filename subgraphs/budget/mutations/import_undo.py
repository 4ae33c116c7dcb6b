from __future__ import annotations

import strawberry

from fincloud.graphql import UserError
from subgraphs.budget.context import Context
from subgraphs.budget.imports.service import undo_import
from subgraphs.budget.imports.types import Import
from subgraphs.budget.mutations._imports import error_of, writable_import
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="Undo a committed import.")
class ImportUndoInput:
    import_id: strawberry.ID = strawberry.field(description="The import (status COMMITTED).")


@strawberry.type(description="The outcome of `importUndo`.")
class ImportUndoPayload:
    import_: Import | None = strawberry.field(
        default=None, name="import", description="The import, UNDONE, with `counts.removed`."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def import_undo(info: strawberry.Info[Context, None], input: ImportUndoInput) -> ImportUndoPayload:
    import_id, households, refused = await writable_import(info, input.import_id)
    if refused is not None or import_id is None:
        return ImportUndoPayload(errors=[refused] if refused else [])
    session = info.context.session
    try:
        async with session.begin():
            batch = await undo_import(session=session, household_ids=households, import_id=import_id)
    except LedgerError as exc:
        return ImportUndoPayload(errors=[error_of(exc)])
    return ImportUndoPayload(import_=Import.from_row(batch))
