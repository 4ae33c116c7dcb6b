"""The WebPush channel against a stand-in push service on loopback: the payload must decrypt with the browser's
subscription keys (a real P-256 pair, as a browser makes) and the VAPID header must verify."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import http_ece
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from subgraphs.notification.channels.base import PermanentError, Target, TemporaryError
from subgraphs.notification.channels.webpush import KEY_FILE, WebPushChannel, push_payload, vapid_public_key
from tests.subgraphs.notification.channels.support import HttpReceiver, Received, Reply, make_message, make_settings


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """A browser's push subscription: its own P-256 key pair and auth secret, as ``PushManager.subscribe`` makes."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.target = Target(
            channel_id="c1",
            kind="webpush",
            config={"endpoint": endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}},
        )

    def decrypt(self, body: bytes) -> Any:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def push_service(request: Received) -> Reply:
    return {
        "/push/gone": Reply(410, b"push subscription has unsubscribed or expired"),
        "/push/missing": Reply(404),
        "/push/busy": Reply(429, headers={"retry-after": "30"}),
        "/push/down": Reply(503),
        "/push/bad": Reply(400, b"bad request"),
    }.get(request.path, Reply(201, headers={"location": "/message/1"}))


@pytest.fixture
def service() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver(handler=push_service).start()
    try:
        yield receiver
    finally:
        receiver.stop()


async def test_the_push_is_encrypted_for_the_subscription_and_signed_with_vapid(
    service: HttpReceiver, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path, WEBPUSH_ALLOW_PRIVATE=True, WEBPUSH_VAPID_SUBJECT="mailto:admin@fincloud.example"
    )
    browser = Browser(f"{service.url}/push/sub-1")
    message = make_message(title="Rent is due on Mar 5, 2025", body="€950.00 to Landlord is due.\nmore details")
    async with httpx.AsyncClient(timeout=5) as client:
        await WebPushChannel(settings).send(message, browser.target, client=client)

    [push] = service.received
    assert (push.method, push.path) == ("POST", "/push/sub-1")
    assert push.headers["ttl"] == "86400"
    assert push.headers["content-encoding"] == "aes128gcm"
    assert push.headers["urgency"] == "normal"
    assert browser.decrypt(push.body) == {
        "title": "Rent is due on Mar 5, 2025",
        "body": "€950.00 to Landlord is due.",
        "url": "https://fincloud.example/budget?month=2025-03",
        "notificationId": message.notification_id,
    }

    scheme, _, credentials = push.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in credentials.split(","))
    assert fields["k"] == vapid_public_key(settings)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    claims = jwt.decode(fields["t"], public, algorithms=["ES256"], audience=service.url)
    assert claims["sub"] == "mailto:admin@fincloud.example"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600


async def test_the_push_services_answer_decides_the_outcome(service: HttpReceiver, tmp_path: Path) -> None:
    channel = WebPushChannel(make_settings(tmp_path, WEBPUSH_ALLOW_PRIVATE=True))
    async with httpx.AsyncClient(timeout=5) as client:
        for gone in ("gone", "missing"):
            with pytest.raises(PermanentError, match="gone") as error:
                await channel.send(make_message(), Browser(f"{service.url}/push/{gone}").target, client=client)
            assert error.value.deactivate
        with pytest.raises(TemporaryError, match="429") as busy:
            await channel.send(make_message(), Browser(f"{service.url}/push/busy").target, client=client)
        assert busy.value.retry_after == 30
        with pytest.raises(TemporaryError, match="503"):
            await channel.send(make_message(), Browser(f"{service.url}/push/down").target, client=client)
        with pytest.raises(PermanentError, match="400") as bad:
            await channel.send(make_message(), Browser(f"{service.url}/push/bad").target, client=client)
        assert not bad.value.deactivate

        broken = Target("c9", "webpush", {"endpoint": f"{service.url}/push/x", "keys": {"p256dh": "AAAA", "auth": "x"}})
        with pytest.raises(PermanentError, match="keys") as unusable:
            await channel.send(make_message(), broken, client=client)
        assert unusable.value.deactivate
    assert [r.path for r in service.received] == [
        "/push/gone",
        "/push/missing",
        "/push/busy",
        "/push/down",
        "/push/bad",
    ]


async def test_endpoints_on_private_addresses_or_without_https_are_refused(
    service: HttpReceiver, tmp_path: Path
) -> None:
    channel = WebPushChannel(make_settings(tmp_path))
    async with httpx.AsyncClient(timeout=5) as client:
        with pytest.raises(PermanentError, match="https") as plain:
            await channel.send(make_message(), Browser(f"{service.url}/push/a").target, client=client)
        assert plain.value.deactivate
        loopback = service.url.replace("http://", "https://")
        with pytest.raises(PermanentError, match="loopback"):
            await channel.send(make_message(), Browser(f"{loopback}/push/a").target, client=client)
        with pytest.raises(PermanentError, match="link-local"):
            await channel.send(make_message(), Browser("https://169.254.169.254/push/a").target, client=client)
    assert service.received == []


def test_a_development_key_is_generated_once_into_the_data_folder(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    public = vapid_public_key(settings)
    assert public is not None
    assert len(unb64url(public)) == 65
    assert unb64url(public)[0] == 4
    key_file = tmp_path / KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert vapid_public_key(settings) == public

    production = make_settings(tmp_path, ENV="production", JWT_PRIVATE_KEY="configured")
    assert vapid_public_key(production) == public  # read from the data folder, never made there
    assert vapid_public_key(make_settings(tmp_path / "empty", ENV="production", JWT_PRIVATE_KEY="configured")) is None
    assert not (tmp_path / "empty" / KEY_FILE).exists()


async def test_production_without_a_key_cannot_push(service: HttpReceiver, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ENV="production", JWT_PRIVATE_KEY="configured", WEBPUSH_ALLOW_PRIVATE=True)
    async with httpx.AsyncClient(timeout=5) as client:
        with pytest.raises(TemporaryError, match="VAPID"):
            await WebPushChannel(settings).send(make_message(), Browser(f"{service.url}/push/a").target, client=client)
    assert service.received == []


@pytest.mark.parametrize("form", ["raw", "pem"])
def test_a_configured_key_is_read_as_raw_base64url_or_pem(tmp_path: Path, form: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    expected = b64url(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    if form == "raw":
        configured = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    else:
        configured = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    assert vapid_public_key(make_settings(tmp_path, WEBPUSH_VAPID_PRIVATE_KEY=configured)) == expected
    assert not (tmp_path / KEY_FILE).exists()


def test_the_payload_stays_small_whatever_the_text(tmp_path: Path) -> None:
    long = make_message(title="T" * 5000, body="€" * 5000, url="https://fincloud.example/" + "x" * 5000)
    payload = json.loads(push_payload(long))
    assert len(push_payload(long)) < 3000
    assert payload["url"] is None
    assert payload["title"].endswith("…")
    assert payload["body"].endswith("…")
