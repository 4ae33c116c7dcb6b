"""Importing a broker's statement into a portfolio: the parsed file (``subgraphs.portfolio.importers``) becomes
instruments and activities. Keyword-only async functions; no GraphQL here. Callers own the transaction.

What ``import_statement`` does, all or nothing:

1. **Rows that could not be read** (``ParsedStatement.errors``) stop the import, unless the caller asks to skip
   them: then they are listed, with their lines, and the rest is imported.
2. **Instruments.** Each security the activities trade is mapped to an instrument the household may use, first
   found wins: the same ISIN, the same CUSIP (kept in ``codes["cusip"]`` by earlier imports), the same symbol
   among listed instruments. Of several candidates the one in the trade's currency is taken, then the household's
   own before a listed one, then one without an exchange, then the oldest. Otherwise a
   **listed** instrument is created from the file (symbol, name, ISIN, currency, ``codes={"cusip": ...}``): a
   broker statement names public securities, and a listed instrument is priced once for everyone. Securities the
   file only lists (its security list, its positions) without an activity are matched but never created, so a
   statement's long security list does not fill the shared table with rows no one holds.
3. **Asset classes.** OFX says equity, fund, bond, option or other; a CSV says fund (from the name) or nothing.
   FinCloud has no option or "other" class, and both become ``equity``, with one warning naming them: an option's
   exposure is its underlying share's, and in a brokerage account an unlabelled security is most often a share.
4. **Activities** keep the file's fingerprints, prefixed with the portfolio's id (``<portfolio id>:<fingerprint>``),
   so two portfolios may import the same file and a file imported twice into one adds nothing the second time
   (``add_activities`` leaves known fingerprints out). Exchange rates are kept only when the statement's currency
   is the portfolio's base currency (they are rates to the statement's currency); otherwise they are looked up
   later. The whole history is replayed with the new activities in place (``add_activities``).
5. **A statement that starts mid-history.** A monthly download often sells units bought before its first day.
   The replay refuses such a sale, and the import fails with the sale's line: import an earlier statement first
   (the whole history, oldest first), or record the units held before the statement's first day as a
   ``TRANSFER_IN`` (``activityCreate``) and import the statement again.
6. **Position check.** Where the file states the broker's positions (OFX ``INVPOSLIST``), the units each position
   holds are compared with the portfolio's after the import, replayed up to the statement's date. Instruments the
   portfolio holds that the statement does not mention are not compared (a portfolio may gather several accounts).

A dry run does all of it in a savepoint and rolls it back: the same counts, errors and checks, nothing written
(instruments it would create have no id).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum import isin as stdnum_isin

from subgraphs.budget.importers.errors import ErrorCode, Issue
from subgraphs.portfolio.activities import TRADES, Kind
from subgraphs.portfolio.holdings import HoldingsError, replay
from subgraphs.portfolio.importers.base import AssetClass, ParsedActivity, ParsedInstrument, ParsedStatement
from subgraphs.portfolio.models import Instrument, Portfolio
from subgraphs.portfolio.services.activities import (
    ActivityInputError,
    NewActivity,
    add_activities,
    cost_method,
    load_activities,
    to_activity,
)
from subgraphs.portfolio.services.instruments import (
    InstrumentInputError,
    InstrumentSpec,
    create_instrument,
    visible,
)

__all__ = [
    "ASSET_CLASS_OF",
    "ImportResult",
    "ImportedInstrument",
    "PositionCheck",
    "StatementImportError",
    "import_statement",
]

ASSET_CLASS_OF: dict[AssetClass, str] = {
    AssetClass.EQUITY: "equity",
    AssetClass.FUND: "fund",
    AssetClass.BOND: "bond",
    AssetClass.OPTION: "equity",
    AssetClass.OTHER: "equity",
}
"""The statement's asset class guess to FinCloud's (``services.instruments.ASSET_CLASSES``)."""

_NO_INSTRUMENT = frozenset({Kind.DEPOSIT, Kind.WITHDRAWAL})
"""Kinds recorded without an instrument, whatever the file names beside them."""


class StatementImportError(ValueError):
    """The statement cannot be imported as asked; nothing was written. ``field`` is the input at fault
    (``file``), ``line`` the statement's line when one row is the cause, ``row_errors`` every row at fault."""

    def __init__(
        self, message: str, *, field: str = "file", line: int | None = None, row_errors: Sequence[Issue] = ()
    ) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.row_errors = tuple(row_errors)


@dataclass(frozen=True, slots=True)
class ImportedInstrument:
    """A security of the statement and the instrument it was recorded as."""

    key: str
    """The statement's key (``ParsedInstrument.key``)."""
    instrument_id: uuid.UUID | None
    """``None`` only in a dry run, for an instrument that would be created."""
    symbol: str
    name: str
    created: bool
    matched_by: str
    """``isin``, ``cusip`` or ``symbol``; empty when created."""


@dataclass(frozen=True, slots=True)
class PositionCheck:
    """Units of one instrument: as the broker states them, and as the portfolio holds them after the import."""

    key: str
    instrument_id: uuid.UUID | None
    """``None`` when the statement's security is not an instrument of the household (nor was created)."""
    symbol: str
    broker_units: Decimal
    portfolio_units: Decimal

    @property
    def matches(self) -> bool:
        return self.broker_units == self.portfolio_units


@dataclass(frozen=True, slots=True)
class ImportResult:
    dry_run: bool
    import_id: uuid.UUID | None
    """What the new activities are tagged with; ``None`` in a dry run or when nothing was new."""
    new: int
    """Activities recorded (or that would be, in a dry run)."""
    duplicates: int
    """Activities the portfolio already held (same fingerprint): a re-imported file or an overlapping one."""
    skipped: int
    """Rows left out because they could not be read or recorded (only with ``skip_invalid_rows``)."""
    row_errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    instruments: tuple[ImportedInstrument, ...]
    positions: tuple[PositionCheck, ...]
    """Empty when the statement states no positions (CSV exports)."""


@dataclass(slots=True)
class _Mapped:
    rows: dict[str, Instrument] = field(default_factory=dict)
    listing: list[ImportedInstrument] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """key -> why its instrument could not be created (its activities are skipped)."""
    guessed: dict[AssetClass, list[str]] = field(default_factory=dict)


async def import_statement(
    *,
    session: AsyncSession,
    portfolio: Portfolio,
    statement: ParsedStatement,
    dry_run: bool,
    skip_invalid_rows: bool,
) -> ImportResult:
    """Record ``statement`` in ``portfolio`` (see the module's docstring). Raises ``StatementImportError`` with
    nothing written when a row cannot be read or recorded (unless ``skip_invalid_rows``: such rows are skipped
    and listed) or when the history with the statement in place does not hold (a sale of units never bought)."""
    if statement.errors and not skip_invalid_rows:
        count = len(statement.errors)
        first = statement.errors[0]
        raise StatementImportError(
            f"{count} row{'s' if count > 1 else ''} of the file could not be read (the first: {first}); nothing was"
            " imported. Correct the file, or import the rest and skip them.",
            line=first.line,
            row_errors=statement.errors,
        )
    if not dry_run:
        return await _import(session, portfolio, statement, dry_run=False, skip_invalid_rows=skip_invalid_rows)
    savepoint = await session.begin_nested()
    try:
        return await _import(session, portfolio, statement, dry_run=True, skip_invalid_rows=skip_invalid_rows)
    finally:
        await savepoint.rollback()


async def _import(
    session: AsyncSession,
    portfolio: Portfolio,
    statement: ParsedStatement,
    *,
    dry_run: bool,
    skip_invalid_rows: bool,
) -> ImportResult:
    row_errors: list[Issue] = list(statement.errors)
    warnings: list[Issue] = list(statement.warnings)
    used = {p.activity.instrument for p in statement.activities if p.activity.instrument is not None}
    mapped = await _map_instruments(session, portfolio, statement, used=used, skip_invalid_rows=skip_invalid_rows)
    for asset_class, guessed in mapped.guessed.items():
        what = "options" if asset_class is AssetClass.OPTION else "securities of no stated asset class"
        warnings.append(
            Issue(
                message=f"{len(guessed)} {what} added as equities (FinCloud has no such asset class): "
                + ", ".join(guessed),
                code="asset_class_guessed",
            )
        )

    keep_rates = statement.cash_currency is None or statement.cash_currency == portfolio.base_currency
    origins: list[ParsedActivity] = []
    news: list[NewActivity] = []
    for parsed in statement.activities:
        activity = parsed.activity
        key = activity.instrument
        if key is not None and key in mapped.failed:
            row_errors.append(_issue(parsed, mapped.failed[key], "instrument"))
            continue
        row = mapped.rows.get(key) if key is not None and activity.kind not in _NO_INSTRUMENT else None
        origins.append(parsed)
        news.append(
            NewActivity(
                kind=activity.kind,
                date=activity.date,
                currency=activity.currency,
                instrument_id=row.id if row is not None else None,
                quantity=activity.quantity,
                price=activity.price,
                amount=activity.amount,
                fee=activity.fee,
                tax=activity.tax,
                fx_rate=activity.fx_rate if keep_rates else None,
                split_from=activity.split_from,
                split_to=activity.split_to,
                memo=activity.memo,
                fingerprint=_fingerprint(portfolio.id, parsed.fingerprint),
            )
        )

    import_id = uuid.uuid4()
    symbols = {row.id: row.symbol for row in mapped.rows.values()}
    while True:
        try:
            added = await add_activities(session=session, portfolio=portfolio, activities=news, import_id=import_id)
            break
        except ActivityInputError as exc:
            if isinstance(exc.__context__, HoldingsError):
                raise _history_error(exc, news, origins, symbols) from None
            if not 0 <= exc.index < len(news):
                raise StatementImportError(str(exc)) from None
            parsed = origins[exc.index]
            issue = _issue(parsed, str(exc), exc.field)
            if not skip_invalid_rows:
                raise StatementImportError(
                    f"line {parsed.line}: {exc}; nothing was imported", line=parsed.line, row_errors=[issue]
                ) from None
            # Leave the row out and try again: nothing was written by the refused attempt.
            row_errors.append(issue)
            del news[exc.index], origins[exc.index]

    positions = await _check_positions(session, portfolio, statement, mapped.rows)
    if dry_run:  # rolled back: what the dry run created has no id to show
        unsaved = {item.instrument_id for item in mapped.listing if item.created}
        mapped.listing = [replace(i, instrument_id=None) if i.created else i for i in mapped.listing]
        positions = [replace(p, instrument_id=None) if p.instrument_id in unsaved else p for p in positions]
    return ImportResult(
        dry_run=dry_run,
        import_id=import_id if added and not dry_run else None,
        new=len(added),
        duplicates=len(news) - len(added),
        skipped=len(row_errors),
        row_errors=tuple(row_errors),
        warnings=tuple(warnings),
        instruments=tuple(mapped.listing),
        positions=tuple(positions),
    )


# --- instruments -------------------------------------------------------------------------------------------------


async def _map_instruments(
    session: AsyncSession,
    portfolio: Portfolio,
    statement: ParsedStatement,
    *,
    used: set[str],
    skip_invalid_rows: bool,
) -> _Mapped:
    securities = {parsed.key: parsed for parsed in statement.instruments}
    for key in sorted(used - set(securities)):  # named by an activity, not described by the file
        securities[key] = ParsedInstrument(key=key)
    wanted = _currencies(statement, securities, portfolio.base_currency)
    isins = {key: isin for key, parsed in securities.items() if (isin := _valid_isin(parsed.isin))}
    cusips = {key: parsed.cusip.strip().upper() for key, parsed in securities.items() if parsed.cusip}
    symbols = {key: _symbol_of(parsed) for key, parsed in securities.items()}
    households = [portfolio.household_id]
    by_isin: dict[str, list[Instrument]] = {}
    by_cusip: dict[str, list[Instrument]] = {}
    by_symbol: dict[str, list[Instrument]] = {}
    if isins:
        found_by_isin = await session.scalars(
            select(Instrument).where(Instrument.isin.in_(set(isins.values())), visible(households))
        )
        by_isin = _grouped(found_by_isin, lambda row: row.isin)
    if cusips:
        found_by_cusip = await session.scalars(
            select(Instrument).where(Instrument.codes["cusip"].astext.in_(set(cusips.values())), visible(households))
        )
        by_cusip = _grouped(found_by_cusip, lambda row: row.codes.get("cusip"))
    if symbols:
        found_by_symbol = await session.scalars(
            select(Instrument).where(Instrument.symbol.in_(set(symbols.values())), Instrument.household_id.is_(None))
        )
        by_symbol = _grouped(found_by_symbol, lambda row: row.symbol)
    mapped = _Mapped()
    for key, parsed in securities.items():
        currency = wanted[key]
        found: Instrument | None = None
        how = ""
        for by, candidates in (
            ("isin", by_isin.get(isins.get(key, ""), [])),
            ("cusip", by_cusip.get(cusips.get(key, ""), [])),
            ("symbol", by_symbol.get(symbols[key], [])),
        ):
            if candidates:
                found, how = min(candidates, key=lambda row: _preference(row, currency)), by
                break
        created = False
        if found is None:
            if key not in used:
                continue
            spec = _spec(parsed, symbols[key], currency)
            try:
                found, created = await create_instrument(session=session, spec=spec, household_id=None)
            except InstrumentInputError as exc:
                message = f"the security {symbols[key]} cannot be added as an instrument: {exc}"
                if not skip_invalid_rows:
                    raise StatementImportError(
                        (f"line {parsed.line}: " if parsed.line else "") + message, line=parsed.line
                    ) from None
                mapped.failed[key] = message
                continue
            how = "" if created else "symbol"  # created meanwhile by another import
            if created and parsed.asset_class in (AssetClass.OPTION, AssetClass.OTHER):
                mapped.guessed.setdefault(parsed.asset_class, []).append(found.symbol)
        mapped.rows[key] = found
        mapped.listing.append(
            ImportedInstrument(
                key=key,
                instrument_id=found.id,
                symbol=found.symbol,
                name=found.name,
                created=created,
                matched_by=how,
            )
        )
    return mapped


def _grouped(rows: Iterable[Instrument], key: Callable[[Instrument], str | None]) -> dict[str, list[Instrument]]:
    grouped: dict[str, list[Instrument]] = {}
    for row in rows:
        value = key(row)
        if value:
            grouped.setdefault(value, []).append(row)
    return grouped


def _preference(row: Instrument, currency: str) -> tuple[bool, bool, bool, dt.datetime, str]:
    """Among several instruments: the one in the trade's currency, the household's own, without an exchange,
    the oldest."""
    return (row.currency != currency, row.household_id is None, row.exchange != "", row.created_at, str(row.id))


def _valid_isin(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip().upper()
    return cleaned if stdnum_isin.is_valid(cleaned) else None


def _symbol_of(parsed: ParsedInstrument) -> str:
    return (parsed.symbol or parsed.key).strip().upper()


def _currencies(statement: ParsedStatement, securities: dict[str, ParsedInstrument], base: str) -> dict[str, str]:
    """Per security: its own currency, else the currency it is traded (or split) in, else that of any activity
    naming it, else the statement's, else the portfolio's base currency."""
    traded: dict[str, str] = {}
    named: dict[str, str] = {}
    for parsed in statement.activities:
        activity = parsed.activity
        if activity.instrument is None:
            continue
        named.setdefault(activity.instrument, activity.currency)
        if activity.kind in TRADES or activity.kind is Kind.SPLIT:
            traded.setdefault(activity.instrument, activity.currency)
    fallback = statement.cash_currency or base
    return {key: parsed.currency or traded.get(key) or named.get(key) or fallback for key, parsed in securities.items()}


def _spec(parsed: ParsedInstrument, symbol: str, currency: str) -> InstrumentSpec:
    return InstrumentSpec(
        symbol=symbol,
        name=(parsed.name or symbol).strip()[:200],
        currency=currency,
        asset_class=ASSET_CLASS_OF[parsed.asset_class],
        isin=_valid_isin(parsed.isin),
        codes={"cusip": parsed.cusip.strip().upper()} if parsed.cusip else None,
    )


# --- activities --------------------------------------------------------------------------------------------------


def _fingerprint(portfolio_id: uuid.UUID, fingerprint: str) -> str:
    return f"{portfolio_id}:{fingerprint}"


def _issue(parsed: ParsedActivity, message: str, field: str | None) -> Issue:
    return Issue(message=message, line=parsed.line, record=parsed.record, field=field, code=ErrorCode.INVALID_ROW)


def _history_error(
    exc: ActivityInputError,
    news: Sequence[NewActivity],
    origins: Sequence[ParsedActivity],
    symbols: dict[uuid.UUID, str],
) -> StatementImportError:
    """The replay's refusal in the statement's terms: the line of the activity at fault and what to do."""
    cause = exc.__context__
    text = cause.message if isinstance(cause, HoldingsError) else str(exc)
    new = news[exc.index] if 0 <= exc.index < len(news) else None
    # ``add_activities`` names the batch's first activity when the one at fault was already in the portfolio (a
    # sale recorded earlier that an imported transfer out leaves uncovered): check the replay's own description of
    # the activity (``holdings._error``) before blaming a line of the statement.
    if new is None or f"({_described(new)} on {new.date.isoformat()})" not in text:
        for instrument_id, symbol in symbols.items():
            text = text.replace(str(instrument_id), symbol)
        return StatementImportError(
            f"with this statement in place, an activity already in the portfolio no longer holds ({text}); nothing"
            " was imported"
        )
    parsed = origins[exc.index]
    symbol = symbols.get(new.instrument_id, "") if new.instrument_id is not None else ""
    detail = text.split("): ", 1)[-1]
    if new.instrument_id is not None:
        detail = detail.replace(str(new.instrument_id), symbol)
    short = _SHORT.fullmatch(detail)
    what = _KIND_WORDS.get(new.kind, new.kind.value.replace("_", " "))
    if short and new.kind in (Kind.SELL, Kind.TRANSFER_OUT):
        message = (
            f"line {parsed.line}: the {what} of {_plain(short['out'])} {symbol} on {new.date.isoformat()} takes out"
            f" more units than the portfolio holds that day ({_plain(short['held'])}). The statement seems to start"
            " in the middle of the account's history: import an earlier statement first, or record the units held"
            " before it as a transfer in (TRANSFER_IN), then import this one again; nothing was imported"
        )
    else:
        subject = f"the {what} of {symbol}" if symbol else f"the {what}"
        message = f"line {parsed.line}: {subject} on {new.date.isoformat()} {detail}; nothing was imported"
    return StatementImportError(message, line=parsed.line, row_errors=[_issue(parsed, message, exc.field)])


_SHORT = re.compile(r"takes out (?P<out>\S+) units but (?P<held>\S+) are held")
_KIND_WORDS = {
    Kind.SELL: "sale",
    Kind.BUY: "purchase",
    Kind.TRANSFER_OUT: "transfer out",
    Kind.TRANSFER_IN: "transfer in",
}


def _described(new: NewActivity) -> str:
    """How ``holdings`` names an activity in its errors: ``sell <instrument id>``, or the kind alone."""
    return f"{new.kind} {new.instrument_id}" if new.instrument_id is not None else str(new.kind)


def _plain(number: str) -> str:
    """``8.0000000000`` -> ``8``: a quantity as a person writes it."""
    try:
        text = format(Decimal(number).normalize(), "f")
    except ArithmeticError:
        return number
    return text if text != "-0" else "0"


# --- positions ---------------------------------------------------------------------------------------------------


def _any_rate(source: str, target: str, date: dt.date) -> Decimal:
    """Units held do not depend on exchange rates."""
    return Decimal(1)


async def _check_positions(
    session: AsyncSession, portfolio: Portfolio, statement: ParsedStatement, rows: dict[str, Instrument]
) -> list[PositionCheck]:
    if not statement.positions:
        return []
    broker = statement.held_units()
    keys = list(broker) + sorted(
        {p.activity.instrument for p in statement.activities if p.activity.instrument is not None} - set(broker)
    )
    history = await load_activities(session=session, portfolio_id=portfolio.id)
    last = max((p.activity.date for p in statement.activities), default=None)
    until = max(d for d in (statement.as_of, last) if d is not None) if (statement.as_of or last) else None
    try:
        book = replay(
            [to_activity(row) for row in history],
            base_currency=portfolio.base_currency,
            method=cost_method(portfolio),
            until=until,
            fx=_any_rate,
        )
    except HoldingsError:  # the history held when it was written; nothing sensible to compare against if not
        return []
    checks = []
    for key in keys:
        row = rows.get(key)
        parsed = statement.instrument(key)
        held = book.holdings.get(str(row.id)) if row is not None else None
        checks.append(
            PositionCheck(
                key=key,
                instrument_id=row.id if row is not None else None,
                symbol=row.symbol if row is not None else (_symbol_of(parsed) if parsed is not None else key),
                broker_units=broker.get(key, Decimal(0)),
                portfolio_units=held.quantity if held is not None else Decimal(0),
            )
        )
    return checks
