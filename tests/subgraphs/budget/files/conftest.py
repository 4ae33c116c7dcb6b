from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import pytest

from fincloud.embedded import free_port
from fincloud.service import Runtime
from fincloud.storage import S3ObjectStore, open_store


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on loopback: the real S3 HTTP API, no AWS."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
async def s3_store(s3_endpoint: str) -> S3ObjectStore:
    store = open_store(
        f"s3://fincloud-files-{uuid.uuid4().hex[:12]}/objects",
        endpoint_url=s3_endpoint,
        access_key_id="test",
        secret_access_key="test",
    )
    assert isinstance(store, S3ObjectStore)
    await store.ensure_bucket()
    return store


@pytest.fixture(params=["file", "s3"])
def any_runtime(request: pytest.FixtureRequest, runtime: Runtime) -> Runtime:
    """The test runtime with the local-folder store, then with an S3 bucket on moto's server."""
    if request.param == "file":
        return runtime
    return dataclasses.replace(runtime, store=request.getfixturevalue("s3_store"), extras=dict(runtime.extras))
