from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from fincloud.embedded import free_port
from fincloud.storage import ObjectNotFoundError, ObjectStore, S3ObjectStore, open_store


@pytest.fixture(scope="module")
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


@pytest.fixture(params=["file", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStore]:
    if request.param == "file":
        yield open_store((tmp_path / "objects").as_uri())
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    s3 = open_store(
        f"s3://fincloud-{tmp_path.name.lower().replace('_', '-')[:30]}/prefix",
        endpoint_url=endpoint,
        access_key_id="test",
        secret_access_key="test",
    )
    assert isinstance(s3, S3ObjectStore)
    await s3.ensure_bucket()
    yield s3


async def test_put_get_list_delete(store: ObjectStore) -> None:
    await store.put("imports/h1/a.ofx", b"<OFX>")
    await store.put("imports/h1/b.csv", b"date,amount\n", content_type="text/csv")
    await store.put("exports/h1/all.json", b"{}")
    assert await store.get("imports/h1/a.ofx") == b"<OFX>"
    assert await store.keys("imports/") == ["imports/h1/a.ofx", "imports/h1/b.csv"]
    await store.put("imports/h1/a.ofx", b"<OFX v2>")
    assert await store.get("imports/h1/a.ofx") == b"<OFX v2>"
    await store.delete("imports/h1/a.ofx")
    await store.delete("imports/h1/a.ofx")  # deleting twice is fine
    with pytest.raises(ObjectNotFoundError):
        await store.get("imports/h1/a.ofx")
    await store.ping()


@pytest.mark.parametrize("key", ["../escape", "/abs", "", "dir/"])
async def test_keys_cannot_escape_the_store(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValueError, match="invalid object key"):
        await store.put(key, b"x")


def test_unknown_schemes_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported object store URL"):
        open_store("ftp://example/bucket")
