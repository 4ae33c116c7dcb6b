"""The worker's leases on running jobs (``workers/runner.py``), against the real Redis: a job left behind by a killed
worker is taken over once its lease lapses, and a job running here keeps its lease for as long as it runs."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq import create_pool, func
from arq.connections import ArqRedis, RedisSettings
from arq.constants import in_progress_key_prefix

from workers.runner import FinCloudWorker


@pytest.fixture
async def queue(redis_url: str) -> AsyncIterator[tuple[ArqRedis, str]]:
    """A pool and a queue of this test's own."""
    name = f"fincloud:test:runner:{uuid.uuid4().hex}"
    # Job ids (and arq's keys for them) carry the queue's name, so that runs never meet.
    pool = await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=name)
    yield pool, name
    keys = [key async for key in pool.scan_iter(match=f"*{name}*")]
    if keys:
        await pool.delete(*keys)
    await pool.aclose()


@contextlib.asynccontextmanager
async def running(worker: FinCloudWorker) -> AsyncIterator[None]:
    task = asyncio.create_task(worker.async_run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await worker.pool.aclose()  # the worker's own close() still calls redis' deprecated close()


async def until(check: Any, *, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "not within the deadline"
        await asyncio.sleep(0.05)


async def test_a_job_held_by_a_killed_worker_is_taken_over_when_its_lease_lapses(
    redis_url: str, queue: tuple[ArqRedis, str]
) -> None:
    pool, name = queue
    runs: list[int] = []

    async def work(ctx: dict[str, Any]) -> None:
        runs.append(ctx["job_try"])

    job = await pool.enqueue_job("work", _job_id=f"work:{name}", _queue_name=name)
    assert job is not None
    # What a worker killed while running the job leaves: the job in the queue, its in-progress key, its try count.
    await pool.psetex(in_progress_key_prefix + f"work:{name}", 1500, b"1")
    await pool.incr(f"arq:retry:work:{name}")
    lapses_at = time.monotonic() + 1.5
    worker = FinCloudWorker(
        functions=[func(work, name="work")],
        queue_name=name,
        redis_settings=RedisSettings.from_dsn(redis_url),
        handle_signals=False,
        poll_delay=0.05,
        lease_seconds=1.5,
    )
    async with running(worker):

        async def ran() -> bool:
            return bool(runs)

        await until(ran)
    assert time.monotonic() >= lapses_at - 0.1  # not while the lease held
    assert runs == [2]  # the second try of the job, once
    assert await pool.zscore(name, f"work:{name}") is None


async def test_a_running_job_keeps_its_lease_and_lets_it_go_when_done(
    redis_url: str, queue: tuple[ArqRedis, str]
) -> None:
    pool, name = queue
    release = asyncio.Event()
    started = asyncio.Event()
    runs = 0

    async def long(ctx: dict[str, Any]) -> None:
        nonlocal runs
        runs += 1
        started.set()
        await release.wait()

    await pool.enqueue_job("long", _job_id=f"long:{name}", _queue_name=name)
    worker = FinCloudWorker(
        functions=[func(long, name="long")],
        queue_name=name,
        redis_settings=RedisSettings.from_dsn(redis_url),
        handle_signals=False,
        poll_delay=0.05,
        lease_seconds=1.0,
    )
    key = in_progress_key_prefix + f"long:{name}"
    async with running(worker):
        await asyncio.wait_for(started.wait(), 20)
        assert 0 < await pool.pttl(key) <= 1000  # a lease, not arq's half hour
        # Three leases' time later the job still holds its key (renewed), and was not started twice.
        await asyncio.sleep(3.0)
        assert await worker.renew_leases(force=True) == 1
        assert 0 < await pool.pttl(key) <= 1000
        assert runs == 1
        release.set()

        async def finished() -> bool:
            return await pool.zscore(name, f"long:{name}") is None

        await until(finished)
        assert await pool.exists(key) == 0
        assert await worker.renew_leases(force=True) == 0
