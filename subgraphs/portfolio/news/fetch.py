"""Fetching one feed: a conditional GET with a size cap, parsed by feedparser from the bytes received.

- Only ``http://`` and ``https://`` URLs are fetched; anything else (``file:``, ``ftp:``, ``feed:``, a bare path) is
  refused before a request is made. A redirect to another scheme fails in httpx and is reported the same way as a
  network error.
- The GET is conditional when the caller passes what the last fetch returned: ``If-None-Match`` with the ETag,
  ``If-Modified-Since`` with the Last-Modified date (sent back verbatim, as RFC 9110 advises). A ``304 Not Modified``
  answer is a result with ``not_modified=True`` and no feed.
- The body is read in chunks and refused as soon as it exceeds ``max_bytes`` (after decompression, so a small
  gzip bomb is refused too); a ``Content-Length`` above the cap is refused before reading.
- Timeouts, connection limits, proxies and the User-Agent are the ``httpx.AsyncClient``'s: the caller builds one
  client for a round of fetches and owns its lifetime.
- feedparser parses the bytes wrapped in a ``BytesIO``. It is never given a URL, nor the raw bytes: given a ``bytes``
  or ``str`` that names a file, ``feedparser.parse`` opens that local file, so a server answering
  ``/etc/passwd`` would otherwise have it read.
- A malformed feed that still yields entries is not an error: feedparser's loose parser reads what it can, the
  result carries those entries and a ``warning``, and the warning is logged. A document with no feed in it at all
  (an HTML error page, an empty body) is a ``FeedError``.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx

__all__ = ["ACCEPT", "MAX_FEED_BYTES", "FeedError", "FeedErrorKind", "FetchResult", "check_feed_url", "fetch_feed"]

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 5 * 1024 * 1024
"""A feed larger than this (decompressed) is refused. News feeds are tens of kilobytes; a few MB is generous."""

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
"""The ``Accept`` header sent: feed types first, anything else accepted (many feeds are served as ``text/html``)."""

_PASSED_TO_PARSER = ("content-type", "content-language")
"""Response headers feedparser is given: the charset and the language. ``Content-Location`` is set to the final URL
so relative links in the feed resolve against where it was actually fetched from."""


class FeedErrorKind(StrEnum):
    REFUSED = "refused"
    """Not an ``http(s)://`` URL with a host: no request was made."""
    NETWORK = "network"
    """DNS, connection, TLS, timeout, too many redirects, a redirect to a refused scheme, a broken response."""
    STATUS = "status"
    """The server answered with a status other than 2xx or 304."""
    TOO_LARGE = "too_large"
    """The body is larger than the cap."""
    NOT_A_FEED = "not_a_feed"
    """The body holds no feed feedparser can recognise (an HTML page, an empty body)."""


class FeedError(Exception):
    """A feed could not be fetched or read. ``kind`` says why, ``detail`` how; ``status`` is the HTTP status for
    ``FeedErrorKind.STATUS``. ``str(error)`` is ``"<url>: <detail>"``."""

    def __init__(self, url: str, kind: FeedErrorKind, detail: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.kind = kind
        self.detail = detail
        self.status = status


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch of ``url`` gave.

    ``etag`` and ``modified`` are the validators to send next time (the response's, else the ones sent, so a 304
    without them keeps the old ones). ``feed`` is feedparser's result (``None`` when not modified). ``warning`` is
    set when the document was malformed but entries could still be read from it.
    """

    url: str
    not_modified: bool
    etag: str | None = None
    modified: str | None = None
    feed: Any = None
    warning: str | None = None

    @property
    def entries(self) -> list[Any]:
        """The feed's entries as feedparser read them; empty when not modified."""
        return list(self.feed.entries) if self.feed is not None else []


def check_feed_url(url: str) -> None:
    """``FeedError`` (``REFUSED``) unless ``url`` is an absolute ``http://`` or ``https://`` URL with a host."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise FeedError(url, FeedErrorKind.REFUSED, f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        raise FeedError(url, FeedErrorKind.REFUSED, "only http:// and https:// feeds are fetched")


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
) -> FetchResult:
    """GET ``url`` with ``client`` (conditionally when ``etag`` / ``modified`` are given) and parse the feed.

    Redirects are followed (the client's limit applies). Returns a ``FetchResult``; raises ``FeedError`` for every
    failure: a refused URL, a network error or timeout, a non-2xx status other than 304, a body over ``max_bytes``,
    or a body with no feed in it. A malformed feed whose entries could partly be read is a result with a
    ``warning``, not an error.
    """
    check_feed_url(url)
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        async with client.stream("GET", url, headers=headers, follow_redirects=True) as response:
            if response.status_code == httpx.codes.NOT_MODIFIED:
                return FetchResult(
                    url=url,
                    not_modified=True,
                    etag=response.headers.get("etag") or etag,
                    modified=response.headers.get("last-modified") or modified,
                )
            if not response.is_success:
                raise FeedError(url, FeedErrorKind.STATUS, f"HTTP {response.status_code}", status=response.status_code)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(url, FeedErrorKind.TOO_LARGE, f"{declared} bytes declared, the cap is {max_bytes}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FeedError(url, FeedErrorKind.TOO_LARGE, f"more than {max_bytes} bytes")
            parser_headers = {name: response.headers[name] for name in _PASSED_TO_PARSER if name in response.headers}
            parser_headers["content-location"] = str(response.url)
            new_etag = response.headers.get("etag") or None
            new_modified = response.headers.get("last-modified") or None
    except httpx.HTTPError as exc:
        raise FeedError(url, FeedErrorKind.NETWORK, f"{type(exc).__name__}: {exc or 'no detail'}") from exc
    # Parsing a few MB takes a while; a thread keeps the event loop free meanwhile.
    feed = await asyncio.to_thread(feedparser.parse, io.BytesIO(bytes(body)), response_headers=parser_headers)
    warning = _check_parsed(url, feed)
    return FetchResult(
        url=url,
        not_modified=False,
        etag=new_etag or etag,
        modified=new_modified or modified,
        feed=feed,
        warning=warning,
    )


def _check_parsed(url: str, feed: Any) -> str | None:
    """The warning for a malformed feed that still yielded something; ``FeedError`` when there is no feed at all."""
    problem = feed.get("bozo_exception") if feed.get("bozo") else None
    if not feed.get("version") and not feed.entries:
        detail = f"no RSS or Atom feed in the response ({_describe(problem)})" if problem else "no RSS or Atom feed"
        raise FeedError(url, FeedErrorKind.NOT_A_FEED, detail)
    if problem is None:
        return None
    warning = f"malformed feed, read what could be read: {_describe(problem)}"
    logger.warning("news feed %s: %s", url, warning)
    return warning


def _describe(problem: object) -> str:
    return f"{type(problem).__name__}: {problem}"
