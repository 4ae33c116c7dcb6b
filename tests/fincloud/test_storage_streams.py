"""What exports and attachments need of object storage beyond put/get: files uploaded without being read whole,
objects read in chunks, prefixes deleted, and presigned links where the backend has them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fincloud.embedded import free_port
from fincloud.storage import ObjectNotFoundError, ObjectStore, S3ObjectStore, content_disposition, open_store


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(params=["file", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "file":
        return open_store((tmp_path / "objects").as_uri())
    s3 = open_store(
        f"s3://streams-{uuid.uuid4().hex[:12]}/prefix",
        endpoint_url=request.getfixturevalue("moto_endpoint"),
        access_key_id="test",
        secret_access_key="test",
    )
    assert isinstance(s3, S3ObjectStore)
    await s3.ensure_bucket()
    return s3


async def test_a_file_goes_up_and_comes_back_in_chunks(store: ObjectStore, tmp_path: Path) -> None:
    data = bytes(range(256)) * 40_000  # 10 MB: S3's managed transfer uploads it in parts
    source = tmp_path / "export.csv"
    source.write_bytes(data)
    await store.put_file("households/h/exports/e.csv", source, content_type="text/csv")
    chunks = [chunk async for chunk in store.chunks("households/h/exports/e.csv", chunk_size=1 << 20)]
    assert b"".join(chunks) == data
    assert len(chunks) > 1
    assert max(len(c) for c in chunks) <= 1 << 20
    with pytest.raises(ObjectNotFoundError):
        await anext(store.chunks("households/h/exports/missing.csv"))


async def test_a_prefix_is_deleted_and_nothing_else(store: ObjectStore) -> None:
    for key in ("households/a/x", "households/a/y/z", "households/ab/x", "households/b/x"):
        await store.put(key, b"1")
    assert await store.delete_prefix("households/a/") == 2
    assert await store.keys("households/") == ["households/ab/x", "households/b/x"]
    assert await store.delete_prefix("households/a/") == 0


def test_only_s3_presigns(tmp_path: Path) -> None:
    local = open_store(tmp_path.as_uri())
    assert local.presigned_url("k", expires_in=60, filename="a.csv", content_type="text/csv") is None
    s3 = open_store(
        "s3://bucket/prefix",
        endpoint_url="http://minio:9000",
        public_endpoint_url="https://files.example.org",
        access_key_id="id",
        secret_access_key="secret",
    )
    url = s3.presigned_url("households/h/a", expires_in=60, filename="a.csv", content_type="text/csv")
    assert url is not None
    # Signed for the address browsers reach, with the bucket in the path.
    assert url.startswith("https://files.example.org/bucket/prefix/households/h/a?")
    assert "X-Amz-Expires=60" in url


def test_content_disposition_names_any_file_safely() -> None:
    assert content_disposition("März 2024.csv") == (
        "attachment; filename=\"M_rz 2024.csv\"; filename*=UTF-8''M%C3%A4rz%202024.csv"
    )
    assert content_disposition('a"b\\c\r\n.pdf') == (
        "attachment; filename=\"a_b_c__.pdf\"; filename*=UTF-8''a%22b%5Cc%0D%0A.pdf"
    )
