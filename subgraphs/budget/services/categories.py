"""Category groups and categories: creating, changing, merging. Keyword-only async functions; callers own the
transaction.

A group is ``income`` or ``expense`` and its categories share its kind (moving a category to a group of the other
kind changes the category's kind; changing a group's kind changes its categories'). Names are unique,
case-insensitively, among the live (not archived) groups of a household and the live categories of a group.
Merging moves every transaction, split part and budget amount of a category to another of the same kind and archives
the merged category with ``merged_into_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.db import utcnow
from subgraphs.budget.budgets.events import write_budget_changed
from subgraphs.budget.budgets.models import BudgetAmount
from subgraphs.budget.models import Category, CategoryGroup, Payee, Split, Transaction
from subgraphs.budget.services.changes import KEEP, Keep
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.owned import owned_row

__all__ = [
    "MAX_NAME",
    "CategoryChanges",
    "CategoryKind",
    "GroupChanges",
    "MergedCategory",
    "Rollover",
    "create_category",
    "create_group",
    "merge_categories",
    "update_category",
    "update_group",
]

MAX_NAME = 100
MAX_POSITION = 1_000_000


class CategoryKind(StrEnum):
    INCOME = "income"
    EXPENSE = "expense"


class Rollover(StrEnum):
    """What a month's leftover does in the next month's budget."""

    NONE = "none"
    SURPLUS = "surplus"
    """Unspent money carries forward; overspending does not."""
    SURPLUS_AND_OVERSPEND = "surplus_and_overspend"
    """Both carry forward: overspending reduces next month's amount."""


@dataclass(frozen=True, slots=True)
class GroupChanges:
    name: str | Keep = KEEP
    kind: CategoryKind | Keep = KEEP
    position: int | Keep = KEEP
    hidden: bool | Keep = KEEP
    archived: bool | Keep = KEEP


@dataclass(frozen=True, slots=True)
class CategoryChanges:
    name: str | Keep = KEEP
    group_id: uuid.UUID | Keep = KEEP
    position: int | Keep = KEEP
    hidden: bool | Keep = KEEP
    archived: bool | Keep = KEEP
    rollover: Rollover | Keep = KEEP


@dataclass(frozen=True, slots=True)
class MergedCategory:
    source: Category
    target: Category
    transactions_moved: int
    splits_moved: int


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not 0 < len(name) <= MAX_NAME:
        raise LedgerError(f"enter a name of 1 to {MAX_NAME} characters", field="name")
    return name


def _position(value: int) -> int:
    if not 0 <= value <= MAX_POSITION:
        raise LedgerError(f"a position is between 0 and {MAX_POSITION}", field="position")
    return value


async def _group_name_free(
    session: AsyncSession, household_id: uuid.UUID, name: str, exclude: uuid.UUID | None = None
) -> None:
    query = select(CategoryGroup.id).where(
        CategoryGroup.household_id == household_id,
        CategoryGroup.archived_at.is_(None),
        func.lower(CategoryGroup.name) == name.lower(),
    )
    if exclude is not None:
        query = query.where(CategoryGroup.id != exclude)
    if await session.scalar(query.limit(1)) is not None:
        raise LedgerError(f"there is already a group called {name}", field="name")


async def _category_name_free(
    session: AsyncSession, group_id: uuid.UUID, name: str, exclude: uuid.UUID | None = None
) -> None:
    query = select(Category.id).where(
        Category.group_id == group_id, Category.archived_at.is_(None), func.lower(Category.name) == name.lower()
    )
    if exclude is not None:
        query = query.where(Category.id != exclude)
    if await session.scalar(query.limit(1)) is not None:
        raise LedgerError(f"the group already has a category called {name}", field="name")


async def create_group(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    name: str,
    kind: CategoryKind,
    position: int | None = None,
    hidden: bool = False,
) -> CategoryGroup:
    """A new group, last (or at ``position``) among the household's groups."""
    name = _name(name)
    if position is not None:
        position = _position(position)
    await _group_name_free(session, household_id, name)
    if position is None:
        last = await session.scalar(
            select(func.max(CategoryGroup.position)).where(CategoryGroup.household_id == household_id)
        )
        position = 0 if last is None else min(last + 1, MAX_POSITION)
    group = CategoryGroup(
        household_id=household_id, name=name, kind=kind.value, position=position, hidden=hidden, created_at=utcnow()
    )
    session.add(group)
    await session.flush()
    return group


async def update_group(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], group_id: uuid.UUID, changes: GroupChanges
) -> CategoryGroup:
    """Change a group; a new kind carries over to its categories."""
    group = await owned_row(
        session=session, model=CategoryGroup, row_id=group_id, household_ids=household_ids, what="group", field="id"
    )
    name = group.name if isinstance(changes.name, Keep) else _name(changes.name)
    archived = group.archived_at is not None if isinstance(changes.archived, Keep) else changes.archived
    if not archived and (name.lower() != group.name.lower() or group.archived_at is not None):
        await _group_name_free(session, group.household_id, name, exclude=group.id)
    group.name = name
    if not isinstance(changes.position, Keep):
        group.position = _position(changes.position)
    if not isinstance(changes.hidden, Keep):
        group.hidden = changes.hidden
    if archived != (group.archived_at is not None):
        group.archived_at = utcnow() if archived else None
    if not isinstance(changes.kind, Keep) and changes.kind.value != group.kind:
        group.kind = changes.kind.value
        await session.execute(
            update(Category)
            .where(Category.group_id == group.id)
            .values(kind=group.kind)
            .execution_options(synchronize_session=False)
        )
    await session.flush()
    return group


async def create_category(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    group_id: uuid.UUID,
    name: str,
    position: int | None = None,
    hidden: bool = False,
    rollover: Rollover = Rollover.NONE,
) -> Category:
    """A new category in a group of one of ``household_ids``, of the group's kind, last in the group (or at
    ``position``). Archived groups take no new categories."""
    name = _name(name)
    if position is not None:
        position = _position(position)
    group = await owned_row(
        session=session,
        model=CategoryGroup,
        row_id=group_id,
        household_ids=household_ids,
        what="group",
        field="groupId",
    )
    if group.archived_at is not None:
        raise LedgerError("the group is archived; unarchive it first", field="groupId")
    await _category_name_free(session, group.id, name)
    if position is None:
        last = await session.scalar(select(func.max(Category.position)).where(Category.group_id == group.id))
        position = 0 if last is None else min(last + 1, MAX_POSITION)
    category = Category(
        household_id=group.household_id,
        group_id=group.id,
        name=name,
        kind=group.kind,
        position=position,
        hidden=hidden,
        rollover=rollover.value,
        created_at=utcnow(),
    )
    session.add(category)
    await session.flush()
    return category


async def update_category(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], category_id: uuid.UUID, changes: CategoryChanges
) -> Category:
    """Change a category; moving it to another group of its household gives it that group's kind. A merged
    category stays archived."""
    category = await owned_row(
        session=session, model=Category, row_id=category_id, household_ids=household_ids, what="category", field="id"
    )
    group_id = category.group_id
    kind = category.kind
    if not isinstance(changes.group_id, Keep) and changes.group_id != category.group_id:
        group = await owned_row(
            session=session,
            model=CategoryGroup,
            row_id=changes.group_id,
            household_ids=[category.household_id],
            what="group",
            field="groupId",
        )
        if group.archived_at is not None:
            raise LedgerError("the group is archived; unarchive it first", field="groupId")
        group_id, kind = group.id, group.kind
    name = category.name if isinstance(changes.name, Keep) else _name(changes.name)
    archived = category.archived_at is not None if isinstance(changes.archived, Keep) else changes.archived
    if not archived and category.merged_into_id is not None:
        raise LedgerError("the category was merged into another; it stays archived", field="archived")
    if not archived and (
        name.lower() != category.name.lower() or group_id != category.group_id or category.archived_at is not None
    ):
        await _category_name_free(session, group_id, name, exclude=category.id)
    category.name = name
    category.group_id = group_id
    category.kind = kind
    if not isinstance(changes.position, Keep):
        category.position = _position(changes.position)
    if not isinstance(changes.hidden, Keep):
        category.hidden = changes.hidden
    if not isinstance(changes.rollover, Keep):
        category.rollover = changes.rollover.value
    if archived != (category.archived_at is not None):
        category.archived_at = utcnow() if archived else None
    await session.flush()
    return category


async def merge_categories(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], source_id: uuid.UUID, target_id: uuid.UUID
) -> MergedCategory:
    """Move every transaction and split part of ``source_id`` to ``target_id`` (a live category of the same
    household and kind), add its budget amounts to the target's of the same months, point payees' default
    categories and earlier merges at the target, and archive the source with ``merged_into_id``; announce
    ``budget.budget_changed`` (every month: the activity moved too)."""
    if source_id == target_id:
        raise LedgerError("a category cannot be merged into itself", field="targetId")
    source = await owned_row(
        session=session,
        model=Category,
        row_id=source_id,
        household_ids=household_ids,
        what="category",
        field="sourceId",
    )
    target = await owned_row(
        session=session,
        model=Category,
        row_id=target_id,
        household_ids=[source.household_id],
        what="category",
        field="targetId",
    )
    if source.merged_into_id is not None:
        raise LedgerError("the category was already merged into another", field="sourceId")
    if target.archived_at is not None:
        raise LedgerError("the category is archived; unarchive it or choose another", field="targetId")
    if target.kind != source.kind:
        raise LedgerError(f"merge an {source.kind} category into another {source.kind} category", field="targetId")
    moved = await session.execute(
        update(Transaction)
        .where(Transaction.category_id == source.id)
        .values(category_id=target.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    parts = await session.execute(
        update(Split)
        .where(Split.category_id == source.id)
        .values(category_id=target.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Payee)
        .where(Payee.default_category_id == source.id)
        .values(default_category_id=target.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Category)
        .where(Category.merged_into_id == source.id)
        .values(merged_into_id=target.id)
        .execution_options(synchronize_session=False)
    )
    # The source's budget amounts join the target's, month by month (both are in the household's base currency).
    amounts = list(
        await session.execute(
            select(BudgetAmount.month, BudgetAmount.amount).where(BudgetAmount.category_id == source.id)
        )
    )
    if amounts:
        rows = insert(BudgetAmount).values(
            [
                {
                    "id": uuid.uuid4(),
                    "household_id": source.household_id,
                    "category_id": target.id,
                    "month": m,
                    "amount": a,
                }
                for m, a in amounts
            ]
        )
        await session.execute(
            rows.on_conflict_do_update(
                index_elements=[BudgetAmount.category_id, BudgetAmount.month],
                set_={"amount": BudgetAmount.amount + rows.excluded.amount, "updated_at": utcnow()},
            )
        )
        await session.execute(delete(BudgetAmount).where(BudgetAmount.category_id == source.id))
    source.merged_into_id = target.id
    if source.archived_at is None:
        source.archived_at = utcnow()
    await session.flush()
    await write_budget_changed(
        session=session,
        household_id=source.household_id,
        months=[],
        category_ids=[source.id, target.id],
        reason="categories_merged",
    )
    return MergedCategory(
        source=source,
        target=target,
        transactions_moved=int(moved.rowcount or 0),  # type: ignore[attr-defined]
        splits_moved=int(parts.rowcount or 0),  # type: ignore[attr-defined]
    )
