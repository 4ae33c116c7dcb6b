from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterable
from datetime import UTC, datetime
from typing import Annotated, cast

import strawberry
from broadcaster import Event as BroadcastEvent

from fincloud.auth import Viewer
from fincloud.constants import TOPIC_TRANSACTION_CREATED as TRANSACTION_CREATED
from fincloud.constants import event_channel
from fincloud.events import Event
from fincloud.graphql import IsAuthenticated, UnauthenticatedError
from subgraphs.notification.context import Context
from subgraphs.notification.types import TransactionCreatedEvent

logger = logging.getLogger(__name__)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every transaction recorded in the viewer's households (or in one household), as it commits.",
        permission_classes=[IsAuthenticated],
    )
    async def transaction_created(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's transactions.")
        ] = None,
    ) -> AsyncGenerator[TransactionCreatedEvent, None]:
        viewer = info.context.viewer
        broadcast = info.context.runtime.broadcast
        assert broadcast is not None, "the notification subgraph runs with a broadcaster"
        async with broadcast.subscribe(channel=event_channel(TRANSACTION_CREATED)) as subscriber:
            messages = aiter(cast("AsyncIterable[BroadcastEvent | None]", subscriber))
            while True:
                try:
                    message = await asyncio.wait_for(anext(messages), seconds_left(viewer))
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise UnauthenticatedError("the access token expired; subscribe again with a fresh one") from None
                if message is None:
                    continue
                event = Event.from_json(message.message)
                if event.household_id is None or not viewer.can_read(event.household_id):
                    continue
                if household_id is not None and str(event.household_id) != str(household_id):
                    continue
                yield TransactionCreatedEvent.from_event(event)


def seconds_left(viewer: Viewer) -> float | None:
    """Until the viewer's token expires: a subscription must not outlive the token that opened it."""
    if viewer.expires_at is None:
        return None
    return max(0.0, (viewer.expires_at - datetime.now(UTC)).total_seconds())
