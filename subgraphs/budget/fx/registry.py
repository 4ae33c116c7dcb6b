"""The rate sources installed (``fincloud.fx_sources`` entry points) and the ones configured, in order."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from fincloud.config import Settings
from subgraphs.budget.fx.base import ENTRY_POINT_GROUP, RateSource
from subgraphs.budget.fx.models import MANUAL_SOURCE

__all__ = ["configured_source_names", "load_sources"]

logger = logging.getLogger(__name__)


def configured_source_names(settings: Settings) -> tuple[str, ...]:
    """``FINCLOUD_FX_SOURCES`` as names, in order of preference, without blanks or repeats."""
    names: list[str] = []
    for raw in settings.FX_SOURCES.split(","):
        name = raw.strip()
        if name and name not in names:
            names.append(name)
    return tuple(names)


def load_sources(settings: Settings, *, found: Iterable[EntryPoint] | None = None) -> list[RateSource]:
    """The configured sources, in the configured order, each built with ``settings``.

    A name with no installed plugin, a plugin that fails to load, or one that is not a ``RateSource`` named like
    its entry point is logged and left out: the others still run. Built-in plugins win a name clash."""
    by_name: dict[str, EntryPoint] = {}
    for entry_point in sorted(found if found is not None else entry_points(group=ENTRY_POINT_GROUP), key=_order):
        by_name.setdefault(entry_point.name, entry_point)
    sources: list[RateSource] = []
    for name in configured_source_names(settings):
        found_point = by_name.get(name)
        if name == MANUAL_SOURCE or found_point is None:
            logger.error("fx source %r is configured but not installed; skipped", name)
            continue
        try:
            source = found_point.load()(settings)
        except Exception:
            logger.exception("fx source plugin %r (%s) failed to load", name, found_point.value)
            continue
        if not isinstance(source, RateSource) or source.name != name:
            logger.error(
                "fx source plugin %r (%s) is not a RateSource named %r; skipped", name, found_point.value, name
            )
            continue
        sources.append(source)
    return sources


def _order(entry_point: EntryPoint) -> tuple[int, str]:
    return (0 if entry_point.value.startswith("subgraphs.budget.fx.") else 1, entry_point.value)
