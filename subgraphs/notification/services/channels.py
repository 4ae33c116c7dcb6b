"""A user's channels, preferences and delivery settings: adding and proving channels, linking Telegram chats,
choosing where each event type goes. Keyword-only async functions; no GraphQL here. Callers own the transaction.

(The channel *plugins*, which send, live in ``subgraphs.notification.channels``; this module keeps the rows.)

Proving a channel reaches its owner
-----------------------------------
- Email: verified at once when the address is the one identity verified for the member; otherwise a
  ``notification.channel_verification_requested`` event makes the worker mail a six-digit code
  (``issue_verification_code``), valid for a day, which ``verify_channel`` checks. Only the code's hash is kept
  (``link_token``: ``code:<expiry>:<sha256>``); wrong codes are limited per channel by the caller.
- Telegram: a fresh random token in a deep link (``t.me/<bot>?start=<token>``); the bot receives ``/start
  <token>`` and ``link_telegram_chat`` attaches the chat to the channel whose ``link_token`` holds that token's hash
  (``tg:<sha256>``), marks it verified and forgets the token. A leaked database therefore links nobody's chat.
- Webhook and WebPush: verified when added (the user pasted the URL, or the browser gave the subscription);
  a webhook gets a signing secret, shown once.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from babel import Locale, UnknownLocaleError
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.config import Settings
from fincloud.constants import TOPIC_CHANNEL_VERIFICATION_REQUESTED
from fincloud.db import utcnow
from fincloud.events import write_event
from subgraphs.notification.channels.base import PermanentError, TemporaryError
from subgraphs.notification.channels.webhook import validate_webhook_url
from subgraphs.notification.models import Channel, Preference, UserSettings, outbox
from subgraphs.notification.services.dispatch import DEFAULT_HOURLY_CAP, effective_settings
from subgraphs.notification.services.members import member

__all__ = [
    "CODE_TTL",
    "KIND_LABELS",
    "ChannelInputError",
    "channel_of",
    "create_email_channel",
    "create_telegram_channel",
    "create_webhook_channel",
    "create_webpush_channel",
    "issue_verification_code",
    "link_telegram_chat",
    "preferences_of",
    "set_preference",
    "settings_of",
    "update_settings",
    "verify_channel",
]

KIND_LABELS = {"email": "Email", "telegram": "Telegram", "webpush": "Browser notifications", "webhook": "Webhook"}
"""What people read for each built-in kind (a third party's kind shows as its name)."""

CODE_TTL = dt.timedelta(days=1)
"""How long an emailed verification code works."""
MAX_NAME = 200
MAX_ADDRESS = 320
MAX_URL = 2000
MAX_HOURLY_CAP = 1000
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class ChannelInputError(ValueError):
    """Input the caller must change; ``field`` names it (``address``, ``url``, ``code``, ...)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _name(name: str | None, default: str) -> str:
    cleaned = " ".join((name or "").split())
    if len(cleaned) > MAX_NAME:
        raise ChannelInputError(f"use at most {MAX_NAME} characters", field="name")
    return cleaned or default


async def channel_of(
    *, session: AsyncSession, channel_id: uuid.UUID | None, user_id: uuid.UUID, household_ids: Sequence[uuid.UUID]
) -> Channel | None:
    """The user's own channel in one of their households; ``None`` for anyone else's (it looks missing)."""
    if channel_id is None or not household_ids:
        return None
    result: Channel | None = await session.scalar(
        select(Channel)
        .where(Channel.id == channel_id, Channel.user_id == user_id, Channel.household_id.in_(household_ids))
        .with_for_update()
    )
    return result


# ---------------------------------------------------------------------------------------------------------------
# Adding channels.


async def create_email_channel(
    *, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID, address: str, name: str | None = None
) -> Channel:
    """An email channel. Verified at once when ``address`` is the member's verified address at identity; otherwise
    unverified, with an event asking the worker to mail it a code."""
    address = address.strip()
    if len(address) > MAX_ADDRESS or not _EMAIL.match(address):
        raise ChannelInputError("enter an email address such as ada@example.org", field="address")
    known = await member(session=session, household_id=household_id, user_id=user_id)
    verified = bool(known and known.email_verified and known.email.casefold() == address.casefold())
    channel = Channel(
        household_id=household_id,
        user_id=user_id,
        kind="email",
        name=_name(name, address),
        config={"address": address},
        verified=verified,
        active=True,
        created_at=utcnow(),
    )
    session.add(channel)
    await session.flush()
    if not verified:
        await write_event(
            session,
            outbox,
            topic=TOPIC_CHANNEL_VERIFICATION_REQUESTED,
            household_id=household_id,
            payload={"channel_id": channel.id},
        )
    return channel


async def create_webhook_channel(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    user_id: uuid.UUID,
    url: str,
    settings: Settings,
    name: str | None = None,
) -> tuple[Channel, str]:
    """A webhook channel and its signing secret (returned here only; receivers check signatures with it). The URL
    must be one FinCloud would send to (``validate_webhook_url``: http(s), no credentials, a public host)."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise ChannelInputError(f"use at most {MAX_URL} characters", field="url")
    try:
        await validate_webhook_url(url, settings=settings)
    except PermanentError as exc:
        raise ChannelInputError(str(exc), field="url") from None
    except TemporaryError as exc:
        raise ChannelInputError(
            f"the address cannot be reached now ({exc}); check it and try again", field="url"
        ) from None
    secret = "whsec_" + secrets.token_urlsafe(32)
    channel = Channel(
        household_id=household_id,
        user_id=user_id,
        kind="webhook",
        name=_name(name, httpx.URL(url).host or "Webhook"),
        config={"url": url},
        secret=secret,
        verified=True,
        active=True,
        created_at=utcnow(),
    )
    session.add(channel)
    await session.flush()
    return channel, secret


def _b64url_bytes(value: object, *, field: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise ChannelInputError("the browser subscription lacks its keys (p256dh, auth)", field=field)
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ChannelInputError("the browser subscription's keys are not base64url", field=field) from None


async def create_webpush_channel(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    user_id: uuid.UUID,
    subscription: Mapping[str, Any],
    settings: Settings,
    name: str | None = None,
) -> Channel:
    """A browser's push subscription (``PushSubscription.toJSON()``: ``endpoint`` and ``keys.p256dh``,
    ``keys.auth``). Whether the endpoint may be reached is checked at each send (its address can change)."""
    field = "subscription"
    endpoint = subscription.get("endpoint") if isinstance(subscription, Mapping) else None
    if not isinstance(endpoint, str) or len(endpoint) > MAX_URL:
        raise ChannelInputError("the browser subscription has no endpoint", field=field)
    url = httpx.URL(endpoint)
    allowed = ("https", "http") if settings.WEBPUSH_ALLOW_PRIVATE else ("https",)
    if url.scheme not in allowed or not url.host:
        raise ChannelInputError("the push endpoint must be an https URL", field=field)
    keys = subscription.get("keys")
    keys = keys if isinstance(keys, Mapping) else {}
    p256dh = _b64url_bytes(keys.get("p256dh"), field=field)
    auth = _b64url_bytes(keys.get("auth"), field=field)
    if len(p256dh) != 65 or p256dh[0] != 4 or len(auth) != 16:
        raise ChannelInputError("the browser subscription's keys are not a P-256 key and a 16-byte secret", field=field)
    channel = Channel(
        household_id=household_id,
        user_id=user_id,
        kind="webpush",
        name=_name(name, f"Browser ({url.host})"),
        config={"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}},
        verified=True,
        active=True,
        created_at=utcnow(),
    )
    session.add(channel)
    await session.flush()
    return channel


async def create_telegram_channel(
    *, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID, name: str | None = None
) -> tuple[Channel, str]:
    """A Telegram channel waiting for its chat, and the start token for its deep link (returned here only)."""
    token = secrets.token_urlsafe(24)
    channel = Channel(
        household_id=household_id,
        user_id=user_id,
        kind="telegram",
        name=_name(name, "Telegram"),
        config={},
        verified=False,
        active=True,
        link_token="tg:" + _digest(token),
        created_at=utcnow(),
    )
    session.add(channel)
    await session.flush()
    return channel, token


async def link_telegram_chat(*, session: AsyncSession, token: str, chat_id: int) -> Channel | None:
    """Attach ``chat_id`` to the Telegram channel waiting with ``token``; it is verified and the token forgotten.
    ``None`` for a token no channel waits with (used, or never issued)."""
    channel = await session.scalar(
        select(Channel)
        .where(Channel.link_token == "tg:" + _digest(token), Channel.kind == "telegram")
        .with_for_update()
    )
    if channel is None:
        return None
    channel.config = {**(channel.config or {}), "chat_id": chat_id}
    channel.verified = True
    channel.link_token = None
    await session.flush()
    return channel


# ---------------------------------------------------------------------------------------------------------------
# Email verification codes.


def _code_hash(channel_id: uuid.UUID, code: str) -> str:
    return _digest(f"{channel_id}:{code}")


async def issue_verification_code(
    *, session: AsyncSession, channel_id: uuid.UUID, now: dt.datetime | None = None
) -> tuple[Channel, str] | None:
    """A new code for an unverified email channel (the previous one stops working), to be mailed to its address
    after commit; ``None`` for a channel that is gone or verified."""
    channel = await session.get(Channel, channel_id, with_for_update=True)
    if channel is None or channel.verified or channel.kind != "email":
        return None
    code = f"{secrets.randbelow(1_000_000):06d}"
    expires = int(((now or utcnow()) + CODE_TTL).timestamp())
    channel.link_token = f"code:{expires}:{_code_hash(channel.id, code)}"
    await session.flush()
    return channel, code


def verify_channel(*, channel: Channel, code: str, now: dt.datetime | None = None) -> None:
    """Mark an email channel verified if ``code`` is the one last mailed to it and still valid; otherwise
    ``ChannelInputError`` (field ``code``). A verified channel stays verified."""
    if channel.verified:
        return
    if channel.kind != "email":
        raise ChannelInputError("only email channels are verified with a code", field="id")
    stored = channel.link_token or ""
    kind, _, rest = stored.partition(":")
    expires, _, digest = rest.partition(":")
    code = code.strip()
    if kind != "code" or not expires.isdigit() or not digest:
        raise ChannelInputError("no code was sent to this channel yet; wait for the email", field="code")
    if int(expires) < (now or utcnow()).timestamp():
        raise ChannelInputError("the code expired; remove the channel and add it again for a new one", field="code")
    if not hmac.compare_digest(digest, _code_hash(channel.id, code)):
        raise ChannelInputError("that is not the code we sent", field="code")
    channel.verified = True
    channel.link_token = None


# ---------------------------------------------------------------------------------------------------------------
# Preferences and settings.


async def preferences_of(
    *, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID
) -> dict[str, Preference]:
    """The user's preferences in the household, by event type (an event type without one uses its default)."""
    rows = await session.scalars(
        select(Preference).where(Preference.household_id == household_id, Preference.user_id == user_id)
    )
    return {row.event_type: row for row in rows}


async def set_preference(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    user_id: uuid.UUID,
    event_type: str,
    channel_ids: Sequence[uuid.UUID] | None,
    inbox: bool,
) -> Preference | None:
    """Send ``event_type`` to these channels (and the inbox, or not). ``channel_ids=None`` removes the preference:
    the event type's default applies again (``None`` is returned). Every channel must be the user's own in the
    household (``ChannelInputError`` on ``channelIds`` otherwise); a channel switched off or not yet verified may
    be listed and receives nothing until it is on and verified."""
    if channel_ids is None:
        await session.execute(
            delete(Preference).where(
                Preference.household_id == household_id,
                Preference.user_id == user_id,
                Preference.event_type == event_type,
            )
        )
        return None
    wanted = list(dict.fromkeys(channel_ids))
    if wanted:
        owned = set(
            await session.scalars(
                select(Channel.id).where(
                    Channel.id.in_(wanted), Channel.user_id == user_id, Channel.household_id == household_id
                )
            )
        )
        if owned != set(wanted):
            raise ChannelInputError("no such channel", field="channelIds")
    statement = insert(Preference).values(
        household_id=household_id, user_id=user_id, event_type=event_type, channel_ids=wanted, inbox=inbox
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Preference.household_id, Preference.user_id, Preference.event_type],
            set_={"channel_ids": statement.excluded.channel_ids, "inbox": statement.excluded.inbox},
        )
    )
    preference: Preference | None = await session.get(
        Preference, (household_id, user_id, event_type), populate_existing=True
    )
    return preference


async def settings_of(*, session: AsyncSession, user_id: uuid.UUID) -> UserSettings:
    """The user's delivery settings (the defaults, unsaved, when they never chose)."""
    return effective_settings(await session.get(UserSettings, user_id), user_id)


async def update_settings(*, session: AsyncSession, user_id: uuid.UUID, changes: Mapping[str, Any]) -> UserSettings:
    """Change the settings given in ``changes`` (``time_zone``, ``locale``, ``quiet_start``, ``quiet_end``,
    ``hourly_cap``) and keep the rest; ``ChannelInputError`` names the first bad one, and nothing changes."""
    row = await session.get(UserSettings, user_id, with_for_update=True)
    current = effective_settings(row, user_id)
    values: dict[str, Any] = {
        "time_zone": current.time_zone,
        "locale": current.locale,
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "hourly_cap": current.hourly_cap if current.hourly_cap is not None else DEFAULT_HOURLY_CAP,
    }
    values.update(changes)
    if "time_zone" in changes:
        zone = str(values["time_zone"] or "").strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ChannelInputError("use a time zone such as Europe/Berlin", field="timeZone") from None
        values["time_zone"] = zone
    if "locale" in changes:
        tag = str(values["locale"] or "").strip()
        try:
            Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            raise ChannelInputError("use a locale such as en, de-DE or fr-CH", field="locale") from None
        values["locale"] = tag
    if (values["quiet_start"] is None) != (values["quiet_end"] is None):
        field = "quietEnd" if values["quiet_end"] is None else "quietStart"
        raise ChannelInputError("give both ends of the quiet hours, or neither", field=field)
    for key in ("quiet_start", "quiet_end"):
        moment = values[key]
        if moment is not None:
            values[key] = moment.replace(second=0, microsecond=0, tzinfo=None)
    cap = values["hourly_cap"]
    if not isinstance(cap, int) or not 1 <= cap <= MAX_HOURLY_CAP:
        raise ChannelInputError(f"use a number from 1 to {MAX_HOURLY_CAP}", field="hourlyCap")
    if row is None:
        row = UserSettings(user_id=user_id, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    await session.flush()
    return row
