from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry
from sqlalchemy import and_, or_, select

from fincloud.graphql import (
    Connection,
    IsAuthenticated,
    UserInputError,
    decode_cursor,
    encode_cursor,
    page_size,
    to_connection,
)
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
        limit = page_size(first)
        query = select(InboxItemRow).where(InboxItemRow.household_id.in_(info.context.viewer.household_ids))
        if after is not None:
            created, iid = decode_cursor(after, arity=2)
            try:
                key = (dt.datetime.fromisoformat(created), uuid.UUID(iid))
            except ValueError:
                raise UserInputError("invalid cursor", field="after") from None
            query = query.where(
                or_(InboxItemRow.created_at < key[0], and_(InboxItemRow.created_at == key[0], InboxItemRow.id < key[1]))
            )
        query = query.order_by(InboxItemRow.created_at.desc(), InboxItemRow.id.desc()).limit(limit + 1)
        rows = (await info.context.session.scalars(query)).all()
        return to_connection(
            rows, limit=limit, node=InboxItem.from_row, cursor=lambda r: encode_cursor(r.created_at.isoformat(), r.id)
        )
