from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from fincloud.uploads import UploadTooLargeError, read_upload
from subgraphs.budget.context import Context
from subgraphs.budget.files.attachments import (
    ACCEPTED_LABEL,
    AttachmentError,
    OwnerNotFoundError,
    add_attachment,
    attachment_owner,
    too_large,
)
from subgraphs.budget.files.types import Attachment


@strawberry.input(description="A document to attach to one transaction or one account.")
class AttachmentCreateInput:
    file: Upload = strawberry.field(
        description=f"The document, sent as a GraphQL multipart upload: {ACCEPTED_LABEL}. Its type is read from its "
        "content; the size limit is the server's `ATTACHMENT_MAX_BYTES` (10 MB by default)."
    )
    transaction_id: strawberry.ID | None = strawberry.field(
        default=None, description="The transaction to attach it to (give this or `accountId`)."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The account to attach it to (give this or `transactionId`)."
    )


@strawberry.type(description="The outcome of `attachmentCreate`.")
class AttachmentCreatePayload:
    attachment: Attachment | None = strawberry.field(default=None, description="The attached document.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def attachment_create(
    info: strawberry.Info[Context, None], input: AttachmentCreateInput
) -> AttachmentCreatePayload:
    """Attach a document to a transaction or an account (owners and editors). A file of another type, an empty one
    or one over the size limit is refused with a `ValidationError` on `file`, and nothing is stored."""
    viewer = info.context.viewer
    runtime = info.context.runtime
    if (input.transaction_id is None) == (input.account_id is None):
        return AttachmentCreatePayload(
            errors=[ValidationError(field="transactionId", message="give either a transaction or an account")]
        )
    field = "transactionId" if input.transaction_id is not None else "accountId"
    owner_id = parse_id(input.transaction_id if input.transaction_id is not None else input.account_id)
    writable = [h for h in viewer.household_ids if viewer.can_write(h)]
    if owner_id is None or not writable:
        # A viewer of the household is told the same as a stranger: the item is not theirs to change.
        return AttachmentCreatePayload(errors=[NotFoundError(field=field, message=f"no such {field[:-2]}")])
    session = info.context.session
    max_bytes = min(runtime.settings.ATTACHMENT_MAX_BYTES, runtime.settings.UPLOAD_MAX_BYTES)
    transaction_id = owner_id if field == "transactionId" else None
    account_id = owner_id if field == "accountId" else None
    try:
        async with session.begin():
            # Whose item it is first: nothing of the file is read for a caller who may not attach to it.
            await attachment_owner(
                session=session, household_ids=writable, transaction_id=transaction_id, account_id=account_id
            )
            if not callable(getattr(input.file, "read", None)):
                raise AttachmentError("send the document as a file of a GraphQL multipart request")
            file = await read_upload(input.file, max_bytes=max_bytes)
            row = await add_attachment(
                session=session,
                store=runtime.store,
                household_ids=writable,
                transaction_id=transaction_id,
                account_id=account_id,
                filename=file.filename,
                data=file.data,
                max_bytes=max_bytes,
                created_by=viewer.user_id,
            )
    except OwnerNotFoundError as exc:
        return AttachmentCreatePayload(errors=[NotFoundError(field=exc.field, message=str(exc))])
    except UploadTooLargeError:
        return AttachmentCreatePayload(errors=[ValidationError(field="file", message=str(too_large(max_bytes)))])
    except AttachmentError as exc:
        return AttachmentCreatePayload(errors=[ValidationError(field=exc.field, message=str(exc))])
    return AttachmentCreatePayload(attachment=Attachment.of(row, runtime))
