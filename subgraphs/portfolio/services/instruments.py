"""Instruments: listed ones shared by every household, and a household's own. Keyword-only async functions; no
GraphQL here. Callers own the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum import isin as stdnum_isin
from stdnum.exceptions import ValidationError as StdnumError

from fincloud.money import MoneyError, normalize_currency
from subgraphs.portfolio.models import Instrument

__all__ = [
    "ASSET_CLASSES",
    "InstrumentInputError",
    "InstrumentSpec",
    "create_instrument",
    "find_instruments",
    "visible",
]

ASSET_CLASSES = ("equity", "bond", "fund", "crypto", "cash", "commodity", "real_estate")


class InstrumentInputError(ValueError):
    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class InstrumentSpec:
    symbol: str
    name: str
    currency: str
    asset_class: str
    exchange: str = ""
    isin: str | None = None
    region: str = ""
    sector: str = ""
    codes: Mapping[str, str] | None = None
    sources: Sequence[str] | None = None


def visible(household_ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    """The filter for instruments a viewer may see: every listed one and their households' own."""
    return or_(Instrument.household_id.is_(None), Instrument.household_id.in_(household_ids))


def clean(spec: InstrumentSpec) -> InstrumentSpec:
    """The spec with its fields trimmed and checked; ``InstrumentInputError`` names the first bad field."""
    symbol = spec.symbol.strip().upper()
    if not 0 < len(symbol) <= 40:
        raise InstrumentInputError("enter a symbol of 1 to 40 characters", field="symbol")
    name = spec.name.strip() or symbol
    if len(name) > 200:
        raise InstrumentInputError("the name is longer than 200 characters", field="name")
    try:
        currency = normalize_currency(spec.currency)
    except MoneyError as exc:
        raise InstrumentInputError(str(exc), field="currency") from None
    if spec.asset_class not in ASSET_CLASSES:
        raise InstrumentInputError(f"the asset class is one of {', '.join(ASSET_CLASSES)}", field="assetClass")
    isin = None
    if spec.isin:
        try:
            isin = stdnum_isin.validate(spec.isin)
        except StdnumError:
            raise InstrumentInputError(
                f"{spec.isin!r} is not a valid ISIN (check the check digit)", field="isin"
            ) from None
    exchange = spec.exchange.strip().upper()
    if len(exchange) > 20:
        raise InstrumentInputError("the exchange code is longer than 20 characters", field="exchange")
    for label, text in (("region", spec.region), ("sector", spec.sector)):
        if len(text.strip()) > 60:
            raise InstrumentInputError(f"the {label} is longer than 60 characters", field=label)
    codes = {str(k).strip(): str(v).strip() for k, v in (spec.codes or {}).items() if str(v).strip()}
    if any(not k or len(k) > 40 or len(v) > 60 for k, v in codes.items()):
        raise InstrumentInputError(
            "each source code needs a source name and a symbol of up to 60 characters", field="codes"
        )
    sources = [s.strip() for s in spec.sources] if spec.sources is not None else None
    if sources is not None and (len(set(sources)) != len(sources) or any(not s or len(s) > 40 for s in sources)):
        raise InstrumentInputError("list each price source once, by name", field="sources")
    return InstrumentSpec(
        symbol=symbol,
        name=name,
        currency=currency,
        asset_class=spec.asset_class,
        exchange=exchange,
        isin=isin,
        region=spec.region.strip(),
        sector=spec.sector.strip(),
        codes=codes,
        sources=sources,
    )


async def create_instrument(
    *, session: AsyncSession, spec: InstrumentSpec, household_id: uuid.UUID | None
) -> tuple[Instrument, bool]:
    """A listed instrument (``household_id`` None) by symbol and exchange, added if new: listed instruments are
    shared, so an existing one is returned unchanged. A household's own instrument is always new; a symbol it
    already uses raises ``InstrumentInputError``. Returns the instrument and whether it was created."""
    spec = clean(spec)
    values = {
        "household_id": household_id,
        "symbol": spec.symbol,
        "exchange": spec.exchange,
        "isin": spec.isin,
        "name": spec.name,
        "currency": spec.currency,
        "asset_class": spec.asset_class,
        "region": spec.region,
        "sector": spec.sector,
        "codes": dict(spec.codes or {}),
        "sources": list(spec.sources) if spec.sources is not None else None,
        "id": uuid.uuid4(),
    }
    if household_id is None:
        statement = (
            insert(Instrument)
            .values(**values)
            .on_conflict_do_nothing(
                index_elements=[Instrument.symbol, Instrument.exchange], index_where=Instrument.household_id.is_(None)
            )
            .returning(Instrument.id)
        )
    else:
        statement = (
            insert(Instrument)
            .values(**values)
            .on_conflict_do_nothing(
                index_elements=[Instrument.household_id, Instrument.symbol],
                index_where=Instrument.household_id.is_not(None),
            )
            .returning(Instrument.id)
        )
    new_id = await session.scalar(statement)
    if new_id is None and household_id is not None:
        raise InstrumentInputError(f"this household already has an instrument {spec.symbol}", field="symbol")
    if new_id is None:
        existing = await session.scalar(
            select(Instrument).where(
                Instrument.household_id.is_(None),
                Instrument.symbol == spec.symbol,
                Instrument.exchange == spec.exchange,
            )
        )
        assert existing is not None
        return existing, False
    row = await session.get(Instrument, new_id)
    assert row is not None
    return row, True


async def find_instruments(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Instrument]:
    """The instruments among ``ids`` that the households may use (listed, or their own)."""
    if not ids:
        return {}
    rows = await session.scalars(select(Instrument).where(Instrument.id.in_(ids), visible(household_ids)))
    return {row.id: row for row in rows}
