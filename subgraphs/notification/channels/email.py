"""Email over SMTP (``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USERNAME``/``SMTP_PASSWORD``, ``SMTP_TLS`` or
``SMTP_STARTTLS``, sender ``MAIL_FROM``), sent with aiosmtplib.

Each email is ``multipart/alternative``: the plain-text body, then the HTML. Its ``Message-ID`` is derived from the
notification's id (``<notification id>@<sender's domain>``), so a retried send carries the same id and a mail system
that saw it already can recognise it. Notification emails carry ``List-Unsubscribe`` with the app's notification
settings page; all carry ``Auto-Submitted: auto-generated`` so that nobody's autoresponder answers them.

The SMTP server's answer decides the outcome: a 4xx reply, a refused or dropped connection or a timeout is a
``TemporaryError``; a 5xx reply (the address refused, the message rejected) a ``PermanentError``. An authentication
failure is temporary although it is a 5xx: it is FinCloud's configuration, not the recipient, that is wrong, and the
email can leave once it is fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib
import httpx

from fincloud.config import Settings
from subgraphs.notification.channels.base import Message, PermanentError, Target, TemporaryError
from subgraphs.notification.templates import NOTIFICATION_SETTINGS_PATH

__all__ = ["EmailChannel", "mail_from", "message_id"]

_SPACE = re.compile(r"[^\S\u00a0\u2007\u2009\u202f]+")
"""Runs of white space, line breaks included, but not the no-break spaces that locales put in amounts."""


def mail_from(settings: Settings) -> str:
    """The sender: ``MAIL_FROM``, else ``FinCloud <noreply@<host of PUBLIC_URL>>``."""
    if settings.MAIL_FROM:
        return settings.MAIL_FROM
    host = httpx.URL(settings.public_url).host or "localhost"
    return str(Address("FinCloud", "noreply", host))


def message_id(notification_id: str, sender: str) -> str:
    """``<notification id>@<domain of the sender>``: the same for every attempt at one notification."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "fincloud.invalid"
    local = re.sub(r"[^A-Za-z0-9.\-]", "", notification_id) or "notification"
    return f"<{local}@{domain}>"


class EmailChannel:
    kind = "email"
    label = "Email"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.sender = mail_from(settings)

    @property
    def configured(self) -> bool:
        """Whether an SMTP server is set; without one, nothing can be sent."""
        return bool(self._settings.SMTP_HOST)

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None:
        """Email ``message`` to the channel's ``address`` (``client`` is not used: this is SMTP)."""
        await self.deliver(message, str(target.config.get("address") or ""), unsubscribe=True)

    async def deliver(self, message: Message, address: str, *, unsubscribe: bool = True) -> None:
        """Email ``message`` to ``address``; ``unsubscribe`` adds the ``List-Unsubscribe`` header and the settings
        link (notifications, not identity's account emails)."""
        settings = self._settings
        if not settings.SMTP_HOST:
            raise TemporaryError("no SMTP server is configured (FINCLOUD_SMTP_HOST)")
        email = self.compose(message, address, unsubscribe=unsubscribe)
        try:
            await aiosmtplib.send(
                email,
                hostname=settings.SMTP_HOST,
                port=settings.SMTP_PORT,
                username=settings.SMTP_USERNAME or None,
                password=settings.SMTP_PASSWORD.get_secret_value() or None,
                use_tls=settings.SMTP_TLS,
                start_tls=None if settings.SMTP_TLS else settings.SMTP_STARTTLS,
                timeout=settings.SMTP_TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            detail = "; ".join(f"{refused.code} {refused.message}" for refused in exc.recipients)
            if codes and all(code >= 500 for code in codes):
                raise PermanentError(f"the mail server refused the address: {detail}") from exc
            raise TemporaryError(f"the mail server deferred the address: {detail}") from exc
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise TemporaryError(f"the mail server refused FinCloud's credentials: {exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentError(f"the mail server refused the email: {exc.code} {exc.message}") from exc
            raise TemporaryError(f"the mail server deferred the email: {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TemporaryError(f"the mail server could not be reached: {exc}") from exc

    def compose(self, message: Message, address: str, *, unsubscribe: bool = True) -> EmailMessage:
        """The email for ``message``: ``multipart/alternative`` (text, then HTML), with its headers."""
        to = _address(address)
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = to
        email["Subject"] = _SPACE.sub(" ", message.title).strip() or "FinCloud"
        email["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        email["Message-ID"] = message_id(message.notification_id, self.sender)
        email["Auto-Submitted"] = "auto-generated"
        email["X-Auto-Response-Suppress"] = "All"
        text = message.body
        if unsubscribe:
            settings_url = f"{self._settings.public_url}{NOTIFICATION_SETTINGS_PATH}"
            email["List-Unsubscribe"] = f"<{settings_url}>"
            text = f"{text}\n\n-- \nNotification settings: {settings_url}"
        email.set_content(text)
        email.add_alternative(message.html, subtype="html")
        return email


def _address(value: str) -> str:
    """A single mailbox (``name@example.org``); anything else is refused for good."""
    if not value or any(char in value for char in "\r\n\0"):
        raise PermanentError("the channel has no valid email address")
    _name, mailbox = parseaddr(value)
    if not mailbox or "@" not in mailbox or mailbox.startswith("@") or mailbox.endswith("@"):
        raise PermanentError(f"{value!r} is not an email address")
    return value
