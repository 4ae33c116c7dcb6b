"""Resolvers the budget's shared types and queries mount: ``Transaction.attachments``, ``Account.attachments`` and
``Query.export``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.files.models import Export as ExportRow
from subgraphs.budget.files.types import AfterArgument, Attachment, Export, FirstArgument, attachment_page

__all__ = ["account_attachments", "export", "transaction_attachments"]


async def transaction_attachments(
    root: Any, info: strawberry.Info[Context, None], first: FirstArgument = None, after: AfterArgument = None
) -> Connection[Attachment]:
    rows = await info.context.loaders.attachments_by_transaction_id.load(uuid.UUID(str(root.id)))
    return attachment_page(rows, info.context.runtime, first=first, after=after)


async def account_attachments(
    root: Any, info: strawberry.Info[Context, None], first: FirstArgument = None, after: AfterArgument = None
) -> Connection[Attachment]:
    rows = await info.context.loaders.attachments_by_account_id.load(uuid.UUID(str(root.id)))
    return attachment_page(rows, info.context.runtime, first=first, after=after)


async def export(
    info: strawberry.Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="The export's id.")],
) -> Export | None:
    export_id = parse_id(id)
    if export_id is None:
        return None
    viewer = info.context.viewer
    row = await info.context.session.scalar(
        select(ExportRow).where(ExportRow.id == export_id, ExportRow.household_id.in_(viewer.household_ids))
    )
    return Export.of(row, info.context.runtime) if row is not None else None
