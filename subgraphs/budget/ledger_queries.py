"""Resolvers of the ledger's queries; ``subgraphs/budget/queries.py`` mounts them on ``Query``. A household or
account that is not the viewer's answers like a missing one: null, or an empty connection."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, PageInfo, UserInputError, paginate, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import CategoryGroup, Payee, ReconciliationPreview
from subgraphs.budget.models import CategoryGroup as CategoryGroupRow
from subgraphs.budget.models import Payee as PayeeRow
from subgraphs.budget.services.ledger import AccountNotFoundError, LedgerError
from subgraphs.budget.services.payee_changes import payees_query
from subgraphs.budget.services.reconciliation import preview_reconciliation

__all__ = ["category_groups", "payees", "reconciliation_preview"]

MAX_PREFIX = 300


def _readable(info: strawberry.Info[Context, None], household_id: strawberry.ID | None) -> uuid.UUID | None:
    """The household named (default: the viewer's first) if the viewer belongs to it, else ``None``."""
    viewer = info.context.viewer
    if household_id is None:
        return viewer.household_ids[0] if viewer.household_ids else None
    wanted = parse_id(household_id)
    return wanted if wanted is not None and viewer.can_read(wanted) else None


def _empty() -> Any:
    """No items: what another household's (or a missing) household has."""
    return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))


HouseholdArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="The household (default: the viewer's first household)."),
]


async def category_groups(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArgument = None,
    include_archived: Annotated[
        bool, strawberry.argument(description="Include archived groups (default false).")
    ] = False,
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
) -> Connection[CategoryGroup]:
    household = _readable(info, household_id)
    if household is None:
        return _empty()
    query = select(CategoryGroupRow).where(CategoryGroupRow.household_id == household)
    if not include_archived:
        query = query.where(CategoryGroupRow.archived_at.is_(None))
    return await paginate(
        info.context.session,
        query,
        keys=[CategoryGroupRow.position, CategoryGroupRow.name, CategoryGroupRow.id],
        node=CategoryGroup.from_row,
        first=first,
        after=after,
    )


async def payees(
    info: strawberry.Info[Context, None],
    household_id: HouseholdArgument = None,
    prefix: Annotated[
        str | None,
        strawberry.argument(description="Only payees whose name starts with this (case and accents ignored)."),
    ] = None,
    first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
    after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
) -> Connection[Payee]:
    if prefix is not None and len(prefix) > MAX_PREFIX:
        raise UserInputError(f"use at most {MAX_PREFIX} characters", field="prefix")
    household = _readable(info, household_id)
    if household is None:
        return _empty()
    return await paginate(
        info.context.session,
        payees_query(household_id=household, prefix=prefix),
        keys=[PayeeRow.name_key, PayeeRow.id],
        node=Payee.from_row,
        first=first,
        after=after,
    )


async def reconciliation_preview(
    info: strawberry.Info[Context, None],
    account_id: Annotated[strawberry.ID, strawberry.argument(description="The account to reconcile.")],
    statement_date: Annotated[dt.date, strawberry.argument(description="The statement's closing date.")],
    statement_balance: Annotated[
        Decimal, strawberry.argument(description="The statement's closing balance, in the account's currency.")
    ],
) -> ReconciliationPreview | None:
    account = parse_id(account_id)
    if account is None:
        return None
    try:
        preview = await preview_reconciliation(
            session=info.context.session,
            household_ids=info.context.viewer.household_ids,
            account_id=account,
            statement_date=statement_date,
            statement_balance=statement_balance,
        )
    except AccountNotFoundError:
        return None
    except LedgerError as exc:
        raise UserInputError(str(exc), field=exc.field) from None
    return ReconciliationPreview.of(preview)
