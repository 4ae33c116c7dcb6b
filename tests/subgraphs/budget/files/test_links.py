"""Download links: FinCloud's own signed links (local-folder store) and S3 presigned URLs."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, unquote, urlparse

import httpx
import pytest
from starlette.applications import Starlette

from fincloud.config import Settings
from fincloud.constants import SERVICE_TOKEN_HEADER
from fincloud.service import Runtime
from fincloud.storage import S3ObjectStore
from subgraphs.budget.app import create_app
from subgraphs.budget.files.links import LinkSigner, _key_from_settings, download_link, link_signer
from tests.conftest import TEST_SERVICE_TOKEN

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
KEY = b"k" * 40


def signer(ttl: int = 300) -> LinkSigner:
    return LinkSigner(KEY, ttl_seconds=ttl, public_url="https://fincloud.example/")


def token_of(url: str) -> str:
    return urlparse(url).path.split("/")[2]


def test_a_link_works_until_it_expires_on_a_controlled_clock() -> None:
    link = signer().sign(object_key="households/h/exports/e.csv", filename="März.csv", content_type="text/csv",
                         size=12, now=T0)  # fmt: skip
    assert link.expires_at == T0 + dt.timedelta(minutes=5)
    assert link.url.startswith("https://fincloud.example/downloads/")
    assert link.url.endswith("/M%C3%A4rz.csv")
    token = token_of(link.url)
    grant = signer().verify(token, now=T0 + dt.timedelta(seconds=299))
    assert grant is not None
    assert (grant.object_key, grant.filename, grant.content_type, grant.size) == (
        "households/h/exports/e.csv",
        "März.csv",
        "text/csv",
        12,
    )
    assert signer().verify(token, now=T0 + dt.timedelta(seconds=300)) is None
    assert signer().verify(token, now=T0 + dt.timedelta(days=1)) is None


def _tampered_payload(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def test_a_tampered_or_foreign_token_is_refused() -> None:
    link = signer().sign(object_key="households/a/attachments/1", filename="r.pdf", content_type="application/pdf",
                         size=None, now=T0)  # fmt: skip
    token = token_of(link.url)
    now = T0 + dt.timedelta(seconds=1)
    assert signer().verify(token, now=now) is not None
    # Another household's object, a later expiry: the signature no longer matches.
    assert signer().verify(_tampered_payload(token, k="households/b/attachments/2"), now=now) is None
    assert signer().verify(_tampered_payload(token, exp=int(T0.timestamp()) + 10**6), now=now) is None
    # A flipped signature character, another key, an unsigned token, garbage.
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert signer().verify(flipped, now=now) is None
    assert LinkSigner(b"z" * 40, ttl_seconds=300, public_url="x").verify(token, now=now) is None
    payload = token.split(".")[1]
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    assert signer().verify(f"{none_header}.{payload}.", now=now) is None
    assert signer().verify("not-a-token", now=now) is None


def test_an_access_token_is_not_a_download_token() -> None:
    """A JWT of another audience (an access token signed with the same secret, say) grants nothing."""
    import jwt

    forged = jwt.encode({"aud": "fincloud", "exp": int(T0.timestamp()) + 60, "k": "x", "n": "x", "t": "x"}, KEY)
    assert signer().verify(forged, now=T0) is None


def test_the_key_comes_from_settings_or_a_private_file(settings: Settings, tmp_path) -> None:
    configured = settings.model_copy(update={"DOWNLOAD_LINK_KEY": "s" * 32})
    assert _key_from_settings(configured) == b"s" * 32
    generated = settings.model_copy(update={"DATA_DIR": tmp_path})
    key = _key_from_settings(generated)
    assert len(key) >= 32
    assert _key_from_settings(generated) == key  # the same key for every process on that data folder
    assert (tmp_path / "download-link-key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(ValueError, match="at least 32 characters"):
        Settings(ENV="dev", DOWNLOAD_LINK_KEY="short")


@pytest.fixture
async def budget_app(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The budget subgraph's ASGI app on the test runtime, called in-process as the router would."""
    app: Starlette = create_app(runtime.settings)
    app.state.runtime = runtime
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://budget",
        headers={SERVICE_TOKEN_HEADER: TEST_SERVICE_TOKEN},
    ) as client:
        yield client


def _path(url: str) -> str:
    return urlparse(url).path


async def test_the_download_route_serves_a_valid_link_only(runtime: Runtime, budget_app: httpx.AsyncClient) -> None:
    await runtime.store.put("households/h1/attachments/a1", b"%PDF-1.7 receipt")
    signer_ = link_signer(runtime)
    now = dt.datetime.now(dt.UTC)
    fresh = signer_.sign(object_key="households/h1/attachments/a1", filename='Quittung "Bäcker".pdf',
                         content_type="application/pdf", size=16, now=now)  # fmt: skip
    response = await budget_app.get(_path(fresh.url))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.7 receipt"
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Quittung _B_cker_.pdf\"; filename*=UTF-8''Quittung%20%22B%C3%A4cker%22.pdf"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"

    # Handed out 301 seconds ago (the clock is the link's, not a sleep): expired.
    stale = signer_.sign(object_key="households/h1/attachments/a1", filename="r.pdf", content_type="application/pdf",
                         size=None, now=now - dt.timedelta(seconds=301))  # fmt: skip
    tampered = _tampered_payload(token_of(fresh.url), k="households/h2/attachments/a9")
    gone = signer_.sign(object_key="households/h1/attachments/deleted", filename="r.pdf",
                        content_type="application/pdf", size=None, now=now)  # fmt: skip
    answers = [
        await budget_app.get(_path(stale.url)),
        await budget_app.get(f"/downloads/{tampered}/r.pdf"),
        await budget_app.get("/downloads/garbage"),
        await budget_app.get(_path(gone.url)),
    ]
    # Expired, tampered, malformed and removed look the same, and say nothing about the object.
    assert {(a.status_code, a.text) for a in answers} == {
        (404, "This download link is invalid or has expired. Ask FinCloud for a new one.")
    }


async def test_the_download_route_is_for_the_router_only(runtime: Runtime, budget_app: httpx.AsyncClient) -> None:
    await runtime.store.put("households/h1/exports/e.csv", b"Date\r\n")
    link = link_signer(runtime).sign(object_key="households/h1/exports/e.csv", filename="e.csv",
                                     content_type="text/csv", size=None, now=dt.datetime.now(dt.UTC))  # fmt: skip
    response = await budget_app.get(_path(link.url), headers={SERVICE_TOKEN_HEADER: "wrong"})
    assert response.status_code == 403
    assert "Date" not in response.text


async def test_s3_links_are_presigned_urls_the_bucket_serves(s3_store: S3ObjectStore) -> None:
    await s3_store.put("households/h1/attachments/a1", b"\x89PNG receipt", content_type="image/png")
    now = dt.datetime.now(dt.UTC)
    link = download_link(store=s3_store, signer=signer(ttl=300), object_key="households/h1/attachments/a1",
                         filename="Beleg März.png", content_type="image/png", size=None, now=now)  # fmt: skip
    assert link.expires_at == now + dt.timedelta(seconds=300)
    query = parse_qs(urlparse(link.url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert unquote(urlparse(link.url).path).endswith("/objects/households/h1/attachments/a1")
    async with httpx.AsyncClient() as http:
        response = await http.get(link.url)  # no credentials: the signature in the URL is the permission
    assert response.status_code == 200
    assert response.content == b"\x89PNG receipt"
    assert response.headers["content-type"] == "image/png"
    assert "filename*=UTF-8''Beleg%20M%C3%A4rz.png" in response.headers["content-disposition"]
