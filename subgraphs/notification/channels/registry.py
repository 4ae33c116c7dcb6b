"""The notification channels installed (``fincloud.channels`` entry points), each built with the settings."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from fincloud.config import Settings
from subgraphs.notification.channels.base import ENTRY_POINT_GROUP, NotificationChannel

__all__ = ["load_channels"]

logger = logging.getLogger(__name__)

_BUILT_IN = "subgraphs.notification.channels."


def load_channels(settings: Settings, *, found: Iterable[EntryPoint] | None = None) -> dict[str, NotificationChannel]:
    """Every installed channel, by kind, each built with ``settings``.

    A plugin that fails to load, or that is not a ``NotificationChannel`` whose ``kind`` is its entry point's name,
    is logged and left out: the others still run. A built-in channel wins a name clash with a third party's."""
    by_name: dict[str, EntryPoint] = {}
    for entry_point in sorted(found if found is not None else entry_points(group=ENTRY_POINT_GROUP), key=_order):
        if entry_point.name in by_name:
            logger.warning(
                "notification channel plugin %r (%s) is shadowed by %s; skipped",
                entry_point.name,
                entry_point.value,
                by_name[entry_point.name].value,
            )
            continue
        by_name[entry_point.name] = entry_point
    channels: dict[str, NotificationChannel] = {}
    for name, entry_point in sorted(by_name.items()):
        try:
            channel = entry_point.load()(settings)
        except Exception:
            logger.exception("notification channel plugin %r (%s) failed to load", name, entry_point.value)
            continue
        if not isinstance(channel, NotificationChannel) or channel.kind != name:
            logger.error(
                "notification channel plugin %r (%s) is not a NotificationChannel of kind %r; skipped",
                name,
                entry_point.value,
                name,
            )
            continue
        channels[name] = channel
    return channels


def _order(entry_point: EntryPoint) -> tuple[int, str]:
    return (0 if entry_point.value.startswith(_BUILT_IN) else 1, entry_point.value)
