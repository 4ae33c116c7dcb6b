"""What other subgraphs may know of budget's accounts: the ``budget.account_changed`` event.

Portfolio keeps a replica of these facts (it may not read budget's tables) to check that an account it is asked to
link belongs to the household. Every change to an account — created, updated, archived, deleted — writes this
event in the transaction that makes the change, so the replica converges on what budget committed.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import TOPIC_ACCOUNT_CHANGED
from fincloud.events import Event, write_event
from subgraphs.budget.models import Account, outbox

__all__ = ["write_account_changed"]


async def write_account_changed(*, session: AsyncSession, account: Account, deleted: bool = False) -> Event:
    """Record the account's current state as a ``budget.account_changed`` event, in the caller's transaction.

    Call it after the change, with the account row written (and, for an update, locked): consumers keep the
    newest event of each account by its ``occurred_at``, so the event's time must follow the change it
    describes. ``deleted=True`` for an account being deleted (the row may already be gone). The payload carries
    no name or balance: only what another subgraph needs to decide whether the account may be used.
    """
    return await write_event(
        session,
        outbox,
        topic=TOPIC_ACCOUNT_CHANGED,
        household_id=account.household_id,
        payload={
            "account_id": account.id,
            "household_id": account.household_id,
            "type": account.type,
            "currency": account.currency,
            "archived": account.archived_at is not None,
            "deleted": deleted,
        },
    )
