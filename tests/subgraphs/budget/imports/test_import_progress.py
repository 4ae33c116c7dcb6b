"""``importProgress``: the stored state, then what the worker publishes, until the commit ends; another
household's import looks missing, and the subscription ends when the token does."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fincloud.auth import Role, Viewer
from fincloud.broadcast import Hub
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from tests.subgraphs.budget.imports.support import Importer, csv_bytes, run_commit_job

PROGRESS = """subscription P($id: ID!) {
  importProgress(importId: $id) { importId status phase processed total created }
}"""


@pytest.fixture
async def live(runtime: Runtime) -> AsyncIterator[Runtime]:
    """The runtime with the hub the budget subgraph runs with."""
    hub = Hub(runtime.settings.REDIS_URL or "")
    await hub.connect()
    runtime.broadcast = hub
    try:
        yield runtime
    finally:
        runtime.broadcast = None
        await hub.disconnect()


async def subscribe(runtime: Runtime, viewer: Viewer, import_id: str) -> AsyncIterator[Any]:
    result = await schema.subscribe(
        PROGRESS, variable_values={"id": import_id}, context_value=Context(runtime=runtime, viewer=viewer)
    )
    assert not hasattr(result, "errors") or result.errors is None, result
    return result


async def test_stored_state_then_each_step_until_committed(live: Runtime, importer: Importer) -> None:
    rows = [["Date", "Payee", "Amount"]] + [[f"2024-05-{d:02d}", "Shop", f"-{d}.00"] for d in range(1, 11)]
    uploaded = await importer.upload(csv_bytes(rows))
    import_id = uploaded["import"]["id"]
    stream = await subscribe(live, importer.viewer, import_id)
    first = await anext(stream)
    assert first.data["importProgress"]["status"] == "READY"
    await importer.commit(import_id, run_job=False)
    job = asyncio.create_task(run_commit_job(live, uuid.UUID(import_id)))
    seen = [result.data["importProgress"] async for result in stream]
    assert await job == "committed"
    assert [(s["status"], s["phase"]) for s in seen] == [
        ("COMMITTING", "checking"),
        ("COMMITTING", "payees"),
        ("COMMITTING", "writing"),
        ("COMMITTED", "done"),
    ]
    assert seen[-1]["created"] == 10

    # A finished import answers with its state at once and ends.
    done = [result.data["importProgress"] async for result in await subscribe(live, importer.viewer, import_id)]
    assert [(d["status"], d["processed"], d["total"]) for d in done] == [("COMMITTED", 10, 10)]


async def test_another_households_import_looks_missing(live: Runtime, importer: Importer) -> None:
    uploaded = await importer.upload(csv_bytes([["Date", "Payee", "Amount"], ["2024-05-01", "Shop", "-1.00"]]))
    stranger = Viewer(user_id=uuid.uuid4(), households={uuid.uuid4(): Role.OWNER})
    for import_id in (uploaded["import"]["id"], str(uuid.uuid4()), "not-an-id"):
        result = await anext(await subscribe(live, stranger, import_id))
        assert [e.message for e in result.errors] == ["no such import"]


async def test_the_subscription_ends_when_the_token_expires(live: Runtime, importer: Importer) -> None:
    uploaded = await importer.upload(csv_bytes([["Date", "Payee", "Amount"], ["2024-05-01", "Shop", "-1.00"]]))
    soon = Viewer(
        user_id=importer.viewer.user_id,
        households=dict(importer.viewer.households),
        expires_at=datetime.now(UTC) + timedelta(seconds=1),
    )
    stream = await subscribe(live, soon, uploaded["import"]["id"])
    assert (await anext(stream)).data["importProgress"]["status"] == "READY"
    ended = await asyncio.wait_for(anext(stream), 10)
    assert [e.message for e in ended.errors] == ["the access token expired; subscribe again with a fresh one"]
