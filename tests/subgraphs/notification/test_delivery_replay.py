"""``deliveryReplay`` in the schema; the whole path through the worker is in tests/workers/test_notify_jobs.py."""

from __future__ import annotations

import uuid

import pytest
from arq.connections import ArqRedis
from sqlalchemy import update

from fincloud.constants import ARQ_QUEUE
from fincloud.service import Runtime
from subgraphs.notification.models import Delivery
from tests.subgraphs.notification.support import ERRORS, Home, deliveries, price_alert, run_notify

REPLAY = f"""mutation($input: DeliveryReplayInput!) {{
  deliveryReplay(input: $input) {{ delivery {{ id status attempts nextAttemptAt channel {{ id }} notification {{ id }} }} {ERRORS} }}
}}"""


async def one_delivery(runtime: Runtime, status: str, attempts: int = 3) -> tuple[Home, uuid.UUID, uuid.UUID]:
    home = Home(runtime)
    ada = await home.member()
    await home.channel(ada)
    [delivery] = await run_notify(runtime, price_alert(home.household_id, ada))
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(update(Delivery).values(status=status, attempts=attempts))
    return home, ada, delivery.id


@pytest.mark.parametrize("status", ["dead", "failed"])
async def test_a_dead_or_failed_delivery_is_pending_again_and_enqueued(
    runtime: Runtime, pool: ArqRedis, status: str
) -> None:
    home, ada, delivery_id = await one_delivery(runtime, status)
    await pool.flushdb()
    data = await home.run(home.viewer(ada), REPLAY, jobs=pool, input={"id": str(delivery_id)})
    payload = data["deliveryReplay"]
    assert payload["errors"] == []
    assert payload["delivery"] | {"channel": None, "notification": None} == {
        "id": str(delivery_id),
        "status": "PENDING",
        "attempts": 0,
        "nextAttemptAt": None,
        "channel": None,
        "notification": None,
    }
    [job] = await pool.queued_jobs(queue_name=ARQ_QUEUE)
    assert (job.function, job.args) == ("deliver", [str(delivery_id)])


@pytest.mark.parametrize("status", ["pending", "sent", "held", "digested", "skipped"])
async def test_other_states_are_not_replayed(runtime: Runtime, status: str) -> None:
    home, ada, delivery_id = await one_delivery(runtime, status)
    data = await home.run(home.viewer(ada), REPLAY, input={"id": str(delivery_id)})
    assert data["deliveryReplay"] == {
        "delivery": None,
        "errors": [
            {"__typename": "ValidationError", "message": f"a {status} delivery cannot be replayed", "field": "id"}
        ],
    }
    [row] = await deliveries(runtime)
    assert (row.status, row.attempts) == (status, 3)


async def test_another_users_delivery_looks_missing(runtime: Runtime) -> None:
    home, _, delivery_id = await one_delivery(runtime, "dead")
    bob = await home.member()
    for viewer, delivery in ((home.viewer(bob), delivery_id), (home.viewer(bob), uuid.uuid4())):
        data = await home.run(viewer, REPLAY, input={"id": str(delivery)})
        assert data["deliveryReplay"]["errors"] == [
            {"__typename": "NotFoundError", "message": "no such delivery", "field": "id"}
        ]
    [row] = await deliveries(runtime)
    assert row.status == "dead"
