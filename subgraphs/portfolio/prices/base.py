"""The one interface a price source implements, what it is asked about, and what it returns.

A source is registered under the Python entry point group ``fincloud.price_sources``; the entry point names a class
(or any callable) that is called with FinCloud's ``Settings`` and returns the source. The built-in sources
register the same way in ``pyproject.toml``, so a third party adds one with ``pip install``::

    [project.entry-points."fincloud.price_sources"]
    mybroker = "mybroker_fincloud:MyBrokerPrices"

and names it in an instrument's own chain of sources (or in ``registry.DEFAULT_CHAINS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import httpx

__all__ = [
    "ASSET_CLASSES",
    "ENTRY_POINT_GROUP",
    "InstrumentRef",
    "PriceSource",
    "PriceSourceError",
    "Quote",
]

ENTRY_POINT_GROUP = "fincloud.price_sources"

ASSET_CLASSES = ("equity", "bond", "fund", "crypto", "cash", "commodity", "real_estate")
"""The asset classes an instrument can have (the ``portfolio.instruments`` check constraint lists the same)."""


class PriceSourceError(Exception):
    """A source could not deliver at all: unreachable, an HTTP error, a rate limit, or an answer it cannot read."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InstrumentRef:
    """What a source needs to know about an instrument to price it.

    ``key`` is FinCloud's id of the instrument (quotes carry it back); ``exchange`` a MIC or common code (``XETR``,
    ``XETRA``, ``LSE``) or ``None``; ``currency`` the ISO 4217 code it trades in; ``codes`` its symbol at each source
    that spells it differently (``{"yahoo": "VWCE.DE", "stooq": "vwce.de", "coingecko": "bitcoin"}``), which wins
    over anything a source would derive from ``symbol`` and ``exchange``."""

    key: str
    symbol: str
    exchange: str | None = None
    isin: str | None = None
    currency: str
    asset_class: str
    codes: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.asset_class not in ASSET_CLASSES:
            raise ValueError(f"unknown asset class {self.asset_class!r}; expected one of {', '.join(ASSET_CLASSES)}")
        object.__setattr__(self, "currency", self.currency.strip().upper())
        object.__setattr__(self, "codes", MappingProxyType(dict(self.codes)))

    def code_for(self, source: str) -> str | None:
        """The instrument's own symbol at ``source``, if it has one (blank counts as none)."""
        code = self.codes.get(source, "").strip()
        return code or None


@dataclass(frozen=True, slots=True)
class Quote:
    """One price of one instrument: on ``date`` (the trading day, in the market's own calendar), one unit cost
    ``price`` ``currency``, according to ``source``, which says the price was set at ``as_of`` (UTC).

    ``price`` is exact as published: a ``Decimal`` made from the source's text, never through a float. A source
    that publishes in a minor unit (pence) has already divided by 100, exactly."""

    instrument_key: str
    date: dt.date
    price: Decimal
    currency: str
    source: str
    as_of: dt.datetime

    def __post_init__(self) -> None:
        if not isinstance(self.price, Decimal) or not self.price.is_finite() or self.price <= 0:
            raise ValueError(f"a price must be a positive, finite Decimal, not {self.price!r}")
        if self.as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        object.__setattr__(self, "as_of", self.as_of.astimezone(dt.UTC))


@runtime_checkable
class PriceSource(Protocol):
    """A publisher of prices.

    - ``name``: stable identifier, equal to the entry point's name (``"yahoo"``); stored as each price's source.
    - ``label``: what a person reads (``"Yahoo Finance"``).
    - ``supports``: whether it can price the instrument at all (asset class, a symbol it can spell, an API key);
      cheap and offline, so a chain can skip it without a request.
    - ``latest``: the most recent price of each instrument, in as few requests as the API allows (one for all, or
      one per instrument). An instrument it could not price is missing from the result; only when it cannot
      deliver at all does it raise ``PriceSourceError``.
    - ``history``: the daily closes of one instrument from ``since`` (inclusive) to today, oldest first;
      ``PriceSourceError`` when the source cannot deliver them (an unknown symbol included).

    Both fetch with the ``client`` given (the caller owns timeouts and connection reuse) and never return a guess.
    Whether a quote is fresh enough is the caller's judgement, not the source's.
    """

    name: str
    label: str

    def supports(self, instrument: InstrumentRef) -> bool: ...

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]: ...

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]: ...
