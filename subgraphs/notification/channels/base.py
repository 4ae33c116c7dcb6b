"""The one interface a notification channel implements, and what it is given.

A channel is registered under the Python entry point group ``fincloud.channels``; the entry point names a class (or
any callable) that is called with FinCloud's ``Settings`` and returns the channel. The built-in channels (email,
telegram, webpush, webhook) register the same way in ``pyproject.toml``, so Slack, ntfy or Matrix is one installed
package::

    [project.entry-points."fincloud.channels"]
    ntfy = "fincloud_ntfy:NtfyChannel"

The in-app inbox is not a plugin: every notification is kept (``notifications``) and shown there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx

__all__ = [
    "ENTRY_POINT_GROUP",
    "ChannelError",
    "Message",
    "NotificationChannel",
    "PermanentError",
    "Target",
    "TemporaryError",
]

ENTRY_POINT_GROUP = "fincloud.channels"


@dataclass(frozen=True, slots=True)
class Message:
    """One notification, as every channel renders it. ``data`` is the event's payload (stable keys, amounts as
    strings) for channels that send structured data (webhooks); the rest is for people."""

    notification_id: str
    event_id: str
    event_type: str
    """``budget.budget_threshold_exceeded``, ``portfolio.price_alert_triggered``, ..."""
    household_id: str
    occurred_at: dt.datetime
    title: str
    """One line, already formatted in the recipient's locale (amounts with their currency)."""
    body: str
    """Plain text, a few lines."""
    html: str
    """The same as HTML (email)."""
    url: str | None
    """Where in the app the user can see more, if anywhere."""
    locale: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send: a channel row as the plugin needs it."""

    channel_id: str
    kind: str
    config: Mapping[str, Any]
    """What the channel stored when it was set up: ``{"address": ...}``, ``{"chat_id": ...}``,
    ``{"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}}``, ``{"url": ...}``."""
    secret: str | None = None
    """A webhook's signing secret."""


class ChannelError(Exception):
    """A delivery did not happen."""


class TemporaryError(ChannelError):
    """Try again later: the receiver is down, timed out, answered 5xx or 429. ``retry_after`` (seconds) when the
    receiver said how long to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ChannelError):
    """Trying again will not help: the address is refused, the subscription is gone (HTTP 404/410), the URL is not
    allowed. The delivery is dead at once; ``deactivate`` asks for the channel to be switched off."""

    def __init__(self, message: str, *, deactivate: bool = False) -> None:
        super().__init__(message)
        self.deactivate = deactivate


@runtime_checkable
class NotificationChannel(Protocol):
    """A way of reaching a person.

    - ``kind``: stable identifier, equal to the entry point's name (``"email"``); stored as each channel's kind.
    - ``label``: what a person reads (``"Email"``).
    - ``send``: deliver ``message`` to ``target``; return normally only when the receiver accepted it; raise
      ``TemporaryError`` or ``PermanentError`` otherwise (never swallow a failure). ``client`` is shared, with the
      caller's timeouts; a channel that speaks another protocol (SMTP) ignores it.
    """

    kind: str
    label: str

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None: ...
