"""The in-app inbox. Keyword-only async functions; no GraphQL here."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.events import Event
from subgraphs.notification.models import InboxItem

__all__ = ["record_transaction_created"]


async def record_transaction_created(*, session: AsyncSession, event: Event) -> bool:
    """Put a "transaction recorded" item in the household's inbox. Idempotent by event id: a redelivered
    event adds nothing. Returns whether an item was added. The caller commits."""
    if event.household_id is None:
        return False
    data = event.payload
    amount = f"{data['amount']} {data['currency']}"
    payee = data.get("payee") or "no payee"
    result = await session.execute(
        insert(InboxItem)
        .values(
            household_id=event.household_id,
            event_id=event.id,
            kind="transaction_created",
            title=f"{amount} on {data['account_name']}",
            body=f"{data['date']}: {amount}, {payee}",
        )
        .on_conflict_do_nothing(index_elements=[InboxItem.event_id])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
