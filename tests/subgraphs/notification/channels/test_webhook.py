"""The webhook channel against a receiver on loopback that checks the signature with the recipe of
``docs/WEBHOOKS.md``; and the guard that keeps webhooks (and push endpoints) off private addresses."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from subgraphs.notification.channels._outbound import AddressRefused, checked_addresses, pinned_client, refusal
from subgraphs.notification.channels.base import PermanentError, Target, TemporaryError
from subgraphs.notification.channels.webhook import (
    WebhookChannel,
    sign,
    validate_webhook_url,
    verify_signature,
    webhook_body,
)
from tests.subgraphs.notification.channels.support import (
    HttpReceiver,
    Received,
    Reply,
    free_port,
    make_message,
    make_settings,
)

DOCS = Path(__file__).resolve().parents[4] / "docs" / "WEBHOOKS.md"
SECRET = "whsec_test_0123456789abcdef"


def documented_verifier() -> Callable[..., bool]:
    """``verify_fincloud_signature`` exactly as docs/WEBHOOKS.md prints it for receivers."""
    [first, *_] = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(first, str(DOCS), "exec"), namespace)
    verifier = namespace["verify_fincloud_signature"]
    assert callable(verifier)
    return verifier


VERIFY = documented_verifier()


def receiver_answer(request: Received) -> Reply:
    if not VERIFY(SECRET, request.headers.get("x-fincloud-signature", ""), request.body):
        return Reply(401, b"bad signature")
    return {
        "/redirect": Reply(302, headers={"location": "/hook"}),
        "/slow": Reply(204, delay=1.5),
        "/down": Reply(503, headers={"retry-after": "120"}),
        "/busy": Reply(429),
        "/gone": Reply(410),
        "/refused": Reply(422, b"unknown event"),
    }.get(request.path, Reply(204))


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    server = HttpReceiver(handler=receiver_answer).start()
    try:
        yield server
    finally:
        server.stop()


def hook(url: str, secret: str | None = SECRET) -> Target:
    return Target(channel_id="c1", kind="webhook", config={"url": url}, secret=secret)


def allowing(tmp_path: Path, **settings: Any) -> WebhookChannel:
    return WebhookChannel(make_settings(tmp_path, WEBHOOK_ALLOW_PRIVATE=True, **settings))


async def test_the_receiver_gets_the_signed_json_and_verifies_it_with_the_documented_recipe(
    receiver: HttpReceiver, tmp_path: Path
) -> None:
    message = make_message(
        occurred_at=dt.datetime(2025, 3, 4, 13, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    )
    async with httpx.AsyncClient() as client:
        await allowing(tmp_path).send(message, hook(f"{receiver.url}/hook"), client=client)
        await allowing(tmp_path).send(message, hook(f"{receiver.url}/hook"), client=client)  # a retry

    first, again = receiver.received
    assert first.method == "POST"
    assert first.path == "/hook"
    assert first.headers["content-type"] == "application/json"
    assert first.headers["x-fincloud-event"] == "budget.budget_threshold_exceeded"
    assert first.headers["x-fincloud-delivery"] == again.headers["x-fincloud-delivery"] == message.notification_id
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", first.headers["x-fincloud-signature"])
    assert first.json() == {
        "version": 1,
        "id": message.notification_id,
        "event": "budget.budget_threshold_exceeded",
        "occurredAt": "2025-03-04T12:00:00.123Z",
        "householdId": message.household_id,
        "data": {"category_name": "Groceries", "spent": "400.00", "currency": "EUR", "level": 80},
    }
    assert first.body == webhook_body(message)


def test_the_documented_recipe_refuses_a_wrong_secret_a_changed_body_and_an_old_timestamp() -> None:
    body = webhook_body(make_message())
    timestamp = int(dt.datetime.now(dt.UTC).timestamp())
    header = sign(SECRET, timestamp, body)
    assert VERIFY(SECRET, header, body)
    assert verify_signature(SECRET, header, body)
    assert not VERIFY("another secret", header, body)
    assert not VERIFY(SECRET, header, body.replace(b"400.00", b"4000.00"))
    assert not VERIFY(SECRET, header, body, now=timestamp + 301)
    assert VERIFY(SECRET, header, body, now=timestamp + 299)
    assert not VERIFY(SECRET, "v1=" + header.split("v1=")[1], body)
    assert not verify_signature(SECRET, header, body, now=timestamp - 301)


async def test_the_receivers_answer_decides_the_outcome_and_a_redirect_is_not_followed(
    receiver: HttpReceiver, tmp_path: Path
) -> None:
    channel = allowing(tmp_path)
    async with httpx.AsyncClient() as client:
        with pytest.raises(PermanentError, match=r"302.*redirects are not followed"):
            await channel.send(make_message(), hook(f"{receiver.url}/redirect"), client=client)
        with pytest.raises(TemporaryError, match="503") as down:
            await channel.send(make_message(), hook(f"{receiver.url}/down"), client=client)
        assert down.value.retry_after == 120
        with pytest.raises(TemporaryError, match="429"):
            await channel.send(make_message(), hook(f"{receiver.url}/busy"), client=client)
        with pytest.raises(PermanentError, match="422") as refused:
            await channel.send(make_message(), hook(f"{receiver.url}/refused"), client=client)
        assert not refused.value.deactivate
        with pytest.raises(PermanentError, match="410") as gone:
            await channel.send(make_message(), hook(f"{receiver.url}/gone"), client=client)
        assert gone.value.deactivate
        with pytest.raises(PermanentError, match="401"):  # the receiver's check fails: another secret
            await channel.send(make_message(), hook(f"{receiver.url}/hook", secret="other"), client=client)
        with pytest.raises(PermanentError, match="secret"):
            await channel.send(make_message(), hook(f"{receiver.url}/hook", secret=None), client=client)
        for invalid in ("ftp://127.0.0.1/hook", "/hook", "http://"):
            with pytest.raises(PermanentError):
                await channel.send(make_message(), hook(invalid), client=client)
    assert [r.path for r in receiver.received] == ["/redirect", "/down", "/busy", "/refused", "/gone", "/hook"]


async def test_a_slow_or_absent_receiver_is_a_temporary_failure(receiver: HttpReceiver, tmp_path: Path) -> None:
    channel = allowing(tmp_path, WEBHOOK_TIMEOUT_SECONDS=0.3)
    async with httpx.AsyncClient() as client:
        with pytest.raises(TemporaryError, match=r"within 0\.3 s"):
            await channel.send(make_message(), hook(f"{receiver.url}/slow"), client=client)
        with pytest.raises(TemporaryError, match="could not be reached"):
            await channel.send(make_message(), hook(f"http://127.0.0.1:{free_port()}/hook"), client=client)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/hook", "loopback"),
        ("http://127.1.2.3/hook", "loopback"),
        ("http://10.0.0.5/hook", "private"),
        ("http://192.168.1.20:8123/api/webhook/x", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:{port}/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/hook", "loopback"),
        ("http://[fd00::1]/hook", "private"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://0.0.0.0:{port}/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://localhost:{port}/hook", "loopback"),
    ],
)
async def test_private_addresses_are_refused_by_default(
    receiver: HttpReceiver, tmp_path: Path, url: str, reason: str
) -> None:
    channel = WebhookChannel(make_settings(tmp_path))
    async with httpx.AsyncClient() as client:
        with pytest.raises(PermanentError, match=reason):
            await channel.send(make_message(), hook(url.format(port=receiver.port)), client=client)
    assert receiver.received == []


async def test_the_setting_allows_loopback_by_address_and_by_name(receiver: HttpReceiver, tmp_path: Path) -> None:
    async with httpx.AsyncClient() as client:
        await allowing(tmp_path).send(make_message(), hook(f"http://127.0.0.1:{receiver.port}/a"), client=client)
        await allowing(tmp_path).send(make_message(), hook(f"http://localhost:{receiver.port}/b"), client=client)
    assert [r.path for r in receiver.received] == ["/a", "/b"]
    assert receiver.received[1].headers["host"] == f"localhost:{receiver.port}"
    assert [str(a) for a in await checked_addresses("http://10.0.0.5/", allow_private=True)] == ["10.0.0.5"]
    assert [str(a) for a in await checked_addresses("http://169.254.169.254/", allow_private=True)] == [
        "169.254.169.254"
    ]


async def test_urls_that_are_not_plain_http_are_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, WEBHOOK_ALLOW_PRIVATE=True)
    for url in ("file:///etc/passwd", "ftp://example.org/x", "http://user:pass@127.0.0.1/", "/relative"):
        with pytest.raises(PermanentError):
            await validate_webhook_url(url, settings=settings)
    with pytest.raises(PermanentError, match="private"):
        await validate_webhook_url("http://10.1.2.3/", settings=make_settings(tmp_path))
    with pytest.raises(TemporaryError):
        await validate_webhook_url("http://does-not-exist.invalid/", settings=settings)
    await validate_webhook_url("http://127.0.0.1:8080/hook", settings=settings)


def test_which_addresses_are_refused() -> None:
    def why(address: str) -> str | None:
        return refusal(ipaddress.ip_address(address))

    for public in ("8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:82b::200e"):
        assert why(public) is None, public
    assert why("::ffff:8.8.8.8") is None
    assert why("64:ff9b::808:808") is None  # NAT64 of 8.8.8.8
    assert why("172.16.0.1") == "private"
    assert why("100.64.0.1") is not None  # carrier-grade NAT
    assert why("192.0.2.1") is not None  # documentation
    assert why("255.255.255.255") is not None
    assert why("240.0.0.1") is not None
    assert why("::") == "unspecified"
    assert why("ff02::1") == "multicast"
    assert (why("::ffff:10.0.0.1") or "").startswith("private")
    assert (why("::ffff:169.254.169.254") or "").startswith("link-local")
    assert (why("64:ff9b::7f00:1") or "").startswith("loopback")  # NAT64 of 127.0.0.1
    assert (why("2002:7f00:1::") or "").startswith("loopback")  # 6to4 of 127.0.0.1
    assert why("2001:db8::1") is not None  # documentation


def resolving(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[list[str]]]) -> list[str]:
    """Make ``socket.getaddrinfo`` answer ``answers[host]``, one list of addresses per lookup (a name that changes
    its answer, as in DNS rebinding); returns the hosts looked up."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        looked_up.append(host)
        addresses = answers[host][min(len(looked_up), len(answers[host])) - 1]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port or 0)))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return looked_up


async def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    receiver: HttpReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up = resolving(monkeypatch, {"hook.example.test": [["127.0.0.1"], ["127.0.0.2"]]})
    async with httpx.AsyncClient() as client:
        await allowing(tmp_path).send(
            make_message(), hook(f"http://hook.example.test:{receiver.port}/pinned"), client=client
        )
    assert looked_up == ["hook.example.test"]
    [request] = receiver.received
    assert request.path == "/pinned"
    assert request.headers["host"] == f"hook.example.test:{receiver.port}"


async def test_a_name_with_any_private_address_is_refused(
    receiver: HttpReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolving(monkeypatch, {"mixed.example.test": [["93.184.216.34", "10.0.0.7"]]})
    async with httpx.AsyncClient() as client:
        with pytest.raises(PermanentError, match=r"private address \(10\.0\.0\.7\)"):
            await WebhookChannel(make_settings(tmp_path)).send(
                make_message(), hook("http://mixed.example.test/hook"), client=client
            )
    with pytest.raises(AddressRefused):
        await checked_addresses("https://mixed.example.test/", allow_private=False)


async def test_the_next_address_is_tried_when_the_first_cannot_be_connected(
    receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolving(monkeypatch, {"two.example.test": [["127.0.0.3", "127.0.0.1"]]})
    # Nothing listens on 127.0.0.3 at that port (the receiver is bound to 127.0.0.1 only).
    async with pinned_client(allow_private=True, timeout=5) as client:
        response = await client.get(f"http://two.example.test:{receiver.port}/second")
    assert response.status_code == 401  # the receiver answered (unsigned)
    assert [r.path for r in receiver.received] == ["/second"]


async def test_https_goes_to_the_checked_address_with_the_name_as_sni_and_for_the_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TLS receiver whose certificate names ``hook.example.test``: the connection to 127.0.0.1 must present that
    name (SNI) and verify the certificate against it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hook.example.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("hook.example.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_names: list[str | None] = []
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    server_context.sni_callback = lambda _socket, server_name, _context: server_names.append(server_name)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"host": self.headers["host"]}).encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    resolving(monkeypatch, {"hook.example.test": [["127.0.0.1"]]})
    client_context = ssl.create_default_context(cafile=str(cert_file))

    try:
        async with pinned_client(allow_private=True, timeout=5, verify=client_context) as client:
            response = await client.get(f"https://hook.example.test:{port}/")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 200
    assert response.json() == {"host": f"hook.example.test:{port}"}
    assert server_names == ["hook.example.test"]
