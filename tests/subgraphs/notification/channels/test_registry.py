"""Which channels are installed: the built-ins from the package's entry points, third parties' next to them."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint
from pathlib import Path

import httpx
import pytest

from fincloud.config import Settings
from subgraphs.notification.channels.base import ENTRY_POINT_GROUP, Message, NotificationChannel, Target
from subgraphs.notification.channels.email import EmailChannel
from subgraphs.notification.channels.registry import load_channels
from subgraphs.notification.channels.telegram import TelegramChannel
from subgraphs.notification.channels.webhook import WebhookChannel
from subgraphs.notification.channels.webpush import WebPushChannel
from tests.subgraphs.notification.channels.support import make_settings


class NtfyChannel:
    """A third party's channel, as a plugin package would ship it."""

    kind = "ntfy"
    label = "ntfy"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: Message, target: Target, *, client: httpx.AsyncClient) -> None:
        return None


class ImpostorEmail(NtfyChannel):
    kind = "email"


class WrongKind(NtfyChannel):
    kind = "something-else"


class NotAChannel:
    def __init__(self, settings: Settings) -> None:
        pass


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


HERE = "tests.subgraphs.notification.channels.test_registry"


def test_the_built_in_channels_are_installed(tmp_path: Path) -> None:
    channels = load_channels(make_settings(tmp_path))
    assert {kind: type(channel) for kind, channel in channels.items()} == {
        "email": EmailChannel,
        "telegram": TelegramChannel,
        "webhook": WebhookChannel,
        "webpush": WebPushChannel,
    }
    assert all(isinstance(channel, NotificationChannel) for channel in channels.values())
    assert {channel.label for channel in channels.values()} == {"Email", "Telegram", "Webhook", "Browser notifications"}


def test_a_plugin_joins_built_ins_win_clashes_and_broken_plugins_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path)
    found = [
        entry("email", f"{HERE}:ImpostorEmail"),
        entry("email", "subgraphs.notification.channels.email:EmailChannel"),
        entry("ntfy", f"{HERE}:NtfyChannel"),
        entry("broken", "fincloud_no_such_package:Channel"),
        entry("something", f"{HERE}:WrongKind"),
        entry("nothing", f"{HERE}:NotAChannel"),
    ]
    with caplog.at_level(logging.WARNING, logger="subgraphs.notification.channels.registry"):
        channels = load_channels(settings, found=found)
    assert sorted(channels) == ["email", "ntfy"]
    assert isinstance(channels["email"], EmailChannel)
    ntfy = channels["ntfy"]
    assert isinstance(ntfy, NtfyChannel)
    assert ntfy.settings is settings
    assert "ImpostorEmail) is shadowed by subgraphs.notification.channels.email:EmailChannel" in caplog.text
    assert "'broken' (fincloud_no_such_package:Channel) failed to load" in caplog.text
    assert "'something'" in caplog.text
    assert "'nothing'" in caplog.text
