"""Redis publish/subscribe for a subgraph process: one connection, one listener, a queue per subscription.

What the live fields read. The relay publishes each committed event on its topic's channel
(``fincloud.constants.event_channel``); every subscription of a subgraph process that listens to that channel gets
it. One Redis connection serves them all: the first subscription to a channel subscribes the connection to it, the
last one to leave unsubscribes it.

When the connection to Redis is lost (Redis restarted, a network cut, a PING unanswered for
``HEALTH_CHECK_SECONDS``), events published meanwhile are never heard, so every open subscription ends with
``LiveInterruptedError`` (code ``LIVE_INTERRUPTED``) rather than going silent: the client refetches and subscribes
again. A subscription asked for while Redis is away gets the same error at once. The listener reconnects on its own,
waiting a little longer after each failure (up to ``RETRY_MAX_SECONDS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from fincloud.graphql import LiveInterruptedError

__all__ = ["Hub", "Message", "Subscription"]

logger = logging.getLogger(__name__)

HUB_CHANNEL = "fincloud:hub"
"""Always subscribed, so that the connection listens even when no subscription is open."""
HEALTH_CHECK_SECONDS = 30
RETRY_MAX_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Message:
    channel: str
    message: str


_INTERRUPTED = object()


class Subscription:
    """The messages of one channel, as they arrive; raises ``LiveInterruptedError`` if the hub lost Redis."""

    def __init__(self, queue: asyncio.Queue[object]) -> None:
        self._queue = queue

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Message:
        item = await self._queue.get()
        if item is _INTERRUPTED:
            raise LiveInterruptedError()
        assert isinstance(item, Message)
        return item


class Hub:
    def __init__(self, url: str) -> None:
        self._redis = aioredis.Redis.from_url(url, health_check_interval=HEALTH_CHECK_SECONDS, socket_keepalive=True)
        self._pubsub: aioredis.client.PubSub | None = None
        self._queues: dict[str, set[asyncio.Queue[object]]] = {}
        self._up = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def up(self) -> bool:
        """Whether the hub is listening to Redis."""
        return self._up.is_set()

    async def connect(self, *, within: float = 10.0) -> None:
        """Start listening; waits up to ``within`` seconds for Redis, then carries on (subscriptions are refused
        until it answers)."""
        self._task = asyncio.create_task(self._listen(), name="broadcast-hub")
        try:
            await asyncio.wait_for(self._up.wait(), within)
        except TimeoutError:
            logger.warning("Redis does not answer; live updates start when it does")

    async def disconnect(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()

    async def publish(self, channel: str, message: str) -> None:
        await self._redis.publish(channel, message)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        """The messages published on ``channel`` from now on, for as long as the block runs."""
        pubsub = self._pubsub
        if pubsub is None:
            raise LiveInterruptedError("live updates are unavailable for a moment; subscribe again shortly")
        queue: asyncio.Queue[object] = asyncio.Queue()
        queues = self._queues.setdefault(channel, set())
        queues.add(queue)
        try:
            if len(queues) == 1:
                try:
                    await pubsub.subscribe(channel)
                except (RedisError, OSError) as exc:
                    raise LiveInterruptedError() from exc
            yield Subscription(queue)
        finally:
            queues.discard(queue)
            if not queues and self._queues.get(channel) is queues:
                del self._queues[channel]
                if self._pubsub is pubsub:
                    with contextlib.suppress(RedisError, OSError):
                        await pubsub.unsubscribe(channel)

    async def _listen(self) -> None:
        failures = 0
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(HUB_CHANNEL, *self._queues)
                self._pubsub = pubsub
                self._up.set()
                if failures:
                    logger.info("Redis answers again; live updates resume", extra={"failed_tries": failures})
                    failures = 0
                async for raw in pubsub.listen():
                    if raw.get("type") != "message":
                        continue
                    channel = raw["channel"].decode()
                    queues = self._queues.get(channel)
                    if queues:
                        message = Message(channel, raw["data"].decode())
                        for queue in queues:
                            queue.put_nowait(message)
            except (RedisError, OSError) as exc:
                failures += 1
                if failures == 1:
                    logger.warning(
                        "lost Redis: open subscriptions end with LIVE_INTERRUPTED until it answers",
                        extra={"error": f"{type(exc).__name__}: {exc}", "subscriptions": self._open()},
                    )
            finally:
                self._up.clear()
                self._pubsub = None
                self._interrupt()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(min(RETRY_MAX_SECONDS, 0.2 * 2 ** min(failures, 5)))

    def _open(self) -> int:
        return sum(len(queues) for queues in self._queues.values())

    def _interrupt(self) -> None:
        """End every open subscription: what was published while the connection was down is lost to them."""
        for queues in self._queues.values():
            for queue in queues:
                queue.put_nowait(_INTERRUPTED)
        self._queues.clear()
