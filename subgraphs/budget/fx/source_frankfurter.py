"""Frankfurter (https://www.frankfurter.app), an open API that republishes the ECB's reference rates: the
failover when the ECB's own site is down or late.

``/latest?from=EUR`` answers ``{"amount": 1.0, "base": "EUR", "date": "2024-03-13", "rates": {"AUD": 1.6542,
...}}``; ``/2024-03-06..?from=EUR`` answers ``{"base": "EUR", "start_date": ..., "end_date": ..., "rates":
{"2024-03-06": {...}, ...}}``. Numbers are JSON numbers: they are parsed straight into ``Decimal`` from their text,
never through a float.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from fincloud.config import Settings
from subgraphs.budget.fx._http import fetch
from subgraphs.budget.fx._parse import currency_or_none, parse_date, parse_rate
from subgraphs.budget.fx.base import FxSourceError, PublishedRate, PublishedRates

__all__ = ["FrankfurterSource", "parse_frankfurter_json"]


def _day(base: str, date: dt.date, rates: object, *, source: str) -> list[PublishedRate]:
    if not isinstance(rates, Mapping):
        raise FxSourceError(f"{source}: the rates of {date} are not an object")
    found: list[PublishedRate] = []
    for code, value in rates.items():
        quote = currency_or_none(code, source=source)
        if quote is None or quote == base:
            continue
        found.append(
            PublishedRate(base=base, quote=quote, date=date, rate=parse_rate(value, what=f"{source} {quote} on {date}"))
        )
    return found


def parse_frankfurter_json(data: bytes, *, source: str = "frankfurter") -> list[PublishedRate]:
    """Every rate in a Frankfurter answer (latest, one date, or a time series), exact as published.

    Rates are for ``amount`` units of the base in the answer; anything but 1 is refused rather than divided."""
    try:
        document: Any = json.loads(data, parse_float=Decimal, parse_int=Decimal)
    except ValueError as exc:
        raise FxSourceError(f"{source}: not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("rates"), dict):
        raise FxSourceError(f"{source}: the answer has no rates")
    if Decimal(document.get("amount", 1)) != 1:
        raise FxSourceError(f"{source}: rates are quoted for an amount of {document['amount']}, not 1")
    base = currency_or_none(document.get("base"), source=source)
    if base is None:
        raise FxSourceError(f"{source}: unknown base currency {document.get('base')!r}")
    rates: dict[str, Any] = document["rates"]
    if "date" in document:
        return _day(base, parse_date(document["date"], what=source), rates, source=source)
    found: list[PublishedRate] = []
    for day, day_rates in rates.items():
        found += _day(base, parse_date(day, what=source), day_rates, source=source)
    return found


class FrankfurterSource:
    """``frankfurter``: the ECB's rates as republished by the Frankfurter API."""

    name = "frankfurter"
    label = "Frankfurter (ECB reference rates, republished)"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.FX_FRANKFURTER_URL.rstrip("/")

    async def latest(self, client: httpx.AsyncClient) -> PublishedRates:
        data = await fetch(client, f"{self.base_url}/latest", params={"from": "EUR"})
        return PublishedRates.of(self.name, parse_frankfurter_json(data, source=self.name))

    async def history(self, client: httpx.AsyncClient, *, since: dt.date) -> PublishedRates:
        data = await fetch(client, f"{self.base_url}/{since.isoformat()}..", params={"from": "EUR"})
        rates = parse_frankfurter_json(data, source=self.name)
        return PublishedRates.of(self.name, (rate for rate in rates if rate.date >= since))
