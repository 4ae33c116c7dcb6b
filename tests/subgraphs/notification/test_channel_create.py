from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr
from sqlalchemy import select

from fincloud.auth import Role
from fincloud.constants import TOPIC_CHANNEL_VERIFICATION_REQUESTED
from fincloud.service import Runtime
from subgraphs.notification.models import Channel, outbox
from tests.subgraphs.notification.channels.support import HttpReceiver, Received, Reply
from tests.subgraphs.notification.support import ERRORS, Home

CREATE = f"""
mutation($input: ChannelCreateInput!) {{
  channelCreate(input: $input) {{
    channel {{ id householdId kind label name target verified active }}
    secret linkUrl verificationSent
    {ERRORS}
  }}
}}
"""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_subscription(endpoint: str = "https://push.example.net/send/abc") -> dict[str, Any]:
    """What ``PushSubscription.toJSON()`` gives: the endpoint, the browser's P-256 key and a 16-byte secret."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": b64(point), "auth": b64(bytes(16))}}


async def verification_requests(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(outbox.c.payload).where(outbox.c.topic == TOPIC_CHANNEL_VERIFICATION_REQUESTED)
        )
        return [row.payload for row in rows]


async def test_an_email_channel_for_the_verified_sign_in_address_is_verified_at_once(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member(email="Ada@Example.org", verified=True)
    data = await home.run(
        home.viewer(ada), CREATE, input={"kind": "EMAIL", "address": " ada@example.org ", "name": "Work"}
    )
    payload = data["channelCreate"]
    assert payload["errors"] == []
    assert payload["channel"] | {"id": None} == {
        "id": None,
        "householdId": str(home.household_id),
        "kind": "email",
        "label": "Email",
        "name": "Work",
        "target": "ada@example.org",
        "verified": True,
        "active": True,
    }
    assert (payload["secret"], payload["linkUrl"], payload["verificationSent"]) == (None, None, False)
    assert await verification_requests(runtime) == []


async def test_another_address_waits_for_the_emailed_code(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member(email="ada@example.org", verified=False)  # not verified at identity: not trusted either
    data = await home.run(home.viewer(ada), CREATE, input={"kind": "EMAIL", "address": "ada@example.org"})
    payload = data["channelCreate"]
    assert (payload["channel"]["verified"], payload["verificationSent"]) == (False, True)
    assert await verification_requests(runtime) == [{"channel_id": payload["channel"]["id"]}]  # no code in the outbox


@pytest.mark.parametrize(
    ("input_", "field", "message"),
    [
        ({"kind": "EMAIL"}, "address", "an email address is needed for this kind of channel"),
        ({"kind": "EMAIL", "address": "not an address"}, "address", "enter an email address such as ada@example.org"),
        ({"kind": "WEBHOOK"}, "url", "a URL is needed for this kind of channel"),
        ({"kind": "WEBPUSH"}, "subscription", "the browser's subscription is needed for this kind of channel"),
        (
            {"kind": "WEBPUSH", "subscription": {"endpoint": "http://push.example.net/x", "keys": {}}},
            "subscription",
            "the push endpoint must be an https URL",
        ),
        (
            {"kind": "WEBPUSH", "subscription": {"endpoint": "https://push.example.net/x", "keys": {"p256dh": "AAAA"}}},
            "subscription",
            "the browser subscription lacks its keys (p256dh, auth)",
        ),
        (
            {
                "kind": "WEBPUSH",
                "subscription": {"endpoint": "https://push.example.net/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}},
            },
            "subscription",
            "the browser subscription's keys are not a P-256 key and a 16-byte secret",
        ),
        ({"kind": "EMAIL", "address": "a@example.org", "name": "x" * 201}, "name", "use at most 200 characters"),
        ({"kind": "TELEGRAM"}, "kind", "Telegram is not set up on this server"),
    ],
)
async def test_what_a_kind_needs_is_checked_and_nothing_is_made(
    runtime: Runtime, input_: dict[str, Any], field: str, message: str
) -> None:
    home = Home(runtime)
    ada = await home.member()
    data = await home.run(home.viewer(ada), CREATE, input=input_)
    assert data["channelCreate"]["errors"] == [{"__typename": "ValidationError", "message": message, "field": field}]
    assert data["channelCreate"]["channel"] is None
    async with runtime.sessionmaker() as session:
        assert list(await session.scalars(select(Channel))) == []


async def test_a_webhook_gets_its_signing_secret_once(runtime: Runtime) -> None:
    allowed = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update={"WEBHOOK_ALLOW_PRIVATE": True}))
    home = Home(allowed)
    ada = await home.member()
    data = await home.run(home.viewer(ada), CREATE, input={"kind": "WEBHOOK", "url": "http://127.0.0.1:8123/hook"})
    payload = data["channelCreate"]
    assert payload["errors"] == []
    assert payload["secret"].startswith("whsec_")
    assert len(payload["secret"]) > 40
    assert payload["channel"]["target"] == "http://127.0.0.1:8123/hook"
    assert payload["channel"]["verified"] is True
    listed = await home.run(home.viewer(ada), "{ channels { nodes { id } } }")
    assert payload["secret"] not in str(listed)


async def test_a_webhook_to_a_private_address_is_refused_by_default(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    data = await home.run(home.viewer(ada), CREATE, input={"kind": "WEBHOOK", "url": "http://127.0.0.1:8123/hook"})
    [error] = data["channelCreate"]["errors"]
    assert (error["__typename"], error["field"]) == ("ValidationError", "url")
    assert "loopback" in error["message"]


async def test_a_browser_subscription_is_kept_as_the_browser_gave_it(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    subscription = browser_subscription()
    data = await home.run(home.viewer(ada), CREATE, input={"kind": "WEBPUSH", "subscription": subscription})
    payload = data["channelCreate"]
    assert payload["errors"] == []
    assert (payload["channel"]["target"], payload["channel"]["name"]) == (
        "push.example.net",
        "Browser (push.example.net)",
    )
    async with runtime.sessionmaker() as session:
        [row] = await session.scalars(select(Channel))
    assert row.config == {"endpoint": subscription["endpoint"], "keys": subscription["keys"]}


@pytest.fixture
def bot_api() -> Iterator[HttpReceiver]:
    def answer(request: Received) -> Reply:
        if request.path.endswith("/getMe"):
            return Reply.json({"ok": True, "result": {"id": 1, "is_bot": True, "username": "FinCloudBot"}})
        return Reply.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    server = HttpReceiver(handler=answer).start()
    try:
        yield server
    finally:
        server.stop()


async def test_telegram_returns_a_deep_link_with_a_fresh_token_kept_only_as_a_hash(
    runtime: Runtime, bot_api: HttpReceiver
) -> None:
    settings = runtime.settings.model_copy(
        update={"TELEGRAM_BOT_TOKEN": SecretStr("1:token"), "TELEGRAM_API_URL": bot_api.url}
    )
    home = Home(dataclasses.replace(runtime, settings=settings, extras={}))
    ada = await home.member()
    links = []
    for _ in range(2):
        data = await home.run(home.viewer(ada), CREATE, input={"kind": "TELEGRAM"})
        payload = data["channelCreate"]
        assert payload["errors"] == []
        assert (payload["channel"]["verified"], payload["channel"]["target"]) == (False, None)
        links.append(payload["linkUrl"])
    assert all(link.startswith("https://t.me/FinCloudBot?start=") for link in links)
    assert links[0] != links[1]
    assert len([r for r in bot_api.received if r.path.endswith("/getMe")]) == 1  # the bot's name is remembered
    token = links[0].rpartition("=")[2]
    async with runtime.sessionmaker() as session:
        stored = {row.link_token for row in await session.scalars(select(Channel))}
    assert all(value and value.startswith("tg:") and token not in value for value in stored)


async def test_only_the_viewers_households_and_only_signed_in_users(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    elsewhere = await home.run(home.viewer(ada), CREATE, input={"kind": "TELEGRAM", "householdId": str(uuid.uuid4())})
    assert elsewhere["channelCreate"]["errors"] == [
        {"__typename": "NotFoundError", "message": "no such household", "field": "householdId"}
    ]
    # A viewer-role member sets up their own channels (they are notified too) ...
    vic = await home.member(role="viewer")
    own = await home.run(home.viewer(vic, Role.VIEWER), CREATE, input={"kind": "EMAIL", "address": "v@example.org"})
    assert own["channelCreate"]["errors"] == []
    # ... but an API key, even a read-write one, does not.
    key = home.viewer(ada, api_key_id=uuid.uuid4())
    scripted = await home.run(key, CREATE, input={"kind": "EMAIL", "address": "thief@example.org"})
    assert [e["__typename"] for e in scripted["channelCreate"]["errors"]] == ["AuthenticationError"]
