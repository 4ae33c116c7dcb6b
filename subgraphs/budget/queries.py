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
from subgraphs.budget.context import Context
from subgraphs.budget.models import Account as AccountRow
from subgraphs.budget.types import Account, parse_id


@strawberry.type
class Query:
    @strawberry.field(
        description="Accounts of the viewer's households (or of one household), oldest first.",
        permission_classes=[IsAuthenticated],
    )
    async def accounts(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's accounts.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Account]:
        limit = page_size(first)
        viewer = info.context.viewer
        households = viewer.household_ids
        if household_id is not None:
            wanted = parse_id(household_id)
            households = [wanted] if wanted is not None and viewer.can_read(wanted) else []
        query = select(AccountRow).where(AccountRow.household_id.in_(households))
        if after is not None:
            created, aid = decode_cursor(after, arity=2)
            try:
                key = (dt.datetime.fromisoformat(created), uuid.UUID(aid))
            except ValueError:
                raise UserInputError("invalid cursor", field="after") from None
            query = query.where(
                or_(
                    AccountRow.created_at > key[0],
                    and_(AccountRow.created_at == key[0], AccountRow.id > key[1]),
                )
            )
        query = query.order_by(AccountRow.created_at, AccountRow.id).limit(limit + 1)
        rows = (await info.context.session.scalars(query)).all()
        return to_connection(
            rows,
            limit=limit,
            node=Account.from_row,
            cursor=lambda r: encode_cursor(r.created_at.isoformat(), r.id),
        )

    @strawberry.field(
        description="One account by id; null if it does not exist or is not yours.",
        permission_classes=[IsAuthenticated],
    )
    async def account(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Account | None:
        return await Account.resolve_reference(info, id)
