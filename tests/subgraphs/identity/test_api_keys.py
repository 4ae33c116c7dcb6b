"""API keys: created once-visible, hashed, scoped to one household and a role, revocable, exchangeable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from fincloud.auth import Role, Viewer
from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.service import Runtime
from subgraphs.identity.app import create_app
from subgraphs.identity.context import Context
from subgraphs.identity.models import ApiKey
from subgraphs.identity.schema import schema
from tests.conftest import TEST_SERVICE_TOKEN, execute
from tests.subgraphs.identity.test_register_login import register

CREATE = """mutation C($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) {
    secret apiKey { id prefix scope name householdId lastUsedAt }
    errors { __typename message ... on ValidationError { field } }
  }
}"""
REVOKE = """mutation R($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) { apiKey { revokedAt } errors { message } } }"""
AUDIT = """query A($h: ID!) { auditLog(householdId: $h) { edges { node { kind } } } }"""


async def owner(runtime: Runtime) -> Viewer:
    payload = await register(runtime)
    return await runtime.verifier.verify(payload["token"])


async def create(runtime: Runtime, viewer: Viewer, **input: Any) -> dict[str, Any]:
    data = {"householdId": str(viewer.household_ids[0]), "name": "Importer", "scope": "WRITE", **input}
    return dict((await execute(schema, Context(runtime=runtime, viewer=viewer), CREATE, input=data))["apiKeyCreate"])


@pytest.fixture
async def exchange(runtime: Runtime) -> Any:
    app = create_app(runtime.settings)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity") as http:

        async def call(key: str, service_token: str = TEST_SERVICE_TOKEN) -> httpx.Response:
            return await http.post(
                "/internal/api-keys/exchange", json={"key": key}, headers={SERVICE_TOKEN_HEADER: service_token}
            )

        yield call


async def test_a_key_is_shown_once_and_exchanges_for_a_household_scoped_token(runtime: Runtime, exchange: Any) -> None:
    viewer = await owner(runtime)
    created = await create(runtime, viewer)
    secret = created["secret"]
    assert secret.startswith("fck_")
    assert created["apiKey"]["prefix"] == secret[:12]
    response = await exchange(secret)
    assert response.status_code == 200
    token_viewer = await runtime.verifier.verify(response.json()["token"])
    assert token_viewer.households == {viewer.household_ids[0]: Role.EDITOR}
    assert response.json()["expires_in"] == runtime.settings.API_KEY_TOKEN_TTL_SECONDS

    read_only = await create(runtime, viewer, scope="READ", name="Dashboard")
    token = (await exchange(read_only["secret"])).json()["token"]
    assert (await runtime.verifier.verify(token)).households == {viewer.household_ids[0]: Role.VIEWER}


async def test_revoked_expired_unknown_keys_and_strangers_are_refused(runtime: Runtime, exchange: Any) -> None:
    viewer = await owner(runtime)
    secret = (await create(runtime, viewer))["secret"]
    assert (await exchange(secret, service_token="wrong")).status_code == 403
    assert (await exchange("fck_" + "x" * 43)).status_code == 401

    key_id = (await create(runtime, viewer, name="Old"))["apiKey"]["id"]
    stranger = await owner_of_another(runtime)
    refused = await execute(schema, Context(runtime=runtime, viewer=stranger), REVOKE, input={"id": key_id})
    assert refused["apiKeyRevoke"]["errors"] == [{"message": "no such API key"}]

    revoked = await execute(schema, Context(runtime=runtime, viewer=viewer), REVOKE, input={"id": key_id})
    assert revoked["apiKeyRevoke"]["apiKey"]["revokedAt"] is not None

    soon = await create(runtime, viewer, expiresAt=(datetime.now(UTC) + timedelta(seconds=1)).isoformat())
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(ApiKey).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert (await exchange(soon["secret"])).status_code == 401
    assert (await exchange(secret)).status_code == 401  # every key of the household expired above


async def owner_of_another(runtime: Runtime) -> Viewer:
    payload = await register(runtime, email="grace@example.com")
    return await runtime.verifier.verify(payload["token"])


async def test_viewers_cannot_create_keys_and_bad_input_changes_nothing(runtime: Runtime) -> None:
    viewer = await owner(runtime)
    household = viewer.household_ids[0]
    reader = Viewer(user_id=viewer.user_id, households={household: Role.VIEWER})
    refused = await create(runtime, reader)
    assert refused["secret"] is None
    assert refused["errors"][0]["message"] == "viewers cannot create API keys"
    bad = await create(runtime, viewer, name=" ", expiresAt="2001-01-01T00:00:00+00:00")
    assert sorted(e["field"] for e in bad["errors"]) == ["expiresAt", "name"]
    other = await create(runtime, viewer, householdId="00000000-0000-0000-0000-000000000000")
    assert other["errors"][0]["__typename"] == "NotFoundError"
    audit = await execute(schema, Context(runtime=runtime, viewer=viewer), AUDIT, h=str(household))
    assert [e["node"]["kind"] for e in audit["auditLog"]["edges"]] == ["registered"]


async def test_the_audit_log_records_key_events_for_owners_only(runtime: Runtime) -> None:
    viewer = await owner(runtime)
    household = viewer.household_ids[0]
    key_id = (await create(runtime, viewer))["apiKey"]["id"]
    await execute(schema, Context(runtime=runtime, viewer=viewer), REVOKE, input={"id": key_id})
    audit = await execute(schema, Context(runtime=runtime, viewer=viewer), AUDIT, h=str(household))
    assert [e["node"]["kind"] for e in audit["auditLog"]["edges"]] == [
        "api_key_revoked",
        "api_key_created",
        "registered",
    ]
    editor = Viewer(user_id=viewer.user_id, households={household: Role.EDITOR})
    hidden = await execute(schema, Context(runtime=runtime, viewer=editor), AUDIT, h=str(household))
    assert hidden["auditLog"]["edges"] == []


async def test_a_key_cannot_manage_its_owners_account_keys_or_members(runtime: Runtime, exchange: Any) -> None:
    """Even a WRITE key is a script acting on data, not its owner signed in: credentials and members need her."""
    viewer = await owner(runtime)
    secret = (await create(runtime, viewer))["secret"]
    key_viewer = await runtime.verifier.verify((await exchange(secret)).json()["token"])
    assert key_viewer.api_key_id is not None
    context = Context(runtime=runtime, viewer=key_viewer)
    household = str(viewer.household_ids[0])
    attempts = {
        "apiKeyCreate": (CREATE, {"input": {"householdId": household, "name": "Another", "scope": "WRITE"}}),
        "passwordChange": (
            "mutation P($input: PasswordChangeInput!) { passwordChange(input: $input) { ok errors { message } } }",
            {"input": {"currentPassword": "correct horse battery", "newPassword": "a brand new password"}},
        ),
        "invitationCreate": (
            "mutation I($input: InvitationCreateInput!) { invitationCreate(input: $input) { ok errors { message } } }",
            {"input": {"householdId": household, "email": "eve@example.com", "role": "OWNER"}},
        ),
    }
    for field, (document, variables) in attempts.items():
        refused = (await execute(schema, context, document, **variables))[field]
        assert refused["errors"][0]["message"].startswith("sign in with your password"), field
    everywhere = await execute(
        schema, context, "mutation { logout(input: {everywhere: true}) { ok errors { message } } }"
    )
    assert everywhere["logout"]["ok"] is False
    audit = await execute(schema, Context(runtime=runtime, viewer=viewer), AUDIT, h=household)
    assert [e["node"]["kind"] for e in audit["auditLog"]["edges"]] == ["api_key_created", "registered"]
