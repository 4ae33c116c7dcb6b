"""The rate sources installed (``fincloud.fx_sources`` entry points) and the ones configured, in order."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.metadata import EntryPoint

from fincloud.config import Settings
from fincloud.plugins import load_plugins
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
    """The configured sources, in the configured order, each built with ``settings`` (``fincloud/plugins.py`` says
    what is left out, and why; ``manual`` names no plugin)."""
    configured = configured_source_names(settings)
    names = [name for name in configured if name != MANUAL_SOURCE]
    if len(names) < len(configured):
        logger.error("fx source %r is configured but not installed; skipped", MANUAL_SOURCE)
    return list(
        load_plugins(
            ENTRY_POINT_GROUP,
            settings,
            built_in="subgraphs.budget.fx.",
            what="fx source",
            kind=RateSource,  # type: ignore[type-abstract]
            name_of=lambda source: source.name,
            names=names,
            found=found,
        ).values()
    )
