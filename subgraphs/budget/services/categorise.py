"""Suggestions for a transaction about to be recorded: which category, payee and tags it should get, and why.

``Categoriser.load`` reads what a household's suggestions come from once; ``suggest`` then answers for one draft
transaction without touching the database, so an import can ask for every row of a large statement. This version
knows one source: a payee (or an alias of it) with a default category gives that category ("payee default").
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.models import Category, Payee, PayeeAlias
from subgraphs.budget.services.payees import payee_key

__all__ = ["Categoriser", "Draft", "Suggestion"]


@dataclass(frozen=True, slots=True)
class Draft:
    """A transaction about to be recorded, as far as suggestions need it."""

    account_id: uuid.UUID
    date: date
    amount: Decimal
    payee: str | None
    memo: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to record. ``category_id`` ``None``: nothing confident enough. ``payee``: a new name for the payee,
    else ``None``; ``tags``: tags to add. ``confidence`` is 0..1 (0.0 with no category); ``reason`` says why in
    words for the user (``"payee default"``); ``source`` names what decided (``"payee"``, or ``"none"``)."""

    category_id: uuid.UUID | None
    payee: str | None
    tags: tuple[str, ...]
    confidence: float
    reason: str
    source: str


NOTHING = Suggestion(category_id=None, payee=None, tags=(), confidence=0.0, reason="", source="none")


class Categoriser:
    """A household's suggestion sources, loaded once. ``suggest`` is synchronous and does no I/O."""

    def __init__(self, *, payee_defaults: Mapping[str, uuid.UUID]) -> None:
        self._payee_defaults = dict(payee_defaults)
        self._by_payee: dict[str, Suggestion] = {}

    @classmethod
    async def load(cls, *, session: AsyncSession, household_id: uuid.UUID) -> Categoriser:
        """The household's payees that have a default category (a live one), reachable by name and by alias."""
        live = Category.archived_at.is_(None)
        rows = await session.execute(
            select(Payee.name_key, Payee.default_category_id)
            .join(Category, Category.id == Payee.default_category_id)
            .where(Payee.household_id == household_id, live)
        )
        defaults: dict[str, uuid.UUID] = {key: category for key, category in rows.all() if category is not None}
        aliases = await session.execute(
            select(PayeeAlias.alias_key, Payee.default_category_id)
            .join(Payee, Payee.id == PayeeAlias.payee_id)
            .join(Category, Category.id == Payee.default_category_id)
            .where(PayeeAlias.household_id == household_id, live)
        )
        defaults.update({key: category for key, category in aliases.all() if category is not None})
        return cls(payee_defaults=defaults)

    def suggest(self, draft: Draft) -> Suggestion:
        """The payee's default category when the draft's payee (or an alias of it) has one."""
        if not draft.payee:
            return NOTHING
        known = self._by_payee.get(draft.payee)  # a statement repeats its payees: each is looked up once
        if known is None:
            category_id = self._payee_defaults.get(payee_key(draft.payee))
            known = self._by_payee[draft.payee] = (
                Suggestion(
                    category_id=category_id,
                    payee=None,
                    tags=(),
                    confidence=1.0,
                    reason="payee default",
                    source="payee",
                )
                if category_id is not None
                else NOTHING
            )
        return known
