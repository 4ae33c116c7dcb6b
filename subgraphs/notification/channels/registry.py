"""The notification channels installed (``fincloud.channels`` entry points), each built with the settings."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint

from fincloud.config import Settings
from fincloud.plugins import load_plugins
from subgraphs.notification.channels.base import ENTRY_POINT_GROUP, NotificationChannel

__all__ = ["load_channels"]

_BUILT_IN = "subgraphs.notification.channels."


def load_channels(settings: Settings, *, found: Iterable[EntryPoint] | None = None) -> dict[str, NotificationChannel]:
    """Every installed channel, by kind, each built with ``settings`` (``fincloud/plugins.py`` says what is left
    out, and why)."""
    return load_plugins(
        ENTRY_POINT_GROUP,
        settings,
        built_in=_BUILT_IN,
        what="notification channel",
        kind=NotificationChannel,  # type: ignore[type-abstract]
        name_of=lambda channel: channel.kind,
        found=found,
    )
