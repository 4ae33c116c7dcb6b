"""Exports of a household's transactions to CSV or OFX, written to object storage. No GraphQL here.

An export is streamed: the rows come from a server-side cursor ``ROWS_PER_FETCH`` at a time, each is written to a
temporary file as it arrives, and the file goes to object storage (a multipart upload on S3), so memory stays
bounded whatever the size of the ledger. Up to ``EXPORT_INLINE_MAX_ROWS`` transactions are exported in the request
that asks (``export_transactions``: the link comes back at once); a larger export is recorded as pending with a
``budget.export_requested`` event, and the worker writes it (``request_export``, ``complete_export``): the request
never waits tens of seconds, and a client that goes away loses nothing. See docs/adr/0013.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Text, and_, case, cast, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by, array
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from fincloud.constants import TOPIC_EXPORT_REQUESTED
from fincloud.events import write_event
from fincloud.storage import ObjectStore
from subgraphs.budget.files.export_formats import CsvWriter, ExportPart, ExportRow, OfxAccount, OfxWriter
from subgraphs.budget.files.models import Export
from subgraphs.budget.files.objects import export_key
from subgraphs.budget.models import Account, Category, CategoryGroup, Split, Transaction, outbox
from subgraphs.budget.services.ledger import TransactionStatus

__all__ = [
    "REPEATABLE_READ",
    "ExportFilter",
    "ExportFormat",
    "ExportInputError",
    "check_filter",
    "export_transactions",
]

ROWS_PER_FETCH = 2000
REPEATABLE_READ = {"isolation_level": "REPEATABLE READ"}
"""Execution options of the connection an export reads through: ``await session.connection(execution_options=...)``
first thing in the transaction."""
MAX_FILTER_ITEMS = 500
"""Most ids (or tags) one filter may list."""

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "ofx": "application/x-ofx"}


class ExportFormat(StrEnum):
    CSV = "csv"
    OFX = "ofx"


class ExportStatus(StrEnum):
    PENDING = "pending"
    """Being written by the worker (a large export)."""
    READY = "ready"
    FAILED = "failed"


class ExportInputError(ValueError):
    """A filter the caller must change; ``field`` names the input field, ``not_found`` says it names something that
    does not exist in the household (another household's id included)."""

    def __init__(self, message: str, *, field: str, not_found: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.not_found = not_found


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportFilter:
    """Which transactions: every condition given must hold; a list matches any of its items (a transaction with
    any of the tags; in any of the categories, directly or through one of its split parts)."""

    account_ids: Sequence[uuid.UUID] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category_ids: Sequence[uuid.UUID] = ()
    tags: Sequence[str] = ()
    statuses: Sequence[TransactionStatus] = ()
    split_rows: bool = field(default=False)
    """CSV only: one row per split part instead of one per transaction."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportFilter:
        return cls(
            account_ids=[uuid.UUID(a) for a in data.get("account_ids", [])],
            date_from=dt.date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=dt.date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
            category_ids=[uuid.UUID(c) for c in data.get("category_ids", [])],
            tags=list(data.get("tags", [])),
            statuses=[TransactionStatus(s) for s in data.get("statuses", [])],
            split_rows=bool(data.get("split_rows", False)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "account_ids": [str(a) for a in self.account_ids],
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "category_ids": [str(c) for c in self.category_ids],
            "tags": list(self.tags),
            "statuses": [s.value for s in self.statuses],
            "split_rows": self.split_rows,
        }


async def check_filter(*, session: AsyncSession, household_id: uuid.UUID, filter: ExportFilter) -> None:
    """``ExportInputError`` unless the filter is sound and names only the household's accounts and categories."""
    if filter.date_from and filter.date_to and filter.date_from > filter.date_to:
        raise ExportInputError("the start date is after the end date", field="dateFrom")
    for name, items in (
        ("accountIds", filter.account_ids),
        ("categoryIds", filter.category_ids),
        ("tags", filter.tags),
    ):
        if len(items) > MAX_FILTER_ITEMS:
            raise ExportInputError(f"list at most {MAX_FILTER_ITEMS}", field=name)
    if filter.account_ids:
        found = set(
            await session.scalars(
                select(Account.id).where(Account.id.in_(filter.account_ids), Account.household_id == household_id)
            )
        )
        if found != set(filter.account_ids):
            raise ExportInputError("no such account", field="accountIds", not_found=True)
    if filter.category_ids:
        found = set(
            await session.scalars(
                select(Category.id).where(Category.id.in_(filter.category_ids), Category.household_id == household_id)
            )
        )
        if found != set(filter.category_ids):
            raise ExportInputError("no such category", field="categoryIds", not_found=True)


def _conditions(household_id: uuid.UUID, filter: ExportFilter) -> list[Any]:
    t = Transaction
    conditions: list[Any] = [t.household_id == household_id]
    if filter.account_ids:
        conditions.append(t.account_id.in_(filter.account_ids))
    if filter.date_from:
        conditions.append(t.date >= filter.date_from)
    if filter.date_to:
        conditions.append(t.date <= filter.date_to)
    if filter.statuses:
        conditions.append(t.status.in_([s.value for s in filter.statuses]))
    if filter.tags:
        conditions.append(t.tags.overlap(array(list(filter.tags))))
    if filter.category_ids:
        in_split = exists().where(Split.transaction_id == t.id, Split.category_id.in_(filter.category_ids))
        conditions.append(or_(t.category_id.in_(filter.category_ids), and_(t.is_split, in_split)))
    return conditions


def _rows_query(household_id: uuid.UUID, filter: ExportFilter, *, by_account: bool) -> Any:
    t = Transaction
    account = aliased(Account, name="account")
    other = aliased(Account, name="other_account")
    category = aliased(Category, name="category")
    group = aliased(CategoryGroup, name="category_group")
    split = aliased(Split, name="part")
    part_category = aliased(Category, name="part_category")
    part_group = aliased(CategoryGroup, name="part_group")
    parts = (
        select(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_array(part_group.name, part_category.name, cast(split.amount, Text), split.memo),
                    split.position,
                ),
                type_=JSON,
            )
        )
        .select_from(split)
        .outerjoin(part_category, part_category.id == split.category_id)
        .outerjoin(part_group, part_group.id == part_category.group_id)
        .where(split.transaction_id == t.id)
        .scalar_subquery()
    )
    query = (
        select(
            t.id,
            t.account_id,
            account.name,
            t.date,
            t.amount,
            t.currency,
            t.payee,
            t.memo,
            t.notes,
            t.tags,
            t.status,
            group.name,
            category.name,
            t.transfer_account_id,
            other.name,
            case((t.is_split, parts), else_=None),
        )
        .join(account, account.id == t.account_id)
        .outerjoin(category, category.id == t.category_id)
        .outerjoin(group, group.id == category.group_id)
        .outerjoin(other, and_(other.id == t.transfer_account_id, other.household_id == household_id))
        .where(*_conditions(household_id, filter))
    )
    order: list[Any] = [t.date, t.created_at, t.id]
    if by_account:
        order = [account.type == "credit_card", account.name, account.id, *order]
    return query.order_by(*order)


def _row(values: Sequence[Any]) -> ExportRow:
    (id_, account_id, account_name, date, amount, currency, payee, memo, notes, tags, status) = values[:11]
    group, category, transfer_account_id, transfer_account_name, parts = values[11:]
    return ExportRow(
        id=id_,
        account_id=account_id,
        account_name=account_name,
        date=date,
        amount=amount,
        currency=currency,
        payee=payee,
        memo=memo,
        notes=notes,
        tags=tuple(tags or ()),
        status=status,
        category_group=group,
        category=category,
        transfer_account_id=transfer_account_id,
        transfer_account_name=transfer_account_name,
        parts=tuple(
            ExportPart(category_group=g, category=c, amount=Decimal(a), memo=m) for g, c, a, m in (parts or ())
        ),
    )


async def _statements(
    *, session: AsyncSession, household_id: uuid.UUID, filter: ExportFilter, today: dt.date
) -> tuple[list[OfxAccount], dict[uuid.UUID, str]]:
    """The OFX statements to write (accounts with rows in the export, and every account the filter names) and the
    kind of every account of the household."""
    t = Transaction
    spans = {
        account_id: (first, last)
        for account_id, first, last in await session.execute(
            select(t.account_id, func.min(t.date), func.max(t.date))
            .where(*_conditions(household_id, filter))
            .group_by(t.account_id)
        )
    }
    accounts = (await session.scalars(select(Account).where(Account.household_id == household_id))).all()
    kinds = {a.id: a.type for a in accounts}
    wanted = set(spans) | set(filter.account_ids)
    end = filter.date_to or max((last for _, last in spans.values()), default=today)
    start = filter.date_from or min((first for first, _ in spans.values()), default=end)
    posted = dict(
        (
            await session.execute(
                select(t.account_id, func.sum(t.amount))
                .where(t.household_id == household_id, t.account_id.in_(wanted), t.date <= end)
                .group_by(t.account_id)
            )
        ).all()
    )
    chosen = sorted((a for a in accounts if a.id in wanted), key=lambda a: (a.type == "credit_card", a.name, a.id))
    statements = [
        OfxAccount(
            id=a.id,
            kind=a.type,
            currency=a.currency,
            start=start,
            end=end,
            ledger_balance=a.opening_balance + (posted.get(a.id) or Decimal(0)),
        )
        for a in chosen
    ]
    return statements, kinds


def _filename(format: ExportFormat, filter: ExportFilter, today: dt.date) -> str:
    if filter.date_from or filter.date_to:
        span = f"{filter.date_from or 'start'}-to-{filter.date_to or today}"
    else:
        span = today.isoformat()
    return f"transactions-{span}.{format.value}"


async def count_rows(*, session: AsyncSession, household_id: uuid.UUID, filter: ExportFilter) -> int:
    """How many transactions the export would hold."""
    found = await session.scalar(
        select(func.count()).select_from(Transaction).where(*_conditions(household_id, filter))
    )
    return int(found or 0)


def new_export(
    *,
    household_id: uuid.UUID,
    format: ExportFormat,
    filter: ExportFilter,
    created_by: uuid.UUID | None,
    now: dt.datetime,
    retention: dt.timedelta,
    status: ExportStatus,
    row_count: int = 0,
) -> Export:
    """An export row, its object key and file name chosen (the file itself is written by ``write_export``)."""
    export_id = uuid.uuid4()
    return Export(
        id=export_id,
        household_id=household_id,
        format=format.value,
        filters=filter.to_json(),
        status=status.value,
        row_count=row_count,
        size_bytes=0,
        object_key=export_key(household_id, export_id, format.value),
        filename=_filename(format, filter, now.date()),
        created_by=created_by,
        created_at=now,
        delete_after=now + retention,
    )


async def write_export(*, session: AsyncSession, store: ObjectStore, export: Export, now: dt.datetime) -> None:
    """Write the export's file to object storage and mark it ready (``row_count``, ``size_bytes``), in the caller's
    transaction, which should have begun ``REPEATABLE READ`` (``REPEATABLE_READ``) so the OFX balances and the
    rows come from one snapshot. Memory stays bounded: rows stream from a server-side cursor into a temporary
    file, and the file goes to storage in parts."""
    # One long scan whose estimated cost makes PostgreSQL JIT-compile it: seconds of compilation for a query that
    # runs in about a second per 100k rows without it.
    await session.execute(text("SET LOCAL jit = off"))
    format = ExportFormat(export.format)
    filter = ExportFilter.from_json(export.filters)
    household_id = export.household_id
    with tempfile.TemporaryDirectory(prefix="fincloud-export-") as folder:
        path = Path(folder) / export.filename
        if format is ExportFormat.CSV:
            # utf-8-sig: a BOM, so spreadsheet programs read the file as UTF-8.
            with path.open("w", encoding="utf-8-sig", newline="") as out:
                writer: CsvWriter | OfxWriter = CsvWriter(out, split_rows=filter.split_rows)
                rows = await _write_rows(session, writer, _rows_query(household_id, filter, by_account=False))
        else:
            statements, kinds = await _statements(
                session=session, household_id=household_id, filter=filter, today=now.date()
            )
            with path.open("w", encoding="utf-8", newline="\n") as out:
                writer = OfxWriter(out, statements=statements, account_kinds=kinds, file_id=export.id, now=now)
                rows = await _write_rows(session, writer, _rows_query(household_id, filter, by_account=True))
        size = path.stat().st_size
        await store.put_file(export.object_key, path, content_type=CONTENT_TYPES[format.value])
    export.status = ExportStatus.READY.value
    export.row_count = rows
    export.size_bytes = size
    export.error = None
    try:
        await session.flush()
    except Exception:
        await store.delete(export.object_key)
        raise


async def export_transactions(
    *,
    session: AsyncSession,
    store: ObjectStore,
    household_id: uuid.UUID,
    format: ExportFormat,
    filter: ExportFilter,
    created_by: uuid.UUID | None,
    now: dt.datetime,
    retention: dt.timedelta,
) -> Export:
    """Export now: write the file and record the ready export in the caller's transaction (see ``write_export``).
    Call ``check_filter`` first."""
    export = new_export(
        household_id=household_id,
        format=format,
        filter=filter,
        created_by=created_by,
        now=now,
        retention=retention,
        status=ExportStatus.PENDING,
    )
    session.add(export)
    await write_export(session=session, store=store, export=export, now=now)
    return export


async def request_export(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    format: ExportFormat,
    filter: ExportFilter,
    row_count: int,
    created_by: uuid.UUID | None,
    now: dt.datetime,
    retention: dt.timedelta,
) -> Export:
    """Export later: record a pending export and the ``budget.export_requested`` event that has the worker write it
    (``complete_export``), in the caller's transaction."""
    export = new_export(
        household_id=household_id,
        format=format,
        filter=filter,
        created_by=created_by,
        now=now,
        retention=retention,
        status=ExportStatus.PENDING,
        row_count=row_count,
    )
    session.add(export)
    await session.flush()
    await write_event(
        session, outbox, topic=TOPIC_EXPORT_REQUESTED, household_id=household_id, payload={"export_id": export.id}
    )
    return export


async def complete_export(
    *, sessionmaker: async_sessionmaker[AsyncSession], store: ObjectStore, export_id: uuid.UUID, now: dt.datetime
) -> Export | None:
    """Write a pending export's file (the worker's job); a ready, failed or deleted export is left alone, so running
    it twice writes nothing twice. A failure marks the export failed and is raised."""
    try:
        async with sessionmaker() as session, session.begin():
            await session.connection(execution_options=REPEATABLE_READ)
            export = await session.scalar(select(Export).where(Export.id == export_id).with_for_update())
            if export is None or export.status != ExportStatus.PENDING.value:
                return export
            await write_export(session=session, store=store, export=export, now=now)
            return export
    except Exception:
        async with sessionmaker() as session, session.begin():
            await session.execute(
                update(Export)
                .where(Export.id == export_id, Export.status == ExportStatus.PENDING.value)
                .values(status=ExportStatus.FAILED.value, error="the export could not be written; ask for it again")
            )
        raise


async def _write_rows(session: AsyncSession, writer: CsvWriter | OfxWriter, query: Any) -> int:
    count = 0
    connection = await session.connection()
    result = await connection.stream(query.execution_options(yield_per=ROWS_PER_FETCH))
    async for partition in result.partitions():
        for values in partition:
            writer.write(_row(values))
            count += 1
    writer.close()
    return count
