"""Fetching with failover: the first source that is up and fresh wins; failures and stale answers are logged by
source and reason; running twice stores nothing twice."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from fincloud.config import Settings
from fincloud.service import Runtime
from subgraphs.budget.fx.models import FxRate
from subgraphs.budget.fx.refresh import Outcome, refresh_rates
from subgraphs.budget.fx.registry import load_sources
from subgraphs.budget.fx.service import PublishedRate, store_rates
from tests.subgraphs.budget.fx.support import ECB_DAILY, ECB_HISTORY, FRANKFURTER_LATEST, RateServer, Reply
from workers import fx as fx_jobs
from workers.main import WorkerSettings

AFTER_PUBLICATION = dt.datetime(2024, 3, 13, 15, 30, tzinfo=dt.UTC)
"""16:30 in Frankfurt on Wednesday 13 March 2024: that day's rates are expected."""


async def count_rates(runtime: Runtime, **where: Any) -> int:
    async with runtime.sessionmaker() as session:
        query = select(func.count()).select_from(FxRate).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def seed(runtime: Runtime, on: dt.date) -> None:
    """One stored published rate, so the next refresh asks for the latest day rather than a history."""
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(session=session, source="ecb", rates=[PublishedRate("EUR", "USD", on, Decimal("1.0906"))])


async def refresh(runtime: Runtime, settings: Settings, http: httpx.AsyncClient, **kwargs: Any) -> Any:
    return await refresh_rates(sessionmaker=runtime.sessionmaker, sources=load_sources(settings), client=http, **kwargs)


async def test_the_first_fresh_source_wins_and_the_others_are_not_asked(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, Reply.file("ecb-daily-2024-03-13.xml"))
    rate_server.serve(FRANKFURTER_LATEST, Reply.file("frankfurter-latest-2024-03-13.json"))
    report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert report.used == "ecb"
    assert [(a.source, a.outcome, a.stored) for a in report.attempts] == [("ecb", Outcome.FRESH, 29)]
    assert rate_server.requests == ["/ecb/eurofxref-daily.xml"]
    assert await count_rates(runtime, date=dt.date(2024, 3, 13), source="ecb") == 29


async def test_a_failing_source_falls_over_to_the_next_and_says_why(
    runtime: Runtime,
    fx_settings: Settings,
    rate_server: RateServer,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, Reply(503, b"<html>Service Unavailable</html>", "text/html"))
    rate_server.serve(FRANKFURTER_LATEST, Reply.file("frankfurter-latest-2024-03-13.json"))
    with caplog.at_level(logging.INFO, logger="subgraphs.budget.fx.refresh"):
        report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert report.used == "frankfurter"
    assert [(a.source, a.outcome) for a in report.attempts] == [("ecb", Outcome.FAILED), ("frankfurter", Outcome.FRESH)]
    assert report.attempts[0].detail.endswith("/ecb/eurofxref-daily.xml: HTTP 503")
    [failure] = [r for r in caplog.records if r.message == "fx source failed"]
    assert (failure.levelno, failure.source, failure.reason) == (  # type: ignore[attr-defined]
        logging.WARNING,
        "ecb",
        report.attempts[0].detail,
    )
    assert await count_rates(runtime, date=dt.date(2024, 3, 13), source="frankfurter") == 29
    assert await count_rates(runtime, date=dt.date(2024, 3, 13), source="ecb") == 0


@pytest.mark.parametrize(
    "broken",
    [
        Reply(200, b"<html><body>Maintenance</body></html>", "text/html"),
        Reply(200, b"", "text/xml"),
        Reply(404, b"gone", "text/plain"),
    ],
)
async def test_an_unreadable_answer_also_falls_over(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient, broken: Reply
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, broken)
    rate_server.serve(FRANKFURTER_LATEST, Reply.file("frankfurter-latest-2024-03-13.json"))
    report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert [(a.source, a.outcome) for a in report.attempts] == [("ecb", Outcome.FAILED), ("frankfurter", Outcome.FRESH)]


async def test_a_stale_source_is_stored_but_the_next_one_is_asked(
    runtime: Runtime,
    fx_settings: Settings,
    rate_server: RateServer,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, Reply.file("ecb-daily-2024-03-12.xml"))  # yesterday's file, still cached
    rate_server.serve(FRANKFURTER_LATEST, Reply.file("frankfurter-latest-2024-03-13.json"))
    with caplog.at_level(logging.WARNING, logger="subgraphs.budget.fx.refresh"):
        report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert [(a.source, a.outcome, a.latest_date) for a in report.attempts] == [
        ("ecb", Outcome.STALE, dt.date(2024, 3, 12)),
        ("frankfurter", Outcome.FRESH, dt.date(2024, 3, 13)),
    ]
    assert report.attempts[0].detail == "newest rates are for 2024-03-12, 2024-03-13 expected"
    logged = [(r.message, r.source) for r in caplog.records if r.name == "subgraphs.budget.fx.refresh"]  # type: ignore[attr-defined]
    assert logged == [("fx source stale", "ecb")]
    # Yesterday's real rates are kept (they are genuine), today's come from the failover.
    assert await count_rates(runtime, date=dt.date(2024, 3, 12), source="ecb") == 29
    assert await count_rates(runtime, date=dt.date(2024, 3, 13), source="frankfurter") == 29


async def test_when_every_source_fails_nothing_is_invented(
    runtime: Runtime,
    fx_settings: Settings,
    rate_server: RateServer,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(FRANKFURTER_LATEST, Reply.file("frankfurter-latest-2024-03-12.json"))  # stale; ECB: 404
    with caplog.at_level(logging.WARNING, logger="subgraphs.budget.fx.refresh"):
        report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert report.used is None
    assert [(a.source, a.outcome) for a in report.attempts] == [("ecb", Outcome.FAILED), ("frankfurter", Outcome.STALE)]
    assert "no fx source delivered fresh rates" in [r.message for r in caplog.records if r.levelno == logging.ERROR]
    assert await count_rates(runtime, date=dt.date(2024, 3, 13)) == 0


async def test_running_twice_stores_nothing_twice(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, Reply.file("ecb-daily-2024-03-13.xml"))
    first = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert first.stored == 29
    second = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert (second.up_to_date, second.attempts) == (True, ())  # already fresh: no request at all
    forced = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION, force=True)
    assert [(a.outcome, a.stored) for a in forced.attempts] == [(Outcome.FRESH, 0)]
    assert rate_server.requests == ["/ecb/eurofxref-daily.xml"] * 2
    assert await count_rates(runtime) == 30


async def test_before_publication_time_yesterdays_rates_are_fresh(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    morning = dt.datetime(2024, 3, 13, 9, 0, tzinfo=dt.UTC)
    report = await refresh(runtime, fx_settings, http, now=morning)
    assert (report.expected, report.up_to_date) == (dt.date(2024, 3, 12), True)
    saturday = dt.datetime(2024, 3, 16, 12, 0, tzinfo=dt.UTC)
    assert (await refresh(runtime, fx_settings, http, now=saturday)).expected == dt.date(2024, 3, 15)
    # Only the Saturday run asked: the 13th to the 15th were missing, so for a history since the 13th.
    assert rate_server.requests == [ECB_HISTORY, "/frankfurter/2024-03-13..?from=EUR"]


async def test_an_empty_table_is_back_filled_from_the_history(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    rate_server.serve(ECB_HISTORY, Reply.file("ecb-hist-90d-2024-03-13.xml"))
    report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert [(a.source, a.outcome, a.stored) for a in report.attempts] == [("ecb", Outcome.FRESH, 6 * 29)]
    assert rate_server.requests == ["/ecb/eurofxref-hist-90d.xml"]


async def test_a_gap_is_back_filled_from_the_failover_history_when_the_ecb_is_down(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    await seed(runtime, dt.date(2024, 3, 6))  # the worker was down for a week
    rate_server.serve("/frankfurter/2024-03-07..", Reply.file("frankfurter-series-2024-03-07.json"))
    report = await refresh(runtime, fx_settings, http, now=AFTER_PUBLICATION)
    assert [(a.source, a.outcome) for a in report.attempts] == [("ecb", Outcome.FAILED), ("frankfurter", Outcome.FRESH)]
    assert rate_server.requests == ["/ecb/eurofxref-hist-90d.xml", "/frankfurter/2024-03-07..?from=EUR"]
    async with runtime.sessionmaker() as session:
        days = (await session.scalars(select(FxRate.date).where(FxRate.source == "frankfurter").distinct())).all()
    assert sorted(days) == [dt.date(2024, 3, d) for d in (7, 8, 11, 12, 13)]


async def test_rates_dated_in_the_future_are_not_believed(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, http: httpx.AsyncClient
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, Reply.file("ecb-daily-2024-03-13.xml"))
    morning = dt.datetime(2024, 3, 12, 17, 0, tzinfo=dt.UTC)  # the 12th's evening: a file dated the 13th is wrong
    report = await refresh(runtime, fx_settings, http, now=morning, force=True)
    assert report.attempts[0].outcome is Outcome.FAILED
    assert await count_rates(runtime, date=dt.date(2024, 3, 13)) == 0


# ---------------------------------------------------------------------------------------------------------------
# The worker.


async def test_the_worker_job_fetches_once_and_is_idempotent(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(runtime, dt.date(2024, 3, 12))
    rate_server.serve(ECB_DAILY, Reply(500, b"", "text/plain"))
    rate_server.serve(FRANKFURTER_LATEST, Reply.file("frankfurter-latest-2024-03-13.json"))
    monkeypatch.setattr(fx_jobs, "utcnow", lambda: AFTER_PUBLICATION)
    functions = {function.__name__: function for function in WorkerSettings.functions}
    ctx = {"sessionmaker": runtime.sessionmaker, "settings": fx_settings}
    first = await functions["fx_rates_fetch"](ctx)
    assert (first["used"], first["stored"], first["expected"]) == ("frankfurter", 29, "2024-03-13")
    assert [a["outcome"] for a in first["attempts"]] == ["failed", "fresh"]
    assert (await functions["fx_rates_fetch"](ctx))["up_to_date"] is True
    assert (await functions["fx_rates_fetch"](ctx, True))["stored"] == 0
    assert await count_rates(runtime) == 30


async def test_the_cron_runs_at_start_up_and_never_fetches_in_a_test_stack(
    runtime: Runtime, fx_settings: Settings, rate_server: RateServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    [job] = [job for job in WorkerSettings.cron_jobs if job.coroutine is fx_jobs.fx_rates_cron]
    assert job.run_at_startup
    assert job.unique
    assert job.minute == {30}
    ctx = {"sessionmaker": runtime.sessionmaker, "settings": fx_settings}
    assert fx_settings.ENV == "test"
    assert fx_settings.fx_auto_fetch is False
    assert await fx_jobs.fx_rates_cron(ctx) is None
    assert rate_server.requests == []
    await seed(runtime, dt.date(2024, 3, 13))
    monkeypatch.setattr(fx_jobs, "utcnow", lambda: AFTER_PUBLICATION)
    ctx["settings"] = fx_settings.model_copy(update={"FX_AUTO_FETCH": True})
    assert (await fx_jobs.fx_rates_cron(ctx) or {})["up_to_date"] is True
    assert rate_server.requests == []
