"""Browser notifications: Web Push (RFC 8030), the payload encrypted for the subscription with ``aes128gcm``
(RFC 8291, pywebpush's ``WebPusher.encode``) and signed for the push service with VAPID (RFC 8292, py_vapid).

The browser's ``PushManager.subscribe({applicationServerKey: vapid_public_key(settings)})`` gives the channel's
config: ``{"endpoint": "https://push.example/...", "keys": {"p256dh": ..., "auth": ...}}``. The service worker
receives ``{"title", "body", "url", "notificationId"}`` (the body is the summary line).

The POST goes through httpx rather than pywebpush's own ``requests``/aiohttp sending, so that it shares the
channels' guard: the endpoint is the browser's (so, a user's) choice, and like a webhook URL it must be ``https``
on a public address (``WEBPUSH_ALLOW_PRIVATE`` lifts both, for tests). The push service's answer decides the
outcome: 404 or 410 means the subscription is gone (``PermanentError`` that switches the channel off); 408, 429 and
5xx are temporary (with ``Retry-After`` when sent); other 4xx permanent.

The VAPID key is ``WEBPUSH_VAPID_PRIVATE_KEY``; without it a key is generated into ``DATA_DIR`` outside production
(and read from there in production), so a development install has working push without setup. Every process on
the data folder uses that one key: the subgraph hands out its public half, the worker signs with it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from fincloud.config import Settings
from subgraphs.notification.channels._outbound import AddressRefused, pinned_client
from subgraphs.notification.channels.base import Message, PermanentError, Target, TemporaryError
from subgraphs.notification.channels.email import mail_from

__all__ = ["KEY_FILE", "WebPushChannel", "load_vapid_key", "push_payload", "vapid_public_key"]

KEY_FILE = "webpush-vapid-key.pem"
"""The generated VAPID key in ``DATA_DIR`` (PKCS #8 PEM), when ``WEBPUSH_VAPID_PRIVATE_KEY`` is not set."""

_VAPID_LIFETIME = 12 * 3600
"""The VAPID token's ``exp``: push services refuse more than 24 hours."""


def load_vapid_key(settings: Settings) -> ec.EllipticCurvePrivateKey | None:
    """``WEBPUSH_VAPID_PRIVATE_KEY`` (PEM or base64url), else the key in ``DATA_DIR``, generated there on first use
    outside production. ``None``: no key (production without one): WebPush is not available."""
    configured = settings.WEBPUSH_VAPID_PRIVATE_KEY.get_secret_value().strip()
    if configured:
        return _parse_key(configured)
    path = settings.DATA_DIR / KEY_FILE
    if not path.exists():
        if settings.ENV == "production":
            return None
        _create_key_file(path)
    return _parse_key(path.read_text())


def vapid_public_key(settings: Settings) -> str | None:
    """The ``applicationServerKey`` a browser subscribes with: the VAPID public key, uncompressed point in
    base64url (no padding). ``None`` when WebPush has no key (production without ``WEBPUSH_VAPID_PRIVATE_KEY``)."""
    key = load_vapid_key(settings)
    return None if key is None else _public_b64(key)


def push_payload(message: Message) -> bytes:
    """What the service worker receives (JSON, well under the 4 KB a push message holds)."""
    url = message.url if message.url and len(message.url) <= 1000 else None
    return json.dumps(
        {
            "title": _clip(message.title, 150),
            "body": _clip(message.body.split("\n", 1)[0], 500),
            "url": url,
            "notificationId": message.notification_id,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


class WebPushChannel:
    kind = "webpush"
    label = "Browser notifications"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._vapid: Vapid02 | None = None
        self._subject = settings.WEBPUSH_VAPID_SUBJECT or _mailto(mail_from(settings))

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None:
        """Push ``message`` to the subscription in ``target.config`` (``client`` is not used: the endpoint is
        reached through the guarded, address-pinned client)."""
        settings = self._settings
        endpoint, subscription = _subscription(target.config)
        url = httpx.URL(endpoint)
        if url.scheme != "https" and not (settings.WEBPUSH_ALLOW_PRIVATE and url.scheme == "http"):
            raise PermanentError("a push endpoint must be an https URL", deactivate=True)
        vapid = self._key()
        try:
            body = WebPusher(subscription).encode(push_payload(message), "aes128gcm")["body"]
        except (WebPushException, ValueError, TypeError) as exc:
            raise PermanentError(f"the subscription's keys are not usable: {exc}", deactivate=True) from exc
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        headers = dict(vapid.sign({"sub": self._subject, "aud": origin, "exp": int(time.time()) + _VAPID_LIFETIME}))
        headers.update(
            {
                "TTL": str(settings.WEBPUSH_TTL_SECONDS),
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
                "Urgency": "normal",
            }
        )
        try:
            async with pinned_client(allow_private=settings.WEBPUSH_ALLOW_PRIVATE, timeout=_timeout(client)) as pinned:
                response = await pinned.post(endpoint, content=body, headers=headers)
        except AddressRefused as exc:
            raise PermanentError(f"push endpoint refused: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise TemporaryError("the push service did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise TemporaryError(f"the push service could not be reached: {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status in (200, 201, 202):
            return
        what = f"the push service answered {status} {_clip(response.text, 200)}".strip()
        if status in (404, 410):
            raise PermanentError(f"the subscription is gone: {what}", deactivate=True)
        if status in (408, 429) or status >= 500:
            raise TemporaryError(what, retry_after=_retry_after(response))
        raise PermanentError(what)

    def _key(self) -> Vapid02:
        if self._vapid is None:
            key = load_vapid_key(self._settings)
            if key is None:
                raise TemporaryError("no VAPID key is configured (FINCLOUD_WEBPUSH_VAPID_PRIVATE_KEY)")
            self._vapid = Vapid02(key)
        return self._vapid


def _subscription(config: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    endpoint = config.get("endpoint")
    keys = config.get("keys")
    if not isinstance(endpoint, str) or not endpoint:
        raise PermanentError("the channel has no push endpoint", deactivate=True)
    if not (isinstance(keys, Mapping) and isinstance(keys.get("p256dh"), str) and isinstance(keys.get("auth"), str)):
        raise PermanentError("the channel's push subscription has no keys", deactivate=True)
    return endpoint, {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def _parse_key(text: str) -> ec.EllipticCurvePrivateKey:
    if "-----BEGIN" in text:
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("the VAPID key must be an EC P-256 private key")
        return key
    vapid = Vapid02.from_string(text)  # raw 32-byte key or DER, base64url
    key = vapid.private_key
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the VAPID key must be an EC P-256 private key")
    return key


def _create_key_file(path: Path) -> None:
    """Written whole under another name, then linked into place: processes starting together agree on one key and
    none reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def _public_b64(key: ec.EllipticCurvePrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _mailto(sender: str) -> str:
    return f"mailto:{parseaddr(sender)[1]}"


def _timeout(client: httpx.AsyncClient) -> float:
    """The shared client's read timeout (the caller's choice), else 10 seconds."""
    read = client.timeout.read
    return read if read is not None else 10.0


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
