"""The European Central Bank's euro foreign exchange reference rates.

``eurofxref-daily.xml`` holds the latest day, ``eurofxref-hist-90d.xml`` the last 90 days (newest first), both
as ``<Cube time='2024-03-13'><Cube currency='USD' rate='1.0939'/>...`` with EUR as the base: ``rate`` units of
the currency for one euro. Published around 16:00 CET on TARGET business days.
"""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from fincloud.config import Settings
from subgraphs.budget.fx._http import fetch
from subgraphs.budget.fx._parse import currency_or_none, parse_date, parse_rate
from subgraphs.budget.fx.base import FxSourceError, PublishedRate, PublishedRates

__all__ = ["EcbSource", "parse_ecb_xml"]

_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"


def parse_ecb_xml(data: bytes, *, source: str = "ecb") -> list[PublishedRate]:
    """Every rate in an ECB reference-rate document (daily or history), EUR-based, exact as published.

    Raises ``FxSourceError`` for anything that is not such a document or holds a malformed date or rate; a
    currency code unknown to ISO 4217 is skipped (and logged)."""
    try:
        root: Element = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise FxSourceError(f"{source}: not a reference-rate document ({exc})") from None
    rates: list[PublishedRate] = []
    days = [cube for cube in root.iter(f"{_NS}Cube") if "time" in cube.attrib]
    if not days:
        raise FxSourceError(f"{source}: the document holds no dated rates")
    for day in days:
        date = parse_date(day.attrib["time"], what=source)
        for cube in day.iter(f"{_NS}Cube"):
            if "currency" not in cube.attrib:
                continue
            quote = currency_or_none(cube.attrib["currency"], source=source)
            if quote is None or quote == "EUR":
                continue
            rate = parse_rate(cube.attrib.get("rate"), what=f"{source} {quote} on {date}")
            rates.append(PublishedRate(base="EUR", quote=quote, date=date, rate=rate))
    return rates


class EcbSource:
    """``ecb``: the ECB's daily reference rates, and its 90-day history for back-filling."""

    name = "ecb"
    label = "European Central Bank reference rates"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.FX_ECB_URL.rstrip("/")

    async def latest(self, client: httpx.AsyncClient) -> PublishedRates:
        data = await fetch(client, f"{self.base_url}/eurofxref-daily.xml")
        return PublishedRates.of(self.name, parse_ecb_xml(data, source=self.name))

    async def history(self, client: httpx.AsyncClient, *, since: dt.date) -> PublishedRates:
        """The days from ``since`` within the last 90 days (the history file reaches no further)."""
        data = await fetch(client, f"{self.base_url}/eurofxref-hist-90d.xml")
        rates = parse_ecb_xml(data, source=self.name)
        return PublishedRates.of(self.name, (rate for rate in rates if rate.date >= since))
