"""File uploads (GraphQL multipart requests) through the real router, to a subgraph built with
``create_subgraph_app``: the file arrives whole, the caller's verified token comes with it, the CSRF rule and the
service token still hold, and files over ``FINCLOUD_UPLOAD_MAX_BYTES`` are refused with a clear error at the
router and again at the subgraph.

The subgraph here is a small one of the test's own (one ``uploadInspect`` mutation) composed into a supergraph of
its own, so the upload path is tested apart from any feature that uses it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
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

import httpx
import pytest
import strawberry
import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.file_uploads import Upload

from fincloud.auth import Role, SigningKey, StaticVerifier
from fincloud.config import Settings
from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.devserver import GATEWAY_BIN, ROUTER_DIR
from fincloud.embedded import free_port
from fincloud.graphql import IsAuthenticated, UserInputError, create_schema
from fincloud.service import BaseContext, Runtime, create_subgraph_app
from fincloud.uploads import MULTIPART_OVERHEAD_BYTES, UploadTooLargeError, read_upload
from tests.conftest import TEST_SERVICE_TOKEN

LIMIT = 200_000
"""A small upload limit for these tests, for the router and the subgraph alike."""


@strawberry.type(description="What the subgraph received.")
class UploadReceipt:
    filename: str | None = strawberry.field(description="The file's name.")
    content_type: str | None = strawberry.field(description="The file's type.")
    size: int = strawberry.field(description="Bytes received.")
    sha256: str = strawberry.field(description="SHA-256 of the bytes received.")
    user_id: str = strawberry.field(description="Who uploaded it, from the verified token.")
    note: str | None = strawberry.field(description="A variable sent next to the file.")


@strawberry.type
class Query:
    @strawberry.field(description="Always pong.")
    def ping(self) -> str:
        return "pong"


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Read an uploaded file.", permission_classes=[IsAuthenticated])
    async def upload_inspect(
        self, info: strawberry.Info[BaseContext, None], file: Upload, note: str | None = None
    ) -> UploadReceipt:
        try:
            uploaded = await read_upload(file, max_bytes=info.context.runtime.settings.UPLOAD_MAX_BYTES)
        except UploadTooLargeError as exc:
            raise UserInputError(str(exc), field="file") from None
        return UploadReceipt(
            filename=uploaded.filename,
            content_type=uploaded.content_type,
            size=uploaded.size,
            sha256=hashlib.sha256(uploaded.data).hexdigest(),
            user_id=str(info.context.viewer.user_id),
            note=note,
        )


schema = create_schema(query=Query, mutation=Mutation)

INSPECT = """mutation Inspect($file: Upload!, $note: String) {
  uploadInspect(file: $file, note: $note) { filename contentType size sha256 userId note }
}"""


@dataclass
class UploadStack:
    router_url: str
    subgraph_url: str
    key: SigningKey

    def token(self) -> tuple[str, uuid.UUID]:
        user_id = uuid.uuid4()
        return self.key.issue(
            user_id=user_id, households=[(uuid.uuid4(), Role.OWNER)], ttl=timedelta(minutes=5)
        ), user_id


def subgraph_app(settings: Settings, key: SigningKey) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(settings: Settings) -> AsyncIterator[Runtime]:
        async with Runtime.open(name="files", settings=settings, verifier=StaticVerifier(key.jwks())) as runtime:
            yield runtime

    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(key.jwks())

    return create_subgraph_app(
        name="files",
        schema=schema,
        context_class=BaseContext,
        settings=settings,
        lifespan=lifespan,
        extra_routes=[Route("/.well-known/jwks.json", jwks)],
    )


@contextlib.contextmanager
def serve(app: Any, port: int) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the test subgraph stopped while starting"
        assert time.monotonic() < deadline, "the test subgraph did not start"
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)


def compose(folder: Path, subgraph_url: str) -> Path:
    (folder / "files.graphql").write_text(str(schema.as_str()))
    (folder / "supergraph.yaml").write_text(
        "federation_version: =2.9.0\n"
        f"subgraphs:\n  files:\n    routing_url: {subgraph_url}\n    schema:\n      file: ./files.graphql\n"
    )
    out = folder / "supergraph.graphql"
    subprocess.run(
        ["node", str(ROUTER_DIR / "compose.mjs"), str(folder / "supergraph.yaml"), str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
async def uploads(settings: Settings, tmp_root: Path) -> AsyncIterator[UploadStack]:
    key = SigningKey.generate()
    port = free_port()
    subgraph_url = f"http://127.0.0.1:{port}/graphql"
    folder = tmp_root / "uploads"
    folder.mkdir(exist_ok=True)
    supergraph = compose(folder, subgraph_url)
    app = subgraph_app(settings.model_copy(update={"UPLOAD_MAX_BYTES": LIMIT}), key)
    router_port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT") and not k.startswith("FINCLOUD_")}
    env.update(
        {
            "FINCLOUD_ENV": "test",
            "FINCLOUD_ROUTER_HOST": "127.0.0.1",
            "FINCLOUD_ROUTER_PORT": str(router_port),
            "FINCLOUD_SERVICE_TOKEN": TEST_SERVICE_TOKEN,
            "FINCLOUD_JWKS_URL": f"http://127.0.0.1:{port}/.well-known/jwks.json",
            "FINCLOUD_UPLOAD_MAX_BYTES": str(LIMIT),
            "FINCLOUD_LOG_LEVEL": "warning",
        }
    )
    log_path = folder / "router.log"
    with serve(app, port), log_path.open("wb") as log:
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
                deadline = time.monotonic() + 60
                while True:
                    assert router.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, log_path.read_text()
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get(f"{base}/readiness")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
            yield UploadStack(router_url=f"{base}/graphql", subgraph_url=subgraph_url, key=key)
        finally:
            router.terminate()
            try:
                router.wait(10)
            except subprocess.TimeoutExpired:
                router.kill()
                router.wait()


def multipart(data: bytes, *, filename: str = "statement.csv", note: str | None = None) -> dict[str, Any]:
    """httpx arguments for a GraphQL multipart request carrying one file as ``$file``."""
    return {
        "data": {
            "operations": json.dumps({"query": INSPECT, "variables": {"file": None, "note": note}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        "files": {"0": (filename, data, "text/csv")},
    }


async def test_a_file_reaches_the_subgraph_whole_with_the_callers_identity(
    uploads: UploadStack, http: httpx.AsyncClient
) -> None:
    token, user_id = uploads.token()
    data = ("Date,Payee,Amount\n" + "2024-01-02,Café Müller,-4.75\n" * 3000).encode()
    response = await http.post(
        uploads.router_url,
        headers={"authorization": f"Bearer {token}", "x-fincloud-csrf": "1"},
        **multipart(data, filename="C:\\exports\\january.csv", note="January"),
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {
            "uploadInspect": {
                "filename": "january.csv",
                "contentType": "text/csv",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "userId": str(user_id),
                "note": "January",
            }
        }
    }


async def test_an_upload_needs_the_csrf_header_and_a_token(uploads: UploadStack, http: httpx.AsyncClient) -> None:
    token, _ = uploads.token()
    # A cross-site form can post multipart/form-data without a preflight: without the header it is refused.
    forged = await http.post(uploads.router_url, headers={"authorization": f"Bearer {token}"}, **multipart(b"a,b\n"))
    assert forged.status_code == 403
    anonymous = await http.post(uploads.router_url, headers={"x-fincloud-csrf": "1"}, **multipart(b"a,b\n"))
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_file_over_the_limit_is_refused_clearly(uploads: UploadStack, http: httpx.AsyncClient) -> None:
    token, _ = uploads.token()
    headers = {"authorization": f"Bearer {token}", "x-fincloud-csrf": "1"}
    # Exactly the limit passes.
    ok = await http.post(uploads.router_url, headers=headers, **multipart(b"x" * LIMIT))
    assert ok.json()["data"]["uploadInspect"]["size"] == LIMIT
    # Just over: the request fits the router's allowance, and the subgraph refuses the file itself.
    over = await http.post(uploads.router_url, headers=headers, **multipart(b"x" * (LIMIT + 1)))
    assert over.status_code == 200
    body = over.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "the file is larger than 195 kB, the most an upload may be"
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # Far over: the router refuses it from its declared length, before reading it.
    huge = await http.post(uploads.router_url, headers=headers, **multipart(b"x" * (LIMIT + MULTIPART_OVERHEAD_BYTES)))
    assert huge.status_code == 413
    assert huge.json()["errors"] == [
        {
            "message": "the upload is larger than 195 kB, the most a file may be",
            "extensions": {"code": "PAYLOAD_TOO_LARGE"},
        }
    ]


async def test_the_subgraph_counts_what_arrives_and_still_wants_the_service_token(
    uploads: UploadStack, http: httpx.AsyncClient
) -> None:
    token, user_id = uploads.token()
    boundary = "fincloud-test-boundary"
    operations = json.dumps({"query": INSPECT, "variables": {"file": None}})

    def body(file: bytes) -> bytes:
        return (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{{"0": ["variables.file"]}}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + file
            + f"\r\n--{boundary}--\r\n".encode()
        )

    async def chunked(data: bytes) -> AsyncIterator[bytes]:
        for start in range(0, len(data), 65536):
            yield data[start : start + 65536]

    headers = {
        "content-type": f"multipart/form-data; boundary={boundary}",
        "authorization": f"Bearer {token}",
    }
    # No service token: refused before the body is read.
    direct = await http.post(uploads.subgraph_url, headers=headers, content=body(b"a,b\n"))
    assert direct.status_code == 403
    headers[SERVICE_TOKEN_HEADER] = TEST_SERVICE_TOKEN
    # With it, and no declared length (chunked): counted as it arrives.
    small = await http.post(uploads.subgraph_url, headers=headers, content=chunked(body(b"a,b\n")))
    assert small.status_code == 200, small.text
    assert small.json()["data"]["uploadInspect"]["userId"] == str(user_id)
    huge = await http.post(
        uploads.subgraph_url, headers=headers, content=chunked(body(b"x" * (LIMIT + MULTIPART_OVERHEAD_BYTES)))
    )
    assert huge.status_code == 413
    assert huge.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
