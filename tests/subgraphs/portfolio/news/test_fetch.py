"""Fetching a feed from a real HTTP server on loopback: conditional GET, the size cap, refused URLs, every failure a
``FeedError``, and a malformed feed read as far as it goes."""

from __future__ import annotations

import gzip
import logging
import socket
from pathlib import Path

import httpx
import pytest

from subgraphs.portfolio.news.fetch import FeedError, FeedErrorKind, fetch_feed
from tests.subgraphs.portfolio.news.support import (
    BROKEN,
    EDGAR_8K,
    NEWSWIRE,
    YAHOO_AAPL,
    FeedServer,
    Reply,
    recorded,
)

ETAG = '"5f1c-61797e4b2a1c0"'
LAST_MODIFIED = "Fri, 03 May 2024 08:12:44 GMT"


async def test_a_feed_is_fetched_and_parsed_with_its_validators(
    feed_server: FeedServer, http: httpx.AsyncClient
) -> None:
    url = feed_server.serve("/rss/2.0/headline?s=AAPL", Reply.file(YAHOO_AAPL, etag=ETAG, last_modified=LAST_MODIFIED))
    result = await fetch_feed(http, url)
    assert not result.not_modified
    assert (result.etag, result.modified, result.warning) == (ETAG, LAST_MODIFIED, None)
    assert result.feed.version == "rss20"
    assert [entry.title for entry in result.entries][:2] == [
        "Apple beats on revenue, announces record $110 billion buyback",
        "European tech stocks rise after Apple results lift sentiment",
    ]
    [request] = feed_server.requests
    assert "application/rss+xml" in request.headers["accept"]
    assert "if-none-match" not in request.headers
    assert "if-modified-since" not in request.headers


async def test_an_unchanged_feed_answers_304_to_its_etag(feed_server: FeedServer, http: httpx.AsyncClient) -> None:
    url = feed_server.serve("/rss/2.0/headline?s=AAPL", Reply.file(YAHOO_AAPL, etag=ETAG))
    first = await fetch_feed(http, url)
    again = await fetch_feed(http, url, etag=first.etag, modified=first.modified)
    assert again.not_modified
    assert again.feed is None
    assert again.entries == []
    assert again.etag == ETAG  # to send next time as well
    assert feed_server.requests[1].headers["if-none-match"] == ETAG

    feed_server.serve("/rss/2.0/headline?s=AAPL", Reply.file(YAHOO_AAPL, etag='"changed"'))
    changed = await fetch_feed(http, url, etag=ETAG)
    assert not changed.not_modified
    assert changed.etag == '"changed"'
    assert len(changed.entries) == 4


async def test_an_unchanged_feed_answers_304_to_its_last_modified_date(
    feed_server: FeedServer, http: httpx.AsyncClient
) -> None:
    url = feed_server.serve("/wire/markets.rdf", Reply.file(NEWSWIRE, last_modified=LAST_MODIFIED))
    first = await fetch_feed(http, url)
    assert (first.etag, first.modified) == (None, LAST_MODIFIED)
    again = await fetch_feed(http, url, modified=first.modified)
    assert again.not_modified
    assert again.modified == LAST_MODIFIED
    assert feed_server.requests[1].headers["if-modified-since"] == LAST_MODIFIED


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(b"<rss>" + b" " * 5000 + b"</rss>"), id="declared-length"),
        pytest.param(Reply(b"<rss>" + b" " * 5000 + b"</rss>", chunked=True), id="no-length"),
        pytest.param(Reply(b"<rss>" + b" " * 5000 + b"</rss>", gzip=True), id="gzip-bomb"),
    ],
)
async def test_a_body_over_the_cap_is_refused(feed_server: FeedServer, http: httpx.AsyncClient, reply: Reply) -> None:
    url = feed_server.serve("/big.xml", reply)
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url, max_bytes=1000)
    assert caught.value.kind is FeedErrorKind.TOO_LARGE
    assert "the cap is 1000" in caught.value.detail or "more than 1000 bytes" in caught.value.detail


async def test_the_gzip_bomb_was_small_on_the_wire(feed_server: FeedServer, http: httpx.AsyncClient) -> None:
    body = b"<rss>" + b" " * 50_000 + b"</rss>"
    assert len(gzip.compress(body)) < 1000  # so only the decompressed size can refuse it
    url = feed_server.serve("/bomb.xml", Reply(body, gzip=True))
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url, max_bytes=1000)
    assert caught.value.kind is FeedErrorKind.TOO_LARGE


async def test_a_feed_just_under_the_cap_is_read(feed_server: FeedServer, http: httpx.AsyncClient) -> None:
    body = recorded(YAHOO_AAPL)
    url = feed_server.serve("/exact.xml", Reply(body, chunked=True))
    result = await fetch_feed(http, url, max_bytes=len(body))
    assert len(result.entries) == 4


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/feed.xml",
        "feed://127.0.0.1/feed.xml",
        "javascript:alert(1)",
        "data:application/rss+xml,<rss/>",
        "/etc/passwd",
        "127.0.0.1/feed.xml",
        "http://",
        "https:///feed.xml",
        "",
    ],
)
async def test_a_url_that_is_not_http_is_refused_without_a_request(
    feed_server: FeedServer, http: httpx.AsyncClient, url: str
) -> None:
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url)
    assert caught.value.kind is FeedErrorKind.REFUSED
    assert caught.value.url == url
    assert feed_server.requests == []


async def test_a_redirect_to_a_file_is_not_followed(feed_server: FeedServer, http: httpx.AsyncClient) -> None:
    url = feed_server.serve("/moved.xml", Reply(status=302, location="file:///etc/passwd"))
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url)
    assert caught.value.kind is FeedErrorKind.NETWORK
    assert "UnsupportedProtocol" in caught.value.detail


async def test_redirects_are_followed_and_relative_links_resolve_against_the_final_url(
    feed_server: FeedServer, http: httpx.AsyncClient
) -> None:
    feed_server.serve("/edgar/current.atom", Reply.file(EDGAR_8K))
    url = feed_server.serve(
        "/cgi-bin/browse-edgar?action=getcurrent", Reply(status=301, location="/edgar/current.atom")
    )
    result = await fetch_feed(http, url)
    assert result.feed.version == "atom10"
    assert result.feed.encoding == "iso-8859-1"
    # The feed names its home page with a relative link.
    assert result.feed.feed.link == f"{feed_server.url}/cgi-bin/browse-edgar?action=getcurrent"


@pytest.mark.parametrize("status", [404, 410, 429, 500, 503])
async def test_an_error_status_is_a_feed_error(feed_server: FeedServer, http: httpx.AsyncClient, status: int) -> None:
    url = feed_server.serve("/gone.xml", Reply(b"<html>error</html>", status, "text/html"))
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url)
    assert (caught.value.kind, caught.value.status, caught.value.detail) == (
        FeedErrorKind.STATUS,
        status,
        f"HTTP {status}",
    )
    assert str(caught.value) == f"{url}: HTTP {status}"


async def test_a_slow_server_hits_the_clients_timeout(feed_server: FeedServer) -> None:
    url = feed_server.serve("/slow.xml", Reply.file(YAHOO_AAPL, delay=1.0))
    async with httpx.AsyncClient(timeout=0.2) as impatient:
        with pytest.raises(FeedError) as caught:
            await fetch_feed(impatient, url)
    assert caught.value.kind is FeedErrorKind.NETWORK
    assert "ReadTimeout" in caught.value.detail


async def test_nobody_listening_is_a_network_error(http: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, f"http://127.0.0.1:{port}/feed.xml")
    assert caught.value.kind is FeedErrorKind.NETWORK
    assert "ConnectError" in caught.value.detail


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(
            Reply(b"<!doctype html><html><body><p>Consent required</p></body></html>", 200, "text/html"), id="html"
        ),
        pytest.param(Reply(b"", 200, "application/rss+xml"), id="empty"),
        pytest.param(Reply(b'{"items": []}', 200, "application/json"), id="json"),
    ],
)
async def test_a_response_with_no_feed_in_it_is_a_feed_error(
    feed_server: FeedServer, http: httpx.AsyncClient, reply: Reply
) -> None:
    url = feed_server.serve("/not-a-feed", reply)
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url)
    assert caught.value.kind is FeedErrorKind.NOT_A_FEED


async def test_a_body_naming_a_local_file_is_read_as_data_not_opened(
    feed_server: FeedServer, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    """``feedparser.parse(b"/some/path")`` would open that file; the fetched bytes are never a path."""
    local = tmp_path / "local-feed.xml"
    local.write_bytes(recorded(YAHOO_AAPL))
    url = feed_server.serve("/sneaky.xml", Reply(str(local).encode(), 200, "application/rss+xml"))
    with pytest.raises(FeedError) as caught:
        await fetch_feed(http, url)
    assert caught.value.kind is FeedErrorKind.NOT_A_FEED


async def test_a_malformed_feed_gives_what_could_be_read_and_a_warning(
    feed_server: FeedServer, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    url = feed_server.serve("/commentary/rss", Reply.file(BROKEN))
    with caplog.at_level(logging.WARNING, logger="subgraphs.portfolio.news.fetch"):
        result = await fetch_feed(http, url)
    assert result.feed.bozo
    assert result.warning is not None
    assert result.warning.startswith("malformed feed, read what could be read: SAXParseException")
    assert [entry.get("title") for entry in result.entries] == [
        "Morning note: Apple buyback dominates",
        "Evening note: SAP & ASML lead Europe",
        None,  # the truncated tail; normalising skips it
    ]
    assert [record.getMessage() for record in caplog.records] == [f"news feed {url}: {result.warning}"]
