"""File uploads through GraphQL (the GraphQL multipart request spec), with a size limit at every hop.

A client sends ``multipart/form-data`` with an ``operations`` part (the JSON request, files as ``null``), a ``map``
part and one part per file; the router (Hive Gateway, ``multipart: true``) checks the size, verifies the caller
and forwards the same multipart request to the subgraph with the verified claims in ``operations.extensions``.
A mutation takes an argument of Strawberry's ``Upload`` scalar and reads it with ``read_upload``.

Size limits (``FINCLOUD_UPLOAD_MAX_BYTES``, default 20 MB, per file):

- the router refuses a multipart request declaring more than the limit plus ``MULTIPART_OVERHEAD_BYTES`` (413),
  or none at all (411), before reading it;
- the subgraph counts the bytes it receives and refuses the same way (``LimitUploadSize``), whatever the router did;
- ``read_upload`` refuses a file over the limit with ``UploadTooLargeError``, which a mutation reports as a
  ``ValidationError`` on its file field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MULTIPART_OVERHEAD_BYTES",
    "LimitUploadSize",
    "UploadTooLargeError",
    "UploadedFile",
    "describe_size",
    "is_multipart",
    "read_upload",
]

MULTIPART_OVERHEAD_BYTES = 64 * 1024
"""Room for the ``operations`` and ``map`` parts and the part headers around a file of the largest allowed size."""

_CHUNK = 64 * 1024


def describe_size(size: int) -> str:
    """``20971520`` → ``"20 MB"``; sizes below a megabyte in kB."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{max(1, round(size / 1024))} kB"


class UploadTooLargeError(ValueError):
    """The file is larger than the upload limit."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"the file is larger than {describe_size(max_bytes)}, the most an upload may be")
        self.max_bytes = max_bytes


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """An uploaded file read into memory: its name as the client gave it (no path), type and bytes."""

    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _plain_name(filename: object) -> str | None:
    if not isinstance(filename, str) or not filename.strip():
        return None
    # A browser sends the bare name; some clients send a path. Keep the last component only.
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or None


async def read_upload(upload: Any, *, max_bytes: int) -> UploadedFile:
    """The whole file of an ``Upload`` argument (Starlette's ``UploadFile``), or ``UploadTooLargeError``.

    Reads at most ``max_bytes + 1`` bytes, so an oversized file is refused without being held in memory."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await upload.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise UploadTooLargeError(max_bytes)
        chunks.append(chunk)
    return UploadedFile(
        filename=_plain_name(getattr(upload, "filename", None)),
        content_type=getattr(upload, "content_type", None),
        data=b"".join(chunks),
    )


def is_multipart(scope: Scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"multipart/form-data"
    return False


def _error_body(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


class LimitUploadSize:
    """Refuses a multipart request whose body is larger than ``max_bytes`` plus ``MULTIPART_OVERHEAD_BYTES``
    with 413 and a GraphQL error, counting what arrives (a declared ``Content-Length`` is checked first, but a
    chunked body is counted too). Other requests pass untouched. The body is read before the app runs and replayed
    to it, so the app never sees part of an oversized upload."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_multipart(scope):
            await self._app(scope, receive, send)
            return
        allowed = self._max_bytes + MULTIPART_OVERHEAD_BYTES
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > allowed:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > allowed:
                await self._refuse(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self._app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body = _error_body(
            f"the upload is larger than {describe_size(self._max_bytes)}, the most a file may be",
            "PAYLOAD_TOO_LARGE",
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
