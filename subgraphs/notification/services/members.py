"""Notification's replica of each household's members, kept from identity's ``identity.member_changed`` events, and
the reads made of it: who is to be notified, at which address. Keyword-only async functions; no GraphQL here. Callers
own the transaction.

Notification never reads identity's tables: identity writes one event per (household, user) whenever a membership
begins, changes role or ends, or the user's email address, its verification or name changes. A removed member keeps
a row with ``removed`` set (and no address or name), so a late, older event cannot bring them back.

Households created before identity announced its members have no rows here until identity's migration ``iden0004``
announces every current membership once. ``fincloud announce-members``
(``subgraphs.identity.services.member_events.announce_members``) does the same at any time, for instance to rebuild
this replica; it is safe to run again: each event describes the present and older ones are ignored.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.events import Event
from subgraphs.notification.models import Member

__all__ = ["apply_member_changed", "member", "members_of"]


async def apply_member_changed(*, session: AsyncSession, event: Event) -> bool:
    """Upsert the member an ``identity.member_changed`` event describes, unless the replica already holds a change
    at least as new (``changed_at`` is the event's ``occurred_at``). Replays and events delivered out of order
    therefore change nothing. A removal is kept as a row with ``removed`` set, without the address or name.
    Returns whether the replica changed."""
    data = event.payload
    removed = bool(data.get("removed", False))
    values = {
        "household_id": uuid.UUID(str(data["household_id"])),
        "user_id": uuid.UUID(str(data["user_id"])),
        "role": str(data["role"]),
        "email": "" if removed else str(data["email"]),
        "email_verified": not removed and bool(data.get("email_verified", False)),
        "name": "" if removed else str(data.get("name") or ""),
        "removed": removed,
        "changed_at": event.occurred_at,
    }
    upsert = insert(Member).values(**values)
    key = ("household_id", "user_id")
    statement = upsert.on_conflict_do_update(
        index_elements=[Member.household_id, Member.user_id],
        set_={name: upsert.excluded[name] for name in values if name not in key},
        where=Member.changed_at < upsert.excluded.changed_at,
    ).returning(Member.user_id)
    return (await session.execute(statement)).first() is not None


async def members_of(*, session: AsyncSession, household_id: uuid.UUID) -> list[Member]:
    """The household's current members (removed ones left out), by name, as far as notification has heard."""
    rows = await session.scalars(
        select(Member)
        .where(Member.household_id == household_id, Member.removed.is_(False))
        .order_by(Member.name, Member.user_id)
    )
    return list(rows.all())


async def member(*, session: AsyncSession, household_id: uuid.UUID, user_id: uuid.UUID) -> Member | None:
    """The user as a member of the household; ``None`` when unknown or removed (never notify a former member)."""
    result: Member | None = await session.scalar(
        select(Member).where(Member.household_id == household_id, Member.user_id == user_id, Member.removed.is_(False))
    )
    return result
