"""The price sources installed (``fincloud.price_sources`` entry points), and which of them price an instrument, in
which order."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import EntryPoint

from fincloud.config import Settings
from fincloud.plugins import load_plugins
from subgraphs.portfolio.prices.base import ENTRY_POINT_GROUP, InstrumentRef, PriceSource

__all__ = ["DEFAULT_CHAINS", "chain_for", "load_sources"]

logger = logging.getLogger(__name__)

_LISTED = ("yahoo", "stooq", "alphavantage")

DEFAULT_CHAINS: dict[str, tuple[str, ...]] = {
    "equity": _LISTED,
    "fund": _LISTED,
    "bond": _LISTED,
    "commodity": _LISTED,
    "real_estate": _LISTED,
    "crypto": ("coingecko", "yahoo"),
    "cash": ("ecb",),
}
"""The sources asked for an instrument of each asset class, first to last, unless the instrument names its own."""

_BUILT_IN = "subgraphs.portfolio.prices."


def load_sources(settings: Settings, *, found: Iterable[EntryPoint] | None = None) -> dict[str, PriceSource]:
    """Every installed source, by name, each built with ``settings`` (``fincloud/plugins.py`` says what is left
    out, and why)."""
    return load_plugins(
        ENTRY_POINT_GROUP,
        settings,
        built_in=_BUILT_IN,
        what="price source",
        kind=PriceSource,  # type: ignore[type-abstract]
        name_of=lambda source: source.name,
        found=found,
    )


def chain_for(
    instrument: InstrumentRef, override: Sequence[str] | None, sources: Mapping[str, PriceSource]
) -> tuple[PriceSource, ...]:
    """The sources to ask for ``instrument``, in order: ``override`` (the instrument's own list) when given, else
    ``DEFAULT_CHAINS`` of its asset class; without names that are not installed (logged when the override names
    them) or repeated, and without sources that do not support the instrument (no symbol, no API key). An empty
    ``override`` is an empty chain: the instrument is priced by hand only."""
    names = DEFAULT_CHAINS[instrument.asset_class] if override is None else tuple(override)
    chain: list[PriceSource] = []
    for name in dict.fromkeys(name.strip() for name in names):
        source = sources.get(name)
        if source is None:
            if override is not None:
                logger.warning("price source %r is not installed; skipped", name, extra={"key": instrument.key})
            continue
        if source.supports(instrument):
            chain.append(source)
    return tuple(chain)
