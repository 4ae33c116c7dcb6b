"""The built-in sources are plugins like any other; each asset class has a default chain, an instrument its own."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from importlib.metadata import EntryPoint

import httpx
import pytest
from pydantic import SecretStr

from fincloud.config import Settings
from subgraphs.portfolio.prices.base import ASSET_CLASSES, ENTRY_POINT_GROUP, InstrumentRef, PriceSource, Quote
from subgraphs.portfolio.prices.registry import DEFAULT_CHAINS, chain_for, load_sources
from subgraphs.portfolio.prices.source_alphavantage import AlphaVantageSource
from subgraphs.portfolio.prices.source_coingecko import CoinGeckoSource
from subgraphs.portfolio.prices.source_ecb import EcbPriceSource
from subgraphs.portfolio.prices.source_stooq import StooqSource
from subgraphs.portfolio.prices.source_yahoo import YahooSource
from tests.subgraphs.portfolio.prices.support import AAPL, BTC, VOD, instrument


class BrokerPrices:
    """What a third party's source looks like."""

    name = "mybroker"
    label = "My Broker"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def supports(self, instrument: InstrumentRef) -> bool:
        return True

    async def latest(self, client: httpx.AsyncClient, instruments: Sequence[InstrumentRef]) -> list[Quote]:
        return []

    async def history(self, client: httpx.AsyncClient, instrument: InstrumentRef, *, since: dt.date) -> list[Quote]:
        return []


class Misnamed(BrokerPrices):
    name = "other"


class NotASource:
    name = "mybroker"

    def __init__(self, settings: Settings) -> None:
        pass


def broken(settings: Settings) -> PriceSource:
    raise RuntimeError("plugin bug")


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


HERE = "tests.subgraphs.portfolio.prices.test_registry"


def test_the_built_in_sources_are_registered_as_entry_points(price_settings: Settings) -> None:
    sources = load_sources(price_settings)
    assert {name: type(source) for name, source in sources.items()} == {
        "alphavantage": AlphaVantageSource,
        "coingecko": CoinGeckoSource,
        "ecb": EcbPriceSource,
        "stooq": StooqSource,
        "yahoo": YahooSource,
    }
    assert all(isinstance(source, PriceSource) for source in sources.values())
    assert set(DEFAULT_CHAINS) == set(ASSET_CLASSES)
    assert {name for chain in DEFAULT_CHAINS.values() for name in chain} == set(sources)


def test_a_third_party_plugin_loads_and_a_bad_one_is_skipped_with_a_log(
    price_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    found = [
        entry_point("mybroker", f"{HERE}:BrokerPrices"),
        entry_point("other", f"{HERE}:BrokerPrices"),  # says it is "mybroker"
        entry_point("misnamed", f"{HERE}:Misnamed"),
        entry_point("broken", f"{HERE}:broken"),
        entry_point("missing", "no_such_module:Source"),
        entry_point("yahoo", f"{HERE}:BrokerPrices"),  # a third party cannot take a built-in's name
        entry_point("yahoo", "subgraphs.portfolio.prices.source_yahoo:YahooSource"),
    ]
    with caplog.at_level(logging.WARNING):
        sources = load_sources(price_settings, found=found)
    assert {name: type(source).__name__ for name, source in sources.items()} == {
        "mybroker": "BrokerPrices",
        "yahoo": "YahooSource",
    }
    for name in ("other", "misnamed", "broken", "missing"):
        assert f"plugin {name!r}" in caplog.text
    assert "shadowed" in caplog.text
    assert load_sources(price_settings, found=[entry_point("mybroker", f"{HERE}:NotASource")]) == {}


def test_the_default_chain_holds_the_sources_that_support_the_instrument(price_settings: Settings) -> None:
    sources = load_sources(price_settings)
    assert [s.name for s in chain_for(AAPL, None, sources)] == ["yahoo", "stooq", "alphavantage"]
    assert [s.name for s in chain_for(VOD, None, sources)] == ["yahoo"]  # London: only Yahoo says "pence"
    assert [s.name for s in chain_for(BTC, None, sources)] == ["coingecko", "yahoo"]
    pair = instrument("eurusd", "EURUSD", asset_class="cash", exchange=None)
    assert [s.name for s in chain_for(pair, None, sources)] == ["ecb"]
    keyless = load_sources(price_settings.model_copy(update={"PRICE_ALPHAVANTAGE_API_KEY": SecretStr("")}))
    assert [s.name for s in chain_for(AAPL, None, keyless)] == ["yahoo", "stooq"]


def test_an_instruments_own_chain_wins_and_unknown_names_are_logged(
    price_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    sources = load_sources(price_settings)
    with caplog.at_level(logging.WARNING):
        chain = chain_for(AAPL, ["alphavantage", "nosuch", "stooq", "alphavantage", "coingecko"], sources)
    assert [s.name for s in chain] == ["alphavantage", "stooq"]  # once each; coingecko cannot price a share
    assert "'nosuch' is not installed" in caplog.text
    assert chain_for(AAPL, [], sources) == ()  # an empty list means "never fetch": priced by hand
