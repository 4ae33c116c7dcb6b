"""Normalised payees: one row per real-world payee, reached by its name or any of its aliases."""

from __future__ import annotations

import re
import unicodedata
import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.models import Payee, PayeeAlias

__all__ = ["payee_key", "resolve_payee"]

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s&@+]")


def payee_key(name: str) -> str:
    """The form two spellings of one payee share: Unicode-folded, case-folded, punctuation and spacing collapsed.

    ``"  REWE  Markt, GmbH."`` and ``"rewe markt gmbh"`` give the same key; ``"Café"`` and ``"Cafe"`` too.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", plain.casefold())).strip()[:300]


async def resolve_payee(*, session: AsyncSession, household_id: uuid.UUID, name: str | None) -> Payee | None:
    """The household's payee for ``name``: by alias first, then by name, else a new payee (concurrent callers with
    the same name get the same row). ``None`` for an empty name."""
    cleaned = _SPACES.sub(" ", (name or "").strip())[:300]
    key = payee_key(cleaned)
    if not key:
        return None
    aliased = await session.scalar(
        select(Payee)
        .join(PayeeAlias, PayeeAlias.payee_id == Payee.id)
        .where(PayeeAlias.household_id == household_id, PayeeAlias.alias_key == key)
    )
    if aliased is not None:
        return aliased
    await session.execute(
        insert(Payee)
        .values(id=uuid.uuid4(), household_id=household_id, name=cleaned, name_key=key)
        .on_conflict_do_nothing(index_elements=[Payee.household_id, Payee.name_key])
    )
    return await session.scalar(select(Payee).where(Payee.household_id == household_id, Payee.name_key == key))
