"""Telegram, through a bot: the Bot API over HTTPS (``TELEGRAM_BOT_TOKEN``; ``TELEGRAM_API_URL`` so that tests
point it at a local server).

A notification is one ``sendMessage`` with ``parse_mode=HTML``: the title in bold, the summary line, a link to the
app. Telegram's answer decides the outcome: 429 is a ``TemporaryError`` carrying Telegram's ``retry_after``; a
blocked bot (403) or a chat that no longer exists (400 "chat not found") a ``PermanentError`` that switches the
channel off; 5xx and network failures are temporary. A token Telegram refuses (401, 404) is FinCloud's
configuration and temporary too.

Linking a chat: the web app shows ``deep_link(bot, channel.link_token)``; opening it starts a chat with the bot,
which receives ``/start <token>``. A cron job reads those with ``telegram_updates`` and attaches each chat to the
channel holding that ``link_token``. The bot token is part of every Bot API URL; it is kept out of log lines
(httpx logs each request's URL) and error messages.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import httpx

from fincloud.config import Settings
from subgraphs.notification.channels.base import ChannelError, Message, PermanentError, Target, TemporaryError

__all__ = [
    "LinkRequest",
    "TelegramChannel",
    "Updates",
    "bot_username",
    "deep_link",
    "send_html",
    "telegram_text",
    "telegram_updates",
]

MAX_TEXT = 4096
"""The longest message Telegram sends (after entities are parsed)."""

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""What Telegram allows as a deep link's ``start`` parameter."""
_START = re.compile(r"^/start(?:@[A-Za-z0-9_]+)?\s+([A-Za-z0-9_-]{1,64})\s*$")
_BOT_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+/")


class LinkRequest(NamedTuple):
    """A ``/start <token>`` someone sent the bot: link ``chat_id`` to the channel holding ``token``."""

    chat_id: int
    token: str
    update_id: int


class Updates(list[LinkRequest]):
    """The link requests of one ``getUpdates``, and ``next_offset``: the offset to ask with next time, past every
    update read (a ``/start`` or not), so that Telegram forgets them."""

    def __init__(self, requests: list[LinkRequest], *, next_offset: int) -> None:
        super().__init__(requests)
        self.next_offset = next_offset


def deep_link(bot_username: str, token: str) -> str:
    """``https://t.me/<bot>?start=<token>``: opens the bot's chat, which sends ``/start <token>`` when started."""
    if not _TOKEN.match(token):
        raise ValueError("a Telegram start token is 1 to 64 letters, digits, '_' or '-'")
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def telegram_text(message: Message) -> str:
    """The title in bold, the summary (the body's first line), and a link to the app; HTML-escaped."""
    title = _escape(_clip(message.title, 300))
    summary = _escape(_clip(message.body.split("\n", 1)[0], 1500))
    text = f"<b>{title}</b>"
    if summary:
        text += f"\n{summary}"
    if message.url and message.url.startswith(("https://", "http://")) and len(message.url) < 2000:
        text += f'\n<a href="{_escape(message.url, attribute=True)}">Open in FinCloud</a>'
    return text[:MAX_TEXT]


class TelegramChannel:
    kind = "telegram"
    label = "Telegram"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        _redact_bot_token_in_httpx_logs()

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None:
        chat_id = target.config.get("chat_id")
        if chat_id in (None, ""):
            raise PermanentError("the Telegram chat is not linked yet")
        await send_html(client, self._settings, chat_id=chat_id, text=telegram_text(message))


async def send_html(client: httpx.AsyncClient, settings: Settings, *, chat_id: int | str, text: str) -> None:
    """``sendMessage`` with ``parse_mode=HTML`` (``text`` already escaped), no link previews."""
    await _call(
        client,
        settings,
        "sendMessage",
        {"chat_id": chat_id, "text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}},
    )


async def telegram_updates(client: httpx.AsyncClient, settings: Settings, offset: int) -> Updates:
    """The ``/start <token>`` messages the bot received since ``offset`` (``getUpdates``, no long polling).

    Pass the result's ``next_offset`` the next time: Telegram then forgets everything read this time, including
    messages that were not ``/start`` (it keeps unread updates for 24 hours). Raises ``TemporaryError`` when Telegram
    cannot be asked (and with 409 while a webhook is set for the bot or another poller is reading)."""
    result = await _call(
        client, settings, "getUpdates", {"offset": offset, "timeout": 0, "limit": 100, "allowed_updates": ["message"]}
    )
    requests: list[LinkRequest] = []
    next_offset = offset
    for update in result if isinstance(result, list) else []:
        if not isinstance(update, Mapping) or not isinstance(update.get("update_id"), int):
            continue
        update_id = update["update_id"]
        next_offset = max(next_offset, update_id + 1)
        message = update.get("message")
        if not isinstance(message, Mapping):
            continue
        chat = message.get("chat")
        text = message.get("text")
        if not (isinstance(chat, Mapping) and isinstance(chat.get("id"), int) and isinstance(text, str)):
            continue
        found = _START.match(text.strip())
        if found:
            requests.append(LinkRequest(chat_id=chat["id"], token=found.group(1), update_id=update_id))
    return Updates(requests, next_offset=next_offset)


async def bot_username(client: httpx.AsyncClient, settings: Settings) -> str:
    """The bot's ``@username`` without the ``@`` (``getMe``), for ``deep_link``."""
    result = await _call(client, settings, "getMe", {})
    if not isinstance(result, Mapping) or not isinstance(result.get("username"), str):
        raise TemporaryError("Telegram's getMe answered without a username")
    return str(result["username"])


async def _call(client: httpx.AsyncClient, settings: Settings, method: str, params: Mapping[str, Any]) -> Any:
    token = settings.TELEGRAM_BOT_TOKEN.get_secret_value()
    if not token:
        raise TemporaryError("no Telegram bot is configured (FINCLOUD_TELEGRAM_BOT_TOKEN)")
    url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{token}/{method}"
    try:
        response = await client.post(url, json=params)
    except httpx.TimeoutException:
        raise TemporaryError(f"Telegram's {method} timed out") from None
    except httpx.HTTPError as exc:  # ``from None``: the request in the chain holds the token
        raise TemporaryError(
            f"Telegram could not be reached: {type(exc).__name__}: {_redacted(str(exc), token)}"
        ) from None
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, Mapping):
        data = {}
    if response.status_code == 200 and data.get("ok") is True:
        return data.get("result")
    code = data.get("error_code") if isinstance(data.get("error_code"), int) else response.status_code
    description = _redacted(str(data.get("description") or response.reason_phrase), token)
    parameters = data.get("parameters") if isinstance(data.get("parameters"), Mapping) else {}
    what = f"Telegram refused {method}: {code} {description}"
    raise _classify(code, description, parameters, what, response)


def _classify(
    code: int, description: str, parameters: Mapping[str, Any], what: str, response: httpx.Response
) -> ChannelError:
    if code == 429:
        retry_after = parameters.get("retry_after")
        if not isinstance(retry_after, int | float):
            header = response.headers.get("retry-after", "")
            retry_after = float(header) if header.isdigit() else None
        return TemporaryError(what, retry_after=float(retry_after) if retry_after is not None else None)
    if code >= 500 or code in (401, 404, 409):
        return TemporaryError(what)
    if code == 403:  # "bot was blocked by the user", "bot was kicked", "user is deactivated"
        return PermanentError(what, deactivate=True)
    if code == 400 and ("chat not found" in description.lower() or parameters.get("migrate_to_chat_id")):
        # Gone, or a group that became a supergroup (a new chat id): the chat has to be linked again.
        return PermanentError(what, deactivate=True)
    return PermanentError(what)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str, *, attribute: bool = False) -> str:
    """Telegram's HTML: ``&``, ``<`` and ``>`` as entities (and ``"`` inside an attribute)."""
    escaped = html.escape(text, quote=False)
    return escaped.replace('"', "&quot;") if attribute else escaped


def _redacted(text: str, token: str) -> str:
    return text.replace(token, "<bot token>") if token else text


class _RedactBotToken(logging.Filter):
    """httpx logs every request's URL at INFO; a Bot API URL holds the bot's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/bot" in message:
            record.msg = _BOT_TOKEN_IN_URL.sub("/bot<token>/", message)
            record.args = ()
        return True


def _redact_bot_token_in_httpx_logs() -> None:
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(existing, _RedactBotToken) for existing in httpx_logger.filters):
        httpx_logger.addFilter(_RedactBotToken())
