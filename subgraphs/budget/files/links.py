"""Short-lived download links to stored objects, usable by a browser without the GraphQL token.

With S3 the link is a presigned GET URL: S3 checks it and refuses it once it expires. With the local-folder store,
FinCloud serves the object itself at ``<public URL>/downloads/<token>/<file name>``: the router passes that path to
the budget subgraph's download route (``routes.py``), which checks the token. The token is an HS256 JWT of its own
audience, signed with ``DOWNLOAD_LINK_KEY`` (never the access-token key), naming one object key, the file name and
type to serve, and when it expires; the signature is compared in constant time. A link is only minted after the
viewer's access to the household's object was checked, and it can name nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt

from fincloud.config import Settings
from fincloud.service import Runtime
from fincloud.storage import ObjectStore

__all__ = ["DOWNLOAD_PATH", "DownloadGrant", "DownloadLink", "LinkSigner", "download_link", "link_signer"]

DOWNLOAD_PATH = "/downloads"
"""Where FinCloud serves links of the local-folder store, on the router (and the budget subgraph behind it)."""

AUDIENCE = "fincloud-download"
ALGORITHM = "HS256"
KEY_FILE = "download-link-key"


@dataclass(frozen=True, slots=True)
class DownloadLink:
    url: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DownloadGrant:
    """What a valid token allows: one object, served under this name and type."""

    object_key: str
    filename: str
    content_type: str
    size: int | None


class LinkSigner:
    """Mints and checks FinCloud's own download tokens."""

    def __init__(self, key: bytes, *, ttl_seconds: int, public_url: str) -> None:
        self._key = key
        self.ttl_seconds = ttl_seconds
        self._public_url = public_url.rstrip("/")

    def sign(
        self, *, object_key: str, filename: str, content_type: str, size: int | None, now: dt.datetime
    ) -> DownloadLink:
        expires_at = now + dt.timedelta(seconds=self.ttl_seconds)
        claims: dict[str, Any] = {
            "aud": AUDIENCE,
            "exp": int(expires_at.timestamp()),
            "k": object_key,
            "n": filename,
            "t": content_type,
        }
        if size is not None:
            claims["s"] = size
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
        url = f"{self._public_url}{DOWNLOAD_PATH}/{token}/{quote(filename, safe='')}"
        return DownloadLink(url=url, expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC))

    def verify(self, token: str, *, now: dt.datetime) -> DownloadGrant | None:
        """The grant of a genuine, unexpired token; ``None`` for anything else (tampered, expired, malformed),
        without saying which."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                # Expiry is checked below against the caller's clock (so it can be tested without sleeping).
                options={"verify_exp": False, "require": ["aud", "exp", "k", "n", "t"]},
            )
        except jwt.InvalidTokenError:
            return None
        exp, key, name, kind, size = (claims.get(c) for c in ("exp", "k", "n", "t", "s"))
        if not isinstance(exp, int) or now.timestamp() >= exp:
            return None
        if not (isinstance(key, str) and isinstance(name, str) and isinstance(kind, str)):
            return None
        return DownloadGrant(
            object_key=key, filename=name, content_type=kind, size=size if isinstance(size, int) else None
        )


def _key_from_settings(settings: Settings) -> bytes:
    """``DOWNLOAD_LINK_KEY``, else a random key kept in the data folder (created once, readable by us only)."""
    if settings.DOWNLOAD_LINK_KEY:
        return settings.DOWNLOAD_LINK_KEY.encode()
    path: Path = settings.DATA_DIR / KEY_FILE
    if not path.exists():
        # Written whole under another name, then linked into place: processes starting together agree on one key
        # and none reads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds a download-link key shorter than 32 characters")
    return key.encode()


def link_signer(runtime: Runtime) -> LinkSigner:
    """The process's signer, made on first use from the runtime's settings."""
    signer = runtime.extras.get("download_link_signer")
    if not isinstance(signer, LinkSigner):
        settings = runtime.settings
        signer = LinkSigner(
            _key_from_settings(settings),
            ttl_seconds=settings.DOWNLOAD_LINK_TTL_SECONDS,
            public_url=settings.public_url,
        )
        runtime.extras["download_link_signer"] = signer
    return signer


def download_link(
    *,
    store: ObjectStore,
    signer: LinkSigner,
    object_key: str,
    filename: str,
    content_type: str,
    size: int | None,
    now: dt.datetime,
) -> DownloadLink:
    """A link to one stored object: presigned by the store when it can (S3), else FinCloud's own signed link."""
    presigned = store.presigned_url(
        object_key, expires_in=signer.ttl_seconds, filename=filename, content_type=content_type
    )
    if presigned is not None:
        return DownloadLink(url=presigned, expires_at=now + dt.timedelta(seconds=signer.ttl_seconds))
    return signer.sign(object_key=object_key, filename=filename, content_type=content_type, size=size, now=now)
