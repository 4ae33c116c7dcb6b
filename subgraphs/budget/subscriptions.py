"""Budget's live fields: Strawberry subscriptions fed by the outbox relay's Redis broadcasts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterable
from datetime import UTC, datetime
from typing import Annotated, cast

import strawberry
from broadcaster import Event as BroadcastEvent

from fincloud.auth import Viewer
from fincloud.constants import TOPIC_BUDGET_CHANGED, event_channel
from fincloud.events import Event
from fincloud.graphql import IsAuthenticated, UnauthenticatedError
from subgraphs.budget.budgets.types import BudgetChangedEvent
from subgraphs.budget.context import Context


def seconds_left(viewer: Viewer) -> float | None:
    """Until the viewer's token expires: a subscription must not outlive the token that opened it."""
    if viewer.expires_at is None:
        return None
    return max(0.0, (viewer.expires_at - datetime.now(UTC)).total_seconds())


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every change of the budget figures of one household of the viewer's: an amount set or "
        "copied, a setting changed, a transaction recorded, changed or deleted. Ends when the access token expires.",
        permission_classes=[IsAuthenticated],
    )
    async def budget_changed(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[strawberry.ID, strawberry.argument(description="The household to follow.")],
    ) -> AsyncGenerator[BudgetChangedEvent, None]:
        viewer = info.context.viewer
        broadcast = info.context.runtime.broadcast
        assert broadcast is not None, "the budget subgraph runs with a broadcaster"
        async with broadcast.subscribe(channel=event_channel(TOPIC_BUDGET_CHANGED)) as subscriber:
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
                if str(event.household_id) != str(household_id):
                    continue
                yield BudgetChangedEvent.from_event(event)
