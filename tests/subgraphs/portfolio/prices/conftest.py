"""Fixtures for the price sources: a loopback server, settings pointing at it, and each source at ``NOW``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from fincloud.config import Settings
from subgraphs.portfolio.prices.source_alphavantage import AlphaVantageSource
from subgraphs.portfolio.prices.source_coingecko import CoinGeckoSource
from subgraphs.portfolio.prices.source_ecb import EcbPriceSource
from subgraphs.portfolio.prices.source_stooq import StooqSource
from subgraphs.portfolio.prices.source_yahoo import YahooSource
from tests.conftest import TEST_SERVICE_TOKEN
from tests.subgraphs.portfolio.prices.support import NOW, PriceServer


@pytest.fixture
def price_server() -> Iterator[PriceServer]:
    server = PriceServer().start()
    yield server
    server.stop()


@pytest.fixture
def price_settings(price_server: PriceServer, tmp_path: Path) -> Settings:
    """Settings with every price source pointed at the loopback server (and an Alpha Vantage key). Built here rather
    than from the session's ``settings``: these tests need no database."""
    url = price_server.url
    return Settings(
        ENV="test",
        DATA_DIR=tmp_path,
        SERVICE_TOKEN=TEST_SERVICE_TOKEN,
        PRICE_YAHOO_URL=f"{url}/yahoo",
        PRICE_STOOQ_URL=f"{url}/stooq",
        PRICE_ALPHAVANTAGE_URL=f"{url}/alphavantage",
        PRICE_ALPHAVANTAGE_API_KEY=SecretStr("test-key"),
        PRICE_COINGECKO_URL=f"{url}/coingecko",
        FX_ECB_URL=f"{url}/ecb",
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


def _at_now(source: Any) -> Any:
    source.clock = lambda: NOW
    return source


@pytest.fixture
def yahoo(price_settings: Settings) -> YahooSource:
    return _at_now(YahooSource(price_settings))


@pytest.fixture
def stooq(price_settings: Settings) -> StooqSource:
    return _at_now(StooqSource(price_settings))


@pytest.fixture
def alphavantage(price_settings: Settings) -> AlphaVantageSource:
    return _at_now(AlphaVantageSource(price_settings))


@pytest.fixture
def coingecko(price_settings: Settings) -> CoinGeckoSource:
    return _at_now(CoinGeckoSource(price_settings))


@pytest.fixture
def ecb(price_settings: Settings) -> EcbPriceSource:
    return _at_now(EcbPriceSource(price_settings))
