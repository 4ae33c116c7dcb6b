"""A round of news for a portfolio, end to end over loopback: per-instrument Yahoo feeds and two general feeds, one
story carried by three feeds, feeds that fail, and a second round that finds nothing changed."""

from __future__ import annotations

import datetime as dt

import httpx

from subgraphs.portfolio.news.collect import Validators, gather_news
from subgraphs.portfolio.news.feeds import parse_feed_config
from subgraphs.portfolio.news.fetch import FeedErrorKind
from tests.subgraphs.portfolio.news.support import (
    BROKEN,
    EDGAR_8K,
    HELD,
    NEWSWIRE,
    YAHOO_AAPL,
    YAHOO_SAP,
    FeedServer,
    Reply,
)

HEADLINE = "/rss/2.0/headline?s={}&region=US&lang=en-US"
EDGAR = "/cgi-bin/browse-edgar?action=getcurrent&type=8-K&output=atom"
WIRE = "/markets/index.rdf"


def serve_everything(server: FeedServer) -> str:
    """The feeds as their hosts serve them, each with an ETag; the setting that names them."""
    server.serve(HEADLINE.format("AAPL"), Reply.file(YAHOO_AAPL, etag='"aapl-1"'))
    server.serve(HEADLINE.format("SAP.DE"), Reply.file(YAHOO_SAP, etag='"sap-1"'))
    server.serve(HEADLINE.format("IT"), Reply.file(BROKEN, etag='"it-1"'))  # malformed, read in part
    server.serve(HEADLINE.format("ALL"), Reply(b"<html>Service Unavailable</html>", 503, "text/html"))
    # ASML.AS is not served: 404.
    server.serve(EDGAR, Reply.file(EDGAR_8K, etag='"edgar-1"'))
    server.serve(WIRE, Reply.file(NEWSWIRE, last_modified="Fri, 03 May 2024 09:00:00 GMT"))
    return f"{server.url}{HEADLINE.format('{yahoo}')}, {server.url}{EDGAR}, {server.url}{WIRE}"


async def test_a_round_of_news_for_a_portfolio(feed_server: FeedServer, http: httpx.AsyncClient) -> None:
    templates = parse_feed_config(serve_everything(feed_server))
    batch = await gather_news(http, instruments=HELD, templates=templates)

    outcomes = {outcome.url.removeprefix(feed_server.url): outcome for outcome in batch.feeds}
    assert {target: (o.error.kind if o.error else None, o.items) for target, o in outcomes.items()} == {
        HEADLINE.format("AAPL"): (None, 4),
        HEADLINE.format("SAP.DE"): (None, 2),
        HEADLINE.format("IT"): (None, 2),
        HEADLINE.format("ALL"): (FeedErrorKind.STATUS, 0),
        HEADLINE.format("ASML.AS"): (FeedErrorKind.STATUS, 0),
        EDGAR: (None, 3),  # 5 filings, 2 about nobody held (ALL SEASONS, IT SOLUTIONS)
        WIRE: (None, 5),  # 7 stories, 2 about nobody held (ALL EYES ON THE FED, banks' IT spending)
    }
    malformed = outcomes[HEADLINE.format("IT")].result
    assert malformed is not None
    assert malformed.warning is not None
    assert outcomes[HEADLINE.format("ASML.AS")].instruments == {"asml"}

    # Newest first, undated last; 16 items read, 14 stories.
    assert [(item.title, sorted(item.instruments)) for item in batch.items] == [
        ("Evening note: SAP & ASML lead Europe", ["asml", "gartner", "sap"]),
        ("Apple shares jump 7% premarket on record buyback", ["aapl"]),
        ("European tech stocks rise after Apple results lift sentiment", ["aapl", "asml", "sap"]),
        ("Morning note: Apple buyback dominates", ["aapl", "gartner"]),
        ("Apple beats on revenue, announces record $110 billion buyback", ["aapl"]),
        ("8-K - Apple Inc. (0000320193) (Filer)", ["aapl"]),
        ("Options flow: unusual call buying in $IT and $ALL", ["allstate", "gartner"]),
        ("Notification of substantial holding under the Dutch Financial Supervision Act", ["asml"]),
        ("8-K - ALLSTATE CORP (0000899051) (Filer)", ["allstate"]),
        ("Gartner forecasts worldwide IT spending to grow 8% in 2024", ["gartner"]),
        ("8-K - GARTNER INC (0000749251) (Filer)", ["gartner"]),
        ("SAP shares hit record high as cloud backlog grows", ["sap"]),
        ("Apple Vision Pro sales: what analysts are saying", ["aapl"]),
        ("Amsterdam chip stocks rally; ASML.AS up 3%", ["asml"]),
    ]
    reuters = batch.items[1]
    assert reuters.source == "Yahoo! Finance: AAPL News"  # the per-instrument feed's copy is kept
    assert {url.removeprefix(feed_server.url) for url in reuters.feed_urls} == {HEADLINE.format("AAPL"), WIRE}
    assert all(item.published_at is None or item.published_at.tzinfo is dt.UTC for item in batch.items)


async def test_the_next_round_sends_the_validators_and_finds_nothing_new(
    feed_server: FeedServer, http: httpx.AsyncClient
) -> None:
    templates = parse_feed_config(serve_everything(feed_server))
    first = await gather_news(http, instruments=HELD, templates=templates)
    kept = {outcome.url: outcome.validators for outcome in first.feeds if outcome.validators is not None}
    assert kept[f"{feed_server.url}{EDGAR}"] == Validators(etag='"edgar-1"')
    assert kept[f"{feed_server.url}{WIRE}"] == Validators(modified="Fri, 03 May 2024 09:00:00 GMT")

    feed_server.requests.clear()
    again = await gather_news(http, instruments=HELD, templates=templates, validators=kept)
    assert again.items == ()
    assert {o.url for o in again.feeds if o.result is not None and o.result.not_modified} == set(kept)
    assert feed_server.asked(HEADLINE.format("AAPL"))[0].headers["if-none-match"] == '"aapl-1"'
    assert feed_server.asked(WIRE)[0].headers["if-modified-since"] == "Fri, 03 May 2024 09:00:00 GMT"
    assert "if-none-match" not in feed_server.asked(HEADLINE.format("ALL"))[0].headers  # it failed: nothing kept


async def test_nothing_held_fetches_nothing(feed_server: FeedServer, http: httpx.AsyncClient) -> None:
    templates = parse_feed_config(serve_everything(feed_server))
    batch = await gather_news(http, instruments=[], templates=templates)
    assert (batch.items, batch.feeds) == ((), ())
    assert feed_server.requests == []
