"""Looking after a household's payees: listing, renaming, default categories, merging, aliases.

A payee is found by its name's key or by any alias's key (``services.payees.payee_key``); within a household no
two payees, and no payee and another payee's alias, share a key, so resolving a name is never ambiguous. Renaming
keeps the old spelling as an alias (future imports of it still land on the payee); merging moves the merged
payees' transactions, aliases and names to the payee kept.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.models import Payee, PayeeAlias, Transaction
from subgraphs.budget.services.changes import KEEP, Keep
from subgraphs.budget.services.ledger import LedgerError, check_categories
from subgraphs.budget.services.owned import NotFoundInHouseholdError, owned_row
from subgraphs.budget.services.payees import payee_key

__all__ = [
    "MAX_MERGE",
    "MergedPayees",
    "PayeeChanges",
    "add_alias",
    "merge_payees",
    "payees_query",
    "remove_alias",
    "update_payee",
]

MAX_NAME = 300
MAX_MERGE = 100
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PayeeChanges:
    name: str | Keep = KEEP
    default_category_id: uuid.UUID | Keep | None = KEEP


@dataclass(frozen=True, slots=True)
class MergedPayees:
    payee: Payee
    transactions_moved: int
    aliases_added: list[str]


def _clean(name: str, field: str) -> tuple[str, str]:
    cleaned = _SPACES.sub(" ", name.strip())
    if len(cleaned) > MAX_NAME:
        raise LedgerError(f"use at most {MAX_NAME} characters", field=field)
    key = payee_key(cleaned)
    if not key:
        raise LedgerError("enter a name with at least one letter or digit", field=field)
    return cleaned, key


def payees_query(*, household_id: uuid.UUID, prefix: str | None = None) -> Select[Any]:
    """The household's payees (unordered: the caller pages by ``name_key, id``), those whose name starts with
    ``prefix`` (compared as keys: case, accents and punctuation ignored) when given."""
    query = select(Payee).where(Payee.household_id == household_id)
    key = payee_key(prefix or "")
    if key:
        query = query.where(func.starts_with(Payee.name_key, key))
    return query


async def _key_owner(
    session: AsyncSession, household_id: uuid.UUID, key: str
) -> tuple[Payee | None, PayeeAlias | None]:
    """The payee whose name has ``key``, and the alias that has it (with its payee loaded separately)."""
    named = await session.scalar(select(Payee).where(Payee.household_id == household_id, Payee.name_key == key))
    alias = await session.scalar(
        select(PayeeAlias).where(PayeeAlias.household_id == household_id, PayeeAlias.alias_key == key)
    )
    return named, alias


async def _payee_name(session: AsyncSession, payee_id: uuid.UUID) -> str:
    return str(await session.scalar(select(Payee.name).where(Payee.id == payee_id)))


async def _keep_alias(session: AsyncSession, payee: Payee, name: str, key: str) -> bool:
    """Add ``name`` as an alias of ``payee`` unless the key is taken; whether it was added."""
    result = await session.execute(
        insert(PayeeAlias)
        .values(id=uuid.uuid4(), household_id=payee.household_id, payee_id=payee.id, alias=name, alias_key=key)
        .on_conflict_do_nothing(index_elements=[PayeeAlias.household_id, PayeeAlias.alias_key])
        .returning(PayeeAlias.id)
    )
    return result.first() is not None


async def update_payee(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], payee_id: uuid.UUID, changes: PayeeChanges
) -> Payee:
    """Rename a payee and/or set its default category. A new name whose key is another payee's name or alias is
    refused (merge the two instead); the old name is kept as an alias, and the payee's transactions show the new
    name."""
    payee = await owned_row(
        session=session, model=Payee, row_id=payee_id, household_ids=household_ids, what="payee", field="id"
    )
    if not isinstance(changes.default_category_id, Keep):
        await check_categories(
            session=session,
            household_id=payee.household_id,
            category_ids=[changes.default_category_id],
            field="defaultCategoryId",
        )
        payee.default_category_id = changes.default_category_id
    if not isinstance(changes.name, Keep):
        name, key = _clean(changes.name, "name")
        if key != payee.name_key:
            named, alias = await _key_owner(session, payee.household_id, key)
            if named is not None:
                raise LedgerError(f"another payee is called {named.name}; merge the two instead", field="name")
            if alias is not None and alias.payee_id != payee.id:
                other = await _payee_name(session, alias.payee_id)
                raise LedgerError(f"{alias.alias} is an alias of {other}; merge the two instead", field="name")
            if alias is not None:  # one of its own aliases becomes its name
                await session.execute(delete(PayeeAlias).where(PayeeAlias.id == alias.id))
            old_name, old_key = payee.name, payee.name_key
            payee.name, payee.name_key = name, key
            await session.flush()
            await _keep_alias(session, payee, old_name, old_key)
        else:
            payee.name = name
        await session.execute(
            update(Transaction)
            .where(Transaction.payee_id == payee.id)
            .values(payee=payee.name)
            .execution_options(synchronize_session=False)
        )
    await session.flush()
    return payee


async def merge_payees(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    source_ids: Sequence[uuid.UUID],
    target_id: uuid.UUID,
) -> MergedPayees:
    """Merge the ``source_ids`` payees into ``target_id``: their transactions move to the target (and show its
    name), their aliases and their names become the target's aliases, and they are deleted. The target keeps its
    default category, or takes the first source's when it has none. All must be payees of one household."""
    unique_sources = list(dict.fromkeys(source_ids))
    if not unique_sources:
        raise LedgerError("choose at least one payee to merge", field="sourceIds")
    if len(unique_sources) > MAX_MERGE:
        raise LedgerError(f"merge at most {MAX_MERGE} payees at once", field="sourceIds")
    if target_id in unique_sources:
        raise LedgerError("a payee cannot be merged into itself", field="sourceIds")
    target = await owned_row(
        session=session, model=Payee, row_id=target_id, household_ids=household_ids, what="payee", field="targetId"
    )
    sources = list(
        await session.scalars(
            select(Payee)
            .where(Payee.id.in_(unique_sources), Payee.household_id == target.household_id)
            .order_by(Payee.id)
            .with_for_update()
        )
    )
    if len(sources) != len(unique_sources):
        raise NotFoundInHouseholdError("payee", field="sourceIds")
    by_id = {source.id: source for source in sources}
    ordered = [by_id[i] for i in unique_sources]
    moved = await session.execute(
        update(Transaction)
        .where(Transaction.payee_id.in_(unique_sources))
        .values(payee_id=target.id, payee=target.name)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(PayeeAlias)
        .where(PayeeAlias.payee_id.in_(unique_sources))
        .values(payee_id=target.id)
        .execution_options(synchronize_session=False)
    )
    if target.default_category_id is None:
        target.default_category_id = next((s.default_category_id for s in ordered if s.default_category_id), None)
    await session.execute(delete(Payee).where(Payee.id.in_(unique_sources)))
    added = []
    for source in ordered:
        if source.name_key != target.name_key and await _keep_alias(session, target, source.name, source.name_key):
            added.append(source.name)
    await session.flush()
    return MergedPayees(payee=target, transactions_moved=int(moved.rowcount or 0), aliases_added=added)  # type: ignore[attr-defined]


async def add_alias(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], payee_id: uuid.UUID, alias: str
) -> PayeeAlias:
    """Another spelling of the payee; adding one it already has returns it. A spelling that is another payee's
    name or alias is refused (merge the two instead)."""
    payee = await owned_row(
        session=session, model=Payee, row_id=payee_id, household_ids=household_ids, what="payee", field="payeeId"
    )
    name, key = _clean(alias, "alias")
    named, existing = await _key_owner(session, payee.household_id, key)
    if named is not None:
        if named.id == payee.id:
            raise LedgerError("that is already the payee's name", field="alias")
        raise LedgerError(f"another payee is called {named.name}; merge the two instead", field="alias")
    if existing is not None:
        if existing.payee_id == payee.id:
            return existing
        other = await _payee_name(session, existing.payee_id)
        raise LedgerError(f"{existing.alias} is already an alias of {other}", field="alias")
    row = PayeeAlias(household_id=payee.household_id, payee_id=payee.id, alias=name, alias_key=key)
    session.add(row)
    await session.flush()
    return row


async def remove_alias(*, session: AsyncSession, household_ids: Sequence[uuid.UUID], alias_id: uuid.UUID) -> Payee:
    """Remove an alias; returns its payee. Transactions already resolved to the payee stay with it."""
    alias = await owned_row(
        session=session, model=PayeeAlias, row_id=alias_id, household_ids=household_ids, what="alias", field="id"
    )
    payee = await session.get(Payee, alias.payee_id)
    assert payee is not None
    await session.execute(delete(PayeeAlias).where(PayeeAlias.id == alias.id))
    return payee
