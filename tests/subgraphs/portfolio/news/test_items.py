"""Normalising entries into plain-text items, identifying one story across feeds, and linking stories to the
instruments they mention (and not to those whose tickers are English words)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from typing import Any

import feedparser
import pytest

from subgraphs.portfolio.news.items import (
    SUMMARY_MAX_CHARS,
    NewsItem,
    company_name,
    dedupe,
    dedupe_key,
    link_instruments,
    match_instruments,
    normalise_entries,
    normalise_url,
)
from tests.subgraphs.portfolio.news.support import (
    ALLSTATE,
    APPLE,
    ASML,
    BROKEN,
    EDGAR_8K,
    GARTNER,
    HELD,
    NEWSWIRE,
    SAP,
    YAHOO_AAPL,
    YAHOO_SAP,
    make_instrument,
    recorded,
)

UTC = dt.UTC
FEED_URLS = {
    YAHOO_AAPL: "https://feeds.finance.yahoo.com/rss/2.0/headline?s=AAPL&region=US&lang=en-US",
    YAHOO_SAP: "https://feeds.finance.yahoo.com/rss/2.0/headline?s=SAP.DE&region=US&lang=en-US",
    EDGAR_8K: "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&output=atom",
    NEWSWIRE: "https://newswire.example/markets/index.rdf",
    BROKEN: "https://commentary.example/rss",
}


def parse(document: bytes, url: str) -> Any:
    return feedparser.parse(io.BytesIO(document), response_headers={"content-location": url})


def read(name: str) -> list[NewsItem]:
    """The recorded feed's items, as fetched from its real address."""
    return normalise_entries(parse(recorded(name), FEED_URLS[name]), feed_url=FEED_URLS[name])


def rss(*items: str, link: str = "https://site.example/") -> bytes:
    """A minimal RSS 2.0 feed around ``items`` (each an ``<item>``'s inner XML), written inline."""
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Site</title><link>{link}</link>{body}</channel></rss>'
    ).encode()


def item(title: str, summary: str = "", url: str | None = None) -> NewsItem:
    return NewsItem(
        title=title,
        url=url,
        summary=summary,
        published_at=None,
        source="test",
        guid=None,
        dedupe_key=f"test:{title}",
        identity_keys=frozenset({f"test:{title}"}),
        feed_urls=frozenset({"https://site.example/rss"}),
    )


# Normalising -------------------------------------------------------------------------------------------------------


def test_a_yahoo_headline_item_in_plain_text() -> None:
    first = read(YAHOO_AAPL)[0]
    assert first == NewsItem(
        title="Apple beats on revenue, announces record $110 billion buyback",
        url="https://finance.yahoo.com/news/apple-beats-revenue-record-buyback-203512345.html?.tsrc=rss",
        summary=(
            "Apple Inc. (AAPL) reported fiscal second-quarter revenue of $90.8 billion & authorised a record "
            "$110 billion share buyback."
        ),
        published_at=dt.datetime(2024, 5, 2, 20, 35, 12, tzinfo=UTC),
        source="Yahoo! Finance: AAPL News",
        guid="5d7f3c2a-0b61-4e0d-9f43-1c7a2e9b8d01",
        dedupe_key="guid:5d7f3c2a-0b61-4e0d-9f43-1c7a2e9b8d01",
        identity_keys=frozenset(
            {
                "guid:5d7f3c2a-0b61-4e0d-9f43-1c7a2e9b8d01",
                "url:https://finance.yahoo.com/news/apple-beats-revenue-record-buyback-203512345.html",
            }
        ),
        feed_urls=frozenset({FEED_URLS[YAHOO_AAPL]}),
    )
    assert first.published_at is not None
    assert first.published_at.utcoffset() == dt.timedelta(0)


def test_html_is_stripped_scripts_and_styles_with_their_contents() -> None:
    sap = read(YAHOO_SAP)[1]
    assert sap.summary == (
        "SAP SE (SAP.DE) shares hit a record high of €176.50 as the cloud backlog grew 28%. "
        "Cloud revenue: +25% Restructuring on track"
    )
    inline = normalise_entries(
        parse(
            rss(
                "<title>A &amp;amp; B</title><link>https://site.example/a</link>"
                "<description><![CDATA[<div>One<br/>two</div><p>three&nbsp;&nbsp; four</p>"
                "<script>var x = '<p>not text</p>';</script><noscript>no</noscript>five]]></description>"
            ),
            "https://site.example/rss",
        ),
        feed_url="https://site.example/rss",
    )
    assert [(i.title, i.summary) for i in inline] == [("A & B", "One two three four five")]


def test_dates_are_utc_from_published_else_updated_else_none() -> None:
    edgar = read(EDGAR_8K)
    # An Atom entry has only <updated>, in New York time (-04:00 in May).
    assert edgar[0].published_at == dt.datetime(2024, 5, 2, 20, 30, 38, tzinfo=UTC)
    wire = {i.title: i.published_at for i in read(NEWSWIRE)}
    assert wire["Options flow: unusual call buying in $IT and $ALL"] == dt.datetime(2024, 5, 2, 19, 55, tzinfo=UTC)
    assert wire["Amsterdam chip stocks rally; ASML.AS up 3%"] is None  # RDF item without dc:date
    yahoo = {i.title: i.published_at for i in read(YAHOO_AAPL)}
    assert yahoo["Apple Vision Pro sales: what analysts are saying"] is None  # RSS item without pubDate


def test_an_edgar_filing_index() -> None:
    filing = read(EDGAR_8K)[0]
    assert filing.title == "8-K - Apple Inc. (0000320193) (Filer)"
    assert filing.summary == "Filed: 2024-05-02 AccNo: 0000320193-24-000069 Size: 292 KB"
    assert filing.source == "Latest Filings - Fri, 03 May 2024 09:15:02 EDT"
    assert filing.dedupe_key == "guid:urn:tag:sec.gov,2008:accession-number=0000320193-24-000069"


def test_an_rdf_item_is_known_by_its_link_without_tracking() -> None:
    reuters = read(NEWSWIRE)[0]
    assert reuters.guid == reuters.url  # rdf:about
    assert reuters.url == (
        "https://www.Reuters.com/technology/apple-shares-jump-record-buyback-2024-05-03"
        "?utm_source=newswire&fbclid=IwAR0xQk9c"
    )
    assert reuters.dedupe_key == "url:https://www.reuters.com/technology/apple-shares-jump-record-buyback-2024-05-03"
    assert reuters.source == "Newswire: Markets"


def test_a_malformed_feed_gives_the_items_before_the_break() -> None:
    notes = read(BROKEN)
    assert [(n.title, n.summary) for n in notes] == [
        ("Morning note: Apple buyback dominates", "Apple's $110bn buyback is the story of the day."),
        ("Evening note: SAP & ASML lead Europe", "European tech closed higher again."),
    ]
    # Both carry the site's home page as their guid: it identifies neither, so each is known by its link.
    assert [n.dedupe_key for n in notes] == [
        "url:https://commentary.example/notes/2024-05-03-morning",
        "url:https://commentary.example/notes/2024-05-03-evening",
    ]
    assert len(dedupe(notes)) == 2


def test_the_entrys_own_source_names_the_publisher() -> None:
    [story] = normalise_entries(
        parse(
            rss('<title>T</title><link>https://site.example/t</link><source url="https://wire.example/">Wire</source>'),
            "https://site.example/rss",
        ),
        feed_url="https://site.example/rss",
    )
    assert story.source == "Wire"


def test_an_item_without_title_borrows_its_summary_and_a_long_summary_is_cut() -> None:
    words = " ".join(f"word{n}" for n in range(400))
    [untitled, long] = normalise_entries(
        parse(
            rss(
                "<link>https://site.example/u</link><description>Only a description here.</description>",
                f"<title>Long</title><link>https://site.example/l</link><description>{words}</description>",
            ),
            "https://site.example/rss",
        ),
        feed_url="https://site.example/rss",
    )
    assert untitled.title == "Only a description here."
    assert len(long.summary) <= SUMMARY_MAX_CHARS
    assert long.summary.endswith("…")
    assert words.startswith(long.summary[:-1])


def test_a_link_that_is_not_http_is_dropped() -> None:
    [story] = normalise_entries(
        parse(rss("<title>T</title><link>javascript:alert(1)</link>"), "https://site.example/rss"),
        feed_url="https://site.example/rss",
    )
    assert story.url is None
    assert story.dedupe_key.startswith("sha256:")


# Identity ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        (
            "https://finance.yahoo.com/news/x-123.html?.tsrc=rss&guccounter=1&guce_referrer=aHR0&guce_referrer_sig=AQA",
            "https://finance.yahoo.com/news/x-123.html",
        ),
        (
            "HTTPS://WWW.Example.COM:443/Story/?utm_source=x&utm_medium=rss&UTM_Campaign=y&fbclid=1&gclid=2&id=7#top",
            "https://www.example.com/Story?id=7",
        ),
        ("http://example.com:80/a//?b=2&a=1&msclkid=z", "http://example.com/a?a=1&b=2"),
        ("http://user:secret@example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a?q=caf%C3%A9+au+lait&empty=", "https://example.com/a?empty=&q=caf%C3%A9%20au%20lait"),
        ("https://[2001:db8::1]:8443/x/", "https://[2001:db8::1]:8443/x"),
        ("ftp://example.com/a", None),
        ("/relative/path", None),
        ("https://example.com:99999/", None),
        ("", None),
    ],
)
def test_links_are_normalised_for_comparison(url: str, normal: str | None) -> None:
    assert normalise_url(url) == normal


KEY_DEFAULTS: dict[str, Any] = {
    "url": None,
    "title": "Apple beats",
    "published_at": None,
    "feed_url": "https://site.example/rss",
    "feed_link": "https://site.example/news/",
}


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ({"guid": "5d7f3c2a-0b61-4e0d-9f43-1c7a2e9b8d01"}, "guid:5d7f3c2a-0b61-4e0d-9f43-1c7a2e9b8d01"),
        ({"guid": "urn:tag:sec.gov,2008:accession-number=1"}, "guid:urn:tag:sec.gov,2008:accession-number=1"),
        ({"guid": "tag:site.example,2024:post-42"}, "guid:tag:site.example,2024:post-42"),
        # Not unique by its form: qualified by the feed's host.
        ({"guid": "42"}, "guid:site.example/42"),
        # A permalink guid is a link.
        ({"guid": "https://Site.example/p/42/?utm_source=rss"}, "url:https://site.example/p/42"),
        # The feed's own URL, its home page, a bare home page: no story.
        ({"guid": "https://site.example/rss", "url": "https://site.example/p/1"}, "url:https://site.example/p/1"),
        ({"guid": "https://site.example/news", "url": "https://site.example/p/1"}, "url:https://site.example/p/1"),
        ({"guid": "https://other.example/", "url": "https://site.example/p/1"}, "url:https://site.example/p/1"),
        ({"guid": "  ", "url": "https://site.example/p/1?fbclid=x"}, "url:https://site.example/p/1"),
    ],
)
def test_dedupe_key_prefers_the_guid_then_the_link(given: dict[str, Any], key: str) -> None:
    assert dedupe_key(**{**KEY_DEFAULTS, **given}) == key


def test_without_guid_or_link_the_key_hashes_title_and_time() -> None:
    at = dt.datetime(2024, 5, 2, 22, 35, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    key = dedupe_key(**{**KEY_DEFAULTS, "guid": None, "url": "https://site.example/", "published_at": at})
    assert key.startswith("sha256:")
    same = dedupe_key(**{**KEY_DEFAULTS, "guid": None, "title": "  APPLE   beats ", "published_at": at.astimezone(UTC)})
    assert same == key  # case, spacing and the zone the time is written in do not matter
    other_day = dedupe_key(**{**KEY_DEFAULTS, "guid": None, "published_at": at + dt.timedelta(days=1)})
    assert other_day != key


def test_two_sites_numbering_posts_alike_do_not_collide() -> None:
    one = normalise_entries(
        parse(rss('<title>A</title><guid isPermaLink="false">42</guid>'), "x"), feed_url="https://a.example/rss"
    )
    two = normalise_entries(
        parse(rss('<title>B</title><guid isPermaLink="false">42</guid>'), "x"), feed_url="https://b.example/rss"
    )
    assert len(dedupe([*one, *two])) == 2


# De-duplication across feeds ---------------------------------------------------------------------------------------


def test_the_same_story_from_several_feeds_is_one_item_linked_to_every_instrument() -> None:
    aapl = link_instruments(read(YAHOO_AAPL), feed_instruments={"aapl"}, instruments=HELD)
    sap = link_instruments(read(YAHOO_SAP), feed_instruments={"sap"}, instruments=HELD)
    wire = link_instruments(read(NEWSWIRE), instruments=HELD)
    stories = dedupe([*aapl, *sap, *wire])
    assert len(aapl) + len(sap) + len(wire) == 13
    assert len(stories) == 11
    by_title = {story.title: story for story in stories}

    # One Yahoo story, carried by both ticker feeds with the same guid and different tracking on its link.
    europe = by_title["European tech stocks rise after Apple results lift sentiment"]
    assert europe.instruments == {"aapl", "sap", "asml"}
    assert europe.feed_urls == {FEED_URLS[YAHOO_AAPL], FEED_URLS[YAHOO_SAP]}
    assert europe.url == "https://finance.yahoo.com/news/european-tech-stocks-rise-apple-071503456.html?.tsrc=rss"

    # One Reuters story: a guid-less Yahoo item and an RDF item, links differing in host case, slash and tracking.
    reuters = by_title["Apple shares jump 7% premarket on record buyback"]
    assert reuters.feed_urls == {FEED_URLS[YAHOO_AAPL], FEED_URLS[NEWSWIRE]}
    assert reuters.source == "Yahoo! Finance: AAPL News"  # the first copy is kept
    assert reuters.instruments == {"aapl"}
    assert [s.title for s in stories].count(reuters.title) == 1


def test_a_later_copy_fills_what_the_first_lacks_and_merging_is_transitive() -> None:
    at = dt.datetime(2024, 5, 3, 8, 2, tzinfo=UTC)
    bare = item("Story", url=None)
    a = _with(bare, keys={"guid:g1"}, instruments={"aapl"})
    b = _with(bare, keys={"guid:g1", "url:https://x.example/s"}, summary="Filled in.", published_at=at)
    c = _with(bare, keys={"url:https://x.example/s"}, instruments={"sap"}, url="https://x.example/s?utm_source=z")
    [merged] = dedupe([a, c, b])  # a and c share nothing until b arrives
    assert merged.summary == "Filled in."
    assert merged.published_at == at
    assert merged.url == "https://x.example/s?utm_source=z"
    assert merged.instruments == {"aapl", "sap"}
    assert merged.identity_keys == {"guid:g1", "url:https://x.example/s"}


def _with(base: NewsItem, *, keys: set[str], **changes: Any) -> NewsItem:
    if "instruments" in changes:
        changes["instruments"] = frozenset(changes["instruments"])
    return replace(base, identity_keys=frozenset(keys), dedupe_key=sorted(keys)[0], **changes)


# Matching by mention -----------------------------------------------------------------------------------------------


def test_recorded_general_feeds_link_true_mentions_and_skip_english_words() -> None:
    linked = {i.title: set(match_instruments(i, HELD)) for i in [*read(NEWSWIRE), *read(EDGAR_8K)]}
    assert linked == {
        "Apple shares jump 7% premarket on record buyback": {"aapl"},
        "ALL EYES ON THE FED: markets brace for rate decision": set(),
        "Banks step up IT spending as cloud migration accelerates": set(),
        "Options flow: unusual call buying in $IT and $ALL": {"gartner", "allstate"},
        "Notification of substantial holding under the Dutch Financial Supervision Act": {"asml"},  # by ISIN
        "Amsterdam chip stocks rally; ASML.AS up 3%": {"asml"},  # by Yahoo code
        "Gartner forecasts worldwide IT spending to grow 8% in 2024": {"gartner"},
        "8-K - Apple Inc. (0000320193) (Filer)": {"aapl"},
        "8-K - ALLSTATE CORP (0000899051) (Filer)": {"allstate"},
        "8-K - GARTNER INC (0000749251) (Filer)": {"gartner"},
        "8-K - ALL SEASONS HOSPITALITY TRUST (0009900001) (Filer)": set(),
        "8-K - IT SOLUTIONS HOLDINGS LTD (0009900002) (Filer)": set(),
    }


BERKSHIRE = make_instrument("brk", "BRK.B", name="Berkshire Hathaway Inc. Class B", yahoo="BRK-B")
TARGET = make_instrument("tgt", "TGT", isin="US87612E1064", name="Target Corporation")
DEERE = make_instrument("deere", "DE", name="Deere & Company")
EVERYONE = (*HELD, BERKSHIRE, TARGET, DEERE)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # Tickers: marked, parenthesised, exchange-prefixed, or bare when long and not a word.
        ("Options traders pile into $AAPL calls", {"aapl"}),
        ("Apple rival slips (AAPL) after report", {"aapl"}),
        ("Cupertino, Calif. (NASDAQ:AAPL) said", {"aapl"}),
        ("the company (Nasdaq: AAPL) announced", {"aapl"}),
        ("AAPL hits a record", {"aapl"}),
        ("aapl and $aapl in lower case", set()),
        ("AAPLX fund", set()),
        # Two-letter and English-word tickers only when marked.
        ("IT spending rises; It is what it is", set()),
        ("Information technology (IT) budgets grow", set()),
        ("Analyst upgrades (IT) to buy", {"gartner"}),
        ("NYSE: IT rises", {"gartner"}),
        ("$IT beats", {"gartner"}),
        ("ALL EYES ON THE FED", set()),
        ("Insurers ALL lower", set()),
        ("shares of $ALL and NYSE:ALL", {"allstate"}),
        ("ALLSTATE CORP files 8-K", {"allstate"}),
        ("Allstate raises auto rates", {"allstate"}),
        # Codes inside longer codes.
        ("SAP.DE closes higher", {"sap"}),
        ("Deere (DE) cuts forecast", {"deere"}),
        ("$BRK.B and BRK-B trade flat", {"brk"}),
        ("XBRK.BX listed", set()),
        # Names: the name news uses, in its case or in capitals; a common-word name only in full.
        ("Apple's services revenue grows", {"aapl"}),
        ("APPLE TO HOLD EVENT", {"aapl"}),
        ("Applebee's opens a new restaurant", set()),
        ("Target prices for the sector rise", set()),
        ("Target Corporation reports", {"tgt"}),
        ("TGT slides", {"tgt"}),
        ("Berkshire Hathaway buys more", {"brk"}),
        ("Gartner says", {"gartner"}),
        ("ASML Holding N.V. announces", {"asml"}),
        # ISIN, in any case.
        ("Holding notice for us0378331005", {"aapl"}),
    ],
)
def test_matching_true_and_false_positives(text: str, keys: set[str]) -> None:
    assert match_instruments(item(text), EVERYONE) == keys
    assert match_instruments(item("Market wrap", summary=text), EVERYONE) == keys


def test_the_isin_is_found_in_the_link_too() -> None:
    story = item("Notice", url="https://ir.example/notices/US87612E1064/2024-05.pdf")
    assert match_instruments(story, EVERYONE) == {"tgt"}


@pytest.mark.parametrize(
    ("listed", "used"),
    [
        ("Apple Inc.", "Apple"),
        ("SAP SE", "SAP"),
        ("Gartner, Inc.", "Gartner"),
        ("The Allstate Corporation", "Allstate"),
        ("ASML Holding N.V.", "ASML"),
        ("Alphabet Inc. Class A", "Alphabet"),
        ("Henkel AG & Co. KGaA", "Henkel"),
        ("Deere & Company", "Deere"),
        ("Banco Santander, S.A.", "Banco Santander"),
        ("Unilever PLC", "Unilever"),
        ("Group", "Group"),
        ("The", "The"),
    ],
)
def test_company_name_drops_legal_suffixes(listed: str, used: str) -> None:
    assert company_name(listed) == used


def test_link_instruments_adds_the_feeds_instruments_to_the_mentioned_ones() -> None:
    [story] = link_instruments(
        [item("SAP and ASML lead Europe")], feed_instruments={"aapl"}, instruments=[SAP, ASML, APPLE]
    )
    assert story.instruments == {"aapl", "sap", "asml"}
    assert link_instruments([item("Nothing here")], instruments=[GARTNER, ALLSTATE])[0].instruments == set()
