"""GraphQL types of exchange rates and currencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry

from fincloud.money import CurrencyInfo
from subgraphs.budget.fx.models import FxRate as FxRateRow
from subgraphs.budget.fx.service import Derivation, MissingRate, RateRecord, RateUsed

__all__ = ["Currency", "FxDerivation", "FxRate", "FxRateMissing", "FxRateRecord", "FxRateResult"]


def _id(value: object | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.federation.type(shareable=True, description="A currency of ISO 4217.")
class Currency:
    code: str = strawberry.field(description="Alphabetic code, such as EUR.")
    name: str = strawberry.field(description='The standard\'s English name, such as "Euro" or "Yen".')
    numeric_code: str = strawberry.field(description='Three-digit numeric code, such as "978".')
    minor_units: int | None = strawberry.field(
        description="Decimal places of the minor unit (EUR 2, JPY 0, BHD 3); null where ISO 4217 defines none "
        "(gold, SDR), in which case amounts may carry up to 8 places."
    )

    @classmethod
    def of(cls, info: CurrencyInfo) -> Currency:
        return cls(code=info.code, name=info.name, numeric_code=info.numeric, minor_units=info.minor_units)


@strawberry.enum(description="How a rate was obtained from the stored rates.")
class FxDerivation(Enum):
    IDENTITY = strawberry.enum_value(Derivation.IDENTITY.value, description="Same currency: exactly 1.")
    DIRECT = strawberry.enum_value(Derivation.DIRECT.value, description="A stored base→quote rate, as stored.")
    INVERSE = strawberry.enum_value(Derivation.INVERSE.value, description="1 / a stored quote→base rate.")
    CROSS = strawberry.enum_value(
        Derivation.CROSS.value, description="Through EUR: base→EUR times EUR→quote, each leg direct or inverse."
    )


@strawberry.type(description="One stored exchange rate: published by a source, or a household's manual override.")
class FxRateRecord:
    id: strawberry.ID = strawberry.field(description="Id of the stored rate.")
    household_id: strawberry.ID | None = strawberry.field(
        description="The household whose override this is; null for a published rate."
    )
    base: str = strawberry.field(description="ISO 4217 code of the currency converted from.")
    quote: str = strawberry.field(description="ISO 4217 code of the currency converted to.")
    date: dt.date = strawberry.field(description="The calendar date the rate is for.")
    rate: Decimal = strawberry.field(description="Units of `quote` for one `base`.")
    source: str = strawberry.field(description="Who published it (`ecb`, `frankfurter`), or `manual` for an override.")
    fetched_at: dt.datetime = strawberry.field(description="When it was fetched, or the override set (UTC).")
    is_override: bool = strawberry.field(description="Whether it is a household's manual override.")

    @classmethod
    def of(cls, record: RateRecord) -> FxRateRecord:
        return cls(
            id=strawberry.ID(str(record.id)),
            household_id=_id(record.household_id),
            base=record.base,
            quote=record.quote,
            date=record.date,
            rate=record.rate,
            source=record.source,
            fetched_at=record.fetched_at,
            is_override=record.is_override,
        )

    @classmethod
    def from_row(cls, row: FxRateRow) -> FxRateRecord:
        return cls.of(RateRecord.of(row))


@strawberry.type(description="The rate that converts `base` into `quote` on a date, and where it came from.")
class FxRate:
    base: str = strawberry.field(description="ISO 4217 code of the currency converted from.")
    quote: str = strawberry.field(description="ISO 4217 code of the currency converted to.")
    date: dt.date = strawberry.field(description="The date asked for.")
    rate: Decimal = strawberry.field(
        description="Units of `quote` for one `base`. Derived rates are exact ratios of the stored ones, rounded "
        "once to 28 significant digits (half to even)."
    )
    derivation: FxDerivation = strawberry.field(description="Direct, inverse, or a cross rate through EUR.")
    via: str | None = strawberry.field(description="The currency a cross rate goes through (EUR); null otherwise.")
    rate_date: dt.date = strawberry.field(
        description="The date of the rate actually used (a weekend or holiday uses an earlier day's; the older "
        "leg's for a cross rate)."
    )
    source: str = strawberry.field(
        description="Who published the rate used (`ecb`, `frankfurter`, `manual`); joined with `+` when the legs "
        "of a cross rate differ."
    )
    fetched_at: dt.datetime | None = strawberry.field(
        description="When the (older) stored rate was fetched or set (UTC); null for the identity."
    )
    is_override: bool = strawberry.field(description="Whether a household's manual override was used.")
    household_id: strawberry.ID | None = strawberry.field(
        description="The household whose overrides were considered; null when only published rates were."
    )
    legs: list[FxRateRecord] = strawberry.field(
        description="The stored rates used: one for a direct or inverse rate, two for a cross rate (base side "
        "first), none for the identity."
    )

    @classmethod
    def of(cls, used: RateUsed, *, household_id: object | None) -> FxRate:
        return cls(
            base=used.base,
            quote=used.quote,
            date=used.on,
            rate=used.rate,
            derivation=FxDerivation(used.derivation.value),
            via=used.via,
            rate_date=used.rate_date,
            source=used.source,
            fetched_at=used.fetched_at,
            is_override=used.is_override,
            household_id=_id(household_id),
            legs=[FxRateRecord.of(leg) for leg in used.legs],
        )


@strawberry.type(
    description="No rate for the pair on the date nor in the look-back window before it. Reported, never guessed."
)
class FxRateMissing:
    base: str = strawberry.field(description="ISO 4217 code of the currency converted from.")
    quote: str = strawberry.field(description="ISO 4217 code of the currency converted to.")
    date: dt.date = strawberry.field(description="The date asked for.")
    look_back_days: int = strawberry.field(description="How many days before `date` were searched too.")
    message: str = strawberry.field(description="What is missing, in words fit for the user.")
    household_id: strawberry.ID | None = strawberry.field(
        description="The household whose overrides were considered; null when only published rates were."
    )

    @classmethod
    def of(cls, missing: MissingRate, *, household_id: object | None) -> FxRateMissing:
        return cls(
            base=missing.base,
            quote=missing.quote,
            date=missing.on,
            look_back_days=missing.lookback_days,
            message=missing.message,
            household_id=_id(household_id),
        )


FxRateResult = Annotated[
    FxRate | FxRateMissing,
    strawberry.union("FxRateResult", description="A rate with its provenance, or the report that there is none."),
]
