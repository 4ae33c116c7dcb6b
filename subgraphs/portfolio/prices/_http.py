"""Fetching a source's document: every failure becomes a ``PriceSourceError`` that says what went wrong."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import httpx

from subgraphs.portfolio.prices.base import PriceSourceError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""A document larger than this is refused, and stops being read once it gets there (the ECB's whole history since
1999, the largest document a built-in source asks for, is about 6 MB)."""

USER_AGENT = "Mozilla/5.0 (compatible; FinCloud price fetcher)"
"""Sent to every source: some (Yahoo) refuse HTTP libraries' default agents with ``429 Too Many Requests``."""


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    accept: Collection[int] = (),
) -> bytes:
    """The body of a GET of ``url``.

    A non-2xx status is a ``PriceSourceError``, except the statuses in ``accept``, whose body is returned for the
    caller to read (Yahoo answers an unknown symbol with a 404 that explains itself). A network error, a timeout
    (the client's) or a body over ``MAX_DOCUMENT_BYTES`` is a ``PriceSourceError`` too."""
    try:
        async with client.stream(
            "GET", url, params=params, headers={"user-agent": USER_AGENT}, follow_redirects=True
        ) as response:
            if not response.is_success and response.status_code not in accept:
                raise PriceSourceError(f"{url}: HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise PriceSourceError(f"{url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    except httpx.HTTPError as exc:
        raise PriceSourceError(f"{url}: {type(exc).__name__}: {exc or 'no detail'}") from exc
    return bytes(body)
