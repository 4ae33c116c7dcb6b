"""Account balances: always the exact sum of the opening balance and the transactions, computed in SQL.

Conventions:

- The opening balance counts from its ``opening_date``: a balance as of an earlier date leaves it out (an account
  without an opening date counts it always). It counts as cleared: it is a figure from a statement.
- ``balance`` = opening + every transaction; ``cleared`` = opening + cleared and reconciled transactions;
  ``uncleared`` = pending transactions only. So ``cleared + uncleared == balance``.
- "As of" a date includes transactions on that date.
- Sums are ``NUMERIC`` in PostgreSQL and ``Decimal`` here: exact, never rounded.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ARRAY, Date, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import Money
from subgraphs.budget.models import Account
from subgraphs.budget.services.ledger import TransactionStatus

__all__ = ["StatusSums", "account_balance", "cleared_balance", "opening_counts", "status_sums", "uncleared_balance"]

CLEARED_STATUSES = frozenset({TransactionStatus.CLEARED, TransactionStatus.RECONCILED})


@dataclass(frozen=True, slots=True)
class StatusSums:
    """The sum of an account's transactions (up to a date) by status."""

    by_status: dict[TransactionStatus, Decimal] = field(default_factory=dict)

    def total(self, statuses: Collection[TransactionStatus] | None = None) -> Decimal:
        wanted = TransactionStatus if statuses is None else statuses
        return sum((self.by_status.get(s, Decimal(0)) for s in wanted), Decimal(0))


_STATUS_SUMS = """
    SELECT account_id, sum(pending), sum(cleared), sum(reconciled)
      FROM budget.account_days
     WHERE account_id = ANY(:accounts) AND (CAST(:as_of AS date) IS NULL OR date <= :as_of)
     GROUP BY account_id
"""


async def status_sums(
    *, session: AsyncSession, account_ids: Sequence[uuid.UUID], as_of: date | None
) -> dict[uuid.UUID, StatusSums]:
    """The sums by status of each account's transactions on or before ``as_of`` (all of them for ``None``), with
    one SQL query for any number of accounts. Read from the per-day sums (``account_days``): a few thousand rows
    for ten years of an account, however many transactions it holds."""
    query = text(_STATUS_SUMS).bindparams(bindparam("accounts", type_=ARRAY(Uuid())), bindparam("as_of", type_=Date()))
    found: dict[uuid.UUID, dict[TransactionStatus, Decimal]] = {}
    rows = await session.execute(query, {"accounts": list(account_ids), "as_of": as_of})
    for account_id, pending, cleared, reconciled in rows.all():
        found[account_id] = {
            TransactionStatus.PENDING: pending,
            TransactionStatus.CLEARED: cleared,
            TransactionStatus.RECONCILED: reconciled,
        }
    return {account_id: StatusSums(found.get(account_id, {})) for account_id in account_ids}


def opening_counts(account: Account, as_of: date | None) -> bool:
    """Whether the opening balance is part of a balance as of ``as_of``."""
    return as_of is None or account.opening_date is None or account.opening_date <= as_of


def account_balance(
    account: Account,
    sums: StatusSums,
    *,
    as_of: date | None = None,
    statuses: Collection[TransactionStatus] | None = None,
) -> Money:
    """Opening balance (see ``opening_counts``) plus the transactions of ``statuses`` (default: all)."""
    opening = account.opening_balance if opening_counts(account, as_of) else Decimal(0)
    return Money(opening + sums.total(statuses), account.currency)


def cleared_balance(account: Account, sums: StatusSums, *, as_of: date | None = None) -> Money:
    """Opening balance plus cleared and reconciled transactions: what the bank's statement should say."""
    return account_balance(account, sums, as_of=as_of, statuses=CLEARED_STATUSES)


def uncleared_balance(account: Account, sums: StatusSums) -> Money:
    """Pending transactions only (no opening balance): what the bank has not booked yet."""
    return Money(sums.total([TransactionStatus.PENDING]), account.currency)
