"""The email channel against a real SMTP server on loopback (aiosmtpd), and identity's emails through it."""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from arq import Retry

from fincloud.constants import TOPIC_EMAIL_REQUESTED
from fincloud.events import Event
from subgraphs.notification.channels.base import PermanentError, Target, TemporaryError
from subgraphs.notification.channels.email import EmailChannel, mail_from, message_id
from tests.subgraphs.notification.channels.support import OCCURRED, free_port, make_message, make_settings
from workers.dispatch import email_on_identity_request


@dataclass
class MailServer:
    """What the SMTP server received, and how it answers ``RCPT TO`` (``None``: accepted)."""

    port: int
    envelopes: list[Envelope] = field(default_factory=list)
    rcpt_reply: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str, options: Any) -> str:
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            raw = envelope.original_content or b""
            message = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (_text(data.login), _text(data.password)) == ("fincloud", "right")
    return AuthResult(success=ok, handled=False)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer(port=free_port())
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def channel_for(smtp: MailServer, tmp_path: Path, **settings: Any) -> EmailChannel:
    return EmailChannel(
        make_settings(
            tmp_path,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=smtp.port,
            MAIL_FROM="FinCloud <alerts@fincloud.example>",
            **settings,
        )
    )


def _lines(part: EmailMessage) -> str:
    """A part's text with the wire's CRLF line ends as ``\n``."""
    return str(part.get_content()).replace("\r\n", "\n")


TARGET = Target(channel_id="c1", kind="email", config={"address": "ada@example.org"})


async def test_an_email_carries_both_parts_and_a_message_id_that_a_retry_repeats(
    smtp: MailServer, tmp_path: Path
) -> None:
    channel = channel_for(smtp, tmp_path)
    message = make_message(
        title="Groceries: 80% of the March 2025 budget spent",
        body="€400.00 spent of €500.00; €100.00 left.\n\nCategory: Groceries",
        html="<p>€400.00 spent of <b>€500.00</b>.</p>",
    )
    async with httpx.AsyncClient() as client:
        await channel.send(message, TARGET, client=client)
        await channel.send(message, TARGET, client=client)  # a retry: the same notification again

    first, again = smtp.messages()
    assert smtp.envelopes[0].mail_from == "alerts@fincloud.example"
    assert smtp.envelopes[0].rcpt_tos == ["ada@example.org"]
    assert first["From"] == "FinCloud <alerts@fincloud.example>"
    assert first["To"] == "ada@example.org"
    assert first["Subject"] == "Groceries: 80% of the March 2025 budget spent"
    assert first["Message-ID"] == "<0190a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b@fincloud.example>"
    assert again["Message-ID"] == first["Message-ID"]
    assert first["List-Unsubscribe"] == "<https://fincloud.example/settings/notifications>"
    assert first["Auto-Submitted"] == "auto-generated"
    assert first["Date"]

    assert first.get_content_type() == "multipart/alternative"
    text, html = list(first.iter_parts())
    assert text.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    assert _lines(text) == (
        "€400.00 spent of €500.00; €100.00 left.\n\nCategory: Groceries\n\n"
        "-- \nNotification settings: https://fincloud.example/settings/notifications\n"
    )
    assert _lines(html).strip() == "<p>€400.00 spent of <b>€500.00</b>.</p>"


async def test_a_title_with_a_line_break_cannot_add_a_header(smtp: MailServer, tmp_path: Path) -> None:
    channel = channel_for(smtp, tmp_path)
    async with httpx.AsyncClient() as client:
        await channel.send(make_message(title="Café\r\nBcc: victim@example.org"), TARGET, client=client)
    [received] = smtp.messages()
    assert received["Subject"] == "Café Bcc: victim@example.org"
    assert received["Bcc"] is None
    assert smtp.envelopes[0].rcpt_tos == ["ada@example.org"]


async def test_the_servers_answer_decides_temporary_or_permanent(smtp: MailServer, tmp_path: Path) -> None:
    channel = channel_for(smtp, tmp_path)
    async with httpx.AsyncClient() as client:
        smtp.rcpt_reply = "550 5.1.1 No such user here"
        with pytest.raises(PermanentError, match="550"):
            await channel.send(make_message(), TARGET, client=client)
        smtp.rcpt_reply = "451 4.3.0 Try again later"
        with pytest.raises(TemporaryError, match="451"):
            await channel.send(make_message(), TARGET, client=client)
        with pytest.raises(PermanentError, match="not an email address"):
            await channel.send(make_message(), Target("c2", "email", {"address": "nobody"}), client=client)
    assert smtp.envelopes == []


async def test_a_server_that_cannot_be_reached_or_refuses_our_login_is_temporary(
    smtp: MailServer, tmp_path: Path
) -> None:
    async with httpx.AsyncClient() as client:
        closed = EmailChannel(make_settings(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port()))
        with pytest.raises(TemporaryError, match="could not be reached"):
            await closed.send(make_message(), TARGET, client=client)

        wrong = channel_for(smtp, tmp_path, SMTP_USERNAME="fincloud", SMTP_PASSWORD="wrong")
        with pytest.raises(TemporaryError, match="credentials"):
            await wrong.send(make_message(), TARGET, client=client)
        assert smtp.envelopes == []

        right = channel_for(smtp, tmp_path, SMTP_USERNAME="fincloud", SMTP_PASSWORD="right")
        await right.send(make_message(), TARGET, client=client)
        assert len(smtp.envelopes) == 1

        unconfigured = EmailChannel(make_settings(tmp_path))
        assert not unconfigured.configured
        with pytest.raises(TemporaryError, match="SMTP_HOST"):
            await unconfigured.send(make_message(), TARGET, client=client)


def test_the_sender_defaults_to_the_public_host_and_names_the_message_id(tmp_path: Path) -> None:
    assert mail_from(make_settings(tmp_path)) == "FinCloud <noreply@fincloud.example>"
    assert message_id("abc-123", "FinCloud <noreply@fincloud.example>") == "<abc-123@fincloud.example>"


def identity_event(template: str, token: str = "tok_3x4mpl3") -> tuple[uuid.UUID, str]:
    event_id = uuid.uuid4()
    return event_id, Event(
        id=event_id,
        topic=TOPIC_EMAIL_REQUESTED,
        household_id=None,
        occurred_at=OCCURRED,
        payload={"to": "grace@example.org", "template": template, "token": token},
    ).to_json()


async def test_identitys_email_goes_out_with_its_link_and_without_unsubscribing(
    smtp: MailServer, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    event_id, event_json = identity_event("reset_password", token="tok_a+b/c")
    assert await email_on_identity_request({"settings": settings, "job_try": 1}, event_json) is True

    [received] = smtp.messages()
    assert smtp.envelopes[0].rcpt_tos == ["grace@example.org"]
    assert received["Subject"] == "Reset your FinCloud password"
    assert received["Message-ID"] == f"<{event_id}@fincloud.example>"
    assert received["List-Unsubscribe"] is None
    text, html = list(received.iter_parts())
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    link = "https://fincloud.example/reset-password?token=tok_a%2Bb%2Fc"
    assert f"Choose a new password: {link}" in _lines(text)
    assert f'href="{link.replace("&", "&amp;")}"' in _lines(html)
    assert "Notification settings" not in _lines(text)


async def test_identitys_email_is_logged_without_smtp_and_retried_when_the_server_defers(
    smtp: MailServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _, event_json = identity_event("verify_email")
    unconfigured = make_settings(tmp_path)
    with caplog.at_level("INFO", logger="workers.dispatch"):
        assert await email_on_identity_request({"settings": unconfigured, "job_try": 1}, event_json) is False
    assert "no SMTP server is configured" in caplog.text
    assert "tok_3x4mpl3" not in caplog.text

    settings = make_settings(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    smtp.rcpt_reply = "452 4.2.2 Mailbox full"
    with pytest.raises(Retry) as retry:
        await email_on_identity_request({"settings": settings, "job_try": 2}, event_json)
    assert retry.value.defer_score == 60_000

    smtp.rcpt_reply = "550 5.1.1 No such user"
    assert await email_on_identity_request({"settings": settings, "job_try": 3}, event_json) is False
    assert smtp.envelopes == []
