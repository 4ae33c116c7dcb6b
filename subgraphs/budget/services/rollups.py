"""The ledger's per-day sums (``account_days``, ``category_days``; migration ``budg0010_rollups``, ADR 0014).

Triggers keep them in step with every statement on the transactions and their split parts, so nothing here runs
on the write path. ``rollup_drift`` recomputes them from the ledger and lists any difference (the tests compare
after every kind of write, and an operator can ask); ``rebuild_rollups`` writes them again for a household.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["Drift", "rebuild_rollups", "rollup_drift"]

_ACCOUNT_TRUTH = """
    SELECT account_id, date, household_id,
           coalesce(sum(amount) FILTER (WHERE status = 'pending'), 0) AS pending,
           coalesce(sum(amount) FILTER (WHERE status = 'cleared'), 0) AS cleared,
           coalesce(sum(amount) FILTER (WHERE status = 'reconciled'), 0) AS reconciled,
           count(*)::int AS transactions
      FROM budget.transactions WHERE household_id = :household
     GROUP BY account_id, date, household_id
"""

_CATEGORY_TRUTH = """
    SELECT household_id, date, category_id, currency, sum(greatest(amount, 0)) AS inflow,
           sum(least(amount, 0)) AS outflow, (count(*) FILTER (WHERE amount > 0))::int AS inflows,
           (count(*) FILTER (WHERE amount <= 0))::int AS outflows
      FROM (SELECT t.household_id, t.date, t.category_id, t.currency, t.amount FROM budget.transactions t
             WHERE t.household_id = :household AND NOT t.is_split AND t.transfer_id IS NULL
            UNION ALL
            SELECT t.household_id, t.date, s.category_id, t.currency, s.amount
              FROM budget.splits s JOIN budget.transactions t ON t.id = s.transaction_id
             WHERE t.household_id = :household AND t.is_split AND t.transfer_id IS NULL) p
     GROUP BY household_id, date, category_id, currency
"""

_ACCOUNT_KEPT = """
    SELECT account_id, date, household_id, pending, cleared, reconciled, transactions
      FROM budget.account_days WHERE household_id = :household
"""

_CATEGORY_KEPT = """
    SELECT household_id, date, category_id, currency, inflow, outflow, inflows, outflows
      FROM budget.category_days WHERE household_id = :household
"""


@dataclass(frozen=True, slots=True)
class Drift:
    """Rows of a rollup that differ from the ledger: as kept (``None``: missing) and as they should be."""

    table: str
    kept: tuple[Any, ...] | None
    truth: tuple[Any, ...] | None


def _differences(table: str, kept: list[Any], truth: list[Any], key_size: int) -> list[Drift]:
    by_key_kept = {tuple(row[:key_size]): tuple(row) for row in kept}
    by_key_truth = {tuple(row[:key_size]): tuple(row) for row in truth}
    return [
        Drift(table, by_key_kept.get(key), by_key_truth.get(key))
        for key in sorted(by_key_kept.keys() | by_key_truth.keys(), key=str)
        if by_key_kept.get(key) != by_key_truth.get(key)
    ]


async def rollup_drift(*, session: AsyncSession, household_id: uuid.UUID) -> list[Drift]:
    """Every rollup row of the household that is not what the ledger sums to (empty when all is in step)."""
    params = {"household": household_id}
    found: list[Drift] = []
    for table, kept_sql, truth_sql, key_size in (
        ("account_days", _ACCOUNT_KEPT, _ACCOUNT_TRUTH, 2),
        ("category_days", _CATEGORY_KEPT, _CATEGORY_TRUTH, 4),
    ):
        kept = (await session.execute(text(kept_sql), params)).all()
        truth = (await session.execute(text(truth_sql), params)).all()
        found += _differences(table, list(kept), list(truth), key_size)
    return found


async def rebuild_rollups(*, session: AsyncSession, household_id: uuid.UUID) -> None:
    """Write the household's rollups again from its ledger, in the caller's transaction."""
    params = {"household": household_id}
    # Lock the household's transactions (nothing sent back: a ledger may hold a million of them).
    await session.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM budget.transactions WHERE household_id = :household FOR UPDATE) t"),
        params,
    )
    await session.execute(text("DELETE FROM budget.account_days WHERE household_id = :household"), params)
    await session.execute(text("DELETE FROM budget.category_days WHERE household_id = :household"), params)
    await session.execute(
        text(
            "INSERT INTO budget.account_days (account_id, date, household_id, pending, cleared, reconciled, "
            f"transactions) {_ACCOUNT_TRUTH}"
        ),
        params,
    )
    await session.execute(
        text(
            "INSERT INTO budget.category_days (household_id, date, category_id, currency, inflow, outflow, inflows, "
            f"outflows) "
            f"{_CATEGORY_TRUTH}"
        ),
        params,
    )
