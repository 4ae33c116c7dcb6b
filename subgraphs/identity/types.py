"""Identity's GraphQL types."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON

from fincloud.graphql import UserError, parse_id
from subgraphs.identity.context import Context
from subgraphs.identity.models import ApiKey as ApiKeyRow
from subgraphs.identity.models import AuditEvent as AuditEventRow
from subgraphs.identity.models import Household as HouseholdRow
from subgraphs.identity.models import Membership as MembershipRow
from subgraphs.identity.models import User as UserRow


@strawberry.federation.type(keys=["id"], description="A household: the unit that owns accounts and portfolios.")
class Household:
    id: strawberry.ID = strawberry.field(description="Household id.")
    name: str = strawberry.field(description='Display name, such as "The Smiths".')
    role: str | None = strawberry.field(description="The viewer's role here: owner, editor or viewer.", default=None)

    @strawberry.field(description="Who belongs to the household, with their roles (visible to its members).")
    async def members(self, info: strawberry.Info[Context, None]) -> list[Member]:
        household_id = uuid.UUID(str(self.id))
        if info.context.viewer.role_in(household_id) is None:
            return []
        rows = await info.context.session.execute(
            select(UserRow, MembershipRow.role, MembershipRow.created_at)
            .join(MembershipRow, MembershipRow.user_id == UserRow.id)
            .where(MembershipRow.household_id == household_id)
            .order_by(MembershipRow.created_at, UserRow.id)
        )
        return [Member(user=User.from_row(user), role=role, joined_at=joined) for user, role, joined in rows.all()]

    @classmethod
    def from_row(cls, row: HouseholdRow, role: str | None) -> Household:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, role=role)

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> Household | None:
        household_id = parse_id(id)
        role = info.context.viewer.role_in(household_id) if household_id else None
        if household_id is None or role is None:
            return None
        row = await info.context.loaders.household_by_id.load(household_id)
        return cls.from_row(row, role.value) if row else None


@strawberry.type(description="A member of a household.")
class Member:
    user: User = strawberry.field(description="The member.")
    role: str = strawberry.field(description="owner, editor or viewer.")
    joined_at: datetime = strawberry.field(description="When they joined (UTC).")


@strawberry.federation.type(keys=["id"], description="A person who signs in to FinCloud.")
class User:
    id: strawberry.ID = strawberry.field(description="User id.")
    email: str = strawberry.field(description="Sign-in email address, lower-cased.")
    name: str = strawberry.field(description="Display name.")
    created_at: datetime = strawberry.field(description="When the user registered (UTC).")
    email_verified: bool = strawberry.field(default=False, description="Whether the email address is confirmed.")

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            created_at=row.created_at,
            email_verified=row.email_verified_at is not None,
        )

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info[Context, None], id: strawberry.ID) -> User | None:
        """Only the user themself: members see each other through `Household.members`."""
        user_id = parse_id(id)
        if user_id is None or user_id != info.context.viewer.user_id:
            return None
        row = await info.context.loaders.user_by_id.load(user_id)
        return cls.from_row(row) if row else None

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
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Opaque refresh token for `tokenRefresh` (single use; each use returns a new one). "
        "Null when `useCookies` was set: the browser then holds both tokens as httpOnly cookies.",
    )
    expires_at: datetime | None = strawberry.field(default=None, description="When the access token expires (UTC).")
    user: User | None = strawberry.field(default=None, description="The signed-in user.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing happened; empty on success."
    )


@strawberry.enum(description="What an API key may do in its household.")
class ApiKeyScope(Enum):
    READ = "read"
    WRITE = "write"


@strawberry.type(description="A key for scripts and integrations. The secret itself is shown only once.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="Key id.")
    household_id: strawberry.ID = strawberry.field(description="The one household the key can reach.")
    name: str = strawberry.field(description="What the key is for.")
    prefix: str = strawberry.field(description="The key's first characters, to recognise it (`fck_…`).")
    scope: ApiKeyScope = strawberry.field(description="Read-only or read-write.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    expires_at: datetime | None = strawberry.field(description="When it stops working, if ever.")
    last_used_at: datetime | None = strawberry.field(description="Last use, to the minute.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            name=row.name,
            prefix=row.prefix,
            scope=ApiKeyScope(row.scope),
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(description="A security event in a household: sign-ins, keys, members.")
class AuditEvent:
    id: strawberry.ID = strawberry.field(description="Event id.")
    kind: str = strawberry.field(description="What happened, such as `api_key_created`.")
    user_id: strawberry.ID | None = strawberry.field(description="The user it concerns.")
    actor_id: strawberry.ID | None = strawberry.field(description="Who did it, when not the user.")
    ip: str | None = strawberry.field(description="The client address.")
    detail: JSON = strawberry.field(description="Event-specific details.")
    created_at: datetime = strawberry.field(description="When (UTC).")

    @classmethod
    def from_row(cls, row: AuditEventRow) -> AuditEvent:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            user_id=strawberry.ID(str(row.user_id)) if row.user_id else None,
            actor_id=strawberry.ID(str(row.actor_id)) if row.actor_id else None,
            ip=row.ip,
            detail=JSON(row.detail),
            created_at=row.created_at,
        )
