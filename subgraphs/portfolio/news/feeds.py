"""Which news feeds to read for the instruments a household holds.

Feeds are configured as URL templates, comma-separated (the ``PORTFOLIO_NEWS_FEEDS`` setting)::

    https://feeds.finance.yahoo.com/rss/2.0/headline?s={yahoo}&region=US&lang=en-US,
    https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&output=atom

A template with placeholders is a *per-instrument* feed, read once for each held instrument that has every value it
names; its items are news for that instrument. The placeholders are:

- ``{symbol}``: the ticker as FinCloud stores it (``AAPL``, ``SAP``);
- ``{isin}``: the ISIN (``US0378331005``);
- ``{yahoo}``: the Yahoo Finance code (``AAPL``, ``SAP.DE``, ``^GSPC``).

Values are percent-encoded in full (``^GSPC`` becomes ``%5EGSPC``, ``A&B`` becomes ``A%26B``), so an instrument's
code can add nothing to the URL but itself; and placeholders may appear only after the host, so no code can send
the request to another server.

A template without placeholders is a *general* feed (a market wire, a regulator's filings): it is read once, and its
items are linked to instruments by mention (``items.match_instruments``).

Since the list is comma-separated, a URL cannot hold a literal comma: write it as ``%2C``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

__all__ = [
    "PLACEHOLDERS",
    "FeedConfigError",
    "FeedTemplate",
    "HeldInstrument",
    "parse_feed_config",
    "urls_for",
]

PLACEHOLDERS = frozenset({"symbol", "isin", "yahoo"})
"""The names a template may hold in braces."""

_BRACED = re.compile(r"\{([^{}]*)\}")


class FeedConfigError(ValueError):
    """A configured feed template cannot be used: not an http(s) URL, an unknown placeholder, a stray brace, or a
    placeholder in the scheme or host. The message names the template."""


@dataclass(frozen=True, slots=True)
class HeldInstrument:
    """What the news code needs to know about one held instrument.

    ``key`` identifies it to the caller (an instrument id, say) and is what items are linked to. ``symbol`` is the
    ticker; ``name`` the company or fund name as listed (``Apple Inc.``, ``SAP SE``); ``isin`` and ``yahoo`` (the
    Yahoo Finance code) are optional. An empty string counts as absent.
    """

    key: str
    symbol: str
    isin: str | None = None
    name: str = ""
    yahoo: str | None = None

    def value(self, placeholder: str) -> str | None:
        """The value a template's ``{placeholder}`` takes for this instrument; ``None`` when it has none."""
        value = {"symbol": self.symbol, "isin": self.isin, "yahoo": self.yahoo}[placeholder]
        value = (value or "").strip()
        return value or None


@dataclass(frozen=True, slots=True)
class FeedTemplate:
    """One configured feed: ``template`` is its URL with ``{placeholder}``s, ``placeholders`` the names it uses."""

    template: str
    placeholders: frozenset[str]

    @classmethod
    def parse(cls, template: str) -> FeedTemplate:
        """The template checked; ``FeedConfigError`` when it cannot be used (see the module's rules)."""
        template = template.strip()
        names = _BRACED.findall(template)
        unknown = sorted(set(names) - PLACEHOLDERS)
        if unknown:
            raise FeedConfigError(
                f"{template!r}: unknown placeholder {{{unknown[0]}}} (use {', '.join(sorted(PLACEHOLDERS))})"
            )
        bare = _BRACED.sub("x", template)
        if "{" in bare or "}" in bare:
            raise FeedConfigError(f"{template!r}: a brace that is not part of a placeholder")
        parts = urlsplit(bare)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FeedConfigError(f"{template!r}: a feed is an http:// or https:// URL with a host")
        if names and _BRACED.search(urlsplit(template).netloc):
            raise FeedConfigError(f"{template!r}: placeholders may appear only after the host")
        return cls(template=template, placeholders=frozenset(names))

    @property
    def general(self) -> bool:
        """True for a feed without placeholders, whose items are matched to instruments by mention."""
        return not self.placeholders

    def url_for(self, instrument: HeldInstrument) -> str | None:
        """This feed's URL for ``instrument``, each value percent-encoded; ``None`` when the instrument lacks a value
        the template needs (no ISIN for an ``{isin}`` feed). A general feed's URL is its template."""
        values: dict[str, str] = {}
        for name in self.placeholders:
            value = instrument.value(name)
            if value is None:
                return None
            values[name] = quote(value, safe="")
        return _BRACED.sub(lambda match: values[match.group(1)], self.template)


def parse_feed_config(text: str) -> list[FeedTemplate]:
    """The feed templates in ``text``, a comma-separated list (the ``PORTFOLIO_NEWS_FEEDS`` setting), in order.

    Whitespace around entries is ignored, empty entries are skipped (so a trailing comma is harmless) and a repeated
    template is kept once. ``FeedConfigError`` for the first entry that cannot be used: a misconfigured feed is
    refused at start-up rather than failing quietly on every fetch.
    """
    templates: list[FeedTemplate] = []
    for entry in text.split(","):
        if not entry.strip():
            continue
        template = FeedTemplate.parse(entry)
        if template not in templates:
            templates.append(template)
    return templates


def urls_for(instruments: Iterable[HeldInstrument], *, templates: Sequence[FeedTemplate]) -> dict[str, set[str]]:
    """Every URL to fetch for ``instruments``, with the keys of the instruments it is a per-instrument feed for.

    A per-instrument template gives one URL per instrument that has its values (two instruments with the same code
    share one URL and both keys); a general template gives its URL with an empty set, meaning "match its items by
    mention". With no instruments there is nothing to read, not even the general feeds: ``{}``. Insertion order
    follows the templates, then the instruments.
    """
    held = list(instruments)
    urls: dict[str, set[str]] = {}
    if not held:
        return urls
    for template in templates:
        if template.general:
            urls.setdefault(template.template, set())
            continue
        for instrument in held:
            url = template.url_for(instrument)
            if url is not None:
                urls.setdefault(url, set()).add(instrument.key)
    return urls
