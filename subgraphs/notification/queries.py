from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, IsAuthenticated, paginate
from subgraphs.notification.context import Context
from subgraphs.notification.models import InboxItem as InboxItemRow
from subgraphs.notification.types import InboxItem


@strawberry.type
class Query:
    @strawberry.field(
        description="In-app notifications of the viewer's households, newest first.",
        permission_classes=[IsAuthenticated],
    )
    async def inbox(
        self,
        info: strawberry.Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[InboxItem]:
        return await paginate(
            info.context.session,
            select(InboxItemRow).where(InboxItemRow.household_id.in_(info.context.viewer.household_ids)),
            keys=[InboxItemRow.created_at, InboxItemRow.id],
            node=InboxItem.from_row,
            first=first,
            after=after,
            descending=True,
        )
