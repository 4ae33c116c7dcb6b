"""The price job end to end: instruments and portfolios in the database, the price sources and the ECB on a loopback
server answering with the recorded responses, Redis for the cache; what is stored, announced, cached and recorded,
and the alerts it fires. The clock is fixed at ``NOW`` (Wednesday 13 March 2024, 22:00 UTC), the recordings' day."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from fincloud.constants import (
    PRICE_CACHE_PREFIX,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_PRICES_UPDATED,
)
from fincloud.service import Runtime
from subgraphs.portfolio.holdings import Series
from subgraphs.portfolio.models import Activity, Alert, FxRate, Instrument, Portfolio, Price, SourceStatus, outbox
from subgraphs.portfolio.performance import Flow, time_weighted_return
from subgraphs.portfolio.services.prices import StoredQuote, store_prices
from tests.subgraphs.portfolio.prices.support import (
    ECB_DAILY,
    ECB_HISTORY_90D,
    NOW,
    STOOQ_DAILY,
    STOOQ_LATEST,
    YAHOO_AAPL,
    PriceServer,
    Reply,
    recorded,
)
from workers.main import WorkerSettings
from workers.prices import cache_seconds, growth_index, prices_cron, prices_update

FX_RECORDED = "tests/subgraphs/budget/fx/recorded/"
MARCH = [dt.date(2024, 3, day) for day in (7, 8, 11, 12, 13)]
"""The trading days of the recorded week."""


@pytest.fixture
def price_server() -> Iterator[PriceServer]:
    server = PriceServer().start()
    yield server
    server.stop()


def ecb(name: str) -> Reply:
    with open(FX_RECORDED + name, "rb") as file:
        return Reply(200, file.read(), "text/xml")


def serve_recordings(server: PriceServer) -> None:
    """Yahoo's AAPL chart (latest and history alike: the server answers by path), Stooq, the ECB's files."""
    server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    server.serve(STOOQ_LATEST, Reply.file("stooq-latest-2024-03-13.csv"))
    server.serve(STOOQ_DAILY, Reply.file("stooq-daily-aapl.us-2024-03-07.csv"))
    server.serve(ECB_DAILY, ecb("ecb-daily-2024-03-13.xml"))
    server.serve(ECB_HISTORY_90D, ecb("ecb-hist-90d-2024-03-13.xml"))


def yahoo_aapl(price: str, *, days_later: int) -> Reply:
    """The recorded AAPL chart with another regular-market price, set ``days_later`` days after the recording."""
    text = recorded("yahoo-chart-AAPL-5d-2024-03-13.json").decode()
    text = text.replace('"regularMarketPrice":171.13', f'"regularMarketPrice":{price}')
    text = text.replace('"regularMarketTime":1710360001', f'"regularMarketTime":{1710360001 + days_later * 86400}')
    return Reply(200, text.encode(), "application/json")


def job_ctx(runtime: Runtime, server: PriceServer, *, now: dt.datetime = NOW, **settings: Any) -> dict[str, Any]:
    """The ctx the worker gives a job: every source pointed at the loopback server, the clock at ``now``."""
    url = server.url
    update = {
        "PRICE_YAHOO_URL": f"{url}/yahoo",
        "PRICE_STOOQ_URL": f"{url}/stooq",
        "PRICE_ALPHAVANTAGE_URL": f"{url}/alphavantage",
        "PRICE_COINGECKO_URL": f"{url}/coingecko",
        "FX_ECB_URL": f"{url}/ecb",
        **settings,
    }
    return {
        "sessionmaker": runtime.sessionmaker,
        "settings": runtime.settings.model_copy(update=update),
        "redis": runtime.redis,
        "clock": lambda: now,
    }


@dataclass
class Holding:
    household_id: uuid.UUID
    portfolio_id: uuid.UUID
    instrument_id: uuid.UUID


async def holding(runtime: Runtime, *, base: str = "EUR", bought: dt.date = MARCH[0]) -> Holding:
    """A portfolio in ``base`` that bought one Apple share (listed on NASDAQ, in USD) at 169 on ``bought``."""
    household_id = uuid.uuid4()
    async with runtime.sessionmaker() as session, session.begin():
        apple = Instrument(symbol="AAPL", exchange="XNAS", name="Apple Inc.", currency="USD", asset_class="equity")
        portfolio = Portfolio(household_id=household_id, name="Brokerage", base_currency=base)
        session.add_all([apple, portfolio])
        await session.flush()
        session.add(
            Activity(
                household_id=household_id,
                portfolio_id=portfolio.id,
                kind="buy",
                date=bought,
                instrument_id=apple.id,
                currency="USD",
                quantity=Decimal(1),
                price=Decimal(169),
            )
        )
        return Holding(household_id, portfolio.id, apple.id)


async def stored(runtime: Runtime, instrument_id: uuid.UUID) -> dict[dt.date, tuple[Decimal, str]]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(select(Price).where(Price.instrument_id == instrument_id))
        return {row.date: (row.price, row.source) for row in rows}


async def events(runtime: Runtime, topic: str) -> list[dict[str, Any]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(outbox.c.payload).where(outbox.c.topic == topic).order_by(outbox.c.occurred_at)
        )
        return [payload for (payload,) in rows]


async def status(runtime: Runtime) -> dict[str, SourceStatus]:
    async with runtime.sessionmaker() as session:
        return {row.source: row for row in await session.scalars(select(SourceStatus))}


# The first run ------------------------------------------------------------------------------------------------------


async def test_the_first_run_stores_the_latest_price_and_backfills_the_history(
    runtime: Runtime, price_server: PriceServer
) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)

    report = await prices_update(job_ctx(runtime, price_server))

    assert await stored(runtime, apple.instrument_id) == {
        MARCH[0]: (Decimal("169.0000000000"), "yahoo"),
        # Yahoo's closes are single-precision values printed in full: rounded once, half to even, to 10 places.
        MARCH[1]: (Decimal("170.7299957275"), "yahoo"),
        MARCH[2]: (Decimal("172.7500000000"), "yahoo"),
        MARCH[3]: (Decimal("173.2299957275"), "yahoo"),
        MARCH[4]: (Decimal("171.1300000000"), "yahoo"),  # the latest price wins over the day's bar (171.13000488…)
    }
    assert (report["instruments"], report["fetched"], report["backfilled"], report["changed"]) == (1, 1, 1, 1)


async def test_the_first_run_records_when_the_source_set_the_price(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    await prices_update(job_ctx(runtime, price_server))
    async with runtime.sessionmaker() as session:
        latest = await session.get(Price, (apple.instrument_id, MARCH[4]))
    assert latest is not None
    assert latest.as_of == dt.datetime(2024, 3, 13, 20, 0, 1, tzinfo=dt.UTC)  # regularMarketTime, 16:00:01 EDT


async def test_the_first_run_announces_the_new_latest_price(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    await prices_update(job_ctx(runtime, price_server))
    assert await events(runtime, TOPIC_PRICES_UPDATED) == [
        {
            "prices": [
                {
                    "instrument_id": str(apple.instrument_id),
                    "price": "171.13",
                    "currency": "USD",
                    "date": "2024-03-13",
                    "source": "yahoo",
                    "as_of": "2024-03-13T20:00:01+00:00",
                }
            ]
        }
    ]


async def test_the_first_run_fetches_the_exchange_rates_since_the_first_activity(
    runtime: Runtime, price_server: PriceServer
) -> None:
    await holding(runtime, base="EUR")
    serve_recordings(price_server)
    report = await prices_update(job_ctx(runtime, price_server))
    async with runtime.sessionmaker() as session:
        rates = {(r.base, r.quote, r.date): r.rate for r in await session.scalars(select(FxRate))}
    assert sorted(rates) == [("EUR", "USD", day) for day in MARCH]  # from the 90-day file, from 7 March
    assert rates[("EUR", "USD", MARCH[4])] == Decimal("1.0939")
    assert report["fx_rates"] == 5


async def test_the_first_run_records_each_source_that_answered(runtime: Runtime, price_server: PriceServer) -> None:
    await holding(runtime)
    serve_recordings(price_server)
    await prices_update(job_ctx(runtime, price_server))
    found = await status(runtime)
    assert {name: (s.last_success_at, s.failures) for name, s in found.items()} == {
        "yahoo": (NOW, 0),
        "ecb": (NOW, 0),
    }


# The cache ----------------------------------------------------------------------------------------------------------


async def test_a_second_run_within_the_hour_asks_no_source(runtime: Runtime, price_server: PriceServer) -> None:
    await holding(runtime)
    serve_recordings(price_server)
    ctx = job_ctx(runtime, price_server)
    await prices_update(ctx)
    price_server.requests.clear()

    report = await prices_update(ctx)

    assert price_server.requests == []
    assert (report["cached"], report["fetched"], report["changed"]) == (1, 0, 0)


async def test_a_second_worker_finds_the_quote_in_the_cache(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    await prices_update(job_ctx(runtime, price_server))
    price_server.requests.clear()
    # Another worker: its own settings object and context, the same Redis.
    await prices_update(job_ctx(runtime, price_server, PRICE_MAX_AGE_HOURS=96))
    assert price_server.asked("/yahoo/") == []
    cached = await runtime.redis.get(f"{PRICE_CACHE_PREFIX}latest:{apple.instrument_id}")
    assert cached is not None


async def test_a_cached_quote_expires_before_the_next_hourly_run() -> None:
    assert cache_seconds(3600) == 3480  # the next run at the top of the hour may start a moment early
    assert cache_seconds(0) == 0  # no cache


async def test_without_the_cache_the_source_is_asked_again(runtime: Runtime, price_server: PriceServer) -> None:
    await holding(runtime)
    serve_recordings(price_server)
    ctx = job_ctx(runtime, price_server, PRICE_CACHE_SECONDS=0)
    await prices_update(ctx)
    price_server.requests.clear()
    await prices_update(ctx)
    assert price_server.asked("/yahoo/") == ["/yahoo/v8/finance/chart/AAPL?range=5d&interval=1d"]


# Failover and the sources' record -----------------------------------------------------------------------------------


async def test_when_the_first_source_fails_the_next_one_prices(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    price_server.serve(YAHOO_AAPL, Reply(500, b"internal error", "text/plain"))

    report = await prices_update(job_ctx(runtime, price_server))

    assert await stored(runtime, apple.instrument_id) == {
        MARCH[0]: (Decimal("169.0000000000"), "stooq"),  # the history from Stooq too
        MARCH[1]: (Decimal("170.7300000000"), "stooq"),
        MARCH[2]: (Decimal("172.7500000000"), "stooq"),
        MARCH[3]: (Decimal("173.2300000000"), "stooq"),
        MARCH[4]: (Decimal("171.1300000000"), "stooq"),
    }
    assert {(p["source"], p["kind"]) for p in report["problems"]} == {("yahoo", "failed")}


async def test_a_failing_source_is_recorded_and_its_failures_counted_until_it_answers(
    runtime: Runtime, price_server: PriceServer
) -> None:
    await holding(runtime)
    serve_recordings(price_server)
    price_server.serve(YAHOO_AAPL, Reply(500, b"internal error", "text/plain"))
    ctx = job_ctx(runtime, price_server, PRICE_CACHE_SECONDS=0)

    await prices_update(ctx)
    await prices_update(ctx)
    failing = (await status(runtime))["yahoo"]
    assert (failing.failures, failing.last_failure_at, failing.last_success_at) == (2, NOW, None)
    assert "HTTP 500" in failing.last_error
    assert (await status(runtime))["stooq"].failures == 0

    price_server.serve(YAHOO_AAPL, Reply.file("yahoo-chart-AAPL-5d-2024-03-13.json"))
    await prices_update(job_ctx(runtime, price_server, now=NOW + dt.timedelta(hours=1), PRICE_CACHE_SECONDS=0))
    recovered = (await status(runtime))["yahoo"]
    assert (recovered.failures, recovered.last_success_at) == (0, NOW + dt.timedelta(hours=1))


async def test_an_unreachable_ecb_costs_only_the_exchange_rates(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    price_server.serve(ECB_HISTORY_90D, Reply(503, b"maintenance", "text/plain"))

    report = await prices_update(job_ctx(runtime, price_server))

    assert len(await stored(runtime, apple.instrument_id)) == 5
    assert (report["fx_rates"], (await status(runtime))["ecb"].failures) == (0, 1)


# Manual prices ------------------------------------------------------------------------------------------------------


async def test_a_price_entered_or_uploaded_by_a_person_is_never_replaced(
    runtime: Runtime, price_server: PriceServer
) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    async with runtime.sessionmaker() as session, session.begin():
        await store_prices(
            session=session,
            quotes=[
                StoredQuote(apple.instrument_id, MARCH[4], Decimal("150"), "USD", "manual", NOW),
                StoredQuote(apple.instrument_id, MARCH[1], Decimal("160"), "USD", "upload", NOW),
            ],
            user=True,
        )
    # A back-fill still pending (as after a failed one): the history is fetched despite the prices stored.
    await runtime.redis.set(f"{PRICE_CACHE_PREFIX}backfill:{apple.instrument_id}", MARCH[0].isoformat())

    report = await prices_update(job_ctx(runtime, price_server))

    assert await stored(runtime, apple.instrument_id) == {
        MARCH[0]: (Decimal("169.0000000000"), "yahoo"),
        MARCH[1]: (Decimal("160.0000000000"), "upload"),
        MARCH[2]: (Decimal("172.7500000000"), "yahoo"),
        MARCH[3]: (Decimal("173.2299957275"), "yahoo"),
        MARCH[4]: (Decimal("150.0000000000"), "manual"),
    }
    assert report["backfilled"] == 1
    assert await runtime.redis.get(f"{PRICE_CACHE_PREFIX}backfill:{apple.instrument_id}") is None


async def test_when_nothing_changes_nothing_is_announced(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    serve_recordings(price_server)
    await prices_update(job_ctx(runtime, price_server))
    await prices_update(job_ctx(runtime, price_server, PRICE_CACHE_SECONDS=0))  # the same answer again
    assert len(await events(runtime, TOPIC_PRICES_UPDATED)) == 1
    assert len(await stored(runtime, apple.instrument_id)) == 5


# Alerts -------------------------------------------------------------------------------------------------------------


async def add_alert(runtime: Runtime, apple: Holding, kind: str, threshold: str) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        price_alert = kind in ("price_above", "price_below", "day_move")
        session.add(
            Alert(
                household_id=apple.household_id,
                kind=kind,
                instrument_id=apple.instrument_id if price_alert else None,
                portfolio_id=None if price_alert else apple.portfolio_id,
                threshold=Decimal(threshold),
                currency="USD" if kind != "day_move" and price_alert else None,
                created_by=uuid.uuid4(),
            )
        )


async def test_a_price_alert_fires_once_per_crossing_across_runs(runtime: Runtime, price_server: PriceServer) -> None:
    apple = await holding(runtime)
    await add_alert(runtime, apple, "price_above", "170")
    serve_recordings(price_server)

    def hour(days: int) -> dict[str, Any]:
        return job_ctx(runtime, price_server, now=NOW + dt.timedelta(days=days), PRICE_CACHE_SECONDS=0)

    await prices_update(hour(0))  # 171.13: crossed
    await prices_update(hour(0))  # 171.13 still: no second event
    price_server.serve(YAHOO_AAPL, yahoo_aapl("168", days_later=1))
    await prices_update(hour(1))  # 168: back below, re-armed
    price_server.serve(YAHOO_AAPL, yahoo_aapl("172.5", days_later=2))
    await prices_update(hour(2))  # 172.50: crossed again

    fired = await events(runtime, TOPIC_PRICE_ALERT)
    assert [(event["date"], event["price"]) for event in fired] == [
        ("2024-03-13", "171.1300000000"),
        ("2024-03-15", "172.5000000000"),
    ]


async def test_a_portfolio_alert_fires_on_the_drawdown_of_the_growth_index(
    runtime: Runtime, price_server: PriceServer
) -> None:
    apple = await holding(runtime, base="USD")
    # From the high of 12 March (173.2299957275) to 171.13: 1 - 171.13 / 173.2299957275 = 1.212259 % down.
    await add_alert(runtime, apple, "drawdown", "1")
    serve_recordings(price_server)

    report = await prices_update(job_ctx(runtime, price_server))
    await prices_update(job_ctx(runtime, price_server, PRICE_CACHE_SECONDS=0))

    [fired] = await events(runtime, TOPIC_PORTFOLIO_ALERT)
    assert (fired["kind"], fired["value"], fired["date"]) == ("drawdown", "1.212259", "2024-03-13")
    assert report["portfolio_alerts"] == 1


def test_the_growth_index_links_the_daily_time_weighted_returns() -> None:
    start = dt.date(2024, 3, 6)
    series = Series(
        start=start,
        end=dt.date(2024, 3, 10),
        start_value=Decimal(0),
        values={
            dt.date(2024, 3, 7): Decimal("100"),
            dt.date(2024, 3, 8): Decimal("110"),
            dt.date(2024, 3, 9): Decimal("160"),  # 50 more put in: 0 % that day
            dt.date(2024, 3, 10): Decimal("144"),
        },
        flows=(Flow(dt.date(2024, 3, 7), Decimal("100")), Flow(dt.date(2024, 3, 9), Decimal("50"))),
    )
    growth = growth_index(series)
    twr = time_weighted_return(
        values=series.values, flows=series.flows, start=start, end=series.end, start_value=series.start_value
    )
    assert growth == pytest.approx(
        {start: 1.0, dt.date(2024, 3, 7): 1.0, dt.date(2024, 3, 8): 1.1, dt.date(2024, 3, 9): 1.1, series.end: 0.99}
    )
    assert twr.value is not None
    assert growth[series.end] - 1 == pytest.approx(twr.value)


# The schedule -------------------------------------------------------------------------------------------------------


async def test_the_cron_does_nothing_when_automatic_fetching_is_off(
    runtime: Runtime, price_server: PriceServer
) -> None:
    await holding(runtime)
    serve_recordings(price_server)
    assert await prices_cron(job_ctx(runtime, price_server, PRICE_AUTO_FETCH=False)) is None
    assert price_server.requests == []


def test_the_job_runs_every_hour_on_the_hour_and_at_start_up() -> None:
    [job] = [job for job in WorkerSettings.cron_jobs if job.name == "cron:prices_cron"]
    assert (job.minute, job.second, job.run_at_startup, job.unique) == ({0}, 0, True, True)
    assert prices_update in WorkerSettings.functions
