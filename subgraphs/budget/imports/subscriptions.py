"""The ``importProgress`` subscription: a commit's progress as the worker publishes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.constants import import_progress_channel
from fincloud.graphql import UnauthenticatedError, UserInputError, parse_id
from fincloud.live import seconds_left
from subgraphs.budget.context import Context
from subgraphs.budget.imports.models import ImportBatch
from subgraphs.budget.imports.progress import Phase, Progress
from subgraphs.budget.imports.types import ImportProgress

__all__ = ["import_progress"]


def _stored(batch: ImportBatch) -> Progress:
    counts = batch.counts or {}
    total = int(counts.get("total", 0))
    done = batch.status in ("committed", "undone")
    return Progress(
        import_id=batch.id,
        status=batch.status,
        phase={"committed": Phase.DONE, "undone": Phase.DONE, "failed": Phase.FAILED}.get(batch.status, Phase.QUEUED),
        processed=total if done else 0,
        total=total,
        created=counts.get("created"),
        linked=counts.get("linked"),
        skipped=counts.get("skipped"),
        message=(batch.problem or {}).get("message") if batch.status == "failed" else None,
    )


async def import_progress(
    info: strawberry.Info[Context, None],
    import_id: Annotated[strawberry.ID, strawberry.argument(description="The import to follow.")],
) -> AsyncGenerator[ImportProgress, None]:
    viewer = info.context.viewer
    broadcast = info.context.runtime.broadcast
    assert broadcast is not None, "the budget subgraph runs with a hub"
    wanted = parse_id(import_id)
    async with broadcast.subscribe(channel=import_progress_channel(wanted)) as subscriber:
        # Read after subscribing, so nothing published in between is missed.
        batch = (
            await info.context.session.scalar(
                select(ImportBatch).where(ImportBatch.id == wanted, ImportBatch.household_id.in_(viewer.household_ids))
            )
            if wanted is not None
            else None
        )
        await info.context.close()
        if batch is None:
            raise UserInputError("no such import", field="importId")
        current = _stored(batch)
        yield ImportProgress.of(current)
        if current.final:
            return
        while True:
            try:
                message = await asyncio.wait_for(anext(subscriber), seconds_left(viewer))
            except TimeoutError:
                raise UnauthenticatedError("the access token expired; subscribe again with a fresh one") from None
            progress = Progress.from_json(message.message)
            yield ImportProgress.of(progress)
            if progress.final:
                return
