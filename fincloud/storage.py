"""Object storage behind one small interface: raw imports, exports and backups.

The backend is chosen by URL scheme: ``file:///path`` (the embedded default) or ``s3://bucket[/prefix]``
(MinIO, AWS S3 or any S3 API, reached through aioboto3).
"""

from __future__ import annotations

import abc
import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlparse

import aioboto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from fincloud.config import Settings

__all__ = [
    "LocalObjectStore",
    "ObjectNotFoundError",
    "ObjectStore",
    "S3ObjectStore",
    "content_disposition",
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

    async def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> None:
        """Store the file at ``path`` under ``key`` without reading it into memory at once."""
        await self.put(key, await asyncio.to_thread(path.read_bytes), content_type=content_type)

    async def chunks(self, key: str, *, chunk_size: int = 256 * 1024) -> AsyncIterator[bytes]:
        """The object's bytes piece by piece; ``ObjectNotFoundError`` (before the first piece) if there is none."""
        yield await self.get(key)

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every object whose key starts with ``prefix``; returns how many there were."""
        found = await self.keys(prefix)
        for key in found:
            await self.delete(key)
        return len(found)

    def presigned_url(self, key: str, *, expires_in: int, filename: str, content_type: str) -> str | None:
        """A URL a browser can GET the object from for ``expires_in`` seconds, without FinCloud in the way; ``None``
        when the store cannot make one (a local folder: FinCloud serves its own signed link instead)."""
        return None


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

    async def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> None:
        def copy() -> None:
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(target)

        await asyncio.to_thread(copy)

    async def chunks(self, key: str, *, chunk_size: int = 256 * 1024) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(self._path(key).open, "rb")
        except FileNotFoundError:
            raise ObjectNotFoundError(key) from None
        try:
            while chunk := await asyncio.to_thread(handle.read, chunk_size):
                yield chunk
        finally:
            handle.close()


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
        public_endpoint_url: str | None = None,
    ) -> None:
        self._bucket = bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._session = aioboto3.Session(
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key, region_name=region
        )
        self._client_args: dict[str, Any] = {"endpoint_url": endpoint_url}
        self._presign_args: dict[str, Any] = {
            "endpoint_url": public_endpoint_url or endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key,
            # A custom endpoint (MinIO, a proxy) serves buckets as paths, not as sub-domains.
            "config": Config(signature_version="s3v4", s3={"addressing_style": "path"})
            if public_endpoint_url or endpoint_url
            else Config(signature_version="s3v4"),
        }
        self._presigner: Any = None

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

    async def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> None:
        """Multipart upload for large files (boto3's managed transfer), so memory stays bounded."""
        async with self._session.client("s3", **self._client_args) as s3:
            await s3.upload_file(str(path), self._bucket, self._key(key), ExtraArgs={"ContentType": content_type})

    async def chunks(self, key: str, *, chunk_size: int = 256 * 1024) -> AsyncIterator[bytes]:
        async with self._session.client("s3", **self._client_args) as s3:
            try:
                response = await s3.get_object(Bucket=self._bucket, Key=self._key(key))
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    raise ObjectNotFoundError(key) from None
                raise
            body = response["Body"]
            try:
                while chunk := await body.read(chunk_size):
                    yield chunk
            finally:
                body.close()

    def presigned_url(self, key: str, *, expires_in: int, filename: str, content_type: str) -> str | None:
        """A SigV4 presigned GET (computed locally, no request to S3) that makes the browser save the object as
        ``filename``; S3 refuses it ``expires_in`` seconds after it was made."""
        if self._presigner is None:
            self._presigner = botocore.session.get_session().create_client("s3", **self._presign_args)
        url: str = self._presigner.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )
        return url

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
    public_endpoint_url: str | None = None,
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
            public_endpoint_url=public_endpoint_url,
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
        public_endpoint_url=settings.S3_PUBLIC_ENDPOINT_URL,
    )


def content_disposition(filename: str) -> str:
    """``Content-Disposition: attachment`` naming ``filename`` (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
