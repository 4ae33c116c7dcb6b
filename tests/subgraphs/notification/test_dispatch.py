"""From an event to notifications and deliveries: who, where, held for a digest or not."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from fincloud.constants import (
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_NOTIFICATION_CREATED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_TRANSACTION_CREATED,
)
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.notification import templates
from subgraphs.notification.models import Channel, Delivery, Preference, UserSettings, outbox
from subgraphs.notification.services.dispatch import (
    RETRY_CAP_SECONDS,
    RecipientsUnknownError,
    digest_groups,
    quiet_until,
    retry_delay,
    send_delivery,
    send_digest,
)
from tests.subgraphs.notification.support import (
    FakeChannel,
    Home,
    deliveries,
    event,
    notifications,
    price_alert,
    settings_for,
    temporary,
)
from tests.subgraphs.notification.support import run_notify as notify_in

KINDS = {"webhook", "email", "telegram", "webpush"}
BERLIN = dt.timezone(dt.timedelta(hours=1))  # November: CET
AT_NOON = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


async def run_notify(runtime: Runtime, ev: Event, *, now: dt.datetime = AT_NOON, kinds: set[str] = KINDS) -> Any:
    return await notify_in(runtime, ev, now=now, kinds=kinds)


async def created_events(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(outbox.c.payload).where(outbox.c.topic == TOPIC_NOTIFICATION_CREATED))
        return [row.payload for row in rows]


async def test_a_household_event_tells_each_current_member_once_in_the_inbox_only(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member(role="viewer")
    await home.member(removed=True)
    await home.channel(ada)  # verified, active: still not for a transaction (default: the inbox only)
    ev = event(TOPIC_TRANSACTION_CREATED, home.household_id)

    assert await run_notify(runtime, ev) == []
    made = await notifications(runtime)
    assert sorted(n.user_id for n in made) == sorted([ada, bob])
    assert {(n.event_id, n.in_inbox, n.event_type) for n in made} == {(ev.id, True, TOPIC_TRANSACTION_CREATED)}
    assert all(n.title and n.body for n in made)
    assert made[0].data["payload"]["payee"] == "Café"
    announced = await created_events(runtime)
    assert sorted(p["user_id"] for p in announced) == sorted(str(u) for u in (ada, bob))

    # The same event again (the relay, or arq, delivered it twice): nothing more.
    assert await run_notify(runtime, ev) == []
    assert len(await notifications(runtime)) == 2
    assert len(await created_events(runtime)) == 2


async def test_an_alert_goes_to_its_owner_only_on_every_active_verified_channel(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    hook = await home.channel(ada)
    mail = await home.channel(ada, kind="email", config={"address": "ada@example.org"})
    await home.channel(ada, kind="email", verified=False, config={"address": "new@example.org"})
    await home.channel(ada, kind="telegram", active=False, config={"chat_id": 1})
    await home.channel(bob)  # Bob's own channel: not his alert

    created = await run_notify(runtime, price_alert(home.household_id, ada))
    assert sorted(d.channel_id for d in created) == sorted([hook, mail])
    assert {d.status for d in created} == {"pending"}
    [made] = await notifications(runtime)
    assert made.user_id == ada
    assert {d.notification_id for d in created} == {made.id}


async def test_the_defaults_per_event_type(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada)
    threshold = event(
        TOPIC_BUDGET_THRESHOLD_EXCEEDED,
        home.household_id,
        category_id=str(uuid.uuid4()),
        category_name="Groceries",
        group_name="Food",
        month="2026-11",
        level=80,
        currency="EUR",
        budgeted="500.00",
        carried="0.00",
        spent="400.00",
        available="100.00",
        progress=0.8,
        complete=False,
    )
    assert len(await run_notify(runtime, threshold)) == 1  # an alert: every channel
    assert await run_notify(runtime, event(TOPIC_TRANSACTION_CREATED, home.household_id)) == []  # the inbox only


async def test_a_preference_chooses_the_channels_and_the_inbox(runtime: Runtime) -> None:
    home = Home(runtime)
    ada, bob = await home.member(), await home.member()
    hook = await home.channel(ada)
    mail = await home.channel(ada, kind="email", config={"address": "ada@example.org"})
    off = await home.channel(ada, active=False)
    bobs = await home.channel(bob)
    async with runtime.sessionmaker() as session, session.begin():
        session.add(
            Preference(
                household_id=home.household_id,
                user_id=ada,
                event_type=TOPIC_TRANSACTION_CREATED,
                channel_ids=[mail, off, bobs],  # only her own, active, verified ones count
                inbox=False,
            )
        )
        # Bob wants nothing at all of transactions.
        session.add(
            Preference(
                household_id=home.household_id,
                user_id=bob,
                event_type=TOPIC_TRANSACTION_CREATED,
                channel_ids=[],
                inbox=False,
            )
        )
    created = await run_notify(runtime, event(TOPIC_TRANSACTION_CREATED, home.household_id))
    assert [d.channel_id for d in created] == [mail]
    [made] = await notifications(runtime)
    assert (made.user_id, made.in_inbox) == (ada, False)
    assert await created_events(runtime) == []  # not in the inbox: nothing live either
    assert hook not in [d.channel_id for d in created]


async def test_a_household_the_replica_has_not_heard_of_is_tried_again_later(runtime: Runtime) -> None:
    with pytest.raises(RecipientsUnknownError):
        await run_notify(runtime, event(TOPIC_TRANSACTION_CREATED, uuid.uuid4()))
    home = Home(runtime)
    await home.member()
    with pytest.raises(RecipientsUnknownError):  # a member the replica does not know yet
        await run_notify(runtime, price_alert(home.household_id, uuid.uuid4()))
    gone = await home.member(removed=True)
    assert await run_notify(runtime, price_alert(home.household_id, gone)) == []  # removed since: nobody
    assert await notifications(runtime) == []


async def test_a_kind_without_an_installed_plugin_is_skipped(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada, kind="ntfy", config={"topic": "x"})
    [skipped] = await run_notify(runtime, price_alert(home.household_id, ada))
    assert skipped.status == "skipped"
    assert "ntfy" in skipped.last_error


async def test_a_template_that_fails_costs_nobody_the_notification(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> templates.Rendered:
        raise RuntimeError("template bug")

    monkeypatch.setattr(templates, "render", broken)
    home = Home(runtime)
    await home.member()
    await run_notify(runtime, event(TOPIC_PORTFOLIO_ALERT, home.household_id, user_id=str(home.users[0])))
    [made] = await notifications(runtime)
    assert made.title == "Portfolio alert triggered"
    assert "user_id" in made.body


# ---------------------------------------------------------------------------------------------------------------
# Quiet hours and rate caps.


def test_quiet_hours_across_midnight_in_the_users_time_zone() -> None:
    berlin = UserSettings(
        user_id=uuid.uuid4(), time_zone="Europe/Berlin", quiet_start=dt.time(22), quiet_end=dt.time(7)
    )
    local = lambda h, m=0, day=28: dt.datetime(2026, 11, day, h, m, tzinfo=BERLIN)  # noqa: E731
    assert quiet_until(berlin, local(21, 59)) is None
    assert quiet_until(berlin, local(22)) == local(7, day=29)
    assert quiet_until(berlin, local(23, 30)) == local(7, day=29)
    assert quiet_until(berlin, local(3)) == local(7)
    assert quiet_until(berlin, local(7)) is None
    afternoon = UserSettings(user_id=uuid.uuid4(), time_zone="UTC", quiet_start=dt.time(13), quiet_end=dt.time(14))
    assert quiet_until(afternoon, AT_NOON) is None
    assert quiet_until(afternoon, AT_NOON.replace(hour=13, minute=30)) == AT_NOON.replace(hour=14)
    none = UserSettings(user_id=uuid.uuid4(), time_zone="UTC", quiet_start=None, quiet_end=None)
    assert quiet_until(none, AT_NOON) is None
    # Across the change to summer time (Berlin, 2026-03-29 02:00 → 03:00): the window still ends at 07:00 local.
    spring = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # 02:30 CET before the change = 03:30 CEST
    assert quiet_until(berlin, spring) == dt.datetime(2026, 3, 29, 5, 0, tzinfo=dt.UTC)


async def test_quiet_hours_hold_deliveries_and_one_digest_carries_them(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    await settings_for(runtime, ada, time_zone="Europe/Berlin", quiet_start=dt.time(22), quiet_end=dt.time(7))
    night = dt.datetime(2026, 11, 28, 23, 30, tzinfo=BERLIN)
    for _ in range(2):
        [held] = await run_notify(runtime, price_alert(home.household_id, ada), now=night)
        assert held.status == "held"
        assert held.next_attempt_at == dt.datetime(2026, 11, 29, 7, 0, tzinfo=BERLIN)

    plugin = FakeChannel()
    channels: dict[str, Any] = {"webhook": plugin}
    async with runtime.sessionmaker() as session:
        assert await digest_groups(session=session, now=night + dt.timedelta(hours=2)) == []  # still quiet
        assert await digest_groups(session=session, now=night + dt.timedelta(hours=8)) == [(ada, hook)]
    async with httpx.AsyncClient() as client:
        async with runtime.sessionmaker() as session, session.begin():
            done = await send_digest(session=session, user_id=ada, channel_id=hook, channels=channels, client=client)
        assert (done.status, done.attempts) == ("digested", 2)
        async with runtime.sessionmaker() as session, session.begin():
            again = await send_digest(session=session, user_id=ada, channel_id=hook, channels=channels, client=client)
        assert again.status == "empty"
    [(message, target)] = plugin.sent
    assert target.channel_id == str(hook)
    assert message.event_type == "notification.digest"
    assert message.title == "2 notifications held for you"
    assert len(message.data["notifications"]) == 2
    assert {d.status for d in await deliveries(runtime)} == {"digested"}


async def test_a_channel_over_its_hourly_cap_holds_the_excess_for_the_digest(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    mail = await home.channel(ada, kind="email", config={"address": "ada@example.org"})
    await settings_for(runtime, ada, hourly_cap=2)
    statuses = []
    for minute in range(4):
        created = await run_notify(
            runtime, price_alert(home.household_id, ada), now=AT_NOON + dt.timedelta(minutes=minute)
        )
        statuses.append(sorted((d.channel_id == hook, d.status) for d in created))
    assert [dict(s)[True] for s in statuses] == ["pending", "pending", "held", "held"]
    assert [dict(s)[False] for s in statuses] == ["pending", "pending", "held", "held"]  # per channel
    held = [d for d in await deliveries(runtime) if d.status == "held"]
    assert {d.next_attempt_at for d in held} == {AT_NOON + dt.timedelta(hours=1)}
    # An hour later the window has moved on: the next one goes at once.
    [later, _] = await run_notify(runtime, price_alert(home.household_id, ada), now=AT_NOON + dt.timedelta(minutes=61))
    assert later.status == "pending"
    async with runtime.sessionmaker() as session:
        assert sorted(await digest_groups(session=session, now=AT_NOON)) == sorted([(ada, hook), (ada, mail)])


# ---------------------------------------------------------------------------------------------------------------
# Sending.


def test_the_backoff_grows_with_full_jitter_up_to_the_cap_and_honours_retry_after() -> None:
    class Top:
        def uniform(self, low: float, high: float) -> float:
            return high

    top = Top()
    assert [retry_delay(n, random=top) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert retry_delay(30, random=top) == RETRY_CAP_SECONDS
    assert retry_delay(1, retry_after=90, random=top) == 90.0
    assert retry_delay(12, retry_after=10**9, random=top) == 86_400.0
    seeded = random.Random(7)
    draws = [retry_delay(5, random=seeded) for _ in range(200)]
    assert all(0 <= d <= 32 for d in draws)
    assert min(draws) < 8 < max(draws)  # spread over the whole range, not clustered at the top


async def test_a_delivery_is_sent_once_and_its_record_kept(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    occurred = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3)
    ev = price_alert(home.household_id, ada)
    ev = Event(id=ev.id, topic=ev.topic, household_id=ev.household_id, occurred_at=occurred, payload=ev.payload)
    [delivery] = await run_notify(runtime, ev, now=dt.datetime.now(dt.UTC))
    plugin = FakeChannel()
    async with httpx.AsyncClient() as client:
        for _ in range(2):
            async with runtime.sessionmaker() as session, session.begin():
                attempt = await send_delivery(
                    session=session,
                    delivery_id=delivery.id,
                    channels={"webhook": plugin},
                    client=client,
                    max_attempts=8,
                )
            assert attempt.status == "sent"
    assert len(plugin.sent) == 1  # the second call found it sent
    [(message, target)] = plugin.sent
    assert (target.channel_id, target.secret) == (str(hook), "whsec_test")
    assert message.event_id == str(ev.id)
    assert message.data["symbol"] == "AAPL"
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.delivered_at is not None
    assert row.latency_ms is not None
    assert 3000 <= row.latency_ms < 60_000


async def test_a_channel_switched_off_meanwhile_skips_its_pending_delivery(runtime: Runtime) -> None:
    home = Home(runtime)
    ada = await home.member()
    hook = await home.channel(ada)
    [delivery] = await run_notify(runtime, price_alert(home.household_id, ada))
    async with runtime.sessionmaker() as session, session.begin():
        channel = await session.get(Channel, hook)
        assert channel is not None
        channel.active = False
    async with httpx.AsyncClient() as client, runtime.sessionmaker() as session, session.begin():
        attempt = await send_delivery(
            session=session, delivery_id=delivery.id, channels={"webhook": FakeChannel()}, client=client, max_attempts=8
        )
    assert attempt.status == "skipped"
    async with runtime.sessionmaker() as session:
        row = await session.get(Delivery, delivery.id)
        assert row is not None
        assert row.last_error == "the channel was switched off"


async def test_a_temporary_failure_waits_as_long_as_the_receiver_asks_and_the_last_one_is_dead(
    runtime: Runtime,
) -> None:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada)
    [delivery] = await run_notify(runtime, price_alert(home.household_id, ada), now=dt.datetime.now(dt.UTC))
    plugin = FakeChannel(failures=[temporary("429", retry_after=120), temporary("503")])
    async with httpx.AsyncClient() as client:
        async with runtime.sessionmaker() as session, session.begin():
            first = await send_delivery(
                session=session, delivery_id=delivery.id, channels={"webhook": plugin}, client=client, max_attempts=2
            )
        assert (first.status, first.attempts, first.error) == ("failed", 1, "429")
        assert first.retry_in is not None
        assert 120 <= first.retry_in < 121
        async with runtime.sessionmaker() as session, session.begin():
            early = await send_delivery(
                session=session, delivery_id=delivery.id, channels={"webhook": plugin}, client=client, max_attempts=2
            )
        assert (early.status, early.tried) == ("failed", False)  # not due yet: the job scheduled then will try
        async with runtime.sessionmaker() as session, session.begin():
            await session.execute(update(Delivery).values(next_attempt_at=dt.datetime.now(dt.UTC)))
        async with runtime.sessionmaker() as session, session.begin():
            last = await send_delivery(
                session=session, delivery_id=delivery.id, channels={"webhook": plugin}, client=client, max_attempts=2
            )
        assert (last.status, last.attempts, last.retry_in) == ("dead", 2, None)
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == ("dead", 2, "503", None)
