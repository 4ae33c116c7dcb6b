from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from fincloud.constants import TOPIC_NOTIFICATION_CREATED
from fincloud.constants import TOPIC_TRANSACTION_CREATED as TRANSACTION_CREATED
from fincloud.graphql import IsAuthenticated
from fincloud.live import viewer_events
from subgraphs.notification.context import Context
from subgraphs.notification.types import Notification, TransactionCreatedEvent

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
        assert broadcast is not None, "the notification subgraph runs with a hub"
        async for event in viewer_events(broadcast, viewer, TRANSACTION_CREATED):
            if household_id is not None and str(event.household_id) != str(household_id):
                continue
            yield TransactionCreatedEvent.from_event(event)

    @strawberry.subscription(
        description="The viewer's own notifications (in one household, or in all of theirs) as they are recorded:"
        " what the inbox shows next. Another member's notifications never arrive here.",
        permission_classes=[IsAuthenticated],
    )
    async def notification_received(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's notifications.")
        ] = None,
    ) -> AsyncGenerator[Notification, None]:
        viewer = info.context.viewer
        broadcast = info.context.runtime.broadcast
        assert broadcast is not None, "the notification subgraph runs with a hub"
        user_id = str(viewer.user_id)
        async for event in viewer_events(broadcast, viewer, TOPIC_NOTIFICATION_CREATED):
            if str(event.payload.get("user_id")) != user_id:
                continue
            if household_id is not None and str(event.household_id) != str(household_id):
                continue
            try:
                yield Notification.from_event(event)
            except (KeyError, ValueError):
                logger.warning("malformed notification event", extra={"event_id": str(event.id)})
