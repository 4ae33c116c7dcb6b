"""Exchange rates as prices: a ``cash`` instrument named by a currency pair, priced from the ECB's reference rates.

The symbol (or the ``ecb`` code) is two ISO 4217 codes, ``EURUSD``, ``USD/EUR`` or ``USD-JPY``: the price of one
unit of the first in the second. The ECB publishes every rate against the euro (``eurofxref-daily.xml`` for the
latest day, ``eurofxref-hist-90d.xml`` for 90 days, ``eurofxref-hist.xml`` since 1999; read by the budget
subgraph's ``parse_ecb_xml``), so a pair is priced

- ``EURxxx``: the published rate itself, exact as printed (``EURUSD`` on 13 March 2024 is ``1.0939``);
- ``xxxEUR``: its inverse, ``1 / rate``;
- ``xxxyyy``: the cross rate through the euro, ``rate(yyy) / rate(xxx)`` (``USDGBP`` = ``0.85451 / 1.0939``).

An inverse or cross rate is the exact quotient rounded once, half to even, to ``CROSS_RATE_PLACES`` decimal places
(the scale the ``portfolio.prices`` table stores): ``USDGBP`` is ``0.7811591553``. Rates are dated by the ECB's
day and ``as_of`` its publication time, 16:00 Frankfurt time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import httpx

from fincloud.config import Settings
from subgraphs.budget.fx.base import FxSourceError
from subgraphs.budget.fx.calendar import ECB_TIMEZONE, PUBLICATION_TIME
from subgraphs.budget.fx.source_ecb import parse_ecb_xml
from subgraphs.portfolio.prices._http import fetch
from subgraphs.portfolio.prices._parse import currency_or_none, utcnow
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote

__all__ = ["CROSS_RATE_PLACES", "EcbPriceSource", "currency_pair", "pair_rate"]

CROSS_RATE_PLACES = 10
"""Decimal places of an inverse or cross rate (``PRICE = Numeric(28, 10)``)."""

HISTORY_90D_DAYS = 85
"""A history from at most this many days ago is read from the 90-day file (a few days' margin: the file ends at the
ECB's last publication, not today); an older one from the whole history."""

_PAIR = re.compile(r"([A-Z]{3})[/\- ]?([A-Z]{3})(?:=X)?")


def currency_pair(text: str) -> tuple[str, str] | None:
    """``(base, quote)`` for ``EURUSD``, ``EUR/USD``, ``EUR-USD``, ``EUR USD`` or Yahoo's ``EURUSD=X``; ``None``
    unless both are ISO 4217 codes and differ."""
    match = _PAIR.fullmatch(text.strip().upper())
    if match is None:
        return None
    base, quote = currency_or_none(match.group(1)), currency_or_none(match.group(2))
    if base is None or quote is None or base == quote:
        return None
    return base, quote


def _divide(numerator: Decimal, denominator: Decimal, *, places: int) -> Decimal:
    """``numerator / denominator`` rounded once, half to even, to ``places`` decimals: in integers, so no
    intermediate precision can round first."""
    n_num, n_den = numerator.as_integer_ratio()
    d_num, d_den = denominator.as_integer_ratio()
    scaled, rest = divmod(n_num * d_den * 10**places, n_den * d_num)
    divisor = n_den * d_num
    if 2 * rest > divisor or (2 * rest == divisor and scaled % 2):
        scaled += 1
    return Decimal(f"{scaled}E-{places}")


def pair_rate(base: str, quote: str, per_euro: Mapping[str, Decimal]) -> Decimal | None:
    """One ``base`` in ``quote``, from ``per_euro`` (units of each currency for one euro, as the ECB publishes);
    ``None`` when a leg is not published or the rate rounds to nothing. See the module docstring for the rounding."""
    if base == "EUR":
        return per_euro.get(quote)
    base_rate = per_euro.get(base)
    quote_rate = Decimal(1) if quote == "EUR" else per_euro.get(quote)
    if base_rate is None or quote_rate is None:
        return None
    rate = _divide(quote_rate, base_rate, places=CROSS_RATE_PLACES)
    return rate if rate > 0 else None


class EcbPriceSource:
    """``ecb``: currency pairs priced from the ECB's euro reference rates, one document for every instrument."""

    name = "ecb"
    label = "European Central Bank reference rates"

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.FX_ECB_URL.rstrip("/")
        self.clock: Callable[[], dt.datetime] = utcnow

    @staticmethod
    def _pair(instrument: InstrumentRef) -> tuple[str, str] | None:
        if instrument.asset_class != "cash":
            return None
        return currency_pair(instrument.code_for("ecb") or instrument.symbol)

    def supports(self, instrument: InstrumentRef) -> bool:
        return self._pair(instrument) is not None

    async def _days(self, client: httpx.AsyncClient, document: str) -> dict[dt.date, dict[str, Decimal]]:
        data = await fetch(client, f"{self.base_url}/{document}")
        try:
            rates = parse_ecb_xml(data, source=self.name)
        except FxSourceError as exc:
            raise PriceSourceError(str(exc)) from None
        days: dict[dt.date, dict[str, Decimal]] = {}
        for rate in rates:
            days.setdefault(rate.date, {})[rate.quote] = rate.rate
        return days

    def _quotes(self, instrument: InstrumentRef, days: Mapping[dt.date, Mapping[str, Decimal]]) -> list[Quote]:
        pair = self._pair(instrument)
        if pair is None:
            return []
        quotes: list[Quote] = []
        for day in sorted(days):
            rate = pair_rate(*pair, days[day])
            if rate is not None:
                as_of = dt.datetime.combine(day, PUBLICATION_TIME, tzinfo=ECB_TIMEZONE).astimezone(dt.UTC)
                quotes.append(Quote(instrument.key, day, rate, pair[1], self.name, as_of))
        return quotes

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        """Every pair at the newest day of ``eurofxref-daily.xml`` (one request for all); a pair with a currency the
        ECB does not publish is missing."""
        wanted = [instrument for instrument in instruments if self.supports(instrument)]
        if not wanted:
            return []
        days = await self._days(client, "eurofxref-daily.xml")
        newest = max(days)
        return [quote for instrument in wanted for quote in self._quotes(instrument, {newest: days[newest]})]

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        """The pair on every publication day from ``since``: from the 90-day file when ``since`` is within
        ``HISTORY_90D_DAYS`` days, else from the whole history (about 6 MB)."""
        if not self.supports(instrument):
            raise PriceSourceError(f"{self.name}: {instrument.symbol!r} is not a currency pair")
        recent = since >= self.clock().date() - dt.timedelta(days=HISTORY_90D_DAYS)
        days = await self._days(client, "eurofxref-hist-90d.xml" if recent else "eurofxref-hist.xml")
        return self._quotes(instrument, {day: rates for day, rates in days.items() if day >= since})
