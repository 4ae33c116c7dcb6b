"""Storing news: which instruments get it, one row per story however many feeds and rounds carry it, links added as
stories are matched to more instruments, each feed's validators and errors kept; and reading it back through the
``Instrument.news`` / ``Portfolio.news`` fields, newest first, a page at a time."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.graphql import Connection, create_schema
from fincloud.service import Runtime
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Activity, FeedState, Instrument, NewsKey, NewsLink, Portfolio
from subgraphs.portfolio.models import NewsItem as NewsItemRow
from subgraphs.portfolio.news.collect import NewsBatch, gather_news
from subgraphs.portfolio.news.feeds import HeldInstrument, parse_feed_config
from subgraphs.portfolio.news.graphql import NewsItem, instrument_news, portfolio_news
from subgraphs.portfolio.news.items import NewsItem as Story
from subgraphs.portfolio.services.news import (
    StoredNews,
    feed_validators,
    instruments_for_news,
    store_news,
    stored_key,
)
from subgraphs.portfolio.types import Instrument as InstrumentType
from subgraphs.portfolio.types import Portfolio as PortfolioType
from tests.factories import make_viewer
from tests.subgraphs.portfolio.news.support import NEWSWIRE, YAHOO_AAPL, YAHOO_SAP, FeedServer, Reply

HEADLINE = "/rss/2.0/headline?s={}&region=US&lang=en-US"
WIRE = "/markets/index.rdf"
EUROPEAN = "European tech stocks rise after Apple results lift sentiment"
REUTERS = "Apple shares jump 7% premarket on record buyback"
T0 = dt.datetime(2024, 5, 3, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


# Test data ----------------------------------------------------------------------------------------------------------


async def make_instrument(
    session: AsyncSession,
    symbol: str,
    *,
    name: str,
    exchange: str = "",
    isin: str | None = None,
    codes: dict[str, str] | None = None,
    asset_class: str = "equity",
    household_id: uuid.UUID | None = None,
) -> Instrument:
    """An instrument: listed unless ``household_id`` is given."""
    row = Instrument(
        household_id=household_id,
        symbol=symbol,
        exchange=exchange,
        isin=isin,
        name=name,
        currency="USD" if asset_class == "cash" else "EUR",
        asset_class=asset_class,
        codes=codes or {},
    )
    session.add(row)
    await session.flush()
    return row


async def make_portfolio(
    session: AsyncSession,
    *,
    holds: list[Instrument],
    benchmark: Instrument | None = None,
    household_id: uuid.UUID | None = None,
) -> Portfolio:
    """A portfolio that bought one unit of each of ``holds``."""
    household_id = household_id or uuid.uuid4()
    portfolio = Portfolio(
        household_id=household_id,
        name="Retirement",
        base_currency="EUR",
        benchmark_id=benchmark.id if benchmark else None,
    )
    session.add(portfolio)
    await session.flush()
    for instrument in holds:
        session.add(
            Activity(
                household_id=household_id,
                portfolio_id=portfolio.id,
                kind="buy",
                date=dt.date(2024, 1, 2),
                instrument_id=instrument.id,
                currency=instrument.currency,
                quantity=Decimal("1"),
                price=Decimal("100"),
            )
        )
    await session.flush()
    return portfolio


def rss(*items: tuple[str, str, str]) -> bytes:
    """An RSS 2.0 feed of ``(title, link, description)`` items, without guids or dates."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{text}</description></item>"
        for title, link, text in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test wire</title>'
        f"<link>https://wire.example/</link>{body}</channel></rss>"
    ).encode()


async def stories(session: AsyncSession) -> dict[str, set[str]]:
    """Each stored story's title, with the symbols of the instruments it is linked to."""
    rows = await session.execute(
        select(NewsItemRow.title, Instrument.symbol)
        .outerjoin(NewsLink, NewsLink.news_id == NewsItemRow.id)
        .outerjoin(Instrument, Instrument.id == NewsLink.instrument_id)
    )
    found: dict[str, set[str]] = {}
    for title, symbol in rows:
        found.setdefault(title, set()).update([symbol] if symbol else [])
    return found


async def round_of(
    session: AsyncSession,
    http: httpx.AsyncClient,
    setting: str,
    *,
    instruments: list[HeldInstrument] | None = None,
    now: dt.datetime = T0,
) -> tuple[StoredNews, NewsBatch]:
    """What the worker does: read the feeds for the instruments with news, with the validators kept, and store."""
    held = instruments if instruments is not None else await instruments_for_news(session=session)
    batch = await gather_news(
        http,
        instruments=held,
        templates=parse_feed_config(setting),
        validators=await feed_validators(session=session),
    )
    return await store_news(session=session, batch=batch, now=now), batch


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


# Which instruments ---------------------------------------------------------------------------------------------------


async def test_news_is_fetched_for_listed_instruments_held_traded_or_benchmarked(session: AsyncSession) -> None:
    apple = await make_instrument(session, "AAPL", name="Apple Inc.", exchange="XNAS", isin="US0378331005")
    sap = await make_instrument(session, "SAP", name="SAP SE", exchange="XETR")
    asml = await make_instrument(session, "ASML", name="ASML Holding N.V.", codes={"yahoo": "ASML.AS"})
    unused = await make_instrument(session, "MSFT", name="Microsoft Corporation")
    dollars = await make_instrument(session, "USD", name="US dollar", asset_class="cash")
    household = uuid.uuid4()
    own = await make_instrument(session, "FAMCO", name="Family Holding GmbH", household_id=household)
    await make_portfolio(session, holds=[apple, own, dollars], household_id=household, benchmark=asml)
    await make_portfolio(session, holds=[sap])

    held = await instruments_for_news(session=session)

    assert held == [
        HeldInstrument(key=str(apple.id), symbol="AAPL", isin="US0378331005", name="Apple Inc.", yahoo="AAPL"),
        HeldInstrument(key=str(asml.id), symbol="ASML", name="ASML Holding N.V.", yahoo="ASML.AS"),
        HeldInstrument(key=str(sap.id), symbol="SAP", name="SAP SE", yahoo="SAP.DE"),
    ]
    assert str(unused.id) not in {h.key for h in held}


# Storing -------------------------------------------------------------------------------------------------------------


async def test_a_round_is_stored_once_with_one_row_per_story(
    session: AsyncSession, http: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    apple = await make_instrument(session, "AAPL", name="Apple Inc.", exchange="XNAS")
    sap = await make_instrument(session, "SAP", name="SAP SE", exchange="XETR")
    await make_portfolio(session, holds=[apple, sap])
    feed_server.serve(HEADLINE.format("AAPL"), Reply.file(YAHOO_AAPL, etag='"aapl-1"'))
    feed_server.serve(HEADLINE.format("SAP.DE"), Reply.file(YAHOO_SAP, etag='"sap-1"'))
    feed_server.serve(WIRE, Reply.file(NEWSWIRE))
    setting = f"{feed_server.url}{HEADLINE.format('{yahoo}')},{feed_server.url}{WIRE},{feed_server.url}/gone.rss"

    stored, batch = await round_of(session, http, setting)

    assert stored == StoredNews(items=5, links=6, fetched=3, not_modified=0, failed=1)
    # The same story in the AAPL and SAP.DE feeds (one guid), and the Reuters story in the AAPL feed and the wire
    # (one link, spelled differently): one row each, linked to every instrument it is news for.
    assert await stories(session) == {
        "Apple beats on revenue, announces record $110 billion buyback": {"AAPL"},
        EUROPEAN: {"AAPL", "SAP"},
        REUTERS: {"AAPL"},
        "Apple Vision Pro sales: what analysts are saying": {"AAPL"},
        "SAP shares hit record high as cloud backlog grows": {"SAP"},
    }
    reuters = await session.scalar(select(NewsItemRow).where(NewsItemRow.title == REUTERS))
    assert reuters is not None
    assert reuters.source == "Yahoo! Finance: AAPL News"  # the per-instrument feed's copy
    assert reuters.published_at == dt.datetime(2024, 5, 3, 8, 2, tzinfo=dt.UTC)
    assert reuters.fetched_at == T0
    undated = await session.scalar(select(NewsItemRow).where(NewsItemRow.title.startswith("Apple Vision Pro")))
    assert undated is not None
    assert undated.published_at is None

    # The same batch again (a retried job): nothing new.
    assert await store_news(session=session, batch=batch, now=T0) == StoredNews(fetched=3, failed=1)
    # The next round: the Yahoo feeds answer 304, the wire (no validators) sends the same stories again.
    again, _ = await round_of(session, http, setting)
    assert again == StoredNews(items=0, links=0, fetched=3, not_modified=2, failed=1)
    assert await session.scalar(select(func.count()).select_from(NewsItemRow)) == 5
    assert feed_server.asked(HEADLINE.format("AAPL"))[-1].headers["if-none-match"] == '"aapl-1"'


async def test_a_story_stored_under_its_guid_is_recognised_later_by_its_link(
    session: AsyncSession, http: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    """The AAPL feed gives the story a guid; a wire later carries only its link (with other tracking parameters):
    the stored story gains a link to SAP, which the wire's copy mentions, and no second row."""
    apple = await make_instrument(session, "AAPL", name="Apple Inc.", exchange="XNAS")
    sap = await make_instrument(session, "SAP", name="SAP SE", exchange="XETR")
    await make_portfolio(session, holds=[apple, sap])
    feed_server.serve(HEADLINE.format("AAPL"), Reply.file(YAHOO_AAPL))
    link = "https://finance.yahoo.com/news/european-tech-stocks-rise-apple-071503456.html?utm_source=wire"
    feed_server.serve("/wire.rss", Reply(rss(("Tech stocks in Europe climb", link, "SAP SE shares gained."))))
    held = await instruments_for_news(session=session)

    only_apple = [h for h in held if h.symbol == "AAPL"]
    first, _ = await round_of(session, http, f"{feed_server.url}{HEADLINE.format('{yahoo}')}", instruments=only_apple)
    assert first.items == 4
    assert (await stories(session))[EUROPEAN] == {"AAPL"}

    later, batch = await round_of(session, http, f"{feed_server.url}/wire.rss")
    [story] = batch.items
    assert story.dedupe_key.startswith("url:")  # not the key the story was stored under
    assert later == StoredNews(items=0, links=1, fetched=1)
    assert (await stories(session))[EUROPEAN] == {"AAPL", "SAP"}  # the title as first stored
    row = await session.scalar(select(NewsItemRow).where(NewsItemRow.title == EUROPEAN))
    assert row is not None
    assert row.dedupe_key.startswith("guid:")
    keys = set(await session.scalars(select(NewsKey.key).where(NewsKey.news_id == row.id)))
    assert keys == {row.dedupe_key, story.dedupe_key}


async def test_a_feed_that_fails_keeps_its_validators_and_says_why(
    session: AsyncSession, http: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    apple = await make_instrument(session, "AAPL", name="Apple Inc.", exchange="XNAS")
    await make_portfolio(session, holds=[apple])
    url = feed_server.serve(WIRE, Reply.file(NEWSWIRE, last_modified="Fri, 03 May 2024 09:00:00 GMT"))

    await round_of(session, http, url)
    state = await session.get(FeedState, url)
    assert state is not None
    assert (state.etag, state.modified, state.fetched_at, state.last_error) == (
        None,
        "Fri, 03 May 2024 09:00:00 GMT",
        T0,
        "",
    )

    feed_server.serve(WIRE, Reply(b"<html>Service Unavailable</html>", 503, "text/html"))
    failed, _ = await round_of(session, http, url, now=T0 + dt.timedelta(hours=1))
    assert failed == StoredNews(failed=1)
    await session.refresh(state)
    assert (state.modified, state.fetched_at, state.last_error) == (
        "Fri, 03 May 2024 09:00:00 GMT",
        T0,  # the last success
        "status: HTTP 503",
    )

    feed_server.serve(WIRE, Reply.file(NEWSWIRE, last_modified="Fri, 03 May 2024 09:00:00 GMT"))
    back, _ = await round_of(session, http, url, now=T0 + dt.timedelta(hours=2))
    assert back == StoredNews(fetched=1, not_modified=1)
    assert feed_server.asked(WIRE)[-1].headers["if-modified-since"] == "Fri, 03 May 2024 09:00:00 GMT"
    await session.refresh(state)
    assert (state.fetched_at, state.last_error) == (T0 + dt.timedelta(hours=2), "")


async def test_long_keys_and_links_are_stored(
    session: AsyncSession, http: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    apple = await make_instrument(session, "AAPL", name="Apple Inc.", exchange="XNAS")
    await make_portfolio(session, holds=[apple])
    link = "https://news.example/apple?" + "&".join(f"p{i}=value{i}" for i in range(60))
    assert 600 < len(link) < 2000
    url = feed_server.serve("/wire.rss", Reply(rss(("Apple opens a store", link, "Apple Inc. opened a store."))))

    first, batch = await round_of(session, http, url)
    again, _ = await round_of(session, http, url)

    assert (first.items, again.items) == (1, 0)
    row = await session.scalar(select(NewsItemRow))
    assert row is not None
    assert row.url == link
    assert row.dedupe_key == stored_key(batch.items[0].dedupe_key)
    assert row.dedupe_key.startswith("long:")
    assert len(row.dedupe_key) == len("long:") + 64


async def test_a_household_instrument_is_never_linked(session: AsyncSession) -> None:
    """Even when a batch names one (the worker never does), a story is linked to listed instruments only."""
    apple = await make_instrument(session, "AAPL", name="Apple Inc.")
    own = await make_instrument(session, "FAMCO", name="Family Holding GmbH", household_id=uuid.uuid4())
    story = Story(
        title="Family Holding and Apple",
        url="https://news.example/family-apple",
        summary="",
        published_at=None,
        source="Test",
        guid=None,
        dedupe_key="url:https://news.example/family-apple",
        identity_keys=frozenset({"url:https://news.example/family-apple"}),
        feed_urls=frozenset({"https://news.example/feed"}),
        instruments=frozenset({str(apple.id), str(own.id), "not-an-id"}),
    )
    stored = await store_news(session=session, batch=NewsBatch(items=(story,), feeds=()))
    assert stored == StoredNews(items=1, links=1)
    assert await stories(session) == {"Family Holding and Apple": {"AAPL"}}


# Reading -------------------------------------------------------------------------------------------------------------


@strawberry.type
class NewsQuery:
    """The two fields as the lead attaches them to ``Instrument`` and ``Portfolio``; the root value plays the
    instrument or portfolio."""

    instrument_news: Connection[NewsItem] = strawberry.field(resolver=instrument_news, description="News.")
    portfolio_news: Connection[NewsItem] = strawberry.field(resolver=portfolio_news, description="News.")


news_schema = create_schema(query=NewsQuery)

PAGE = """
query Page($first: Int, $after: String) {
  instrumentNews(first: $first, after: $after) {
    edges { cursor node { id title url summary source publishedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def run(runtime: Runtime, root: object, query: str, **variables: Any) -> Any:
    return await news_schema.execute(
        query,
        variable_values=variables,
        context_value=Context(runtime=runtime, viewer=make_viewer()),
        root_value=root,
    )


async def add_story(
    session: AsyncSession,
    title: str,
    *instruments: Instrument,
    published_at: dt.datetime | None,
    fetched_at: dt.datetime = T0,
    news_id: uuid.UUID | None = None,
) -> NewsItemRow:
    row = NewsItemRow(
        id=news_id or uuid.uuid4(),
        dedupe_key=f"test:{title}",
        title=title,
        url="" if published_at is None else f"https://news.example/{title.replace(' ', '-')}",
        summary=f"About {title}.",
        source="Test wire",
        published_at=published_at,
        fetched_at=fetched_at,
    )
    session.add(row)
    await session.flush()
    for instrument in instruments:
        session.add(NewsLink(news_id=row.id, instrument_id=instrument.id))
    await session.flush()
    return row


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


async def test_an_instruments_news_newest_first_a_page_at_a_time(runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        apple = await make_instrument(session, "AAPL", name="Apple Inc.")
        other = await make_instrument(session, "MSFT", name="Microsoft Corporation")
        await add_story(session, "oldest", apple, published_at=hours(-48))
        await add_story(session, "undated, read an hour ago", apple, published_at=None, fetched_at=hours(-1))
        await add_story(session, "newest", apple, published_at=hours(2))
        low, high = sorted([uuid.uuid4(), uuid.uuid4()])
        await add_story(session, "same time, lower id", apple, published_at=hours(-5), news_id=low)
        await add_story(session, "same time, higher id", apple, published_at=hours(-5), news_id=high)
        await add_story(session, "about someone else", other, published_at=hours(1))
        root = InstrumentType.from_row(apple)

    titles: list[str] = []
    after = None
    pages = 0
    while True:
        result = await run(runtime, root, PAGE, first=2, after=after)
        assert result.errors is None, result.errors
        page = result.data["instrumentNews"]
        titles += [edge["node"]["title"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == [
        "newest",
        "undated, read an hour ago",
        "same time, higher id",
        "same time, lower id",
        "oldest",
    ]
    assert pages == 3

    first = await run(runtime, root, PAGE, first=1)
    assert first.data["instrumentNews"]["edges"][0]["node"] == {
        "id": first.data["instrumentNews"]["edges"][0]["node"]["id"],
        "title": "newest",
        "url": "https://news.example/newest",
        "summary": "About newest.",
        "source": "Test wire",
        "publishedAt": "2024-05-03T14:00:00+00:00",
    }
    undated = await run(runtime, root, PAGE, first=1, after=first.data["instrumentNews"]["pageInfo"]["endCursor"])
    assert undated.data["instrumentNews"]["edges"][0]["node"]["url"] is None
    assert undated.data["instrumentNews"]["edges"][0]["node"]["publishedAt"] is None


async def test_bad_page_arguments_are_user_errors(runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        root = InstrumentType.from_row(await make_instrument(session, "AAPL", name="Apple Inc."))
    for variables in ({"after": "not a cursor"}, {"after": "WyJ4IiwgInkiXQ=="}, {"first": 0}):
        result = await run(runtime, root, PAGE, **variables)
        assert result.errors is not None
        assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": next(iter(variables))}


async def test_a_household_instrument_has_no_news(runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        own = await make_instrument(session, "FAMCO", name="Family Holding GmbH", household_id=uuid.uuid4())
        await add_story(session, "linked by mistake", own, published_at=hours(0))
        root = InstrumentType.from_row(own)
    result = await run(runtime, root, PAGE)
    assert result.errors is None
    assert result.data["instrumentNews"] == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


async def test_a_portfolios_news_covers_what_it_traded_and_its_benchmark(runtime: Runtime) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        apple = await make_instrument(session, "AAPL", name="Apple Inc.")
        sap = await make_instrument(session, "SAP", name="SAP SE")
        index = await make_instrument(session, "^GSPC", name="S&P 500", asset_class="fund")
        other = await make_instrument(session, "MSFT", name="Microsoft Corporation")
        portfolio = await make_portfolio(session, holds=[apple, sap], benchmark=index)
        await make_portfolio(session, holds=[other])
        await add_story(session, "apple and sap", apple, sap, other, published_at=hours(3))
        await add_story(session, "the index", index, published_at=hours(2))
        await add_story(session, "sap", sap, published_at=hours(1))
        await add_story(session, "someone else's", other, published_at=hours(4))
        root = PortfolioType.from_row(portfolio)
    query = """
    query { portfolioNews(first: 10) { edges { node { title } } pageInfo { hasNextPage } } }
    """
    result = await run(runtime, root, query)
    assert result.errors is None, result.errors
    assert [edge["node"]["title"] for edge in result.data["portfolioNews"]["edges"]] == [
        "apple and sap",
        "the index",
        "sap",
    ]


async def test_the_linked_instruments_are_the_ones_asked_about(runtime: Runtime) -> None:
    """``instrument_ids`` (private: for a field that shows them) never names an instrument the viewer did not ask
    about, which would tell them what someone else on the server holds."""
    async with runtime.sessionmaker() as session, session.begin():
        apple = await make_instrument(session, "AAPL", name="Apple Inc.")
        sap = await make_instrument(session, "SAP", name="SAP SE")
        other = await make_instrument(session, "MSFT", name="Microsoft Corporation")
        portfolio = await make_portfolio(session, holds=[apple, sap])
        await add_story(session, "three of them", apple, sap, other, published_at=hours(0))
        root = PortfolioType.from_row(portfolio)
    context = Context(runtime=runtime, viewer=make_viewer())
    try:
        page = await portfolio_news(root, cast(Any, SimpleNamespace(context=context)))
    finally:
        await context.close()
    [node] = [edge.node for edge in page.edges]
    assert sorted(node.instrument_ids) == sorted([apple.id, sap.id])
    assert "instrumentIds" not in news_schema.as_str()
