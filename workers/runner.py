"""The worker process: arq's ``Worker`` with leases on running jobs, and a poll loop that outlives Redis.

Two things arq does not do on its own, and FinCloud relies on:

- **A killed worker's jobs run again within seconds.** arq marks a running job with an ``arq:in-progress:<job id>``
  key whose lifetime is the longest timeout of any function (half an hour here, for the hourly crons), and leaves
  the job in the queue until it finishes; a worker killed mid-job (``SIGKILL``, out of memory, a lost node) leaves
  that job untouched for the key's lifetime. Here the key is a lease of ``LEASE_SECONDS``, renewed every
  ``RENEW_SECONDS`` while the job runs, so any worker takes the job over once its owner has been silent that long.
  A job runs at least once; FinCloud's jobs are idempotent (keyed by event or delivery id) because of it.
- **Losing Redis pauses the worker, it does not end it.** arq's poll loop lets a connection error escape and the
  process exits; here the loop logs the outage once, waits with a growing pause (up to ``OUTAGE_PAUSE_MAX``), and
  carries on when Redis answers again. Jobs that were running keep running; the outbox relay, which needs Redis to
  publish, leaves events in PostgreSQL until it can.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from arq.constants import in_progress_key_prefix
from arq.worker import Worker, get_kwargs
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["LEASE_SECONDS", "FinCloudWorker", "run"]

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
"""How long a running job is held without word from its worker before another may take it over."""
RENEW_SECONDS = 5.0
"""How often a worker renews the leases of the jobs it runs (a third of the lease, if that is shorter)."""
OUTAGE_PAUSE_MAX = 5.0
"""The longest pause between polls while Redis does not answer."""

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class FinCloudWorker(Worker):
    """arq's worker, with leased in-progress keys and a poll loop that survives Redis outages."""

    def __init__(self, *args: Any, lease_seconds: float = LEASE_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lease_seconds = lease_seconds
        self.in_progress_timeout_s = lease_seconds  # what arq sets the in-progress key to when a job starts
        self.renew_seconds = min(RENEW_SECONDS, lease_seconds / 3)
        self._renewed_at = 0.0
        self._outage_since: float | None = None
        self._outage_polls = 0

    def _running(self) -> set[str]:
        return {job_id for job_id, task in self.tasks.items() if not task.done()}

    async def renew_leases(self, *, force: bool = False) -> int:
        """Extend the in-progress key of every job this worker runs; returns how many were extended.

        ``PEXPIRE`` only touches a key that exists: a job that finished meanwhile (its key deleted by arq) is not
        marked running again."""
        now = time.monotonic()
        if not force and now - self._renewed_at < self.renew_seconds:
            return 0
        running = sorted(self._running())
        extended = 0
        if running:
            async with self.pool.pipeline(transaction=False) as pipe:
                for job_id in running:
                    pipe.pexpire(in_progress_key_prefix + job_id, int(self.lease_seconds * 1000))
                extended = sum(bool(done) for done in await pipe.execute())
        self._renewed_at = now
        return extended

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # A lease that lapsed while Redis was out of reach must not start a second copy of a job running here.
        running = self._running()
        await super().start_jobs([job_id for job_id in job_ids if job_id.decode() not in running])

    async def _poll_iteration(self) -> None:
        try:
            # Leases first: after an outage, before this worker looks for jobs to start.
            await self.renew_leases(force=self._outage_since is not None)
            await super()._poll_iteration()
        except REDIS_UNAVAILABLE as exc:
            await self._pause_for_outage(exc)
        else:
            if self._outage_since is not None:
                logger.info(
                    "Redis answers again; the worker carries on",
                    extra={"outage_seconds": round(time.monotonic() - self._outage_since, 1)},
                )
                self._outage_since, self._outage_polls = None, 0

    async def _pause_for_outage(self, exc: BaseException) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            logger.warning(
                "Redis does not answer; the worker waits for it",
                extra={"error": f"{type(exc).__name__}: {exc}", "running_jobs": len(self._running())},
            )
        self._outage_polls += 1
        await asyncio.sleep(min(OUTAGE_PAUSE_MAX, 0.25 * 2 ** min(self._outage_polls, 5)))


def run(settings_cls: type) -> FinCloudWorker:
    """Run a worker for ``settings_cls`` (arq's ``WorkerSettings`` convention) until it is stopped."""
    worker = FinCloudWorker(**get_kwargs(settings_cls))  # type: ignore[arg-type]
    worker.run()
    return worker
