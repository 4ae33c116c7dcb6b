"""The router's guards, through the real stack: who may call what (tokens, API keys, the PWA's cookies, public
operations), CSRF, operation limits, rate limits, what subgraphs are told about the caller, and what errors reveal.

Most tests use the session's router (FINCLOUD_ENV=test: default operation limits, rate limits off). Rate limits,
API-key caching and header propagation need settings of their own and a view of what the subgraphs receive, so those
run through two more gateway processes started here ("guarded": replicas with small limits counting in the stack's
Redis), behind a recording proxy in front of identity and budget."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from websockets.typing import Subprotocol

from fincloud.auth import load_or_create_signing_key
from fincloud.devserver import GATEWAY_BIN, ROUTER_DIR, SUPERGRAPH
from fincloud.embedded import free_port
from tests.conftest import TEST_SERVICE_TOKEN
from tests.federation.conftest import Client, RunningStack, Subscription

PASSWORD = "correct horse battery"

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { token expiresAt user { id email name } errors { __typename message } }
}"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token user { id } errors { __typename message ... on RateLimitedError { retryAfter } } }
}"""

ACCOUNTS = "{ accounts { edges { node { id name } } } }"

ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { id name } errors { __typename message } }
}"""

TRANSACTION_CREATED = "subscription { transactionCreated { eventId } }"

GUARDED_LIMIT = 10
"""Operations a minute per user and per client address on the guarded router."""

API_KEY_CACHE_SECONDS = 2


def new_email() -> str:
    return f"guard-{uuid.uuid4().hex[:10]}@example.com"


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert body.get("data") is None, body
    return list(body["errors"])


def set_cookies(response: httpx.Response) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header parsed on its own (the router must not join them)."""
    parsed: dict[str, SimpleCookie] = {}
    for line in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(line)
        [name] = cookie.keys()
        parsed[name] = cookie
    return parsed


# ---------------------------------------------------------------------------------------------------------------
# Who may call what (the session's router)


async def test_anonymous_callers_may_only_sign_up_and_sign_in(client: Client, new_client: Any) -> None:
    refused = await client.post(ACCOUNTS)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    [error] = errors_of(refused)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Query.accounts" in error["message"]

    # One protected field spoils the whole operation: nothing runs, not even the public part.
    mixed = await client.post(
        """mutation { login(input: {email: "nobody@example.com", password: "whatever-it-is"}) { token }
                      accountCreate(input: {name: "x", type: CASH, currency: "EUR", openingBalance: "0"}) { errors { message } } }"""
    )
    assert mixed.status_code == 401
    assert [e["path"] for e in errors_of(mixed)] == [["accountCreate"]]

    for query in ["{ me { id } }", "{ inbox { edges { node { title } } } }", "{ __typename me { email } }"]:
        assert errors_of(await client.post(query))[0]["extensions"]["code"] == "UNAUTHENTICATED", query

    email = new_email()
    registered = await client.run(REGISTER, input={"email": email, "password": PASSWORD, "name": "Anon"})
    assert registered["register"]["errors"] == []
    assert registered["register"]["user"]["email"] == email

    stranger: Client = new_client()
    login = await stranger.run(LOGIN, input={"email": email, "password": PASSWORD})
    assert login["login"]["token"]
    wrong = await stranger.run(LOGIN, input={"email": email, "password": "not the password"})
    assert wrong["login"]["errors"][0]["__typename"] == "AuthenticationError"
    # Public operations answer with their typed errors, not UNAUTHENTICATED.
    refresh = await stranger.run(
        'mutation { tokenRefresh(input: {refreshToken: "fcr_bogus"}) { token errors { __typename } } }'
    )
    assert refresh["tokenRefresh"]["token"] is None
    assert refresh["tokenRefresh"]["errors"]


async def test_a_bad_credential_is_refused_but_a_stale_cookie_is_no_credential(
    stack: RunningStack, client: Client
) -> None:
    registered = await client.register()
    claims = jwt.decode(registered["token"], options={"verify_signature": False})
    signing_key = load_or_create_signing_key(pem=None, path=stack.settings.jwt_key_path, create=False)
    expired = signing_key.issue(user_id=uuid.UUID(claims["sub"]), households=[], ttl=timedelta(seconds=-60))
    eternal = jwt.encode(
        {k: v for k, v in claims.items() if k != "exp"},
        signing_key._private,
        algorithm="RS256",
        headers={"kid": signing_key.kid},
    )

    for header, message in [
        (f"Bearer {expired}", "The access token is invalid or has expired"),
        (f"Bearer {registered['token'][:-6]}AAAAAA", "The access token is invalid or has expired"),
        (f"Bearer {eternal}", "The access token has no expiry (exp)"),
        ("Bearer not-a-jwt", "The access token is not a JWT"),
        (f"Basic {registered['token']}", 'Authorization must be "Bearer <access token or API key>"'),
    ]:
        refused = await client.http.post(client.url, json={"query": "{ me { id } }"}, headers={"authorization": header})
        assert refused.status_code == 401, header
        assert errors_of(refused) == [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]

    # The browser sends an expired cookie along unasked: public operations still work, the rest wants a sign-in.
    stale = {"cookie": f"fincloud_access={expired}"}
    signed_up = await client.http.post(
        client.url,
        json={"query": REGISTER, "variables": {"input": {"email": new_email(), "password": PASSWORD, "name": "S"}}},
        headers=stale,
    )
    assert signed_up.status_code == 200
    assert signed_up.json()["data"]["register"]["errors"] == []
    refused = await client.http.post(client.url, json={"query": "{ me { id } }"}, headers=stale)
    assert refused.status_code == 401
    assert errors_of(refused)[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_pwa_signs_in_refreshes_and_signs_out_with_cookies(client: Client) -> None:
    email = new_email()
    query = "mutation R($input: RegisterInput!) { register(input: $input) { token user { id } errors { message } } }"
    registered = await client.http.post(
        client.url,
        json={
            "query": query,
            "variables": {"input": {"email": email, "password": PASSWORD, "name": "Pwa", "useCookies": True}},
        },
    )
    body = registered.json()["data"]["register"]
    assert body["errors"] == []
    assert body["token"] is None  # the tokens went into cookies
    cookies = set_cookies(registered)
    assert set(cookies) == {"fincloud_access", "fincloud_refresh"}
    for name, cookie in cookies.items():
        assert cookie[name]["httponly"], name
        assert cookie[name]["path"] == "/", name
    access = cookies["fincloud_access"]["fincloud_access"].value
    refresh = cookies["fincloud_refresh"]["fincloud_refresh"].value

    me = await client.http.post(
        client.url, json={"query": "{ me { id } }"}, headers={"cookie": f"fincloud_access={access}"}
    )
    assert me.json() == {"data": {"me": {"id": body["user"]["id"]}}}

    # Refresh with a stale access cookie: identity reads fincloud_refresh from the cookie header the router passes on.
    refreshed = await client.http.post(
        client.url,
        json={"query": "mutation { tokenRefresh(input: {useCookies: true}) { user { id } errors { message } } }"},
        headers={"cookie": f"fincloud_access={access[:-6]}AAAAAA; fincloud_refresh={refresh}"},
    )
    assert refreshed.json()["data"]["tokenRefresh"] == {"user": {"id": body["user"]["id"]}, "errors": []}
    renewed = set_cookies(refreshed)
    assert renewed["fincloud_refresh"]["fincloud_refresh"].value != refresh
    access = renewed["fincloud_access"]["fincloud_access"].value
    refresh = renewed["fincloud_refresh"]["fincloud_refresh"].value

    signed_out = await client.http.post(
        client.url,
        json={"query": "mutation { logout { ok errors { message } } }"},
        headers={"cookie": f"fincloud_access={access}; fincloud_refresh={refresh}"},
    )
    assert signed_out.json()["data"]["logout"] == {"ok": True, "errors": []}
    cleared = set_cookies(signed_out)
    assert {name: cookie[name]["max-age"] for name, cookie in cleared.items()} == {
        "fincloud_access": "0",
        "fincloud_refresh": "0",
    }


async def test_cookie_requests_cannot_be_forged_by_another_site(client: Client) -> None:
    await client.register()
    cookie = {"cookie": f"fincloud_access={client.token}"}
    payload = json.dumps({"query": "{ me { id } }"})
    forged = [
        # What an HTML form or a "simple" cross-site fetch can send without a CORS preflight.
        client.http.post(client.url, content=payload, headers={**cookie, "content-type": "text/plain"}),
        client.http.post(client.url, data={"query": "{ me { id } }"}, headers=cookie),
        client.http.post(client.url, files={"query": (None, "{ me { id } }")}, headers=cookie),
        client.http.get(client.url, params={"query": "{ me { id } }"}, headers=cookie),
    ]
    for response in await asyncio.gather(*forged):
        assert response.status_code == 403, response.request
        assert "CSRF" in response.json()["errors"][0]["message"]

    # JSON (scripts, the PWA) and requests naming the CSRF header go through.
    as_json = await client.http.post(client.url, json={"query": "{ me { id } }"}, headers=cookie)
    assert as_json.json()["data"]["me"]["id"]
    with_header = await client.http.get(
        client.url, params={"query": "{ me { id } }"}, headers={**cookie, "x-fincloud-csrf": "1"}
    )
    assert with_header.json()["data"]["me"]["id"]


async def test_a_websocket_is_authenticated_by_connection_params_not_cookies(
    stack: RunningStack, client: Client
) -> None:
    await client.register()
    socket = await websockets.connect(
        stack.router_url.replace("http://", "ws://"),
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers={"cookie": f"fincloud_access={client.token}"},
    )
    subscription = Subscription(socket)
    try:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "connection_ack"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": TRANSACTION_CREATED}}))
        message = await subscription.next(timeout=10)
    finally:
        await subscription.close()
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    refused = await Subscription.open(
        stack.router_url, TRANSACTION_CREATED, connection_params={"authorization": f"Bearer {client.token}x"}
    )
    try:
        message = await refused.next(timeout=10)
    finally:
        await refused.close()
    assert message["payload"]["errors"][0]["message"] == "The access token is invalid or has expired"


# ---------------------------------------------------------------------------------------------------------------
# Operation limits (the session's router, FINCLOUD_ENV=test)


async def test_oversized_operations_are_refused_before_anything_runs(client: Client) -> None:
    await client.register()

    async def refused(query: str) -> str:
        response = await client.post(query)
        body = response.json()
        assert body.get("data") is None, body
        return str(body["errors"][0]["message"])

    aliases = " ".join(f"a{i}: me {{ id }}" for i in range(16))
    assert "Aliases limit of 15 exceeded" in await refused(f"{{ {aliases} }}")

    deep = "{ accounts { edges { node { " + "account { transactions { edges { node { " * 4 + "id" + " }" * 20
    assert "depth limit of 15 exceeded" in await refused(deep)

    assert "Token limit of 2000 exceeded" in await refused("{ me { " + "id " * 2100 + "} }")

    assert "Directives limit of 20 exceeded" in await refused("{ me { id " + "@include(if: true) " * 21 + "} }")

    # Three nested lists of 50: fine for depth and tokens, far too expensive.
    costly = await client.post(
        "{ accounts { edges { node { transactions { edges { node { account { transactions { edges { node { id } } } } } } } } } } }"
    )
    [error] = errors_of(costly)
    assert error["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert error["extensions"]["cost"]["max"] == 10000
    assert error["extensions"]["cost"]["estimated"] > 10000
    # Asking for small pages brings the same shape under the limit.
    small = "{ accounts(first: 5) { edges { node { transactions(first: 5) { edges { node { account { transactions(first: 5) { edges { node { id } } } } } } } } } } }"
    assert await client.run(small) == {"accounts": {"edges": []}}

    introspection = await refused("{ __schema { queryType { name } } }")
    assert "introspection has been disabled" in introspection
    assert "introspection has been disabled" in await refused('{ __type(name: "User") { name } }')

    typo = await refused("{ me { emial } }")
    assert "Did you mean" not in typo
    assert "email" not in typo.replace("emial", "")


# ---------------------------------------------------------------------------------------------------------------
# The guarded routers: two more gateway replicas with small limits, behind a recording proxy to identity and budget


@dataclass
class Seen:
    subgraph: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class RecordingProxy:
    """Forwards /<subgraph>/<path> to that subgraph and remembers what the router sent. A request whose body contains
    ``__leak__`` gets an unmasked error full of internals back; ``__crash__`` gets a bare 500."""

    upstreams: dict[str, str]
    seen: list[Seen] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{subgraph}/{path:path}", self.forward, methods=["GET", "POST"])])

    async def forward(self, request: Request) -> Response:
        subgraph, path = request.path_params["subgraph"], request.path_params["path"]
        body = await request.body()
        self.seen.append(Seen(subgraph, f"/{path}", dict(request.headers), body))
        if b"__leak__" in body:
            leak = {
                "message": "(psycopg.errors.UndefinedTable) SELECT * FROM budget.accounts",
                "extensions": {"stacktrace": ["x"]},
            }
            return JSONResponse({"data": None, "errors": [leak]})
        if b"__crash__" in body:
            return PlainTextResponse("Traceback (most recent call last): SELECT secret FROM budget.accounts", 500)
        headers = [(k, v) for k, v in request.headers.items() if k not in ("host", "content-length")]
        async with httpx.AsyncClient(timeout=30) as upstream_client:
            upstream = await upstream_client.request(
                request.method, f"{self.upstreams[subgraph]}/{path}", content=body, headers=headers
            )
        skip = {"content-length", "content-encoding", "transfer-encoding", "connection", "set-cookie"}
        response = Response(
            upstream.content,
            status_code=upstream.status_code,
            headers={k: v for k, v in upstream.headers.items() if k.lower() not in skip},
        )
        response.raw_headers.extend((b"set-cookie", v.encode()) for v in upstream.headers.get_list("set-cookie"))
        return response

    def to(self, subgraph: str) -> list[Seen]:
        return [s for s in self.seen if s.subgraph == subgraph]


@pytest.fixture(scope="module")
def proxy(stack: RunningStack) -> Iterator[tuple[RecordingProxy, int]]:
    recorder = RecordingProxy(
        {name: stack.subgraph_url(name).removesuffix("/graphql") for name in ("identity", "budget")}
    )
    port = free_port()
    config = uvicorn.Config(
        recorder.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the recording proxy did not start"
        time.sleep(0.02)
    try:
        yield recorder, port
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Guarded:
    url: str
    proxy: RecordingProxy
    replica_url: str
    """A second router with the same settings, counting in the same Redis."""


async def start_router(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["node", str(GATEWAY_BIN), "supergraph", str(SUPERGRAPH)],
            cwd=ROUTER_DIR,
            env={**env, "FINCLOUD_ROUTER_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(timeout=2) as http:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"the router did not start:\n{log_path.read_text()}")
            try:
                if (await http.get(f"{base}/readiness")).status_code == 200:
                    return process, f"{base}/graphql"
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


@pytest.fixture(scope="module")
async def guarded(stack: RunningStack, proxy: tuple[RecordingProxy, int], tmp_root: Path) -> AsyncIterator[Guarded]:
    recorder, proxy_port = proxy
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT") and not k.startswith("FINCLOUD_")}
    env.update(
        {
            "FINCLOUD_ENV": "test",
            "FINCLOUD_ROUTER_HOST": "127.0.0.1",
            "FINCLOUD_SERVICE_TOKEN": TEST_SERVICE_TOKEN,
            "FINCLOUD_JWKS_URL": f"http://127.0.0.1:{stack.settings.port_of('identity')}/.well-known/jwks.json",
            "FINCLOUD_SUBGRAPH_URL_IDENTITY": f"http://127.0.0.1:{proxy_port}/identity/graphql",
            "FINCLOUD_SUBGRAPH_URL_BUDGET": f"http://127.0.0.1:{proxy_port}/budget/graphql",
            "FINCLOUD_SUBGRAPH_URL_PORTFOLIO": stack.subgraph_url("portfolio"),
            "FINCLOUD_SUBGRAPH_URL_NOTIFICATION": stack.subgraph_url("notification"),
            "FINCLOUD_REDIS_URL": stack.settings.REDIS_URL or "",
            "FINCLOUD_TRUSTED_PROXIES": "127.0.0.1",
            "FINCLOUD_RATE_LIMIT_USER_PER_MINUTE": str(GUARDED_LIMIT),
            "FINCLOUD_RATE_LIMIT_IP_PER_MINUTE": str(GUARDED_LIMIT),
            "FINCLOUD_API_KEY_CACHE_SECONDS": str(API_KEY_CACHE_SECONDS),
            "FINCLOUD_LOG_LEVEL": "warning",
        }
    )
    started = await asyncio.gather(
        start_router(env, tmp_root / "guarded-router.log"),
        start_router(env, tmp_root / "guarded-replica.log"),
        return_exceptions=True,
    )
    routers = [outcome for outcome in started if not isinstance(outcome, BaseException)]
    try:
        for outcome in started:
            if isinstance(outcome, BaseException):
                raise outcome
        [(_, url), (_, replica_url)] = routers
        yield Guarded(url=url, proxy=recorder, replica_url=replica_url)
    finally:
        for process, _ in routers:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def address() -> str:
    """A client address of its own per test (and per run: counters outlive a run by up to a minute)."""
    n = uuid.uuid4().int
    return f"10.{n % 250 + 1}.{n // 250 % 250 + 1}.{n // 62500 % 250 + 1}"


def guarded_client(http: httpx.AsyncClient, guarded: Guarded, forwarded_for: str) -> Client:
    """A client behind our (trusted, 127.0.0.1) proxy, which reports the client's address in X-Forwarded-For."""
    http.headers["x-forwarded-for"] = forwarded_for
    return Client(http, guarded.url)


async def test_rate_limits_per_client_address_and_per_user(
    guarded: Guarded, http: httpx.AsyncClient, client: Client
) -> None:
    """Limits are counted in Redis, so every replica of the router enforces the same budget."""
    me = guarded_client(http, guarded, forwarded_for=f"203.0.113.9, {address()}")
    for _ in range(GUARDED_LIMIT):
        assert (await me.post("{ __typename }")).status_code == 200
    limited = await me.post("{ __typename }")
    assert limited.status_code == 429
    retry_after = int(limited.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert errors_of(limited) == [
        {
            "message": f"Too many requests: try again in {retry_after} s",
            "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
        }
    ]
    # Signing in is what the address is limited in first of all.
    login = await me.post(LOGIN, input={"email": new_email(), "password": PASSWORD})
    assert login.status_code == 429

    # Another address is not affected.
    http.headers["x-forwarded-for"] = address()
    assert (await me.post("{ __typename }")).status_code == 200

    # A signed-in user is counted on their own, across router replicas: half the budget is spent through the
    # other replica.
    await client.register()
    me.token = client.token
    replica = Client(http, guarded.replica_url, token=client.token)
    for _ in range(GUARDED_LIMIT // 2):
        await replica.run("{ me { id } }")
    for _ in range(GUARDED_LIMIT - GUARDED_LIMIT // 2):
        await me.run("{ me { id } }")
    limited = await me.post("{ me { id } }")
    assert limited.status_code == 429
    assert errors_of(limited)[0]["extensions"]["code"] == "RATE_LIMITED"
    assert (await replica.post("{ me { id } }")).status_code == 429

    # Over a WebSocket, each operation counts as well; the error says when to come back.
    subscription = await Subscription.open(
        guarded.replica_url, TRANSACTION_CREATED, connection_params={"authorization": f"Bearer {client.token}"}
    )
    try:
        message = await subscription.next(timeout=10)
    finally:
        await subscription.close()
    assert message["payload"]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert message["payload"]["errors"][0]["extensions"]["retryAfter"] >= 1


async def test_subgraphs_learn_the_client_address_and_only_identity_gets_cookies(
    guarded: Guarded, http: httpx.AsyncClient
) -> None:
    client_address = address()
    me = guarded_client(http, guarded, forwarded_for=f"192.0.2.1, {client_address}")
    http.headers["x-fincloud-client-ip"] = "6.6.6.6"  # a client cannot choose what subgraphs are told
    http.headers["cookie"] = "fincloud_refresh=fcr_not_a_real_one; other=1"
    seen_before = len(guarded.proxy.seen)
    data = await me.run(REGISTER, input={"email": new_email(), "password": PASSWORD, "name": "Addr"})
    me.token = data["register"]["token"]
    await me.run(ACCOUNTS)
    seen = guarded.proxy.seen[seen_before:]
    identity = [s for s in seen if s.subgraph == "identity"]
    budget = [s for s in seen if s.subgraph == "budget"]
    assert identity
    assert budget
    for request in seen:
        assert request.headers["x-fincloud-client-ip"] == client_address, request
        assert request.headers["x-fincloud-service-token"] == TEST_SERVICE_TOKEN
        assert "authorization" not in request.headers
    assert all(s.headers["cookie"] == "fincloud_refresh=fcr_not_a_real_one; other=1" for s in identity)
    assert all("cookie" not in s.headers for s in budget)
    assert "cookie" not in json.dumps([s.json() for s in budget])

    # X-Forwarded-For from a peer that is not one of our proxies proves nothing: the peer itself is the client.
    untrusted = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address="127.0.0.2"), timeout=30)
    async with untrusted:
        seen_before = len(guarded.proxy.seen)
        response = await untrusted.post(
            guarded.url,
            json={"query": ACCOUNTS},
            headers={"authorization": f"Bearer {me.token}", "x-forwarded-for": client_address},
        )
        assert response.status_code == 200, response.text
    assert [s.headers["x-fincloud-client-ip"] for s in guarded.proxy.seen[seen_before:]] == ["127.0.0.2"]


async def test_api_keys_are_exchanged_for_a_token_cached_and_revoked(guarded: Guarded, http: httpx.AsyncClient) -> None:
    owner = guarded_client(http, guarded, forwarded_for=address())
    data = await owner.run(REGISTER, input={"email": new_email(), "password": PASSWORD, "name": "Scripter"})
    owner.token = data["register"]["token"]
    household = (await owner.run("{ me { households { id } } }"))["me"]["households"][0]["id"]
    created = await owner.run(
        """mutation K($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret apiKey { id } errors { message } } }""",
        input={"householdId": household, "name": "nightly import", "scope": "WRITE"},
    )
    secret = created["apiKeyCreate"]["secret"]
    assert secret.startswith("fck_")

    script = Client(http, guarded.url, token=secret)
    seen_before = len(guarded.proxy.seen)
    made = await script.run(
        ACCOUNT_CREATE, input={"name": "From a script", "type": "CASH", "currency": "EUR", "openingBalance": "0"}
    )
    assert made["accountCreate"]["errors"] == []
    assert (await script.run(ACCOUNTS))["accounts"]["edges"] == [{"node": made["accountCreate"]["account"]}]
    assert (await script.run("{ me { id } }"))["me"]["id"] == data["register"]["user"]["id"]

    seen = guarded.proxy.seen[seen_before:]
    exchanges = [s for s in seen if s.path == "/internal/api-keys/exchange"]
    assert len(exchanges) == 1, "the exchanged token is reused"
    assert exchanges[0].json() == {"key": secret}
    assert exchanges[0].headers["x-fincloud-service-token"] == TEST_SERVICE_TOKEN
    # Subgraphs see the exchanged JWT, exactly as if the script had sent it; never the key.
    graphql = [s for s in seen if s.path == "/graphql"]
    assert graphql
    for request in graphql:
        assert secret.encode() not in request.body
        forwarded = request.json()["extensions"]["jwt"]
        assert forwarded["payload"]["sub"] == data["register"]["user"]["id"]
        assert "api_key" in forwarded["payload"]
        assert jwt.decode(forwarded["token"]["value"], options={"verify_signature": False}) == forwarded["payload"]

    # WebSocket connectionParams take a key too.
    subscription = await Subscription.open(
        guarded.url, TRANSACTION_CREATED, connection_params={"authorization": f"Bearer {secret}"}
    )
    try:
        with pytest.raises(TimeoutError):
            await subscription.next(timeout=1)
    finally:
        await subscription.close()

    revoked = await owner.run(
        "mutation R($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) { errors { message } } }",
        input={"id": created["apiKeyCreate"]["apiKey"]["id"]},
    )
    assert revoked["apiKeyRevoke"]["errors"] == []
    await asyncio.sleep(API_KEY_CACHE_SECONDS + 0.2)
    for key in [secret, "fck_made_up"]:
        script.token = key
        refused = await script.post(ACCOUNTS)
        assert refused.status_code == 401
        assert errors_of(refused) == [
            {"message": "The API key is invalid, expired or revoked", "extensions": {"code": "UNAUTHENTICATED"}}
        ]


async def test_what_a_subgraph_lets_slip_is_masked(guarded: Guarded, http: httpx.AsyncClient) -> None:
    me = guarded_client(http, guarded, forwarded_for=address())
    data = await me.run(REGISTER, input={"email": new_email(), "password": PASSWORD, "name": "Mask"})
    me.token = data["register"]["token"]
    for marker in ["__leak__", "__crash__"]:
        response = await me.post(
            ACCOUNT_CREATE, input={"name": marker, "type": "CASH", "currency": "EUR", "openingBalance": "0"}
        )
        text = response.text
        assert "SELECT" not in text
        assert "stacktrace" not in text
        assert "Traceback" not in text
        [error] = response.json()["errors"]
        assert error["message"] == "Unexpected error."
