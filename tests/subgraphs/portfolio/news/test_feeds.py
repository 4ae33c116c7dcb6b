"""Feed configuration: the ``PORTFOLIO_NEWS_FEEDS`` list is checked once, and expands to one URL per instrument for
per-instrument feeds and one URL for each general feed."""

from __future__ import annotations

import pytest

from subgraphs.portfolio.news.feeds import FeedConfigError, FeedTemplate, parse_feed_config, urls_for
from tests.subgraphs.portfolio.news.support import APPLE, ASML, GARTNER, SAP, make_instrument

YAHOO = "https://feeds.finance.yahoo.com/rss/2.0/headline?s={yahoo}&region=US&lang=en-US"
EDGAR = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&output=atom"
BY_ISIN = "https://ir.example/news/{isin}.atom"


def test_the_setting_is_a_comma_separated_list_of_templates() -> None:
    templates = parse_feed_config(f" {YAHOO} ,\n{EDGAR},, {YAHOO},{BY_ISIN},")
    assert [t.template for t in templates] == [YAHOO, EDGAR, BY_ISIN]  # blanks skipped, the repeat kept once
    assert [t.placeholders for t in templates] == [frozenset({"yahoo"}), frozenset(), frozenset({"isin"})]
    assert [t.general for t in templates] == [False, True, False]
    assert parse_feed_config("") == []
    assert parse_feed_config(" , ") == []


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        ("file:///var/feeds/{symbol}.xml", "http:// or https://"),
        ("feed://example.com/rss", "http:// or https://"),
        ("ftp://example.com/news.rss", "http:// or https://"),
        ("/relative/feed.xml", "http:// or https://"),
        ("https:///no-host", "http:// or https://"),
        ("https://example.com/{ticker}.rss", "unknown placeholder {ticker}"),
        ("https://example.com/{symbol.rss", "a brace"),
        ("https://example.com/symbol}.rss", "a brace"),
        ("https://{symbol}.example.com/rss", "only after the host"),
        ("https://example.com:{isin}/rss", "only after the host"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused_naming_it(template: str, complaint: str) -> None:
    with pytest.raises(FeedConfigError) as caught:
        parse_feed_config(f"{EDGAR},{template}")
    assert complaint in str(caught.value)
    assert repr(template) in str(caught.value)


def test_urls_for_expands_each_per_instrument_feed_and_keeps_general_feeds_once() -> None:
    templates = parse_feed_config(f"{YAHOO},{EDGAR},{BY_ISIN}")
    no_isin = make_instrument("cash-fund", "XCASH", name="Cash fund")  # no ISIN, no Yahoo code
    urls = urls_for([APPLE, SAP, no_isin], templates=templates)
    assert urls == {
        "https://feeds.finance.yahoo.com/rss/2.0/headline?s=AAPL&region=US&lang=en-US": {"aapl"},
        "https://feeds.finance.yahoo.com/rss/2.0/headline?s=SAP.DE&region=US&lang=en-US": {"sap"},
        EDGAR: set(),  # general: its items are matched to instruments by mention
        "https://ir.example/news/US0378331005.atom": {"aapl"},
        "https://ir.example/news/DE0007164600.atom": {"sap"},
    }


def test_instruments_sharing_a_code_share_one_url() -> None:
    ordinary = make_instrument("asml-1", "ASML", yahoo="ASML.AS")
    in_another_portfolio = make_instrument("asml-2", "ASML", yahoo="ASML.AS")
    urls = urls_for([ordinary, in_another_portfolio, ASML], templates=[FeedTemplate.parse(YAHOO)])
    assert urls == {
        "https://feeds.finance.yahoo.com/rss/2.0/headline?s=ASML.AS&region=US&lang=en-US": {"asml-1", "asml-2", "asml"}
    }


def test_values_are_percent_encoded_so_a_code_cannot_change_the_url() -> None:
    index = make_instrument("spx", "SPX", yahoo="^GSPC")
    odd = make_instrument("odd", "A&B", yahoo="X?s=Y#z")
    template = FeedTemplate.parse(YAHOO)
    assert template.url_for(index) == "https://feeds.finance.yahoo.com/rss/2.0/headline?s=%5EGSPC&region=US&lang=en-US"
    assert (
        template.url_for(odd) == "https://feeds.finance.yahoo.com/rss/2.0/headline?s=X%3Fs%3DY%23z&region=US&lang=en-US"
    )
    assert FeedTemplate.parse("https://example.com/{symbol}/news").url_for(odd) == "https://example.com/A%26B/news"


def test_nothing_held_means_nothing_to_read() -> None:
    assert urls_for([], templates=parse_feed_config(f"{YAHOO},{EDGAR}")) == {}


def test_an_instrument_without_the_value_gets_no_url() -> None:
    assert FeedTemplate.parse(BY_ISIN).url_for(make_instrument("x", "X", isin="  ")) is None
    assert FeedTemplate.parse(YAHOO).url_for(GARTNER) is not None
