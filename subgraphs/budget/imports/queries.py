"""Resolvers of the import queries; ``subgraphs/budget/queries.py`` mounts them on ``Query``."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, paginate, parse_id, to_connection
from subgraphs.budget.context import Context
from subgraphs.budget.importers import available_formats
from subgraphs.budget.imports.models import ImportBatch as ImportBatchRow
from subgraphs.budget.imports.models import ImportMappingProfile as ImportMappingProfileRow
from subgraphs.budget.imports.types import Import, ImportFormat, ImportMappingProfile

__all__ = ["import_", "import_formats", "import_mapping_profiles", "imports"]


async def _readable_account(info: strawberry.Info[Context, None], account_id: strawberry.ID) -> uuid.UUID | None:
    wanted = parse_id(account_id)
    if wanted is None:
        return None
    row = await info.context.loaders.account_by_id.load(wanted)
    return row.id if row is not None and info.context.viewer.can_read(row.household_id) else None


async def imports(
    info: strawberry.Info[Context, None],
    account_id: Annotated[strawberry.ID, strawberry.argument(description="The account whose imports to list.")],
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
) -> Connection[Import]:
    account = await _readable_account(info, account_id)
    if account is None:
        return to_connection([], limit=1, node=Import.from_row, cursor=str)
    return await paginate(
        info.context.session,
        select(ImportBatchRow).where(ImportBatchRow.account_id == account),
        keys=[ImportBatchRow.created_at, ImportBatchRow.id],
        node=Import.from_row,
        first=first,
        after=after,
        descending=True,
    )


async def import_(
    info: strawberry.Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="Import id.")],
) -> Import | None:
    wanted = parse_id(id)
    if wanted is None:
        return None
    viewer = info.context.viewer
    row = await info.context.session.scalar(
        select(ImportBatchRow).where(ImportBatchRow.id == wanted, ImportBatchRow.household_id.in_(viewer.household_ids))
    )
    return Import.from_row(row) if row is not None else None


async def import_mapping_profiles(
    info: strawberry.Info[Context, None],
    account_id: Annotated[strawberry.ID, strawberry.argument(description="The account whose profiles to list.")],
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
) -> Connection[ImportMappingProfile]:
    account = await _readable_account(info, account_id)
    if account is None:
        return to_connection([], limit=1, node=ImportMappingProfile.from_row, cursor=str)
    return await paginate(
        info.context.session,
        select(ImportMappingProfileRow).where(ImportMappingProfileRow.account_id == account),
        keys=[ImportMappingProfileRow.name, ImportMappingProfileRow.id],
        node=ImportMappingProfile.from_row,
        first=first,
        after=after,
    )


def import_formats() -> list[ImportFormat]:
    return [ImportFormat(name=importer.name, label=importer.label) for importer in available_formats()]
