"""The job queue (arq on Redis): one pool per process, one queue, JSON payloads so any worker version can read
what any service enqueued."""

from __future__ import annotations

import json
from typing import Any

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings

from fincloud.constants import ARQ_QUEUE

__all__ = ["create_job_pool", "deserialize_job", "serialize_job"]


def serialize_job(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode()


def deserialize_job(raw: bytes) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(raw)
    return value


async def create_job_pool(redis_url: str) -> ArqRedis:
    """A pool that enqueues onto FinCloud's queue with FinCloud's serialisation."""
    return await create_pool(
        RedisSettings.from_dsn(redis_url),
        default_queue_name=ARQ_QUEUE,
        job_serializer=serialize_job,
        job_deserializer=deserialize_job,
    )
