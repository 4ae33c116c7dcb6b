"""An email channel proven with the code the worker mails to it (a real SMTP server on loopback)."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from arq.connections import ArqRedis
from sqlalchemy import select

from fincloud.constants import TOPIC_CHANNEL_VERIFICATION_REQUESTED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.notification.models import outbox
from tests.subgraphs.notification.channels.support import free_port
from tests.subgraphs.notification.support import ERRORS, Home, job_ctx
from workers.notify import notify_channel_verification

CREATE = f"""mutation($input: ChannelCreateInput!) {{
  channelCreate(input: $input) {{ channel {{ id verified }} verificationSent {ERRORS} }} }}"""
VERIFY = """mutation($input: ChannelVerifyInput!) {
  channelVerify(input: $input) {
    channel { id verified }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field }
             ... on RateLimitedError { retryAfter } }
  }
}"""


@dataclass
class Inbox:
    port: int
    received: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 OK"

    def codes(self) -> list[str]:
        found = []
        for envelope in self.received:
            message = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
            found.append(re.findall(r"code: (\d{6})", str(message["subject"]))[0])
        return found


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


async def add_email(home: Home, user_id: uuid.UUID, address: str = "ada@work.example") -> str:
    data = await home.run(home.viewer(user_id), CREATE, input={"kind": "EMAIL", "address": address})
    assert data["channelCreate"]["verificationSent"] is True
    return str(data["channelCreate"]["channel"]["id"])


async def mail_code(runtime: Runtime, pool: ArqRedis, smtp: Inbox) -> bool:
    """What the worker does with the channel's verification event."""
    async with runtime.sessionmaker() as session:
        [row] = (
            await session.execute(
                select(outbox)
                .where(outbox.c.topic == TOPIC_CHANNEL_VERIFICATION_REQUESTED)
                .order_by(outbox.c.occurred_at.desc())
            )
        ).all()[:1]
    event = Event(
        id=row.id, topic=row.topic, household_id=row.household_id, occurred_at=row.occurred_at, payload=row.payload
    )
    settings = runtime.settings.model_copy(update={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port})
    return await notify_channel_verification(job_ctx(runtime, pool, settings=settings), event.to_json())


async def test_the_mailed_code_verifies_the_channel(runtime: Runtime, pool: ArqRedis, smtp: Inbox) -> None:
    home = Home(runtime)
    ada = await home.member()
    channel_id = await add_email(home, ada)
    assert await mail_code(runtime, pool, smtp) is True
    [code] = smtp.codes()
    assert smtp.received[0].rcpt_tos == ["ada@work.example"]

    data = await home.run(home.viewer(ada), VERIFY, input={"id": channel_id, "code": f" {code} "})
    assert data["channelVerify"] == {"channel": {"id": channel_id, "verified": True}, "errors": []}
    again = await home.run(home.viewer(ada), VERIFY, input={"id": channel_id, "code": code})
    assert again["channelVerify"]["channel"]["verified"] is True  # verified stays verified


async def test_a_new_mail_replaces_the_code_and_wrong_codes_are_limited(
    runtime: Runtime, pool: ArqRedis, smtp: Inbox
) -> None:
    home = Home(runtime)
    ada = await home.member()
    channel_id = await add_email(home, ada)
    await mail_code(runtime, pool, smtp)
    await mail_code(runtime, pool, smtp)  # the job ran twice (a retry): only the newest code works
    first, second = smtp.codes()
    wrong = "000000" if "000000" not in (first, second) else "111111"
    if first != second:
        stale = await home.run(home.viewer(ada), VERIFY, input={"id": channel_id, "code": first})
        assert stale["channelVerify"]["errors"] == [
            {"__typename": "ValidationError", "message": "that is not the code we sent", "field": "code"}
        ]
    for _ in range(5):
        await home.run(home.viewer(ada), VERIFY, input={"id": channel_id, "code": wrong})
    limited = await home.run(home.viewer(ada), VERIFY, input={"id": channel_id, "code": second})
    [error] = limited["channelVerify"]["errors"]
    assert error["__typename"] == "RateLimitedError"
    assert 0 < error["retryAfter"] <= 3600
    assert limited["channelVerify"]["channel"] is None


async def test_before_any_mail_and_for_someone_elses_channel(runtime: Runtime, pool: ArqRedis) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    channel_id = await add_email(home, ada)
    early = await home.run(home.viewer(ada), VERIFY, input={"id": channel_id, "code": "123456"})
    assert early["channelVerify"]["errors"][0]["message"] == "no code was sent to this channel yet; wait for the email"
    for viewer, channel in (
        (home.viewer(bob), channel_id),
        (home.viewer(ada), str(uuid.uuid4())),
        (home.viewer(ada), "x"),
    ):
        data = await home.run(viewer, VERIFY, input={"id": channel, "code": "123456"})
        assert data["channelVerify"] == {
            "channel": None,
            "errors": [{"__typename": "NotFoundError", "message": "no such channel", "field": "id"}],
        }


async def test_without_a_mail_server_nothing_is_sent(runtime: Runtime, pool: ArqRedis) -> None:
    home = Home(runtime)
    ada = await home.member()
    await add_email(home, ada)
    async with runtime.sessionmaker() as session:
        [row] = (
            await session.execute(select(outbox).where(outbox.c.topic == TOPIC_CHANNEL_VERIFICATION_REQUESTED))
        ).all()
    event = Event(
        id=row.id, topic=row.topic, household_id=row.household_id, occurred_at=row.occurred_at, payload=row.payload
    )
    assert await notify_channel_verification(job_ctx(runtime, pool), event.to_json()) is False


async def test_only_email_channels_take_a_code(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    telegram = await home.channel(ada, kind="telegram", verified=False, config={})
    data = await home.run(home.viewer(ada), VERIFY, input={"id": str(telegram), "code": "123456"})
    assert data["channelVerify"]["errors"] == [
        {"__typename": "ValidationError", "message": "only email channels are verified with a code", "field": "id"}
    ]
