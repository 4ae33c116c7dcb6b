"""Plugins: classes other packages install under an entry point group, built by FinCloud with its settings.

Channels (``fincloud.channels``), price sources (``fincloud.price_sources``), exchange-rate sources
(``fincloud.fx_sources``) and statement formats (``fincloud.importers``, ``fincloud.investment_importers``) are
loaded the same way: each entry point names a class, built with the settings (or with nothing, for formats); the
object it builds must be of the group's type and carry the entry point's name (``name_of``). A plugin that fails to
load, or builds something else, is logged and left out, and the others still run. FinCloud's own plugins (modules
under ``built_in``) win a name clash with a third party's, which is logged and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any, TypeVar

from fincloud.config import Settings

__all__ = ["installed", "load_plugins"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


def installed(
    group: str, *, built_in: str, what: str, found: Iterable[EntryPoint] | None = None
) -> dict[str, EntryPoint]:
    """The entry points of ``group`` by name, FinCloud's own first (``found``: instead of the installed ones)."""

    def order(entry_point: EntryPoint) -> tuple[int, str]:
        return (0 if entry_point.value.startswith(built_in) else 1, entry_point.value)

    by_name: dict[str, EntryPoint] = {}
    for entry_point in sorted(found if found is not None else entry_points(group=group), key=order):
        if entry_point.name in by_name:
            logger.warning(
                "%s plugin %r (%s) is shadowed by %s; skipped",
                what,
                entry_point.name,
                entry_point.value,
                by_name[entry_point.name].value,
            )
            continue
        by_name[entry_point.name] = entry_point
    return by_name


def load_plugins(
    group: str,
    settings: Settings | None,
    *,
    built_in: str,
    what: str,
    kind: type[T],
    name_of: Callable[[T], str],
    names: Iterable[str] | None = None,
    found: Iterable[EntryPoint] | None = None,
) -> dict[str, T]:
    """The plugins of ``group`` built with ``settings`` (``None``: built with no argument), by name: every installed
    one, or those of ``names`` in that order (a name with nothing installed is logged and left out). ``what`` names
    them in the log."""
    by_name = installed(group, built_in=built_in, what=what, found=found)
    wanted = list(names) if names is not None else sorted(by_name)
    plugins: dict[str, T] = {}
    for name in wanted:
        entry_point = by_name.get(name)
        if entry_point is None:
            logger.error("%s %r is configured but not installed; skipped", what, name)
            continue
        try:
            factory = entry_point.load()
            plugin: Any = factory() if settings is None else factory(settings)
        except Exception:
            logger.exception("%s plugin %r (%s) failed to load", what, name, entry_point.value)
            continue
        if not isinstance(plugin, kind) or name_of(plugin) != name:
            logger.error(
                "%s plugin %r (%s) is not a %s named %r; skipped", what, name, entry_point.value, kind.__name__, name
            )
            continue
        plugins[name] = plugin
    return plugins
