"""Exports and attachments through the real router with S3 object storage (moto's S3 server on loopback): the links
are presigned S3 URLs a browser follows straight to the bucket.

The stack here is the real budget subgraph (``subgraphs.budget.app.create_app``) configured for S3, on a database of
its own, behind the real router serving a supergraph of budget alone; the test signs the access tokens and serves
their JWKS. The session's full stack (tests/federation/test_files.py) runs on the local-folder store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fincloud.auth import Role, SigningKey
from fincloud.config import Settings
from fincloud.devserver import GATEWAY_BIN, ROOT, ROUTER_DIR
from fincloud.embedded import free_port
from fincloud.storage import S3ObjectStore, open_store
from subgraphs.budget.app import create_app
from tests.conftest import TEST_SERVICE_TOKEN, create_database, drop_database

BUCKET = "fincloud-router-files"

ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { id } errors { message } }
}"""

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { message } }
}"""

EXPORT = """
mutation Export($input: TransactionsExportInput!) {
  transactionsExport(input: $input) { export { id rowCount url expiresAt } errors { message } }
}"""

ATTACH = """
mutation Attach($input: AttachmentCreateInput!) {
  attachmentCreate(input: $input) {
    attachment { id filename contentType url urlExpiresAt } errors { __typename message }
  }
}"""

# A real PNG of one pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8ffff3f0005fe02fe"
    "a7d6a4f20000000049454e44ae426082"
)


@dataclass
class S3Stack:
    router_url: str
    key: SigningKey
    bucket: S3ObjectStore
    s3_endpoint: str

    def client(self, http: httpx.AsyncClient, household: uuid.UUID, role: Role = Role.OWNER) -> RouterClient:
        """A signed-in member of ``household``, as identity would have issued the token."""
        token = self.key.issue(user_id=uuid.uuid4(), households=[(household, role)], ttl=timedelta(minutes=10))
        return RouterClient(http, self.router_url, token)


@dataclass
class RouterClient:
    http: httpx.AsyncClient
    url: str
    token: str

    async def run(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            self.url, json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return dict(body["data"])


@contextlib.contextmanager
def serve(app: Any, port: int) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the budget subgraph stopped while starting"
        assert time.monotonic() < deadline, "the budget subgraph did not start"
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.contextmanager
def moto_s3() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def compose_budget_alone(folder: Path, budget_url: str) -> Path:
    (folder / "supergraph.yaml").write_text(
        "federation_version: =2.9.0\n"
        f"subgraphs:\n  budget:\n    routing_url: {budget_url}\n"
        f"    schema:\n      file: {ROOT / 'schema' / 'budget.graphql'}\n"
    )
    out = folder / "supergraph.graphql"
    subprocess.run(
        ["node", str(ROUTER_DIR / "compose.mjs"), str(folder / "supergraph.yaml"), str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
async def s3_stack(
    settings: Settings, server_database_url: str, redis_url: str, tmp_root: Path
) -> AsyncIterator[S3Stack]:
    key = SigningKey.generate()
    database_url = await create_database(server_database_url, "fincloud_s3")
    budget_port, router_port = free_port(), free_port()
    folder = tmp_root / "files-s3"
    folder.mkdir(exist_ok=True)
    supergraph = compose_budget_alone(folder, f"http://127.0.0.1:{budget_port}/graphql")
    with moto_s3() as endpoint:
        bucket = open_store(
            f"s3://{BUCKET}/fincloud", endpoint_url=endpoint, access_key_id="test", secret_access_key="test"
        )
        assert isinstance(bucket, S3ObjectStore)
        await bucket.ensure_bucket()
        budget_settings = settings.model_copy(
            update={
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "DATA_DIR": folder / "data",
                "S3_URL": f"s3://{BUCKET}/fincloud",
                "S3_ENDPOINT_URL": endpoint,
                "S3_ACCESS_KEY_ID": "test",
                "S3_SECRET_ACCESS_KEY": "test",
                "JWKS_URL": f"http://127.0.0.1:{budget_port}/.well-known/jwks.json",
                "ROUTER_PORT": router_port,
                "BUDGET_PORT": budget_port,
            }
        )
        app = create_app(budget_settings)

        async def jwks(_: Request) -> JSONResponse:
            return JSONResponse(key.jwks())

        app.router.routes.append(Route("/.well-known/jwks.json", jwks))
        env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT") and not k.startswith("FINCLOUD_")}
        env.update(
            {
                "FINCLOUD_ENV": "test",
                "FINCLOUD_ROUTER_HOST": "127.0.0.1",
                "FINCLOUD_ROUTER_PORT": str(router_port),
                "FINCLOUD_SERVICE_TOKEN": TEST_SERVICE_TOKEN,
                "FINCLOUD_JWKS_URL": budget_settings.JWKS_URL,
                "FINCLOUD_LOG_LEVEL": "warning",
            }
        )
        log_path = folder / "router.log"
        with serve(app, budget_port), log_path.open("wb") as log:
            router = subprocess.Popen(
                ["node", str(GATEWAY_BIN), "supergraph", str(supergraph)],
                cwd=ROUTER_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                base = f"http://127.0.0.1:{router_port}"
                async with httpx.AsyncClient(timeout=2) as http:
                    deadline = time.monotonic() + 90
                    while True:
                        assert router.poll() is None, log_path.read_text()
                        assert time.monotonic() < deadline, log_path.read_text()
                        with contextlib.suppress(httpx.TransportError):
                            if (await http.get(f"{base}/readiness")).status_code == 200:
                                break
                        await asyncio.sleep(0.1)
                yield S3Stack(router_url=f"{base}/graphql", key=key, bucket=bucket, s3_endpoint=endpoint)
            finally:
                router.terminate()
                try:
                    router.wait(10)
                except subprocess.TimeoutExpired:
                    router.kill()
                    router.wait()
    await drop_database(server_database_url, database_url)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def ledger(client: RouterClient) -> tuple[str, str]:
    account = await client.run(
        ACCOUNT_CREATE, input={"name": "Manama", "type": "CHECKING", "currency": "BHD", "openingBalance": "10.000"}
    )
    account_id = str(account["accountCreate"]["account"]["id"])
    created = await client.run(
        TRANSACTION_CREATE,
        input={"accountId": account_id, "date": "2024-01-21", "amount": "-1.250", "payee": "Lulu Hypermarket"},
    )
    return account_id, str(created["transactionCreate"]["transaction"]["id"])


def presigned_for(stack: S3Stack, url: str) -> dict[str, list[str]]:
    """The query of a presigned URL of the stack's bucket (it must point at moto, not at FinCloud)."""
    assert url.startswith(f"{stack.s3_endpoint}/{BUCKET}/fincloud/households/"), url
    return parse_qs(urlparse(url).query)


async def test_export_and_download_from_s3_through_the_router(s3_stack: S3Stack, http: httpx.AsyncClient) -> None:
    household = uuid.uuid4()
    await ledger(s3_stack.client(http, household))
    viewer = s3_stack.client(http, household, Role.VIEWER)  # viewers may export
    data = await viewer.run(EXPORT, input={"format": "CSV"})
    export = data["transactionsExport"]["export"]
    assert export["rowCount"] == 1
    query = presigned_for(s3_stack, export["url"])
    assert query["X-Amz-Expires"] == ["300"]
    response = await http.get(export["url"])  # a browser: no token, the signature is the permission
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="transactions-')
    [header, row] = response.content.decode("utf-8-sig").splitlines()
    assert header.startswith("Date,Account,Payee,Amount,Currency")
    assert row.startswith("2024-01-21,Manama,Lulu Hypermarket,-1.250,BHD,")
    assert await s3_stack.bucket.keys(f"households/{household}/exports/") == [
        f"households/{household}/exports/{export['id']}.csv"
    ]


async def test_attach_and_download_from_s3_through_the_router(s3_stack: S3Stack, http: httpx.AsyncClient) -> None:
    client = s3_stack.client(http, uuid.uuid4())
    _, transaction_id = await ledger(client)
    response = await http.post(
        s3_stack.router_url,
        headers={"authorization": f"Bearer {client.token}", "x-fincloud-csrf": "1"},
        data={
            "operations": json.dumps(
                {"query": ATTACH, "variables": {"input": {"file": None, "transactionId": transaction_id}}}
            ),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("Kassenbon Lulu.png", PNG, "application/pdf")},
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["attachmentCreate"]
    assert payload["errors"] == []
    document = payload["attachment"]
    assert (document["filename"], document["contentType"]) == ("Kassenbon Lulu.png", "image/png")
    presigned_for(s3_stack, document["url"])
    downloaded = await http.get(document["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == PNG
    assert downloaded.headers["content-type"] == "image/png"
    assert "filename*=UTF-8''Kassenbon%20Lulu.png" in downloaded.headers["content-disposition"]
