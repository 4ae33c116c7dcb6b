from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.file_uploads import Upload

from fincloud.db import utcnow
from fincloud.graphql import UserError, ValidationError
from fincloud.uploads import UploadTooLargeError, read_upload
from subgraphs.budget.importers._dates import canonical_date_format
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.models import Instrument as InstrumentRow
from subgraphs.portfolio.mutations.price_set import after_storing, latest_allowed_date, own_instrument, price_problem
from subgraphs.portfolio.prices.csv_history import PricePoint, RowError, parse_price_csv
from subgraphs.portfolio.services.prices import UPLOAD, StoredQuote, store_prices

__all__ = [
    "MAX_ROW_ERRORS",
    "PriceHistoryUploadInput",
    "PriceHistoryUploadPayload",
    "PriceRowError",
    "price_history_upload",
]

MAX_ROW_ERRORS = 100
"""Row errors returned at most (the first ones, by line); ``rowErrorCount`` says how many there were."""


@strawberry.type(description="A line of an uploaded price history that cannot be read; nothing was stored.")
class PriceRowError(UserError):
    field: str = strawberry.field(description="Always `file`.")
    line: int = strawberry.field(description="The line of the file (1-based; the header's for a whole column).")


@strawberry.input(description="A price history file for one of the household's own instruments.")
class PriceHistoryUploadInput:
    instrument_id: strawberry.ID = strawberry.field(
        description="The instrument: a household's own (a listed one is priced by the price sources)."
    )
    file: Upload = strawberry.field(
        description="A CSV with a date column and a close (or price) column, such as a Yahoo Finance download or a"
        " bank's export, sent as a GraphQL multipart request."
    )
    date_format: str | None = strawberry.field(
        default=None,
        description="How dates are written (`DD/MM/YYYY`, `MM/DD/YYYY`, `ISO`...), when the file alone leaves it"
        " ambiguous; detected otherwise.",
    )
    dry_run: bool = strawberry.field(default=False, description="Read and check the file, store nothing.")


@strawberry.type(description="The outcome of `priceHistoryUpload`.")
class PriceHistoryUploadPayload:
    stored: int = strawberry.field(
        default=0, description="Prices stored (with `dryRun`: that would be), one per date, source `upload`."
    )
    first_date: dt.date | None = strawberry.field(default=None, description="The oldest date in the file.")
    last_date: dt.date | None = strawberry.field(default=None, description="The newest date in the file.")
    dry_run: bool = strawberry.field(default=False, description="True when nothing was stored on purpose.")
    row_error_count: int = strawberry.field(default=0, description="How many lines could not be read.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Empty on success. A `PriceRowError` per line at fault (the first 100): if any line is at fault,"
        " nothing is stored.",
    )


def _currency_errors(points: list[PricePoint], instrument: InstrumentRow, now: dt.datetime) -> list[RowError]:
    """Rows the file reads but the instrument cannot take: another currency, a price out of range, a future date."""
    errors: list[RowError] = []
    latest = latest_allowed_date(now)
    for point in points:
        if point.currency != instrument.currency:
            errors.append(
                RowError(
                    point.line,
                    f"the price is in {point.currency}, but the instrument is priced in {instrument.currency}",
                )
            )
        elif (problem := price_problem(point.price)) is not None:
            errors.append(RowError(point.line, problem))
        elif point.date > latest:
            errors.append(RowError(point.line, f"{point.date.isoformat()} is in the future"))
    return errors


def _as_of(day: dt.date, now: dt.datetime) -> dt.datetime:
    """An uploaded close was set by the end of its day (UTC), or now for today's."""
    return min(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC), now)


async def price_history_upload(
    info: strawberry.Info[Context, None], input: PriceHistoryUploadInput
) -> PriceHistoryUploadPayload:
    """Read a price-history CSV and store every price in it as ``upload``, replacing any other price of the same
    days (no fetched price replaces them later); all or nothing."""
    now = utcnow()
    date_format = (input.date_format or "").strip() or None
    if date_format is not None:
        try:
            date_format = canonical_date_format(date_format)
        except ValueError as exc:
            return PriceHistoryUploadPayload(errors=[ValidationError(field="dateFormat", message=str(exc))])
    session = info.context.session
    async with session.begin():
        instrument, refused = await own_instrument(info, input.instrument_id)
    if instrument is None:
        assert refused is not None
        return PriceHistoryUploadPayload(errors=[refused])
    if not callable(getattr(input.file, "read", None)):
        return PriceHistoryUploadPayload(
            errors=[ValidationError(field="file", message="send the prices as a file (a multipart request)")]
        )
    try:
        upload = await read_upload(input.file, max_bytes=info.context.runtime.settings.UPLOAD_MAX_BYTES)
    except UploadTooLargeError as exc:
        return PriceHistoryUploadPayload(errors=[ValidationError(field="file", message=str(exc))])

    points, row_errors = parse_price_csv(upload.data, default_currency=instrument.currency, date_format=date_format)
    row_errors = sorted([*row_errors, *_currency_errors(points, instrument, now)], key=lambda e: e.line)
    if row_errors:
        return PriceHistoryUploadPayload(
            dry_run=input.dry_run,
            row_error_count=len(row_errors),
            errors=[PriceRowError(field="file", line=e.line, message=str(e)) for e in row_errors[:MAX_ROW_ERRORS]],
        )
    payload = PriceHistoryUploadPayload(
        stored=len(points),
        first_date=points[0].date if points else None,
        last_date=points[-1].date if points else None,
        dry_run=input.dry_run,
    )
    if input.dry_run or not points:
        return payload
    async with session.begin():
        await store_prices(
            session=session,
            quotes=[
                StoredQuote(instrument.id, p.date, p.price.normalize(), p.currency, UPLOAD, _as_of(p.date, now))
                for p in points
            ],
            user=True,
        )
        await after_storing(info, instrument)
    return payload
