"""The one interface a rate source implements, and what it returns.

A source is registered under the Python entry point group ``fincloud.fx_sources``; the entry point names a class
(or any callable) that is called with FinCloud's ``Settings`` and returns the source. The built-in sources
register the same way in ``pyproject.toml``, so a third party adds one with ``pip install``::

    [project.entry-points."fincloud.fx_sources"]
    mybank = "mybank_fincloud:MyBankRates"

and lists it in ``FINCLOUD_FX_SOURCES`` (``ecb,frankfurter,mybank``), which is also the order of preference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

import httpx

__all__ = ["ENTRY_POINT_GROUP", "FxSourceError", "PublishedRate", "PublishedRates", "RateSource"]

ENTRY_POINT_GROUP = "fincloud.fx_sources"


class FxSourceError(Exception):
    """A source could not deliver rates: unreachable, an HTTP error, or a document it cannot read."""


@dataclass(frozen=True, slots=True)
class PublishedRate:
    """On ``date``, one ``base`` bought ``rate`` units of ``quote`` (EUR→USD 1.0939). ``rate`` is exact as
    published: a ``Decimal`` parsed from the source's text, never through a float."""

    base: str
    quote: str
    date: dt.date
    rate: Decimal


@dataclass(frozen=True, slots=True)
class PublishedRates:
    """What one call to a source returned."""

    source: str
    rates: tuple[PublishedRate, ...]

    @classmethod
    def of(cls, source: str, rates: Iterable[PublishedRate]) -> PublishedRates:
        return cls(source=source, rates=tuple(rates))

    @property
    def latest_date(self) -> dt.date | None:
        """The newest date among the rates; ``None`` when there are none."""
        return max((rate.date for rate in self.rates), default=None)


@runtime_checkable
class RateSource(Protocol):
    """A publisher of exchange rates.

    - ``name``: stable identifier, equal to the entry point's name (``"ecb"``); stored as each rate's source.
    - ``label``: what a person reads (``"European Central Bank"``).
    - ``latest``: the most recent day's rates.
    - ``history``: every day's rates from ``since`` (inclusive) as far as the source reaches, to back-fill a gap.

    Both fetch with the ``client`` given (the caller owns timeouts and connection reuse) and raise
    ``FxSourceError`` (or let ``httpx.HTTPError`` escape) when they cannot deliver; they never return a guess.
    Which day is "fresh" is the caller's judgement, not the source's.
    """

    name: str
    label: str

    async def latest(self, client: httpx.AsyncClient) -> PublishedRates: ...

    async def history(self, client: httpx.AsyncClient, *, since: dt.date) -> PublishedRates: ...
