"""The news job end to end: instruments in the database, feeds on a loopback server (the recorded ones), stories
and feed state stored; and the hourly cron that runs it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from fincloud.service import Runtime
from subgraphs.portfolio.models import FeedState, Instrument, NewsItem, NewsLink
from subgraphs.portfolio.news.feeds import FeedConfigError
from tests.subgraphs.portfolio.news.support import NEWSWIRE, YAHOO_AAPL, YAHOO_SAP, FeedServer, Reply
from tests.subgraphs.portfolio.test_news_store import make_instrument, make_portfolio, rss
from workers.main import WorkerSettings
from workers.news import USER_AGENT, news_cron, news_fetch

HEADLINE = "/rss/2.0/headline?s={}&region=US&lang=en-US"
WIRE = "/markets/index.rdf"
FAMILY = "/family.rss"
SEARCH = "/search?q={}"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


async def portfolio_with_news(runtime: Runtime) -> dict[str, uuid.UUID]:
    """Apple and SAP held, Allstate as a benchmark, and the household's own Family Holding (FAMCO): the ids."""
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session, session.begin():
        apple = await make_instrument(session, "AAPL", name="Apple Inc.", exchange="XNAS", isin="US0378331005")
        sap = await make_instrument(session, "SAP", name="SAP SE", exchange="XETR", isin="DE0007164600")
        allstate = await make_instrument(session, "ALL", name="The Allstate Corporation", exchange="XNYS")
        own = await make_instrument(
            session, "FAMCO", name="Family Holding GmbH", isin="DE000FAM0001", household_id=household
        )
        await make_portfolio(session, holds=[apple, sap, own], benchmark=allstate, household_id=household)
        return {"AAPL": apple.id, "SAP": sap.id, "ALL": allstate.id, "FAMCO": own.id}


def serve_feeds(server: FeedServer) -> None:
    """The Yahoo feeds with ETags; Allstate's answers 503; the wire without validators (read again every time)."""
    server.serve(HEADLINE.format("AAPL"), Reply.file(YAHOO_AAPL, etag='"aapl-1"'))
    server.serve(HEADLINE.format("SAP.DE"), Reply.file(YAHOO_SAP, etag='"sap-1"'))
    server.serve(HEADLINE.format("ALL"), Reply(b"<html>Service Unavailable</html>", 503, "text/html"))
    server.serve(WIRE, Reply.file(NEWSWIRE))


def job_ctx(runtime: Runtime, feeds: str, **settings: Any) -> dict[str, Any]:
    """The ctx the worker gives a job, with the feeds setting (and any other) overridden."""
    update = {"PORTFOLIO_NEWS_FEEDS": feeds, **settings}
    return {"sessionmaker": runtime.sessionmaker, "settings": runtime.settings.model_copy(update=update)}


async def linked(runtime: Runtime) -> dict[str, set[uuid.UUID]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(NewsItem.title, NewsLink.instrument_id).join(NewsLink, NewsLink.news_id == NewsItem.id)
        )
        found: dict[str, set[uuid.UUID]] = {}
        for title, instrument_id in rows:
            found.setdefault(title, set()).add(instrument_id)
        return found


async def test_the_job_stores_each_story_once(runtime: Runtime, feed_server: FeedServer) -> None:
    ids = await portfolio_with_news(runtime)
    serve_feeds(feed_server)
    ctx = job_ctx(runtime, f"{feed_server.url}{HEADLINE.format('{yahoo}')}, {feed_server.url}{WIRE}")

    first = await news_fetch(ctx)

    assert first == {"instruments": 3, "items": 6, "links": 7, "fetched": 3, "not_modified": 0, "failed": 1}
    assert await linked(runtime) == {
        "Apple beats on revenue, announces record $110 billion buyback": {ids["AAPL"]},
        # In the AAPL and the SAP.DE feed: one row, linked to both.
        "European tech stocks rise after Apple results lift sentiment": {ids["AAPL"], ids["SAP"]},
        # In the AAPL feed and on the wire.
        "Apple shares jump 7% premarket on record buyback": {ids["AAPL"]},
        "Apple Vision Pro sales: what analysts are saying": {ids["AAPL"]},
        "SAP shares hit record high as cloud backlog grows": {ids["SAP"]},
        # On the wire, as $ALL: the benchmark gets news too.
        "Options flow: unusual call buying in $IT and $ALL": {ids["ALL"]},
    }
    assert all(request.headers["user-agent"] == USER_AGENT for request in feed_server.requests)

    # An hour later: the Yahoo feeds answer 304, the wire sends the same stories, nothing is stored twice.
    feed_server.requests.clear()
    second = await news_fetch(ctx)
    assert second == {"instruments": 3, "items": 0, "links": 0, "fetched": 3, "not_modified": 2, "failed": 1}
    assert feed_server.asked(HEADLINE.format("AAPL"))[0].headers["if-none-match"] == '"aapl-1"'
    assert feed_server.asked(HEADLINE.format("SAP.DE"))[0].headers["if-none-match"] == '"sap-1"'
    async with runtime.sessionmaker() as session:
        assert len((await session.scalars(select(NewsItem))).all()) == 6


async def test_a_failing_feed_is_recorded_and_the_others_are_read(runtime: Runtime, feed_server: FeedServer) -> None:
    await portfolio_with_news(runtime)
    serve_feeds(feed_server)
    feed_server.serve(WIRE, Reply(b"", 200, "text/html"))  # not a feed
    headline = f"{feed_server.url}{HEADLINE.format('{yahoo}')}"

    report = await news_fetch(job_ctx(runtime, f"{headline}, {feed_server.url}{WIRE}, http://127.0.0.1:9/down.rss"))

    assert (report["items"], report["fetched"], report["failed"]) == (5, 2, 3)
    async with runtime.sessionmaker() as session:
        states = {row.url.removeprefix(feed_server.url): row for row in await session.scalars(select(FeedState))}
    errors = {url: state.last_error.split(":")[0] for url, state in states.items()}
    assert errors == {
        HEADLINE.format("AAPL"): "",
        HEADLINE.format("SAP.DE"): "",
        HEADLINE.format("ALL"): "status",
        WIRE: "not_a_feed",
        "http://127.0.0.1:9/down.rss": "network",
    }
    assert states[HEADLINE.format("ALL")].last_error == "status: HTTP 503"
    assert states[HEADLINE.format("ALL")].fetched_at is None  # never fetched successfully
    assert states[HEADLINE.format("AAPL")].etag == '"aapl-1"'
    assert isinstance(states[HEADLINE.format("AAPL")].fetched_at, dt.datetime)


async def test_a_household_instrument_is_never_sent_to_a_feed(runtime: Runtime, feed_server: FeedServer) -> None:
    ids = await portfolio_with_news(runtime)
    serve_feeds(feed_server)
    feed_server.serve(
        FAMILY,
        Reply(
            rss(
                ("Family Holding GmbH (FAMCO) buys Apple shares", "https://wire.example/famco", "DE000FAM0001"),
                ("Family Holding GmbH expands", "https://wire.example/famco-2", "FAMCO grows."),
            )
        ),
    )
    templates = [HEADLINE.format("{yahoo}"), HEADLINE.format("{symbol}"), SEARCH.format("{isin}"), FAMILY]
    report = await news_fetch(job_ctx(runtime, ",".join(feed_server.url + template for template in templates)))

    assert report["instruments"] == 3
    targets = [request.target for request in feed_server.requests]
    assert SEARCH.format("US0378331005") in targets  # the listed ones are asked for by every template
    assert HEADLINE.format("ALL") in targets
    assert not [target for target in targets if "FAMCO" in target or "FAM0001" in target]
    # A general feed's story about it is linked to what else it mentions, never to the household's instrument.
    stories = await linked(runtime)
    assert stories["Family Holding GmbH (FAMCO) buys Apple shares"] == {ids["AAPL"]}
    assert "Family Holding GmbH expands" not in stories
    assert ids["FAMCO"] not in set().union(*stories.values())


async def test_nothing_held_nothing_fetched(runtime: Runtime, feed_server: FeedServer) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        await make_instrument(session, "AAPL", name="Apple Inc.")  # listed, but nobody holds it
    serve_feeds(feed_server)
    report = await news_fetch(job_ctx(runtime, f"{feed_server.url}{HEADLINE.format('{yahoo}')}"))
    assert report == {"instruments": 0}
    assert feed_server.requests == []


async def test_a_misconfigured_feed_fails_the_job(runtime: Runtime) -> None:
    with pytest.raises(FeedConfigError):
        await news_fetch(job_ctx(runtime, "https://feeds.example/{ticker}"))
    assert await news_fetch(job_ctx(runtime, " , ")) == {"skipped": "no news feeds configured"}


async def test_the_cron_runs_only_when_automatic_fetching_is_on(runtime: Runtime, feed_server: FeedServer) -> None:
    await portfolio_with_news(runtime)
    serve_feeds(feed_server)
    feeds = f"{feed_server.url}{HEADLINE.format('{yahoo}')}"

    assert runtime.settings.ENV == "test"
    assert await news_cron(job_ctx(runtime, feeds)) is None  # a test stack stays offline
    assert await news_cron(job_ctx(runtime, "", PORTFOLIO_NEWS_AUTO_FETCH=True)) is None  # news turned off
    assert feed_server.requests == []

    report = await news_cron(job_ctx(runtime, feeds, PORTFOLIO_NEWS_AUTO_FETCH=True))
    assert report is not None
    assert report["items"] == 5


def test_the_worker_runs_news_at_twenty_past_every_hour() -> None:
    assert news_fetch in WorkerSettings.functions
    [job] = [job for job in WorkerSettings.cron_jobs if job.coroutine is news_cron]
    assert (job.hour, job.minute, job.second) == (None, {20}, 0)
    assert job.unique is True
    assert job.run_at_startup is False


async def test_instruments_of_households_stay_private_in_the_feed_state(
    runtime: Runtime, feed_server: FeedServer
) -> None:
    """``feed_state`` keeps the URLs asked for: none names a household's own instrument."""
    await portfolio_with_news(runtime)
    serve_feeds(feed_server)
    await news_fetch(job_ctx(runtime, f"{feed_server.url}{SEARCH.format('{symbol}')}"))
    async with runtime.sessionmaker() as session:
        urls = set(await session.scalars(select(FeedState.url)))
        symbols = set(await session.scalars(select(Instrument.symbol).where(Instrument.household_id.is_(None))))
    assert {url.removeprefix(feed_server.url) for url in urls} == {SEARCH.format(symbol) for symbol in symbols}
