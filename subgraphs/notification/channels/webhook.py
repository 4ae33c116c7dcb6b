"""Webhooks: each notification POSTed as JSON to the channel's URL, signed with the channel's secret.

The body::

    {"version": 1, "id": "<notification id>", "event": "budget.budget_threshold_exceeded",
     "occurredAt": "2025-03-04T12:00:00.000Z", "householdId": "<uuid>", "data": {...the event's payload...}}

and the headers ``X-FinCloud-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the
secret>``, ``X-FinCloud-Event: <event>`` and ``X-FinCloud-Delivery: <notification id>`` (the same on every retry,
so that a receiver can drop duplicates). ``docs/WEBHOOKS.md`` shows a receiver checking them.

The URL is a user's choice, so it is held to the guard of ``_outbound``: its host must resolve to public addresses
only (``WEBHOOK_ALLOW_PRIVATE`` lifts that), the request goes to the address that was checked, and redirects are
never followed. The receiver's answer decides the outcome: 2xx is delivered; 408, 429, 5xx, a timeout
(``WEBHOOK_TIMEOUT_SECONDS``) or a network failure is a ``TemporaryError`` (retried with backoff); a redirect or
another 4xx a ``PermanentError`` (410 Gone also switches the channel off).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

import httpx

from fincloud.config import Settings
from fincloud.events import dumps
from subgraphs.notification.channels._outbound import AddressRefused, checked_addresses, pinned_client
from subgraphs.notification.channels.base import Message, PermanentError, Target, TemporaryError

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "PAYLOAD_VERSION",
    "SIGNATURE_HEADER",
    "SIGNATURE_TOLERANCE_SECONDS",
    "WebhookChannel",
    "sign",
    "validate_webhook_url",
    "verify_signature",
    "webhook_body",
]

PAYLOAD_VERSION = 1
SIGNATURE_HEADER = "X-FinCloud-Signature"
EVENT_HEADER = "X-FinCloud-Event"
DELIVERY_HEADER = "X-FinCloud-Delivery"
SIGNATURE_TOLERANCE_SECONDS = 300
"""Receivers should refuse signatures older than this (a replayed request)."""
USER_AGENT = "FinCloud-Webhook/1"


def webhook_body(message: Message) -> bytes:
    """The JSON a receiver gets (amounts stay decimal strings, as in the event)."""
    occurred = message.occurred_at if message.occurred_at.tzinfo else message.occurred_at.replace(tzinfo=dt.UTC)
    return dumps(
        {
            "version": PAYLOAD_VERSION,
            "id": message.notification_id,
            "event": message.event_type,
            "occurredAt": occurred.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "householdId": message.household_id,
            "data": dict(message.data),
        }
    ).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-FinCloud-Signature`` value: ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance: int = SIGNATURE_TOLERANCE_SECONDS, now: float | None = None
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is at most ``tolerance`` seconds old."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))


async def validate_webhook_url(url: str, *, settings: Settings) -> None:
    """Check a URL before it is saved: ``PermanentError`` when FinCloud would refuse to send there (not http(s),
    credentials in it, or a host with a private address), ``TemporaryError`` when its host does not resolve now."""
    try:
        await checked_addresses(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE, within=5.0)
    except AddressRefused as exc:
        raise PermanentError(str(exc)) from exc
    except httpx.HTTPError as exc:
        raise TemporaryError(str(exc)) from exc
    except ValueError as exc:  # not a URL at all
        raise PermanentError(f"not a URL: {exc}") from exc


class WebhookChannel:
    kind = "webhook"
    label = "Webhook"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None:
        """POST ``message`` to ``target.config["url"]`` signed with ``target.secret``. ``client`` is not used: the
        request goes through a client of its own, pinned to the checked address, with ``WEBHOOK_TIMEOUT_SECONDS``."""
        url = target.config.get("url")
        if not isinstance(url, str) or not url:
            raise PermanentError("the webhook has no URL")
        if not target.secret:
            raise PermanentError("the webhook has no signing secret")
        body = webhook_body(message)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(target.secret, int(time.time()), body),
            EVENT_HEADER: message.event_type,
            DELIVERY_HEADER: message.notification_id,
        }
        settings = self._settings
        try:
            async with pinned_client(
                allow_private=settings.WEBHOOK_ALLOW_PRIVATE, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
            ) as pinned:
                response = await pinned.post(url, content=body, headers=headers)
        except AddressRefused as exc:
            raise PermanentError(f"webhook URL refused: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise TemporaryError(
                f"the webhook receiver did not answer within {settings.WEBHOOK_TIMEOUT_SECONDS:g} s"
            ) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise PermanentError(f"the webhook URL is not valid: {exc}") from exc
        except httpx.HTTPError as exc:
            raise TemporaryError(f"the webhook receiver could not be reached: {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if 200 <= status < 300:
            return
        what = f"the webhook receiver answered {status}"
        if 300 <= status < 400:
            raise PermanentError(
                f"{what} (a redirect, to {response.headers.get('location', '?')[:200]!r}; redirects are not followed)"
            )
        if status in (408, 429) or status >= 500:
            raise TemporaryError(what, retry_after=_retry_after(response))
        raise PermanentError(what, deactivate=status == 410)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
