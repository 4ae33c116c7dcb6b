"""Identity's GraphQL types."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from fincloud.graphql import UserError
from subgraphs.identity.context import Context
from subgraphs.identity.models import Household as HouseholdRow
from subgraphs.identity.models import User as UserRow


@strawberry.federation.type(keys=["id"], description="A household: the unit that owns accounts and portfolios.")
class Household:
    id: strawberry.ID = strawberry.field(description="Household id.")
    name: str = strawberry.field(description='Display name, such as "The Smiths".')
    role: str | None = strawberry.field(
        description="The viewer's role here: owner, editor or viewer.", default=None
    )

    @classmethod
    def from_row(cls, row: HouseholdRow, role: str | None) -> Household:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, role=role)

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Household | None:
        household_id = uuid.UUID(str(id))
        role = info.context.viewer.role_in(household_id)
        if role is None:
            return None
        row = await info.context.loaders.household_by_id.load(household_id)
        return cls.from_row(row, role.value) if row else None


@strawberry.federation.type(keys=["id"], description="A person who signs in to FinCloud.")
class User:
    id: strawberry.ID = strawberry.field(description="User id.")
    email: str = strawberry.field(description="Sign-in email address, lower-cased.")
    name: str = strawberry.field(description="Display name.")
    created_at: datetime = strawberry.field(description="When the user registered (UTC).")

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(id=strawberry.ID(str(row.id)), email=row.email, name=row.name, created_at=row.created_at)

    @strawberry.field(description="The households this user belongs to, with their role in each.")
    async def households(self, info: strawberry.Info[Context, None]) -> list[Household]:
        viewer = info.context.viewer
        if str(viewer.user_id) != str(self.id):
            return []
        rows = await info.context.loaders.household_by_id.load_many(viewer.household_ids)
        return [Household.from_row(row, viewer.households[row.id].value) for row in rows if row is not None]


@strawberry.type(description="The outcome of `register` or `login`.")
class AuthPayload:
    token: str | None = strawberry.field(
        default=None,
        description="A signed access token (JWT, RS256); send it as `Authorization: Bearer <token>`.",
    )
    expires_at: datetime | None = strawberry.field(default=None, description="When the token expires (UTC).")
    user: User | None = strawberry.field(default=None, description="The signed-in user.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing happened; empty on success."
    )
