from __future__ import annotations

import strawberry

from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.files.attachments import AttachmentNotFoundError, delete_attachment, remove_objects_now


@strawberry.input(description="The attachment to delete.")
class AttachmentDeleteInput:
    id: strawberry.ID = strawberry.field(description="The attachment's id.")


@strawberry.type(description="The outcome of `attachmentDelete`.")
class AttachmentDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(default=None, description="The id of the deleted attachment.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def attachment_delete(
    info: strawberry.Info[Context, None], input: AttachmentDeleteInput
) -> AttachmentDeletePayload:
    """Delete an attachment and its stored document (owners and editors). Links handed out before stop working."""
    viewer = info.context.viewer
    attachment_id = parse_id(input.id)
    writable = [h for h in viewer.household_ids if viewer.can_write(h)]
    missing = AttachmentDeletePayload(errors=[NotFoundError(field="id", message="no such attachment")])
    if attachment_id is None or not writable:
        return missing
    session = info.context.session
    try:
        async with session.begin():
            row = await delete_attachment(session=session, household_ids=writable, attachment_id=attachment_id)
    except AttachmentNotFoundError:
        return missing
    runtime = info.context.runtime
    await remove_objects_now(sessionmaker=runtime.sessionmaker, store=runtime.store, keys=[row.object_key])
    return AttachmentDeletePayload(deleted_id=strawberry.ID(str(row.id)))
