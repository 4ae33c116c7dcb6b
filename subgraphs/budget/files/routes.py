"""``GET /downloads/<token>[/<file name>]``: the budget subgraph serves objects of the local-folder store to whoever
holds a valid download link. The router forwards the path (router/src/downloads.ts) with its service credential;
a direct call without it is refused like every other subgraph route."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.db import utcnow
from fincloud.service import Runtime
from fincloud.storage import ObjectNotFoundError, content_disposition
from subgraphs.budget.files.links import DOWNLOAD_PATH, link_signer

__all__ = ["download_routes"]

_GONE = "This download link is invalid or has expired. Ask FinCloud for a new one."


def _missing() -> Response:
    """One answer for a tampered, expired or unknown link and a removed object: nothing is revealed."""
    return PlainTextResponse(_GONE, status_code=404, headers={"Cache-Control": "no-store"})


async def download(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    presented = request.headers.get(SERVICE_TOKEN_HEADER, "")
    if not hmac.compare_digest(presented.encode(), runtime.settings.SERVICE_TOKEN.encode()):
        return PlainTextResponse("forbidden: call FinCloud through its router", status_code=403)
    grant = link_signer(runtime).verify(request.path_params["token"], now=utcnow())
    if grant is None:
        return _missing()
    chunks = runtime.store.chunks(grant.object_key)
    try:
        first = await anext(chunks)
    except ObjectNotFoundError:
        return _missing()
    except StopAsyncIteration:
        first = b""

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    headers = {
        "Content-Disposition": content_disposition(grant.filename),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        # Served from the API's origin: never let a document run anything there.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Referrer-Policy": "no-referrer",
    }
    if grant.size is not None:
        headers["Content-Length"] = str(grant.size)
    return StreamingResponse(body(), media_type=grant.content_type, headers=headers)


async def elsewhere(_: Request) -> Response:
    return _missing()


def download_routes() -> list[Route]:
    return [
        Route(f"{DOWNLOAD_PATH}/{{token}}", download, methods=["GET"]),
        Route(f"{DOWNLOAD_PATH}/{{token}}/{{name}}", download, methods=["GET"]),
        # Any other path under /downloads (a name with an encoded slash, say) gets the same answer as a bad link.
        Route(f"{DOWNLOAD_PATH}/{{rest:path}}", elsewhere, methods=["GET"]),
    ]
