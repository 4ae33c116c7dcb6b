from __future__ import annotations

import datetime as dt

import strawberry

from fincloud.db import utcnow
from fincloud.graphql import NotFoundError, UserError, ValidationError, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.files.exports import (
    REPEATABLE_READ,
    ExportFilter,
    ExportFormat,
    ExportInputError,
    check_filter,
    count_rows,
    export_transactions,
    request_export,
)
from subgraphs.budget.files.types import Export
from subgraphs.budget.files.types import ExportFormat as ExportFormatEnum
from subgraphs.budget.files.types import TransactionStatus as TransactionStatusEnum
from subgraphs.budget.services.ledger import TransactionStatus


@strawberry.input(description="Which transactions to export, and how. Every filter given must hold.")
class TransactionsExportInput:
    format: ExportFormatEnum = strawberry.field(description="CSV or OFX.")
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household; defaults to the viewer's first household."
    )
    account_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these accounts (at most 500); all accounts when absent."
    )
    date_from: dt.date | None = strawberry.field(default=None, description="Only transactions on or after this date.")
    date_to: dt.date | None = strawberry.field(default=None, description="Only transactions on or before this date.")
    category_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only transactions in any of these categories, directly or through a split part (at most 500).",
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Only transactions with any of these tags (at most 500)."
    )
    statuses: list[TransactionStatusEnum] | None = strawberry.field(
        default=None, description="Only transactions with one of these statuses."
    )
    split_rows: bool = strawberry.field(
        default=False,
        description="CSV only: a row per split part (its amount and category) instead of a row per transaction "
        "with the parts listed in the `Split` column. For spreadsheets; such a file does not re-import as the "
        "same transactions.",
    )


@strawberry.type(description="The outcome of `transactionsExport`.")
class TransactionsExportPayload:
    export: Export | None = strawberry.field(default=None, description="The export, with its download link.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


def _ids(values: list[strawberry.ID] | None, field: str) -> list[object]:
    parsed = [parse_id(v) for v in values or []]
    if any(p is None for p in parsed):
        raise ExportInputError(
            f"no such {'account' if field == 'accountIds' else 'category'}", field=field, not_found=True
        )
    return list(dict.fromkeys(parsed))


async def transactions_export(
    info: strawberry.Info[Context, None], input: TransactionsExportInput
) -> TransactionsExportPayload:
    """Write the household's transactions matching the filters to object storage as CSV or OFX and answer with a
    short-lived download link; a large export is written by the worker and answered PENDING (ask `export(id)`
    again). Viewers may export too."""
    viewer = info.context.viewer
    if input.household_id is not None:
        household_id = parse_id(input.household_id)
    else:
        household_id = viewer.household_ids[0] if viewer.household_ids else None
    if household_id is None or not viewer.can_read(household_id):
        return TransactionsExportPayload(errors=[NotFoundError(field="householdId", message="no such household")])
    session = info.context.session
    try:
        filter = ExportFilter(
            account_ids=_ids(input.account_ids, "accountIds"),  # type: ignore[arg-type]
            date_from=input.date_from,
            date_to=input.date_to,
            category_ids=_ids(input.category_ids, "categoryIds"),  # type: ignore[arg-type]
            tags=list(dict.fromkeys(t.strip().lstrip("#").strip() for t in input.tags or [] if t.strip())),
            statuses=[TransactionStatus[s.name] for s in input.statuses or []],
            split_rows=input.split_rows,
        )
        if filter.split_rows and input.format is ExportFormatEnum.OFX:
            raise ExportInputError("rows per split part exist in CSV only", field="splitRows")
        async with session.begin():
            await session.connection(execution_options=REPEATABLE_READ)
            await check_filter(session=session, household_id=household_id, filter=filter)
            settings = info.context.runtime.settings
            format = ExportFormat[input.format.name]
            retention = dt.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
            matching = await count_rows(session=session, household_id=household_id, filter=filter)
            if matching > settings.EXPORT_INLINE_MAX_ROWS:
                row = await request_export(
                    session=session,
                    household_id=household_id,
                    format=format,
                    filter=filter,
                    row_count=matching,
                    created_by=viewer.user_id,
                    now=utcnow(),
                    retention=retention,
                )
            else:
                row = await export_transactions(
                    session=session,
                    store=info.context.runtime.store,
                    household_id=household_id,
                    format=format,
                    filter=filter,
                    created_by=viewer.user_id,
                    now=utcnow(),
                    retention=retention,
                )
    except ExportInputError as exc:
        error_type = NotFoundError if exc.not_found else ValidationError
        return TransactionsExportPayload(errors=[error_type(field=exc.field, message=str(exc))])
    return TransactionsExportPayload(export=Export.of(row, info.context.runtime))
