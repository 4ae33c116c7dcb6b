"""What other subgraphs may know of a household's members: the ``identity.member_changed`` event.

Notification keeps a replica of these facts (it may not read identity's tables) to know whom to notify and where.
Every change to who belongs to a household, to a member's role, or to a user's email address, its verification or
their name writes this event in the transaction that makes the change, one event per (household, user) affected, so
the replica converges on what identity committed. Consumers keep the newest event of each member by its
``occurred_at``.

That only works if two changes of the same member cannot describe it out of order. So every writer locks the user's
row first (``lock_user``), then any membership row, and describes the state it reads after the lock: a second writer
waits for the first to commit, sees its change, and stamps a later time. Locking user before membership everywhere
(account deletion locks the user, then drops their memberships) also keeps these writers from deadlocking.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_MEMBER_CHANGED
from fincloud.events import Event, write_event
from subgraphs.identity.models import Membership, User, outbox

__all__ = ["announce_members", "lock_user", "write_member_changed", "write_user_changed"]


async def lock_user(*, session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """The user's row, locked until the transaction ends and read afresh; ``None`` if there is no such user (or it
    was deleted while we waited). Pending changes of the session are flushed first, so they are kept."""
    await session.flush()
    user: User | None = await session.scalar(
        select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    )
    return user


async def write_member_changed(
    *, session: AsyncSession, membership: Membership, user: User, removed: bool = False
) -> Event:
    """Record the member's current state as an ``identity.member_changed`` event, in the caller's transaction.

    Call it after the change, with the user's row locked (``lock_user``) or created in this transaction.
    ``removed=True`` for a membership that ends (the member left, was removed, or deleted their account; the row may
    already be gone): the event then carries no email address or name, which notification has no use for any more.
    The payload is all notification may keep of a member; never a password hash or a token.
    """
    return await write_event(
        session,
        outbox,
        topic=TOPIC_MEMBER_CHANGED,
        household_id=membership.household_id,
        payload={
            "household_id": membership.household_id,
            "user_id": membership.user_id,
            "role": membership.role,
            "email": "" if removed else user.email,
            "email_verified": not removed and user.email_verified_at is not None,
            "name": "" if removed else user.name,
            "removed": removed,
        },
    )


async def write_user_changed(*, session: AsyncSession, user: User) -> list[Event]:
    """A change to the user themself (email address, its verification, name): one ``identity.member_changed`` event
    for each household they belong to, in the caller's transaction. Call it after the change, with the user's row
    locked (``lock_user``)."""
    await session.flush()
    memberships = await session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .order_by(Membership.household_id)
        .execution_options(populate_existing=True)
    )
    return [await write_member_changed(session=session, membership=m, user=user) for m in memberships.all()]


async def announce_members(*, session: AsyncSession) -> int:
    """Write an ``identity.member_changed`` event for every current membership, in the caller's transaction; returns
    how many. Fills notification's replica for households created before identity announced its members. Safe to run
    at any time: each event describes the present, and the users are locked (``FOR SHARE``, in id order) while it is
    read, so a concurrent change commits either before the announcement or with a later event."""
    users = (await session.scalars(select(User).order_by(User.id).with_for_update(read=True))).all()
    by_id = {user.id: user for user in users}
    memberships = await session.scalars(select(Membership).order_by(Membership.household_id, Membership.user_id))
    count = 0
    for membership in memberships.all():
        user = by_id.get(membership.user_id)
        if user is not None:  # otherwise registered since: their registration announced them
            await write_member_changed(session=session, membership=membership, user=user)
            count += 1
    return count
