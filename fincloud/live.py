"""What every subgraph's live fields share: the events of one topic that a viewer may see, as the outbox relay
publishes them (on the Redis channel ``fincloud.constants.event_channel(topic)``, through the runtime's
hub, ``fincloud/broadcast.py``), for as long as the viewer's token is valid."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from fincloud.auth import Viewer
from fincloud.broadcast import Hub
from fincloud.constants import event_channel
from fincloud.events import Event
from fincloud.graphql import UnauthenticatedError

__all__ = ["parsed", "seconds_left", "viewer_events"]


def seconds_left(viewer: Viewer) -> float | None:
    """Until the viewer's token expires: a subscription must not outlive the token that opened it."""
    if viewer.expires_at is None:
        return None
    return max(0.0, (viewer.expires_at - datetime.now(UTC)).total_seconds())


@functools.lru_cache(maxsize=256)
def parsed(message: str) -> Event:
    """The event a published message carries, parsed once however many subscriptions of this process receive it
    (they share it: its payload is read-only)."""
    return Event.from_json(message)


async def viewer_events(broadcast: Hub, viewer: Viewer, topic: str, *, public: bool = False) -> AsyncIterator[Event]:
    """Events of ``topic`` of the viewer's households as they arrive (and, with ``public``, those of no household,
    such as a listed instrument's price). Raises ``LiveInterruptedError`` when the hub lost Redis (events may have
    been missed), and ``UnauthenticatedError`` when the viewer's token expires."""
    left = seconds_left(viewer)
    loop = asyncio.get_running_loop()
    deadline = None if left is None else loop.time() + left
    async with broadcast.subscribe(channel=event_channel(topic)) as subscriber:
        while True:
            try:
                # A timer, not a task per message (``asyncio.wait_for``): a thousand subscriptions wait at once.
                async with asyncio.timeout_at(deadline):
                    message = await anext(subscriber)
            except TimeoutError:
                raise UnauthenticatedError("the access token expired; subscribe again with a fresh one") from None
            event = parsed(message.message)
            if event.household_id is None:
                if not public:
                    continue
            elif not viewer.can_read(event.household_id):
                continue
            yield event
