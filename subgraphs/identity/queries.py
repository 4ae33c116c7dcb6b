from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.auth import Role
from fincloud.graphql import Connection, IsAuthenticated, paginate, parse_id
from subgraphs.identity.context import Context
from subgraphs.identity.models import ApiKey as ApiKeyRow
from subgraphs.identity.models import AuditEvent as AuditEventRow
from subgraphs.identity.types import ApiKey, AuditEvent, User

HouseholdArg = Annotated[strawberry.ID, strawberry.argument(description="The household.")]
First = Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")]


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user, or null when no one is signed in.")
    async def me(self, info: strawberry.Info[Context, None]) -> User | None:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(viewer.user_id)
        return User.from_row(row) if row else None

    @strawberry.field(
        description="API keys of a household, newest first (owners and editors).", permission_classes=[IsAuthenticated]
    )
    async def api_keys(
        self, info: strawberry.Info[Context, None], household_id: HouseholdArg, first: First = None, after: After = None
    ) -> Connection[ApiKey]:
        wanted = parse_id(household_id)
        role = info.context.viewer.role_in(wanted) if wanted else None
        allowed = [wanted] if wanted is not None and role in (Role.OWNER, Role.EDITOR) else []
        return await paginate(
            info.context.session,
            select(ApiKeyRow).where(ApiKeyRow.household_id.in_(allowed)),
            keys=[ApiKeyRow.created_at, ApiKeyRow.id],
            node=ApiKey.from_row,
            first=first,
            after=after,
            descending=True,
        )

    @strawberry.field(
        description="Security events of a household, newest first (owners only).", permission_classes=[IsAuthenticated]
    )
    async def audit_log(
        self, info: strawberry.Info[Context, None], household_id: HouseholdArg, first: First = None, after: After = None
    ) -> Connection[AuditEvent]:
        wanted = parse_id(household_id)
        allowed = [wanted] if wanted is not None and info.context.viewer.role_in(wanted) is Role.OWNER else []
        return await paginate(
            info.context.session,
            select(AuditEventRow).where(AuditEventRow.household_id.in_(allowed)),
            keys=[AuditEventRow.created_at, AuditEventRow.id],
            node=AuditEvent.from_row,
            first=first,
            after=after,
            descending=True,
        )
