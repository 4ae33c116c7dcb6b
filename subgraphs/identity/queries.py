from __future__ import annotations

import strawberry

from subgraphs.identity.context import Context
from subgraphs.identity.types import User


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user, or null when no one is signed in.")
    async def me(self, info: strawberry.Info[Context, None]) -> User | None:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(viewer.user_id)
        return User.from_row(row) if row else None
