from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from fincloud.config import Settings
from tests.subgraphs.budget.fx.support import RateServer


@pytest.fixture
def rate_server() -> Iterator[RateServer]:
    server = RateServer().start()
    yield server
    server.stop()


@pytest.fixture
def fx_settings(settings: Settings, rate_server: RateServer) -> Settings:
    """The test settings with both built-in sources pointed at the loopback server."""
    return settings.model_copy(
        update={
            "FX_ECB_URL": f"{rate_server.url}/ecb",
            "FX_FRANKFURTER_URL": f"{rate_server.url}/frankfurter",
            "FX_SOURCES": "ecb,frankfurter",
        }
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
