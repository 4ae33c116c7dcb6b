"""Object storage behind one small interface: raw imports, exports and backups.

The backend is chosen by URL scheme: ``file:///path`` (the embedded default) or ``s3://bucket[/prefix]``
(MinIO, AWS S3 or any S3 API, reached through aioboto3).
"""

from __future__ import annotations

import abc
import asyncio
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import aioboto3
from botocore.exceptions import ClientError

from fincloud.config import Settings

__all__ = [
    "LocalObjectStore",
    "ObjectNotFoundError",
    "ObjectStore",
    "S3ObjectStore",
    "open_store",
    "store_from_settings",
]


class ObjectNotFoundError(KeyError):
    """No object under that key."""


def _clean_key(key: str) -> str:
    path = PurePosixPath(key)
    if path.is_absolute() or ".." in path.parts or not key or key.endswith("/"):
        raise ValueError(f"invalid object key {key!r}")
    return str(path)


class ObjectStore(abc.ABC):
    """Keys are ``/``-separated relative paths such as ``imports/<household>/<id>.ofx``."""

    @abc.abstractmethod
    async def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        """Store ``data`` under ``key``, replacing any object there."""

    @abc.abstractmethod
    async def get(self, key: str) -> bytes:
        """The object's bytes; ``ObjectNotFoundError`` if there is none."""

    @abc.abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the object; a missing key is not an error."""

    @abc.abstractmethod
    async def keys(self, prefix: str = "") -> list[str]:
        """Keys under ``prefix``, sorted."""

    async def ping(self) -> None:
        """Raise if the store cannot be reached."""
        await self.keys("__ping__/")


class LocalObjectStore(ObjectStore):
    """Objects as files in a folder; writes go through a temporary file so readers never see half an object."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        return self._root / _clean_key(key)

    async def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        def write() -> None:
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            raise ObjectNotFoundError(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def keys(self, prefix: str = "") -> list[str]:
        def walk() -> list[str]:
            if not self._root.exists():
                return []
            found = (
                str(p.relative_to(self._root).as_posix())
                for p in self._root.rglob("*")
                if p.is_file() and not p.name.startswith(".")
            )
            return sorted(k for k in found if k.startswith(prefix))

        return await asyncio.to_thread(walk)


class S3ObjectStore(ObjectStore):
    """Objects in an S3 bucket, optionally under a key prefix."""

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        self._bucket = bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._session = aioboto3.Session(
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key, region_name=region
        )
        self._client_args: dict[str, Any] = {"endpoint_url": endpoint_url}

    def _key(self, key: str) -> str:
        return self._prefix + _clean_key(key)

    async def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        async with self._session.client("s3", **self._client_args) as s3:
            await s3.put_object(Bucket=self._bucket, Key=self._key(key), Body=data, ContentType=content_type)

    async def get(self, key: str) -> bytes:
        async with self._session.client("s3", **self._client_args) as s3:
            try:
                response = await s3.get_object(Bucket=self._bucket, Key=self._key(key))
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    raise ObjectNotFoundError(key) from None
                raise
            async with response["Body"] as body:
                return bytes(await body.read())

    async def delete(self, key: str) -> None:
        async with self._session.client("s3", **self._client_args) as s3:
            await s3.delete_object(Bucket=self._bucket, Key=self._key(key))

    async def keys(self, prefix: str = "") -> list[str]:
        found: list[str] = []
        async with self._session.client("s3", **self._client_args) as s3:
            paginator = s3.get_paginator("list_objects_v2")
            async for page in paginator.paginate(Bucket=self._bucket, Prefix=self._prefix + prefix):
                found.extend(obj["Key"][len(self._prefix) :] for obj in page.get("Contents", []))
        return sorted(found)

    async def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (first run against a fresh MinIO)."""
        async with self._session.client("s3", **self._client_args) as s3:
            try:
                await s3.head_bucket(Bucket=self._bucket)
            except ClientError:
                await s3.create_bucket(Bucket=self._bucket)


def open_store(
    url: str,
    *,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> ObjectStore:
    """The object store named by ``url``: ``file:///abs/path`` or ``s3://bucket/prefix``."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalObjectStore(Path(parsed.path))
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError(f"S3 URL needs a bucket: {url!r}")
        return S3ObjectStore(
            bucket=parsed.netloc,
            prefix=parsed.path,
            endpoint_url=endpoint_url,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
        )
    raise ValueError(f"unsupported object store URL {url!r} (use file:// or s3://)")


def store_from_settings(settings: Settings) -> ObjectStore:
    """The configured object store: ``FINCLOUD_S3_URL``, else ``<DATA_DIR>/objects``."""
    return open_store(
        settings.S3_URL or (settings.DATA_DIR / "objects").as_uri(),
        endpoint_url=settings.S3_ENDPOINT_URL,
        region=settings.S3_REGION,
        access_key_id=settings.S3_ACCESS_KEY_ID,
        secret_access_key=settings.S3_SECRET_ACCESS_KEY,
    )
