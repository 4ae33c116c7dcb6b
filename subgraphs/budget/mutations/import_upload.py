from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from fincloud.graphql import UserError, ValidationError
from fincloud.uploads import UploadTooLargeError, read_upload
from subgraphs.budget.context import Context
from subgraphs.budget.imports.service import start_import
from subgraphs.budget.imports.types import Import, ImportSettingsInput
from subgraphs.budget.mutations._imports import error_of, file_error, merged_settings, writable_account
from subgraphs.budget.services.ledger import LedgerError


@strawberry.input(description="A statement file to import into an account.")
class ImportUploadInput:
    account_id: strawberry.ID = strawberry.field(description="The account to import into.")
    file: Upload = strawberry.field(
        description="The statement (CSV, OFX/QFX, QIF, CAMT.053), sent as a GraphQL multipart request."
    )
    settings: ImportSettingsInput | None = strawberry.field(
        default=None, description="How to read it; anything left out is detected."
    )


@strawberry.type(description="The outcome of `importUpload`.")
class ImportUploadPayload:
    import_: Import | None = strawberry.field(
        default=None,
        name="import",
        description="The import with its dry run (status READY), or what must be chosen first (NEEDS_INPUT). "
        "Nothing is written to the ledger until `importCommit`.",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Empty on success; an `ImportFileError` with line numbers when the file itself is at fault (the "
        "import is kept, so `importDryRun` can read it again with other settings).",
    )


async def import_upload(info: strawberry.Info[Context, None], input: ImportUploadInput) -> ImportUploadPayload:
    """Keep the file in object storage, detect how to read it, and dry-run it against the account's ledger."""
    account, refused = await writable_account(info, input.account_id)
    if refused is not None:  # nothing is read for an account the caller may not import into
        return ImportUploadPayload(errors=[refused])
    settings, errors = merged_settings(input.settings)
    runtime = info.context.runtime
    upload = None
    if not callable(getattr(input.file, "read", None)):
        errors.append(ValidationError(field="file", message="send the statement as a file (a multipart request)"))
    else:
        try:
            upload = await read_upload(input.file, max_bytes=runtime.settings.UPLOAD_MAX_BYTES)
        except UploadTooLargeError as exc:
            errors.append(ValidationError(field="file", message=str(exc)))
    if upload is not None and not upload.data.strip():
        errors.append(ValidationError(field="file", message="the file is empty"))
    if errors or account is None or upload is None:
        return ImportUploadPayload(errors=errors)
    session = info.context.session
    try:
        async with session.begin():
            batch = await start_import(
                session=session,
                store=runtime.store,
                account=account,
                upload=upload,
                settings=settings,
                created_by=info.context.viewer.user_id,
            )
    except LedgerError as exc:
        return ImportUploadPayload(errors=[error_of(exc)])
    problem = file_error(batch.problem)
    return ImportUploadPayload(import_=Import.from_row(batch), errors=[problem] if problem else [])
