"""Budget's live fields: Strawberry subscriptions fed by the outbox relay, which publishes every committed event on
the Redis channel ``fincloud.constants.event_channel(topic)``; it reaches subscribers through the runtime's
hub (``fincloud/broadcast.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Annotated

import strawberry

from fincloud import broadcast as hub
from fincloud.constants import (
    TOPIC_ACCOUNT_CHANGED,
    TOPIC_BUDGET_CHANGED,
    TOPIC_TRANSACTION_CREATED,
    TOPIC_TRANSACTION_DELETED,
    TOPIC_TRANSACTION_UPDATED,
    event_channel,
)
from fincloud.events import Event
from fincloud.graphql import IsAuthenticated, LiveInterruptedError, UnauthenticatedError
from fincloud.live import parsed, seconds_left, viewer_events
from subgraphs.budget.budgets.types import BudgetChangedEvent
from subgraphs.budget.context import Context
from subgraphs.budget.imports.subscriptions import import_progress
from subgraphs.budget.types import Account

__all__ = ["BALANCE_TOPICS", "Subscription", "accounts_touched", "seconds_left"]

logger = logging.getLogger(__name__)

BALANCE_TOPICS = (
    TOPIC_TRANSACTION_CREATED,
    TOPIC_TRANSACTION_UPDATED,
    TOPIC_TRANSACTION_DELETED,
    TOPIC_ACCOUNT_CHANGED,
)
"""Events that can change an account's balance: its transactions, and the account itself (opening balance)."""


def accounts_touched(event: Event) -> list[uuid.UUID]:
    """The accounts whose balance an event may have changed: the transaction's account (and the one it moved
    from), or the account itself; none for a deleted account."""
    payload = event.payload
    if event.topic == TOPIC_ACCOUNT_CHANGED and payload.get("deleted"):
        return []
    found = [payload.get("account_id")]
    moved = (payload.get("changes") or {}).get("account_id")
    if isinstance(moved, dict):
        found.append(moved.get("before"))
    touched: list[uuid.UUID] = []
    for value in found:
        with contextlib.suppress(TypeError, ValueError):
            account_id = uuid.UUID(str(value)) if value is not None else None
            if account_id is not None and account_id not in touched:
                touched.append(account_id)
    return touched


async def _batches(broadcast: hub.Hub, channels: Sequence[str]) -> AsyncIterator[list[hub.Message]]:
    """Messages of several channels as they arrive, each batch holding everything queued at that moment (a
    reconciliation's hundred events come as one batch). Raises ``LiveInterruptedError`` as the hub does."""
    queue: asyncio.Queue[hub.Message | LiveInterruptedError] = asyncio.Queue()

    async def pump(subscriber: hub.Subscription) -> None:
        try:
            async for message in subscriber:
                await queue.put(message)
        except LiveInterruptedError as exc:
            await queue.put(exc)

    async with contextlib.AsyncExitStack() as stack:
        subscribers = [await stack.enter_async_context(broadcast.subscribe(channel=c)) for c in channels]
        pumps = [asyncio.create_task(pump(s)) for s in subscribers]
        try:
            while True:
                items = [await queue.get()]
                while not queue.empty():
                    items.append(queue.get_nowait())
                for item in items:
                    if isinstance(item, LiveInterruptedError):
                        raise item
                yield [item for item in items if isinstance(item, hub.Message)]
        finally:
            for task in pumps:
                task.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)


@strawberry.type
class Subscription:
    import_progress = strawberry.subscription(
        resolver=import_progress,
        description="The progress of an import's commit: its stored state first, then each step until it is "
        "committed or failed. Ends then, or when the access token expires.",
        permission_classes=[IsAuthenticated],
    )

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
        assert broadcast is not None, "the budget subgraph runs with a hub"
        async for event in viewer_events(broadcast, viewer, TOPIC_BUDGET_CHANGED):
            if str(event.household_id) == str(household_id):
                yield BudgetChangedEvent.from_event(event)

    @strawberry.subscription(
        description="An account of the viewer's households (or of one household) with its new balance, each time a "
        "change to its transactions or opening balance commits. Ends when the access token expires.",
        permission_classes=[IsAuthenticated],
    )
    async def account_balance_changed(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's accounts.")
        ] = None,
    ) -> AsyncGenerator[Account, None]:
        context = info.context
        viewer = context.viewer
        broadcast = context.runtime.broadcast
        assert broadcast is not None, "the budget subgraph runs with a hub"
        batches = _batches(broadcast, [event_channel(topic) for topic in BALANCE_TOPICS])
        try:
            while True:
                try:
                    batch = await asyncio.wait_for(anext(batches), seconds_left(viewer))
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise UnauthenticatedError("the access token expired; subscribe again with a fresh one") from None
                touched: list[uuid.UUID] = []
                for message in batch:
                    event = parsed(message.message)
                    if event.household_id is None or not viewer.can_read(event.household_id):
                        continue
                    if household_id is not None and str(event.household_id) != str(household_id):
                        continue
                    touched += [a for a in accounts_touched(event) if a not in touched]
                for account_id in touched:
                    # Each answer reads the ledger as it is now: no loader or session kept from the last one.
                    context.fresh_loaders()
                    await context.close()
                    row = await context.loaders.account_by_id.load(account_id)
                    if row is None or not viewer.can_read(row.household_id):
                        continue
                    yield Account.from_row(row)
        finally:
            await batches.aclose()  # type: ignore[attr-defined]
