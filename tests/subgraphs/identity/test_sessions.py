"""Refresh-token rotation, reuse detection, logout, cookies and login throttling."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select
from starlette.responses import Response

from fincloud.service import Runtime
from subgraphs.identity.context import Context
from subgraphs.identity.models import AuditEvent
from subgraphs.identity.schema import schema
from tests.conftest import execute
from tests.subgraphs.identity.test_register_login import register

LOGIN = """mutation L($input: LoginInput!) {
  login(input: $input) { token refreshToken errors { __typename message ... on RateLimitedError { retryAfter } } }
}"""
REFRESH = """mutation R($input: TokenRefreshInput) {
  tokenRefresh(input: $input) { token refreshToken user { email } errors { __typename message } }
}"""
LOGOUT = """mutation O($input: LogoutInput) { logout(input: $input) { ok errors { message } } }"""
CREDENTIALS = {"email": "ada@example.com", "password": "correct horse battery"}


async def login(runtime: Runtime, **extra: Any) -> dict[str, Any]:
    return dict((await execute(schema, Context(runtime=runtime), LOGIN, input={**CREDENTIALS, **extra}))["login"])


async def refresh(runtime: Runtime, token: str) -> dict[str, Any]:
    return dict(
        (await execute(schema, Context(runtime=runtime), REFRESH, input={"refreshToken": token}))["tokenRefresh"]
    )


async def kinds(runtime: Runtime) -> list[str]:
    async with runtime.sessionmaker() as session:
        return list(await session.scalars(select(AuditEvent.kind).order_by(AuditEvent.created_at)))


async def test_each_refresh_rotates_the_token(runtime: Runtime) -> None:
    await register(runtime)
    first = await login(runtime)
    assert first["refreshToken"].startswith("fcr_")
    second = await refresh(runtime, first["refreshToken"])
    assert second["errors"] == []
    assert second["refreshToken"] not in (None, first["refreshToken"])
    assert (await runtime.verifier.verify(second["token"])).is_authenticated
    third = await refresh(runtime, second["refreshToken"])
    assert third["errors"] == []


async def test_reuse_after_the_grace_window_revokes_the_whole_family(runtime: Runtime) -> None:
    await register(runtime)
    strict = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"REFRESH_REUSE_GRACE_SECONDS": 0})
    )
    stolen = (await login(strict))["refreshToken"]
    legitimate = (await refresh(strict, stolen))["refreshToken"]

    replay = await refresh(strict, stolen)
    assert replay["token"] is None
    assert replay["errors"][0]["__typename"] == "AuthenticationError"
    # The thief replayed; now the legitimate successor is dead too, and the event is on record.
    assert (await refresh(strict, legitimate))["errors"][0]["__typename"] == "AuthenticationError"
    assert "refresh_reuse_detected" in await kinds(runtime)


async def test_a_retry_within_the_grace_window_keeps_the_session(runtime: Runtime) -> None:
    await register(runtime)
    token = (await login(runtime))["refreshToken"]
    lost = await refresh(runtime, token)  # the response never reached the client
    retried = await refresh(runtime, token)
    assert retried["errors"] == []
    assert (await refresh(runtime, lost["refreshToken"]))["errors"][0]["__typename"] == "AuthenticationError"
    assert (await refresh(runtime, retried["refreshToken"]))["errors"] == []


async def test_logout_ends_one_session_and_everywhere_ends_all(runtime: Runtime) -> None:
    await register(runtime)
    phone, laptop, tablet = [(await login(runtime))["refreshToken"] for _ in range(3)]
    out = await execute(schema, Context(runtime=runtime), LOGOUT, input={"refreshToken": phone})
    assert out["logout"] == {"ok": True, "errors": []}
    assert (await refresh(runtime, phone))["errors"]
    laptop = (await refresh(runtime, laptop))["refreshToken"]
    await execute(schema, Context(runtime=runtime), LOGOUT, input={"refreshToken": laptop, "everywhere": True})
    assert (await refresh(runtime, laptop))["errors"]
    assert (await refresh(runtime, tablet))["errors"]


async def test_browsers_get_httponly_cookies_and_no_tokens_in_the_body(runtime: Runtime) -> None:
    await register(runtime)
    response = Response()
    result = await execute(
        schema, Context(runtime=runtime, response=response), LOGIN, input={**CREDENTIALS, "useCookies": True}
    )
    assert result["login"]["token"] is None
    assert result["login"]["refreshToken"] is None
    cookies = [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]
    access = next(c for c in cookies if c.startswith("fincloud_access="))
    refresh_cookie = next(c for c in cookies if c.startswith("fincloud_refresh="))
    for cookie in (access, refresh_cookie):
        assert "HttpOnly" in cookie
        assert "Secure" in cookie
    assert "SameSite=lax" in access
    assert "SameSite=strict" in refresh_cookie


async def test_login_is_throttled_per_account(runtime: Runtime) -> None:
    await register(runtime)
    tight = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update={"LOGIN_FAILURES_PER_ACCOUNT": 3}))
    for _ in range(3):
        assert (await login(tight, password="wrong password!"))["errors"][0]["__typename"] == "AuthenticationError"
    limited = await login(tight)  # even the right password is refused until the window passes
    assert limited["token"] is None
    [error] = limited["errors"]
    assert error["__typename"] == "RateLimitedError"
    assert 0 < error["retryAfter"] <= 900
    assert await kinds(runtime) == ["registered", "login_failed", "login_failed", "login_failed", "login_rate_limited"]
