from __future__ import annotations

import logging
import uuid
from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.notification.context import Context
from subgraphs.notification.models import Channel, Notification
from subgraphs.notification.mutations._common import key_refusal
from subgraphs.notification.services.dispatch import (
    DELIVER_JOB,
    DeliveryNotReplayableError,
    deliver_job_id,
    replay_delivery,
)
from subgraphs.notification.types import NotificationDelivery

logger = logging.getLogger(__name__)


@strawberry.input(description="A dead or failed delivery to send again.")
class DeliveryReplayInput:
    id: strawberry.ID = strawberry.field(description="The delivery.")


@strawberry.type(description="The outcome of `deliveryReplay`.")
class DeliveryReplayPayload:
    delivery: NotificationDelivery | None = strawberry.field(
        default=None, description="The delivery, pending again with its attempts reset; the worker sends it shortly."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def delivery_replay(
    info: strawberry.Info[Context, None],
    input: Annotated[DeliveryReplayInput, strawberry.argument(description="The delivery to send again.")],
) -> DeliveryReplayPayload:
    viewer = info.context.viewer
    refused = key_refusal(viewer)
    if refused:
        return DeliveryReplayPayload(errors=refused)
    assert viewer.user_id is not None
    delivery_id = parse_id(input.id)
    session = info.context.session
    try:
        async with session.begin():
            delivery = (
                await replay_delivery(
                    session=session, delivery_id=delivery_id, user_id=viewer.user_id, household_ids=viewer.household_ids
                )
                if delivery_id is not None
                else None
            )
            if delivery is None:
                return DeliveryReplayPayload(errors=[NotFoundError(field="id", message="no such delivery")])
            notification = await session.scalar(select(Notification).where(Notification.id == delivery.notification_id))
            channel = await session.scalar(select(Channel).where(Channel.id == delivery.channel_id))
            assert notification is not None
            assert channel is not None
    except DeliveryNotReplayableError as exc:
        return DeliveryReplayPayload(errors=[ValidationError(field="id", message=str(exc))])
    jobs = info.context.runtime.jobs
    if jobs is not None:
        await jobs.enqueue_job(
            DELIVER_JOB, str(delivery.id), _job_id=deliver_job_id(delivery.id, replay=uuid.uuid4().hex)
        )
    else:  # the worker's sweep finds it within a minute or two
        logger.warning(
            "no job queue: the replayed delivery waits for the sweep", extra={"delivery_id": str(delivery.id)}
        )
    return DeliveryReplayPayload(delivery=NotificationDelivery.from_rows(delivery, notification, channel))
