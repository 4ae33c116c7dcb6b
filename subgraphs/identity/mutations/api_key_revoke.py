from __future__ import annotations

import strawberry

from fincloud.auth import Role
from fincloud.graphql import NotFoundError, UserError, parse_id
from subgraphs.identity.context import Context
from subgraphs.identity.mutations._common import api_key_refusal
from subgraphs.identity.mutations._tokens import client_ip
from subgraphs.identity.services import api_keys
from subgraphs.identity.services.audit import AuditKind, record
from subgraphs.identity.types import ApiKey


@strawberry.input(description="The key to revoke.")
class ApiKeyRevokeInput:
    id: strawberry.ID = strawberry.field(description="Key id.")


@strawberry.type(description="The outcome of `apiKeyRevoke`.")
class ApiKeyRevokePayload:
    api_key: ApiKey | None = strawberry.field(default=None, description="The revoked key.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def api_key_revoke(info: strawberry.Info[Context, None], input: ApiKeyRevokeInput) -> ApiKeyRevokePayload:
    """Revoke a key at once (the router stops accepting it within a minute). Owners revoke any key of their
    household; editors their own."""
    if refused := api_key_refusal(info.context.viewer):
        return ApiKeyRevokePayload(errors=refused)
    viewer = info.context.viewer
    key_id = parse_id(input.id)
    households = [h for h, role in viewer.households.items() if role in (Role.OWNER, Role.EDITOR)]
    missing = ApiKeyRevokePayload(errors=[NotFoundError(field="id", message="no such API key")])
    if key_id is None:
        return missing
    session = info.context.session
    async with session.begin():
        row = await api_keys.revoke_key(session=session, key_id=key_id, household_ids=households)
        if row is None or (viewer.role_in(row.household_id) is not Role.OWNER and row.user_id != viewer.user_id):
            await session.rollback()
            return missing
        await record(
            session,
            AuditKind.API_KEY_REVOKED,
            household_id=row.household_id,
            user_id=row.user_id,
            actor_id=viewer.user_id,
            ip=client_ip(info.context),
            key=row.prefix,
        )
    return ApiKeyRevokePayload(api_key=ApiKey.from_row(row))
