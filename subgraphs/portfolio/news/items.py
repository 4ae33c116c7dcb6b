"""News items: one story in plain text, its identity across feeds, and the instruments it is about.

Normalising (``normalise_entries``)
    Each feedparser entry becomes a ``NewsItem``: title and summary as plain text (HTML stripped, entities decoded,
    whitespace collapsed, the summary cut to ``SUMMARY_MAX_CHARS``), the link if it is an http(s) URL,
    ``published_at`` as an aware UTC datetime from the entry's published date, else its updated date, else ``None``
    (feedparser has already converted the feed's zone to UTC), the source (the entry's own ``<source>``, else the
    feed's title, else the feed's host) and the guid (RSS ``guid``, Atom ``id``, RDF ``rdf:about``). Entries with
    neither title, link nor summary (what a truncated feed leaves behind) are skipped.

Identity (``dedupe_key``)
    A story is known by, in order of preference:

    1. its guid: ``guid:<guid>``. A guid that is itself an http(s) URL is treated like a link (``url:...``). A guid
       that is not globally unique by its form (not a URN, tag URI or UUID: ``42``, ``post-42``) is qualified by the
       feed's host (``guid:example.com/42``), so two sites numbering their posts alike do not collide.
    2. its link, normalised (``normalise_url``): ``url:https://example.com/story?id=1``.
    3. a hash of its title and publication time: ``sha256:<hex>``.

    A guid or link that is the feed's own URL, the feed's home page or any site's bare home page (no path, no query)
    identifies no story (some feeds give every item the same such guid) and is passed over.

    ``identity_keys`` holds every key the story is known by (its ``dedupe_key`` and, when it has a usable link, the
    link's key), so a story with a guid in one feed and only a link in another is still recognised as one.

De-duplication (``dedupe``)
    Items sharing any identity key are one story: the copy seen first is kept, its instruments are the union of all
    copies', and a missing date, summary or link is taken from a later copy.

Instruments (``match_instruments``)
    For general feeds a story is linked to the instruments it mentions (see the function for the rules).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from subgraphs.portfolio.news._html import collapse, html_to_text
from subgraphs.portfolio.news._words import COMMON_WORDS, EXCHANGE_CODES, LEGAL_SUFFIXES
from subgraphs.portfolio.news.feeds import HeldInstrument

__all__ = [
    "SUMMARY_MAX_CHARS",
    "TRACKING_PARAMETERS",
    "NewsItem",
    "company_name",
    "dedupe",
    "dedupe_key",
    "link_instruments",
    "match_instruments",
    "normalise_entries",
    "normalise_url",
]

SUMMARY_MAX_CHARS = 1000
"""A summary longer than this is cut at a word boundary and ends with an ellipsis (some feeds put whole articles in
their descriptions)."""

TRACKING_PARAMETERS = frozenset(
    {
        ".tsrc",
        "__hsfp",
        "__hssc",
        "__hstc",
        "_hsenc",
        "_hsmi",
        "cmpid",
        "dclid",
        "fbclid",
        "gbraid",
        "gclid",
        "gclsrc",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "igshid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "msclkid",
        "ncid",
        "ocid",
        "smid",
        "soc_src",
        "soc_trk",
        "sr_share",
        "ttclid",
        "twclid",
        "wbraid",
        "yclid",
    }
)
"""Query parameters that say how a reader arrived, not which story they read; dropped from links (compared in lower
case). Every ``utm_*`` parameter is dropped as well."""

_UUID = re.compile(r"^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$")
_GLOBAL_SCHEMES = ("urn:", "tag:")


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One story, in plain text.

    ``url`` is the link as published (tracking parameters and all; ``None`` when it has none or it is not http(s)).
    ``published_at`` is timezone-aware UTC, ``None`` when the feed gives no date. ``source`` names where it came from
    (a publisher or the feed's title). ``guid`` is the feed's identifier for it, as published. ``dedupe_key`` is the
    preferred of its ``identity_keys`` (see the module). ``feed_urls`` are the feeds it was read from and
    ``instruments`` the keys of the instruments it is linked to.
    """

    title: str
    url: str | None
    summary: str
    published_at: dt.datetime | None
    source: str
    guid: str | None
    dedupe_key: str
    identity_keys: frozenset[str]
    feed_urls: frozenset[str]
    instruments: frozenset[str] = field(default_factory=frozenset)


def normalise_url(url: str | None) -> str | None:
    """``url`` in a canonical form for comparison; ``None`` unless it is an absolute http(s) URL.

    The scheme and host are lower-cased; a default port (80 for http, 443 for https), user info and the fragment
    are dropped; trailing slashes are dropped from the path; tracking parameters (``TRACKING_PARAMETERS`` and every
    ``utm_*``) are removed and the remaining query parameters sorted and re-encoded. Other parameters are kept: they
    may well say which story it is (``?id=123``).
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("http", "https") or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    query = sorted(
        (name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(name)
    )
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), urlencode(query, quote_via=quote), ""))


def _tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def _story_url(url: str | None, *, not_stories: frozenset[str]) -> str | None:
    """``url`` normalised, unless it identifies no story: the feed's own URL or home page, or a bare home page."""
    normal = normalise_url(url)
    if normal is None or normal in not_stories:
        return None
    parts = urlsplit(normal)
    if not parts.path and not parts.query:
        return None
    return normal


def _not_stories(feed_url: str, feed_link: str | None) -> frozenset[str]:
    return frozenset(url for url in (normalise_url(feed_url), normalise_url(feed_link)) if url)


def _globally_unique(guid: str) -> bool:
    return guid.lower().startswith(_GLOBAL_SCHEMES) or bool(_UUID.match(guid))


def dedupe_key(
    *,
    guid: str | None,
    url: str | None,
    title: str,
    published_at: dt.datetime | None,
    feed_url: str,
    feed_link: str | None = None,
) -> str:
    """The stable key of a story (see the module for the order of preference).

    ``feed_url`` is the URL the feed was fetched from and ``feed_link`` the home page it names; a guid or link equal
    to either is ignored. The hash fallback uses the title case-folded with whitespace collapsed, and the
    publication time in ISO 8601 UTC (empty when unknown).
    """
    not_stories = _not_stories(feed_url, feed_link)
    guid = (guid or "").strip()
    if guid:
        if normalise_url(guid) is not None:
            guid_url = _story_url(guid, not_stories=not_stories)
            if guid_url is not None:
                return f"url:{guid_url}"
        elif _globally_unique(guid):
            return f"guid:{guid}"
        else:
            return f"guid:{urlsplit(feed_url).hostname or ''}/{guid}"
    story_url = _story_url(url, not_stories=not_stories)
    if story_url is not None:
        return f"url:{story_url}"
    when = published_at.astimezone(dt.UTC).isoformat() if published_at else ""
    digest = hashlib.sha256(f"{collapse(title).casefold()}\n{when}".encode()).hexdigest()
    return f"sha256:{digest}"


def normalise_entries(feed: Any, *, feed_url: str) -> list[NewsItem]:
    """The entries of ``feed`` (a ``feedparser.parse`` result, e.g. ``FetchResult.feed``) as ``NewsItem``s, in the
    feed's order, linked to no instrument yet. ``feed_url`` is where the feed was fetched from."""
    channel = feed.get("feed") or {}
    feed_title = _plain(channel.get("title"), channel.get("title_detail"))
    feed_link = channel.get("link")
    default_source = feed_title or urlsplit(feed_url).hostname or feed_url
    items: list[NewsItem] = []
    for entry in feed.get("entries") or []:
        title = _plain(entry.get("title"), entry.get("title_detail"))
        url = entry.get("link") if normalise_url(entry.get("link")) else None
        summary = _summary(entry)
        if not (title or url or summary):
            continue
        if not title:
            title = _cut(summary, 120) if summary else (url or "")
        published_at = _published(entry)
        guid = (entry.get("id") or "").strip() or None
        source = _plain((entry.get("source") or {}).get("title"), None) or default_source
        key = dedupe_key(
            guid=guid, url=url, title=title, published_at=published_at, feed_url=feed_url, feed_link=feed_link
        )
        keys = {key}
        story_url = _story_url(url, not_stories=_not_stories(feed_url, feed_link))
        if story_url is not None:
            keys.add(f"url:{story_url}")
        items.append(
            NewsItem(
                title=title,
                url=url,
                summary=summary,
                published_at=published_at,
                source=source,
                guid=guid,
                dedupe_key=key,
                identity_keys=frozenset(keys),
                feed_urls=frozenset({feed_url}),
            )
        )
    return items


def _plain(value: Any, detail: Any) -> str:
    """A feedparser text construct as plain text: HTML types stripped, plain text only collapsed."""
    if not isinstance(value, str) or not value:
        return ""
    kind = (detail or {}).get("type") or "text/html"
    return collapse(value) if kind == "text/plain" else html_to_text(value)


def _summary(entry: Any) -> str:
    text = _plain(entry.get("summary"), entry.get("summary_detail"))
    if not text:
        for content in entry.get("content") or []:
            text = _plain(content.get("value"), content)
            if text:
                break
    return _cut(text, SUMMARY_MAX_CHARS)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-") + "…"


def _published(entry: Any) -> dt.datetime | None:
    for name in ("published_parsed", "updated_parsed"):
        parsed = entry.get(name)
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return dt.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=dt.UTC)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def dedupe(items: Iterable[NewsItem]) -> list[NewsItem]:
    """``items`` with every story once, in the order each story was first seen.

    Items sharing any identity key are one story (transitively: A and B share a guid, B and C a link). The first
    copy is kept; ``instruments``, ``identity_keys`` and ``feed_urls`` are the union of all copies'; a missing
    ``published_at``, ``summary`` or ``url`` is taken from the first later copy that has one. Pass per-instrument
    feeds before general ones to keep their (usually richer) copy.
    """
    groups: list[list[NewsItem]] = []
    owner: dict[str, int] = {}
    for item in items:
        hits = sorted({owner[key] for key in item.identity_keys if key in owner})
        if not hits:
            index = len(groups)
            groups.append([item])
        else:
            index = hits[0]
            groups[index].append(item)
            for other in hits[1:]:
                for moved in groups[other]:
                    groups[index].append(moved)
                    owner.update(dict.fromkeys(moved.identity_keys, index))
                groups[other] = []
        owner.update(dict.fromkeys(item.identity_keys, index))
    return [_merge(group) for group in groups if group]


def _merge(group: Sequence[NewsItem]) -> NewsItem:
    first = group[0]
    if len(group) == 1:
        return first
    return replace(
        first,
        url=first.url or next((item.url for item in group if item.url), None),
        summary=first.summary or next((item.summary for item in group if item.summary), ""),
        published_at=first.published_at or next((item.published_at for item in group if item.published_at), None),
        identity_keys=frozenset().union(*(item.identity_keys for item in group)),
        feed_urls=frozenset().union(*(item.feed_urls for item in group)),
        instruments=frozenset().union(*(item.instruments for item in group)),
    )


def link_instruments(
    items: Iterable[NewsItem], *, feed_instruments: Iterable[str] = (), instruments: Sequence[HeldInstrument]
) -> list[NewsItem]:
    """``items`` linked to ``feed_instruments`` (the keys a per-instrument feed was read for, from
    ``feeds.urls_for``) and to every instrument of ``instruments`` they mention (``match_instruments``)."""
    given = frozenset(feed_instruments)
    return [
        replace(item, instruments=item.instruments | given | match_instruments(item, instruments)) for item in items
    ]


# Matching by mention ------------------------------------------------------------------------------------------------

_BEFORE = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][.\-])"
"""Not inside a longer code: ``DE`` is not found in ``SAP.DE``, ``BRK`` not in ``XBRK``."""
_AFTER = r"(?![A-Za-z0-9])(?![.\-][A-Za-z0-9])"
"""Not the start of a longer code: ``BRK`` is not found in ``BRK.B``, ``ASML`` not in ``ASML.AS``."""
_EXCHANGES = "|".join(sorted((re.escape(code) for code in EXCHANGE_CODES), key=len, reverse=True))
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\u2019]*")
_SHARE_CLASS = re.compile(r"[\s,]+(?:class|cl\.?)\s+[a-z]\.?$", re.IGNORECASE)
_SUFFIX = re.compile(
    r"(?:^|[\s,]+)(?:" + "|".join(re.escape(suffix) for suffix in LEGAL_SUFFIXES) + r")\.?$", re.IGNORECASE
)


def company_name(name: str) -> str:
    """The name news uses for a listed company: ``name`` without a leading "The", trailing legal suffixes and a
    share class (``The Allstate Corporation`` is ``Allstate``, ``Alphabet Inc. Class A`` is ``Alphabet``,
    ``ASML Holding N.V.`` is ``ASML``). A name that would be left empty is kept whole."""
    core = collapse(name)
    if core.lower().startswith("the ") and len(core) > 4:
        core = core[4:]
    while True:
        stripped = _SHARE_CLASS.sub("", core)
        stripped = _SUFFIX.sub("", stripped).rstrip(" ,&")
        if not stripped or stripped == core:
            return core
        core = stripped


@dataclass(frozen=True, slots=True)
class _Matcher:
    isin: str | None
    marked: re.Pattern[str] | None
    parenthesised: tuple[tuple[re.Pattern[str], str], ...]
    bare: re.Pattern[str] | None
    names: re.Pattern[str] | None

    def matches(self, text: str, url: str) -> bool:
        if self.isin and (self.isin in text.upper() or self.isin in url.upper()):
            return True
        if self.marked is not None and self.marked.search(text):
            return True
        for pattern, letters in self.parenthesised:
            if any(not _spelled_out(text[: found.start()], letters) for found in pattern.finditer(text)):
                return True
        if self.bare is not None and self.bare.search(text):
            return True
        return self.names is not None and self.names.search(text) is not None


def _spelled_out(before: str, letters: str) -> bool:
    """Whether the words just before a parenthesised code spell it out: "information technology (IT)" defines an
    acronym, it does not cite a ticker."""
    words = _WORD.findall(before[-200:])
    if len(letters) == 0 or len(words) < len(letters):
        return False
    return "".join(word[0] for word in words[-len(letters) :]).upper() == letters


def _bare_allowed(code: str) -> bool:
    return sum(char.isalpha() for char in code) >= 3 and code.lower() not in COMMON_WORDS


@functools.lru_cache(maxsize=4096)
def _matcher(instrument: HeldInstrument) -> _Matcher:
    codes = []
    for code in (instrument.symbol, instrument.yahoo):
        code = (code or "").strip().upper()
        if code and code not in codes:
            codes.append(code)
    marked: list[str] = []
    parenthesised: list[tuple[re.Pattern[str], str]] = []
    bare: list[str] = []
    for code in codes:
        escaped = re.escape(code)
        marked.append(rf"(?<![A-Za-z0-9])\${escaped}{_AFTER}")
        marked.append(rf"(?<![A-Za-z0-9])(?i:{_EXCHANGES})\s?:\s?{escaped}{_AFTER}")
        parenthesised.append((re.compile(rf"\(\s*{escaped}\s*\)"), "".join(char for char in code if char.isalnum())))
        if _bare_allowed(code):
            bare.append(rf"{_BEFORE}{escaped}{_AFTER}")
    names: list[str] = []
    listed = collapse(instrument.name)
    core = company_name(listed) if listed else ""
    for name in (core, listed):
        if len(name) < 3 or (" " not in name and name.lower() in COMMON_WORDS):
            continue
        for variant in (name, name.upper()):
            pattern = r"\s+".join(re.escape(word) for word in variant.split())
            if pattern not in names:
                names.append(pattern)
    isin = (instrument.isin or "").strip().upper() or None
    return _Matcher(
        isin=isin,
        marked=re.compile("|".join(marked)) if marked else None,
        parenthesised=tuple(parenthesised),
        bare=re.compile("|".join(bare)) if bare else None,
        names=re.compile(r"(?<!\w)(?:" + "|".join(names) + r")(?!\w)") if names else None,
    )


def match_instruments(item: NewsItem, instruments: Iterable[HeldInstrument]) -> frozenset[str]:
    """The keys of the instruments in ``instruments`` that ``item`` mentions in its title or summary.

    An instrument is mentioned by:

    - its ISIN, anywhere (title, summary or link; any case);
    - its ticker or Yahoo code, in capitals only and as a whole code (``BRK`` is not found in ``BRK.B``, ``DE`` not
      in ``SAP.DE``), written as ``$AAPL``, ``(AAPL)``, or with an exchange prefix (``NASDAQ:AAPL``,
      ``(Nasdaq: AAPL)``, ``ETR:SAP``); a parenthesised code spelled out by the words before it
      ("information technology (IT)") is an acronym, not a ticker;
    - the bare code (``ASML``, ``SAP.DE``), only when it has at least three letters and is not a common English
      word or acronym (``ALL``, ``NOW``, ``CEO``: see ``_words.COMMON_WORDS``);
    - its name as news writes it (``company_name``: ``Apple``, ``Allstate``), or the name as listed, as a whole
      word, capitalised as given or all in capitals (``ALLSTATE CORP`` in a filing index). A one-word name that is a
      common word (``Target``, ``Block``) is only matched as listed in full (``Target Corporation``).

    Matching is deliberately conservative: a missed link costs less than a portfolio full of stories about other
    companies. It cannot tell Apple the company from an apple pie at the start of a sentence.
    """
    text = f"{item.title}\n{item.summary}"
    url = item.url or ""
    return frozenset(instrument.key for instrument in instruments if _matcher(instrument).matches(text, url))
