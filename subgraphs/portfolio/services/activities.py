"""Investment transactions (activities) of a portfolio. Keyword-only async functions; no GraphQL here. Callers own
the transaction.

Every write replays the portfolio's whole history with the change in place before anything is stored, so a sale of
more units than were held on its date, or a deletion that would leave a later sale uncovered, is refused and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import MoneyError, normalize_currency
from subgraphs.portfolio.activities import QUANTITY_PLACES, TRADES, Activity, Kind
from subgraphs.portfolio.holdings import CostMethod, HoldingsError, replay
from subgraphs.portfolio.models import Activity as ActivityRow
from subgraphs.portfolio.models import Instrument, Portfolio
from subgraphs.portfolio.services.instruments import visible

__all__ = [
    "ActivityInputError",
    "NewActivity",
    "add_activities",
    "cost_method",
    "delete_activity",
    "load_activities",
    "read_activities",
    "to_activity",
]

_MAX = Decimal("1e17")
_PRICE_PLACES = 10
_ALLOWED_FIELDS: dict[Kind, frozenset[str]] = {
    Kind.BUY: frozenset({"instrument", "quantity", "price", "fee", "tax"}),
    Kind.SELL: frozenset({"instrument", "quantity", "price", "fee", "tax"}),
    Kind.TRANSFER_IN: frozenset({"instrument", "quantity", "price"}),
    Kind.TRANSFER_OUT: frozenset({"instrument", "quantity", "price"}),
    Kind.DIVIDEND: frozenset({"instrument", "amount", "tax"}),
    Kind.DIVIDEND_REINVEST: frozenset({"instrument", "quantity", "price", "amount", "tax"}),
    Kind.INTEREST: frozenset({"instrument", "amount", "tax"}),
    Kind.FEE: frozenset({"instrument", "amount"}),
    Kind.TAX: frozenset({"instrument", "amount"}),
    Kind.SPLIT: frozenset({"instrument", "split"}),
    Kind.DEPOSIT: frozenset({"amount"}),
    Kind.WITHDRAWAL: frozenset({"amount"}),
}


class ActivityInputError(ValueError):
    """An activity that cannot be recorded; ``field`` names the input at fault, ``index`` the activity in a
    batch."""

    def __init__(self, message: str, *, field: str, index: int = 0) -> None:
        super().__init__(message)
        self.field = field
        self.index = index


@dataclass(frozen=True, slots=True)
class NewActivity:
    """An activity as a caller describes it; ``instrument_id`` refers to an instrument the household may use."""

    kind: Kind
    date: dt.date
    currency: str | None = None
    """Defaults to the instrument's currency, else the portfolio's base currency."""
    instrument_id: uuid.UUID | None = None
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    fx_rate: Decimal | None = None
    split_from: Decimal = Decimal(0)
    split_to: Decimal = Decimal(0)
    memo: str = ""
    fingerprint: str | None = None


def _any_rate(source: str, target: str, date: dt.date) -> Decimal:
    """Whether a history holds (units never sold short) does not depend on exchange rates: any rate will do."""
    return Decimal(1)


def cost_method(portfolio: Portfolio) -> CostMethod:
    return CostMethod.AVERAGE if portfolio.cost_method == "average" else CostMethod.FIFO


def to_activity(row: ActivityRow) -> Activity:
    return Activity(
        kind=Kind(row.kind),
        date=row.date,
        currency=row.currency,
        instrument=str(row.instrument_id) if row.instrument_id else None,
        quantity=row.quantity,
        price=row.price,
        amount=row.amount,
        fee=row.fee,
        tax=row.tax,
        fx_rate=row.fx_rate,
        split_from=row.split_from,
        split_to=row.split_to,
        memo=row.memo,
        external_id=row.fingerprint,
    )


_COLUMNS = (
    ActivityRow.kind,
    ActivityRow.date,
    ActivityRow.currency,
    ActivityRow.instrument_id,
    ActivityRow.quantity,
    ActivityRow.price,
    ActivityRow.amount,
    ActivityRow.fee,
    ActivityRow.tax,
    ActivityRow.fx_rate,
    ActivityRow.split_from,
    ActivityRow.split_to,
    ActivityRow.memo,
    ActivityRow.fingerprint,
)


async def read_activities(*, session: AsyncSession, portfolio_id: uuid.UUID, until: dt.date) -> list[Activity]:
    """The portfolio's activities up to ``until`` as plain records, in date and entry order: what the figures are
    computed from, read without building ORM objects (5,000 rows in a few milliseconds)."""
    connection = await session.connection()  # Core, not the ORM: plain rows, no ORM result processing
    rows = await connection.execute(
        select(*_COLUMNS)
        .where(ActivityRow.portfolio_id == portfolio_id, ActivityRow.date <= until)
        .order_by(ActivityRow.date, ActivityRow.seq)
    )
    return [
        Activity(
            kind=Kind(kind),
            date=date,
            currency=currency,
            instrument=str(instrument_id) if instrument_id else None,
            quantity=quantity,
            price=price,
            amount=amount,
            fee=fee,
            tax=tax,
            fx_rate=fx_rate,
            split_from=split_from,
            split_to=split_to,
            memo=memo,
            external_id=fingerprint,
        )
        for (kind, date, currency, instrument_id, quantity, price, amount, fee, tax, fx_rate, split_from, split_to,
             memo, fingerprint) in rows
    ]  # fmt: skip


async def load_activities(*, session: AsyncSession, portfolio_id: uuid.UUID) -> list[ActivityRow]:
    """The portfolio's activities in date order, same-day ones in the order they were entered."""
    rows = await session.scalars(
        select(ActivityRow).where(ActivityRow.portfolio_id == portfolio_id).order_by(ActivityRow.date, ActivityRow.seq)
    )
    return list(rows)


def _check_number(
    value: Decimal, *, field: str, index: int, places: int = _PRICE_PLACES, positive: bool = False
) -> None:
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise ActivityInputError(
            f"{field} must be {'greater than zero' if positive else 'zero or more'}", field=field, index=index
        )
    if abs(value) >= _MAX:
        raise ActivityInputError(f"{field} is too large", field=field, index=index)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ActivityInputError(f"{field} has more than {places} decimal places", field=field, index=index)


def _check(new: NewActivity, index: int, instrument: Instrument | None, base_currency: str) -> NewActivity:
    """The activity with its currency filled in, or ``ActivityInputError``."""
    allowed = _ALLOWED_FIELDS[new.kind]
    if new.date > dt.date.today() + dt.timedelta(days=1):
        raise ActivityInputError("the date is in the future", field="date", index=index)
    if new.date < dt.date(1900, 1, 1):
        raise ActivityInputError("the date is before 1900", field="date", index=index)
    needs_instrument = TRADES | {Kind.SPLIT, Kind.DIVIDEND, Kind.DIVIDEND_REINVEST}
    if new.kind in needs_instrument and new.instrument_id is None:
        raise ActivityInputError(f"a {new.kind.value} needs an instrument", field="instrumentId", index=index)
    if new.instrument_id is not None and "instrument" not in allowed:
        raise ActivityInputError(f"a {new.kind.value} has no instrument", field="instrumentId", index=index)
    if new.instrument_id is not None and instrument is None:
        raise ActivityInputError("no such instrument", field="instrumentId", index=index)
    for name in ("quantity", "price", "amount", "fee", "tax", "split_from", "split_to"):
        value: Decimal = getattr(new, name)
        field = {"split_from": "splitFrom", "split_to": "splitTo"}.get(name, name)
        group = "split" if name.startswith("split") else name
        if value and group not in allowed:
            raise ActivityInputError(f"a {new.kind.value} has no {field}", field=field, index=index)
        places = 10 if name in ("quantity", "split_from", "split_to") else _PRICE_PLACES
        _check_number(value, field=field, index=index, places=places)
    if new.kind in TRADES and new.quantity <= 0:
        raise ActivityInputError("the quantity must be greater than zero", field="quantity", index=index)
    if new.kind in (Kind.BUY, Kind.SELL, Kind.DIVIDEND_REINVEST) and new.price <= 0:
        raise ActivityInputError("the price must be greater than zero", field="price", index=index)
    if (
        new.kind in (Kind.DEPOSIT, Kind.WITHDRAWAL, Kind.DIVIDEND, Kind.INTEREST, Kind.FEE, Kind.TAX)
        and new.amount <= 0
    ):
        raise ActivityInputError("the amount must be greater than zero", field="amount", index=index)
    if new.kind is Kind.SPLIT:
        if new.split_from <= 0:
            raise ActivityInputError("the split ratio cannot have 0 old units", field="splitFrom", index=index)
        if new.split_to <= 0:
            raise ActivityInputError("the split ratio cannot have 0 new units", field="splitTo", index=index)
        if new.split_from == new.split_to:
            raise ActivityInputError("a 1:1 split changes nothing", field="splitTo", index=index)
    if new.fx_rate is not None:
        _check_number(new.fx_rate, field="fxRate", index=index, places=12, positive=True)
    if len(new.memo) > 500:
        raise ActivityInputError("the memo is longer than 500 characters", field="memo", index=index)
    currency = new.currency or (instrument.currency if instrument else base_currency)
    try:
        currency = normalize_currency(currency)
    except MoneyError as exc:
        raise ActivityInputError(str(exc), field="currency", index=index) from None
    if instrument is not None and new.kind in TRADES | {Kind.SPLIT} and currency != instrument.currency:
        raise ActivityInputError(
            f"{instrument.symbol} trades in {instrument.currency}; enter the price in {instrument.currency}"
            " and the exchange rate in fxRate",
            field="currency",
            index=index,
        )
    if currency == base_currency and new.fx_rate not in (None, Decimal(1)):
        raise ActivityInputError("an activity in the base currency has no exchange rate", field="fxRate", index=index)
    return replace(
        new, currency=currency, quantity=new.quantity.quantize(QUANTITY_PLACES) if new.quantity else new.quantity
    )


async def add_activities(
    *,
    session: AsyncSession,
    portfolio: Portfolio,
    activities: Sequence[NewActivity],
    import_id: uuid.UUID | None = None,
) -> list[ActivityRow]:
    """Record ``activities`` in ``portfolio`` (all or none). An activity whose ``fingerprint`` the portfolio
    already holds is left out (a re-imported row). Raises ``ActivityInputError`` for the first that cannot be
    recorded."""
    ids = {a.instrument_id for a in activities if a.instrument_id is not None}
    instruments = {}
    if ids:
        found = await session.scalars(
            select(Instrument).where(Instrument.id.in_(ids), visible([portfolio.household_id]))
        )
        instruments = {row.id: row for row in found}
    checked = [
        _check(a, i, instruments.get(a.instrument_id) if a.instrument_id else None, portfolio.base_currency)
        for i, a in enumerate(activities)
    ]
    # Lock the portfolio so two writers cannot each pass the replay with the other's sale unseen.
    await session.execute(select(Portfolio.id).where(Portfolio.id == portfolio.id).with_for_update())
    existing = await load_activities(session=session, portfolio_id=portfolio.id)
    known = {row.fingerprint for row in existing if row.fingerprint}
    added: list[tuple[int, ActivityRow]] = []
    seen: set[str] = set()
    for index, new in enumerate(checked):
        if new.fingerprint and (new.fingerprint in known or new.fingerprint in seen):
            continue
        if new.fingerprint:
            seen.add(new.fingerprint)
        added.append(
            (
                index,
                ActivityRow(
                    id=uuid.uuid4(),
                    household_id=portfolio.household_id,
                    portfolio_id=portfolio.id,
                    kind=new.kind.value,
                    date=new.date,
                    instrument_id=new.instrument_id,
                    currency=new.currency,
                    quantity=new.quantity,
                    price=new.price,
                    amount=new.amount,
                    fee=new.fee,
                    tax=new.tax,
                    fx_rate=new.fx_rate,
                    split_from=new.split_from,
                    split_to=new.split_to,
                    memo=new.memo,
                    fingerprint=new.fingerprint,
                    import_id=import_id,
                ),
            )
        )
    if not added:
        return []
    # Replay in date order, as the portfolio will be read: new rows after existing ones of the same day.
    merged = sorted(
        [*existing, *(row for _, row in added)], key=lambda r: (r.date, r.seq if r.seq is not None else 1 << 62)
    )
    _replay_rows(merged, added, portfolio)
    session.add_all([row for _, row in added])
    await session.flush()
    return [row for _, row in added]


def _replay_rows(merged: Sequence[ActivityRow], added: Sequence[tuple[int, ActivityRow]], portfolio: Portfolio) -> None:
    index_of = {id(row): index for index, row in added}
    try:
        replay(
            [to_activity(row) for row in merged],
            base_currency=portfolio.base_currency,
            method=cost_method(portfolio),
            fx=_any_rate,
        )
    except HoldingsError as exc:
        culprit = merged[exc.index] if 0 <= exc.index < len(merged) else None
        index = index_of.get(id(culprit), 0) if culprit is not None else 0
        raise ActivityInputError(
            str(exc),
            field="quantity" if culprit is not None and culprit.kind in {k.value for k in TRADES} else "kind",
            index=index,
        ) from None


async def delete_activity(*, session: AsyncSession, portfolio: Portfolio, activity_id: uuid.UUID) -> bool:
    """Remove one activity, unless the history without it no longer holds (a later sale would sell units that
    were never bought): then ``ActivityInputError``. Returns whether it existed."""
    await session.execute(select(Portfolio.id).where(Portfolio.id == portfolio.id).with_for_update())
    rows = await load_activities(session=session, portfolio_id=portfolio.id)
    remaining = [row for row in rows if row.id != activity_id]
    if len(remaining) == len(rows):
        return False
    try:
        replay(
            [to_activity(row) for row in remaining],
            base_currency=portfolio.base_currency,
            method=cost_method(portfolio),
            fx=_any_rate,
        )
    except HoldingsError as exc:
        raise ActivityInputError(f"without this activity the history no longer holds: {exc}", field="id") from None
    await session.execute(delete(ActivityRow).where(ActivityRow.id == activity_id))
    return True
