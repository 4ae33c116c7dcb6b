from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import select

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.importers import StatementError
from subgraphs.budget.importers.format_csv import CsvMapping
from subgraphs.budget.imports.models import ImportBatch
from subgraphs.budget.imports.service import save_profile
from subgraphs.budget.imports.types import ImportCsvMappingInput, ImportMappingProfile
from subgraphs.budget.mutations._imports import error_of, writable_account
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="A CSV mapping to keep for an account's next imports.")
class ImportMappingProfileSaveInput:
    account_id: strawberry.ID = strawberry.field(description="The account whose exports it reads.")
    name: str = strawberry.field(description="1 to 100 characters; saving under an existing name replaces it.")
    mapping: ImportCsvMappingInput | None = strawberry.field(default=None, description="The mapping to keep.")
    import_id: strawberry.ID | None = strawberry.field(
        default=None, description="Keep the mapping this CSV import of the account was read with instead."
    )


@strawberry.type(description="The outcome of `importMappingProfileSave`.")
class ImportMappingProfileSavePayload:
    profile: ImportMappingProfile | None = strawberry.field(default=None, description="The saved profile.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def import_mapping_profile_save(
    info: strawberry.Info[Context, None], input: ImportMappingProfileSaveInput
) -> ImportMappingProfileSavePayload:
    account, refused = await writable_account(info, input.account_id)
    if refused is not None or account is None:
        return ImportMappingProfileSavePayload(errors=[refused] if refused else [])
    if (input.mapping is None) == (input.import_id is None):
        return ImportMappingProfileSavePayload(
            errors=[ValidationError(field="mapping", message="give either a mapping or the import to take it from")]
        )
    session = info.context.session
    mapping: dict[str, Any] | None = None
    if input.mapping is not None:
        try:
            mapping = CsvMapping.from_json(input.mapping.to_json()).to_json()
        except StatementError as exc:
            return ImportMappingProfileSavePayload(errors=[ValidationError(field="mapping", message=exc.message)])
    try:
        async with session.begin():
            if mapping is None:
                wanted = parse_id(input.import_id)
                batch = await session.scalar(
                    select(ImportBatch).where(ImportBatch.id == wanted, ImportBatch.account_id == account.id)
                )
                if batch is None:
                    return ImportMappingProfileSavePayload(
                        errors=[NotFoundError(field="importId", message="no such import of this account")]
                    )
                mapping = (batch.settings or {}).get("mapping") if batch.format == "csv" else None
                if not mapping:
                    return ImportMappingProfileSavePayload(
                        errors=[ValidationError(field="importId", message="that import was not read with a mapping")]
                    )
            profile = await save_profile(session=session, account=account, name=input.name, mapping=mapping)
    except LedgerError as exc:
        return ImportMappingProfileSavePayload(errors=[error_of(exc)])
    return ImportMappingProfileSavePayload(profile=ImportMappingProfile.from_row(profile))
