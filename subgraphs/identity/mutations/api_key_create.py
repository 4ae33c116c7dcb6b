from __future__ import annotations

from datetime import datetime

import strawberry

from fincloud.auth import Role
from fincloud.db import utcnow
from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._common import api_key_refusal
from subgraphs.identity.mutations._tokens import client_ip
from subgraphs.identity.services import api_keys
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.types import ApiKey, ApiKeyScope


@strawberry.input(description="A new API key.")
class ApiKeyCreateInput:
    household_id: strawberry.ID = strawberry.field(description="The one household the key may reach.")
    name: str = strawberry.field(description="What the key is for, 1 to 200 characters.")
    scope: ApiKeyScope = strawberry.field(description="READ, or WRITE (owners and editors only).")
    expires_at: datetime | None = strawberry.field(default=None, description="When it stops working; never if null.")


@strawberry.type(description="The outcome of `apiKeyCreate`.")
class ApiKeyCreatePayload:
    api_key: ApiKey | None = strawberry.field(default=None, description="The new key.")
    secret: str | None = strawberry.field(
        default=None,
        description="The key itself (`fck_…`), shown this once: FinCloud keeps only its hash. "
        "Send it as `Authorization: Bearer <secret>`.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def api_key_create(info: strawberry.Info[Context, None], input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
    if refused := api_key_refusal(info.context.viewer):
        return ApiKeyCreatePayload(errors=refused)
    viewer = info.context.viewer
    household_id = parse_id(input.household_id)
    role = viewer.role_in(household_id) if household_id else None
    if household_id is None or role is None:
        return ApiKeyCreatePayload(errors=[NotFoundError(field="householdId", message="no such household")])
    errors: list[UserError] = []
    if role is Role.VIEWER:
        errors.append(ValidationError(field="householdId", message="viewers cannot create API keys"))
    name = input.name.strip()
    if not 0 < len(name) <= 200:
        errors.append(ValidationError(field="name", message="enter a name of 1 to 200 characters"))
    if input.expires_at is not None and (input.expires_at.tzinfo is None or input.expires_at <= utcnow()):
        errors.append(ValidationError(field="expiresAt", message="give a future time with a time zone"))
    if errors or viewer.user_id is None:
        return ApiKeyCreatePayload(errors=errors)
    session = info.context.session
    async with session.begin():
        created = await api_keys.create_key(
            session=session,
            household_id=household_id,
            user_id=viewer.user_id,
            name=name,
            scope=api_keys.ApiKeyScope(input.scope.value),
            expires_at=input.expires_at,
        )
        await record(
            session,
            AuditKind.API_KEY_CREATED,
            household_id=household_id,
            user_id=viewer.user_id,
            ip=client_ip(info.context),
            key=created.row.prefix,
            scope=created.row.scope,
        )
    return ApiKeyCreatePayload(api_key=ApiKey.from_row(created.row), secret=created.secret)
