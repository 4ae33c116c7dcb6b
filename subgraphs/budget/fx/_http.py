"""Fetching a source's document: every failure becomes an ``FxSourceError`` that says what went wrong."""

from __future__ import annotations

import httpx

from subgraphs.budget.fx.base import FxSourceError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""A rates document larger than this is refused (the ECB's whole history since 1999 is about 6 MB of XML)."""


async def fetch(client: httpx.AsyncClient, url: str, *, params: dict[str, str] | None = None) -> bytes:
    """The body of a successful GET of ``url``; ``FxSourceError`` for a network error, a non-2xx status or an
    oversized body."""
    try:
        response = await client.get(url, params=params, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise FxSourceError(f"{url}: {type(exc).__name__}: {exc or 'no detail'}") from exc
    if not response.is_success:
        raise FxSourceError(f"{url}: HTTP {response.status_code}")
    if len(response.content) > MAX_DOCUMENT_BYTES:
        raise FxSourceError(f"{url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    return response.content
