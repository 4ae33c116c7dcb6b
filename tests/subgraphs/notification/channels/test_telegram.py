"""The Telegram channel against a stand-in of the Bot API on loopback: sending, Telegram's refusals, linking."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from subgraphs.notification.channels.base import PermanentError, Target, TemporaryError
from subgraphs.notification.channels.telegram import (
    LinkRequest,
    TelegramChannel,
    bot_username,
    deep_link,
    telegram_text,
    telegram_updates,
)
from tests.subgraphs.notification.channels.support import (
    HttpReceiver,
    Received,
    Reply,
    free_port,
    make_message,
    make_settings,
)

BOT_TOKEN = "123456:ABC-secret_token"


@dataclass
class BotApi:
    """Telegram's Bot API as far as FinCloud uses it. Chats ``BLOCKED``, ``GONE`` and ``BUSY`` answer as a user who
    blocked the bot, a deleted chat and the flood limit; ``updates`` are what ``getUpdates`` hands out."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    receiver: HttpReceiver = field(default_factory=HttpReceiver)

    def answer(self, request: Received) -> Reply:
        prefix = f"/bot{BOT_TOKEN}/"
        if not request.path.startswith(prefix):
            return Reply.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        method = request.path.removeprefix(prefix)
        params = request.json()
        if method == "getMe":
            return Reply.json({"ok": True, "result": {"id": 123456, "is_bot": True, "username": "FinCloudTestBot"}})
        if method == "getUpdates":
            self.offsets.append(params["offset"])
            pending = [u for u in self.updates if u["update_id"] >= params["offset"]]
            return Reply.json({"ok": True, "result": pending})
        if method != "sendMessage":
            return Reply.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        chat = params["chat_id"]
        if chat == BUSY:
            return Reply.json(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 7",
                    "parameters": {"retry_after": 7},
                },
                429,
            )
        if chat == BLOCKED:
            return Reply.json(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, 403
            )
        if chat == GONE:
            return Reply.json({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, 400)
        if chat == BROKEN:
            return Reply.json({"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
        self.sent.append(params)
        return Reply.json({"ok": True, "result": {"message_id": len(self.sent), "chat": {"id": chat}}})


BUSY, BLOCKED, GONE, BROKEN = 429, 403, 404, 502
CHAT = 987654321


@pytest.fixture
def bot() -> Iterator[BotApi]:
    api = BotApi()
    api.receiver.handler = api.answer
    api.receiver.start()
    try:
        yield api
    finally:
        api.receiver.stop()


def channel_for(bot: BotApi, tmp_path: Path) -> TelegramChannel:
    return TelegramChannel(make_settings(tmp_path, TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=bot.receiver.url))


def chat(chat_id: int) -> Target:
    return Target(channel_id=f"c{chat_id}", kind="telegram", config={"chat_id": chat_id})


async def test_a_notification_is_one_html_message_with_the_title_the_summary_and_a_link(
    bot: BotApi, tmp_path: Path
) -> None:
    message = make_message(
        title="<script>alert(1)</script> & Co: \u2212€4.20",
        body="At <b>Café</b> & bar\nsecond line, not sent",
        url="https://fincloud.example/transactions?account=a&transaction=t",
    )
    async with httpx.AsyncClient() as client:
        await channel_for(bot, tmp_path).send(message, chat(CHAT), client=client)

    [sent] = bot.sent
    assert sent["chat_id"] == CHAT
    assert sent["parse_mode"] == "HTML"
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert sent["text"] == (
        "<b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co: \u2212€4.20</b>\n"
        "At &lt;b&gt;Café&lt;/b&gt; &amp; bar\n"
        '<a href="https://fincloud.example/transactions?account=a&amp;transaction=t">Open in FinCloud</a>'
    )
    assert telegram_text(message) == sent["text"]


async def test_telegrams_refusals_become_temporary_or_permanent_errors(bot: BotApi, tmp_path: Path) -> None:
    channel = channel_for(bot, tmp_path)
    async with httpx.AsyncClient() as client:
        with pytest.raises(TemporaryError) as flood:
            await channel.send(make_message(), chat(BUSY), client=client)
        assert flood.value.retry_after == 7

        with pytest.raises(PermanentError, match="blocked") as blocked:
            await channel.send(make_message(), chat(BLOCKED), client=client)
        assert blocked.value.deactivate

        with pytest.raises(PermanentError, match="chat not found") as gone:
            await channel.send(make_message(), chat(GONE), client=client)
        assert gone.value.deactivate

        with pytest.raises(TemporaryError, match="502"):
            await channel.send(make_message(), chat(BROKEN), client=client)

        with pytest.raises(PermanentError, match="not linked"):
            await channel.send(make_message(), Target("c0", "telegram", {}), client=client)
    assert bot.sent == []


async def test_a_wrong_token_or_an_unreachable_api_is_temporary_and_the_token_is_never_logged(
    bot: BotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = TelegramChannel(make_settings(tmp_path, TELEGRAM_BOT_TOKEN="1:wrong", TELEGRAM_API_URL=bot.receiver.url))
    down = TelegramChannel(
        make_settings(tmp_path, TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}")
    )
    unset = TelegramChannel(make_settings(tmp_path))
    with caplog.at_level(logging.INFO):
        async with httpx.AsyncClient() as client:
            with pytest.raises(TemporaryError, match="404"):
                await wrong.send(make_message(), chat(CHAT), client=client)
            with pytest.raises(TemporaryError, match="could not be reached") as unreachable:
                await down.send(make_message(), chat(CHAT), client=client)
            with pytest.raises(TemporaryError, match="TELEGRAM_BOT_TOKEN"):
                await unset.send(make_message(), chat(CHAT), client=client)
            await channel_for(bot, tmp_path).send(make_message(), chat(CHAT), client=client)
    assert "HTTP Request: POST" in caplog.text
    assert "/bot<token>/sendMessage" in caplog.text
    assert BOT_TOKEN not in caplog.text
    assert "1:wrong" not in caplog.text
    assert BOT_TOKEN not in str(unreachable.value)


async def test_start_messages_link_chats_and_the_next_offset_passes_every_update_read(
    bot: BotApi, tmp_path: Path
) -> None:
    bot.updates = [
        {"update_id": 500, "message": {"chat": {"id": 11, "type": "private"}, "text": "hello"}},
        {"update_id": 501, "message": {"chat": {"id": 12, "type": "private"}, "text": "/start tok_ABC-123"}},
        {"update_id": 502, "edited_message": {"chat": {"id": 13}, "text": "/start tok_edit"}},
        {
            "update_id": 503,
            "message": {"chat": {"id": -100777, "type": "group"}, "text": "/start@FinCloudTestBot grp_9"},
        },
        {"update_id": 504, "message": {"chat": {"id": 14, "type": "private"}, "text": "/start"}},
        {"update_id": 505, "message": {"chat": {"id": 15, "type": "private"}, "text": "/start <b>bad</b>"}},
    ]
    settings = make_settings(tmp_path, TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=bot.receiver.url)
    async with httpx.AsyncClient() as client:
        first = await telegram_updates(client, settings, 0)
        assert first == [LinkRequest(12, "tok_ABC-123", 501), LinkRequest(-100777, "grp_9", 503)]
        assert first.next_offset == 506

        again = await telegram_updates(client, settings, first.next_offset)
        assert again == []
        assert again.next_offset == 506
        assert bot.offsets == [0, 506]

        assert await bot_username(client, settings) == "FinCloudTestBot"
    assert deep_link("@FinCloudTestBot", "tok_ABC-123") == "https://t.me/FinCloudTestBot?start=tok_ABC-123"
    with pytest.raises(ValueError, match="64"):
        deep_link("FinCloudTestBot", "not a token")
