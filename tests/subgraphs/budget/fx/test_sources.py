"""The built-in sources read the services' real formats exactly, and are plugins like any other."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from importlib.metadata import EntryPoint

import httpx
import pytest

from fincloud.config import Settings
from subgraphs.budget.fx.base import ENTRY_POINT_GROUP, FxSourceError, PublishedRate, PublishedRates, RateSource
from subgraphs.budget.fx.registry import configured_source_names, load_sources
from subgraphs.budget.fx.source_ecb import EcbSource, parse_ecb_xml
from subgraphs.budget.fx.source_frankfurter import FrankfurterSource, parse_frankfurter_json
from tests.subgraphs.budget.fx.support import ECB_DAILY, ECB_HISTORY, RateServer, Reply, recorded

MARCH_13 = dt.date(2024, 3, 13)

ECB_MARCH_13 = """
USD 1.0939   JPY 161.83   BGN 1.9558   CZK 25.273   DKK 7.4573   GBP 0.85451  HUF 396.90   PLN 4.2860
RON 4.9683   SEK 11.1930  CHF 0.9599   ISK 148.50   NOK 11.4805  TRY 35.1136  AUD 1.6542   BRL 5.4506
CAD 1.4756   CNY 7.8678   HKD 8.5574   IDR 17039.08 ILS 3.9947   INR 90.5940  KRW 1439.01  MXN 18.3472
MYR 5.1282   NZD 1.7770   PHP 60.583   SGD 1.4581   THB 39.036   ZAR 20.4535
"""
"""The ECB's reference rates of 13 March 2024 as published: units of each currency for one euro."""

WITHDRAWN = "BGN"
"""Published in 2024, but no longer in ISO 4217 (Bulgaria adopted the euro on 1 January 2026): FinCloud cannot hold
lev amounts, so its rate is skipped like any code it does not know."""


def table(text: str) -> dict[str, str]:
    """The figures by code, without the withdrawn one."""
    words = text.split()
    return {code: rate for code, rate in zip(words[::2], words[1::2], strict=True) if code != WITHDRAWN}


def test_the_ecb_daily_file_is_read_exactly_as_published() -> None:
    rates = parse_ecb_xml(recorded("ecb-daily-2024-03-13.xml"))
    assert {r.base for r in rates} == {"EUR"}
    assert {r.date for r in rates} == {MARCH_13}
    # The very text the ECB printed, trailing zeros included: no float ever touched it.
    assert {r.quote: str(r.rate) for r in rates} == table(ECB_MARCH_13)
    assert [r.quote for r in rates][:3] == ["USD", "JPY", "CZK"]  # in the file's order, BGN skipped


def test_the_ecb_history_file_holds_every_publication_day() -> None:
    rates = parse_ecb_xml(recorded("ecb-hist-90d-2024-03-13.xml"))
    days = sorted({r.date for r in rates})
    assert days == [dt.date(2024, 3, d) for d in (6, 7, 8, 11, 12, 13)]  # no rates on the weekend
    assert len(rates) == 6 * 29
    assert {r.quote: str(r.rate) for r in rates if r.date == MARCH_13} == table(ECB_MARCH_13)
    assert [r.rate for r in rates if r.quote == "USD" and r.date == dt.date(2024, 3, 8)] == [Decimal("1.0928")]


def test_frankfurter_latest_carries_the_same_figures_as_json_numbers() -> None:
    rates = parse_frankfurter_json(recorded("frankfurter-latest-2024-03-13.json"))
    assert {(r.base, r.date) for r in rates} == {("EUR", MARCH_13)}
    by_quote = {r.quote: r.rate for r in rates}
    # Equal to the ECB's figures; JSON drops trailing zeros, the Decimal parse keeps every other digit.
    assert by_quote == {code: Decimal(rate) for code, rate in table(ECB_MARCH_13).items()}
    assert str(by_quote["HUF"]) == "396.9"
    assert str(by_quote["GBP"]) == "0.85451"
    assert all(isinstance(rate, Decimal) for rate in by_quote.values())


def test_frankfurter_time_series_is_read_day_by_day() -> None:
    rates = parse_frankfurter_json(recorded("frankfurter-series-2024-03-07.json"))
    assert sorted({r.date for r in rates}) == [dt.date(2024, 3, d) for d in (7, 8, 11, 12, 13)]
    ecb = {(r.quote, r.date): r.rate for r in parse_ecb_xml(recorded("ecb-hist-90d-2024-03-13.xml"))}
    assert all(ecb[(r.quote, r.date)] == r.rate for r in rates)
    assert [r.rate for r in rates if r.quote == "IDR" and r.date == dt.date(2024, 3, 7)] == [Decimal(17056)]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<html>Service unavailable</html>", "holds no dated rates"),
        (b"not xml at all", "not a reference-rate document"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "not a reference-rate document",
        ),
        (
            recorded("ecb-daily-2024-03-13.xml").replace(b"rate='1.0939'", b"rate='-1.0939'"),
            "'-1.0939' is not a positive rate",
        ),
        (
            recorded("ecb-daily-2024-03-13.xml").replace(b"rate='161.83'", b"rate='n/a'"),
            "'n/a' is not a number",
        ),
        (recorded("ecb-daily-2024-03-13.xml").replace(b"2024-03-13", b"2024-02-30"), "is not a date"),
    ],
)
def test_an_unreadable_ecb_document_is_an_error_not_a_guess(document: bytes, message: str) -> None:
    with pytest.raises(FxSourceError, match=message):
        parse_ecb_xml(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<html>503</html>", "not JSON"),
        (b'{"message": "not found"}', "has no rates"),
        (b'{"amount": 100, "base": "EUR", "date": "2024-03-13", "rates": {"USD": 109.39}}', "amount of 100"),
        (b'{"amount": 1, "base": "EUR", "date": "2024-03-13", "rates": {"USD": 0}}', "not a positive rate"),
        (b'{"amount": 1, "base": "EUR", "date": "2024-03-13", "rates": {"USD": "1,09"}}', "not a number"),
    ],
)
def test_an_unreadable_frankfurter_answer_is_an_error(document: bytes, message: str) -> None:
    with pytest.raises(FxSourceError, match=message):
        parse_frankfurter_json(document)


def test_a_currency_iso_4217_does_not_know_is_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    document = recorded("ecb-daily-2024-03-13.xml").replace(b"currency='ISK'", b"currency='ZZZ'")
    with caplog.at_level(logging.WARNING):
        rates = parse_ecb_xml(document)
    assert len(rates) == 28  # neither ZZZ nor the withdrawn BGN
    assert not {"ISK", "BGN"} & {r.quote for r in rates}
    assert any(getattr(record, "code", None) == "ZZZ" for record in caplog.records)


async def test_the_sources_fetch_from_the_configured_urls(
    fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    rate_server.serve(ECB_DAILY, Reply.file("ecb-daily-2024-03-13.xml"))
    rate_server.serve(ECB_HISTORY, Reply.file("ecb-hist-90d-2024-03-13.xml"))
    rate_server.serve("/frankfurter/latest", Reply.file("frankfurter-latest-2024-03-13.json"))
    rate_server.serve("/frankfurter/2024-03-11..", Reply.file("frankfurter-series-2024-03-07.json"))

    latest = await EcbSource(fx_settings).latest(http)
    assert (latest.source, latest.latest_date, len(latest.rates)) == ("ecb", MARCH_13, 29)
    history = await EcbSource(fx_settings).history(http, since=dt.date(2024, 3, 11))
    assert sorted({r.date for r in history.rates}) == [dt.date(2024, 3, d) for d in (11, 12, 13)]
    frankfurter = await FrankfurterSource(fx_settings).latest(http)
    assert (frankfurter.source, frankfurter.latest_date, len(frankfurter.rates)) == ("frankfurter", MARCH_13, 29)
    series = await FrankfurterSource(fx_settings).history(http, since=dt.date(2024, 3, 11))
    assert min(r.date for r in series.rates) == dt.date(2024, 3, 11)
    assert rate_server.requests == [
        "/ecb/eurofxref-daily.xml",
        "/ecb/eurofxref-hist-90d.xml",
        "/frankfurter/latest?from=EUR",
        "/frankfurter/2024-03-11..?from=EUR",
    ]


async def test_an_http_error_says_which_url_and_status(
    fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    rate_server.serve(ECB_DAILY, Reply(503, b"maintenance", "text/plain"))
    with pytest.raises(FxSourceError, match=r"/ecb/eurofxref-daily.xml: HTTP 503"):
        await EcbSource(fx_settings).latest(http)
    unreachable = fx_settings.model_copy(update={"FX_FRANKFURTER_URL": "http://127.0.0.1:9/frankfurter"})
    with pytest.raises(FxSourceError, match="ConnectError"):
        await FrankfurterSource(unreachable).latest(http)


# ---------------------------------------------------------------------------------------------------------------
# Plugins.


class BankRates:
    """What a third party's source looks like."""

    name = "mybank"
    label = "My Bank"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def latest(self, client: httpx.AsyncClient) -> PublishedRates:
        return PublishedRates.of(self.name, [PublishedRate("EUR", "ARS", MARCH_13, Decimal("940.5"))])

    async def history(self, client: httpx.AsyncClient, *, since: dt.date) -> PublishedRates:
        return await self.latest(client)


class Misnamed(BankRates):
    name = "other"


def broken(settings: Settings) -> RateSource:
    raise RuntimeError("plugin bug")


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_the_built_in_sources_are_registered_as_entry_points(settings: Settings) -> None:
    sources = load_sources(settings.model_copy(update={"FX_SOURCES": "ecb,frankfurter"}))
    assert [type(s) for s in sources] == [EcbSource, FrankfurterSource]
    assert all(isinstance(s, RateSource) for s in sources)
    assert configured_source_names(settings.model_copy(update={"FX_SOURCES": " frankfurter, ,ecb,frankfurter"})) == (
        "frankfurter",
        "ecb",
    )


def test_a_third_party_source_loads_and_broken_ones_are_left_out(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    here = "tests.subgraphs.budget.fx.test_sources"
    found = [
        entry_point("ecb", "subgraphs.budget.fx.source_ecb:EcbSource"),
        entry_point("ecb", f"{here}:BankRates"),  # cannot replace a built-in by reusing its name
        entry_point("mybank", f"{here}:BankRates"),
        entry_point("other", f"{here}:Misnamed"),
        entry_point("other2", f"{here}:Misnamed"),
        entry_point("broken", f"{here}:broken"),
    ]
    configured = settings.model_copy(update={"FX_SOURCES": "mybank,ecb,broken,other2,missing,manual"})
    with caplog.at_level(logging.ERROR):
        sources = load_sources(configured, found=found)
    assert [(type(s).__name__, s.name) for s in sources] == [("BankRates", "mybank"), ("EcbSource", "ecb")]
    assert isinstance(sources[0], BankRates)
    assert sources[0].settings is configured
    logged = caplog.text
    assert "'broken'" in logged
    assert "failed to load" in logged
    assert "'other2'" in logged
    assert "not a RateSource" in logged
    assert "'missing' is configured but not installed" in logged
    assert "'manual' is configured but not installed" in logged
