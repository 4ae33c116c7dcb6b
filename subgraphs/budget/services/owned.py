"""Finding a household's row by id: another household's row looks exactly like a missing one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.services.ledger import LedgerError

__all__ = ["NotFoundInHouseholdError", "owned_row"]

Row = TypeVar("Row")


class NotFoundInHouseholdError(LedgerError, LookupError):
    """No such row in the caller's households (``"no such payee"``); ``field`` names the input that held the id."""

    def __init__(self, what: str, *, field: str) -> None:
        super().__init__(f"no such {what}", field=field)


async def owned_row(
    *,
    session: AsyncSession,
    model: type[Row],
    row_id: uuid.UUID | None,
    household_ids: Sequence[uuid.UUID],
    what: str,
    field: str,
    lock: bool = True,
) -> Row:
    """The row of ``model`` with ``row_id`` if it belongs to one of ``household_ids`` (locked ``FOR UPDATE`` unless
    ``lock=False``); ``NotFoundInHouseholdError`` otherwise."""
    if row_id is None:
        raise NotFoundInHouseholdError(what, field=field)
    table: Any = model
    query = select(table).where(table.id == row_id, table.household_id.in_(household_ids))
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundInHouseholdError(what, field=field)
    return row
