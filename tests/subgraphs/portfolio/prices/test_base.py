"""The shapes sources exchange, and the fetching they share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from fincloud.config import Settings
from subgraphs.portfolio.prices import _http
from subgraphs.portfolio.prices.base import InstrumentRef, PriceSourceError, Quote
from subgraphs.portfolio.prices.source_stooq import StooqSource
from tests.subgraphs.portfolio.prices.support import AAPL, MARCH_13, NOW, STOOQ_LATEST, PriceServer, Reply


def test_an_instrument_is_checked_and_frozen() -> None:
    ref = InstrumentRef(key="k", symbol="VWCE", currency="eur", asset_class="fund", codes={"yahoo": " VWCE.DE "})
    assert (ref.currency, ref.exchange, ref.code_for("yahoo"), ref.code_for("stooq")) == ("EUR", None, "VWCE.DE", None)
    with pytest.raises(TypeError):
        ref.codes["stooq"] = "vwce.de"  # type: ignore[index]
    assert hash(ref) == hash(InstrumentRef(key="k", symbol="VWCE", currency="EUR", asset_class="fund"))
    with pytest.raises(ValueError, match="unknown asset class 'stock'"):
        InstrumentRef(key="k", symbol="X", currency="EUR", asset_class="stock")


def test_a_quote_holds_a_positive_decimal_as_of_a_utc_time() -> None:
    cet = dt.timezone(dt.timedelta(hours=1))
    quote = Quote("k", MARCH_13, Decimal("1.5"), "EUR", "test", dt.datetime(2024, 3, 13, 17, 30, tzinfo=cet))
    assert quote.as_of == dt.datetime(2024, 3, 13, 16, 30, tzinfo=dt.UTC)
    assert quote.as_of.tzinfo is dt.UTC
    for price in (1.5, Decimal(0), Decimal("-1"), Decimal("NaN")):
        with pytest.raises(ValueError, match="positive, finite Decimal"):
            Quote("k", MARCH_13, price, "EUR", "test", NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone-aware"):
        Quote("k", MARCH_13, Decimal(1), "EUR", "test", NOW.replace(tzinfo=None))


async def test_a_document_over_the_size_limit_is_refused(
    stooq: StooqSource, price_server: PriceServer, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_http, "MAX_DOCUMENT_BYTES", 100)
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))
    with pytest.raises(PriceSourceError, match="larger than 100 bytes"):
        await stooq.latest(http, [AAPL])


async def test_an_unreachable_source_says_so(price_settings: Settings, http: httpx.AsyncClient) -> None:
    unreachable = StooqSource(price_settings.model_copy(update={"PRICE_STOOQ_URL": "http://127.0.0.1:9/stooq"}))
    with pytest.raises(PriceSourceError, match="ConnectError"):
        await unreachable.latest(http, [AAPL])


async def test_every_request_says_who_is_asking(
    stooq: StooqSource, price_server: PriceServer, http: httpx.AsyncClient
) -> None:
    price_server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))
    await stooq.latest(http, [AAPL])
    assert price_server.agents == [_http.USER_AGENT]  # not httpx's own, which Yahoo refuses
