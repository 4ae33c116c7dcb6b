"""Exchange rates: storing published ones, a household's overrides, finding the rate for a date, converting.

Conventions (the units every function here speaks):

- A rate is *units of quote for one base*: EUR→USD 1.0939 means 1 EUR = 1.0939 USD, as the ECB publishes.
- The rate for a date is, in this order: the household's override of the pair (or of its inverse) on the newest
  date on or before it within the look-back window; else the newest published rate of the pair (or its inverse);
  else a cross rate through EUR whose two legs are each found the same way (override first). Within one date the
  source listed first in ``FINCLOUD_FX_SOURCES`` wins. The window (``FINCLOUD_FX_LOOKBACK_DAYS``, default 7)
  covers weekends and holidays; beyond it the answer is a ``MissingRate``, never 1.0 and never a guess.
- A derived rate (inverse or cross) is the exact ratio of the stored rates it comes from, rounded once to 28
  significant digits with ROUND_HALF_EVEN; a direct rate is the stored rate itself. Every answer carries the
  stored rows it used (``legs``): source, the date of the rate actually used, when it was fetched, whether it is
  an override.
- A converted amount is ``amount * rate`` computed exactly, then rounded once to the target currency's minor unit
  (JPY 0 places, EUR 2, BHD 3; 8 for codes without one) with ROUND_HALF_EVEN (banker's rounding: halves go to
  the even digit, so rounding errors do not drift one way over many conversions).

Functions take keyword-only arguments and a session; callers own the transaction. Lookups for many transactions
go through ``rates_for`` / ``convert_many``: one SQL query for any number of dates and currencies.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    any_,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.config import Settings
from fincloud.db import utcnow
from fincloud.money import CurrencyMismatchError, Money, MoneyError, normalize_currency
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.models import MANUAL_SOURCE, FxRate

__all__ = [
    "PIVOT",
    "RATE_DIGITS",
    "Conversion",
    "Derivation",
    "FxInputError",
    "FxPolicy",
    "MissingRate",
    "RateKey",
    "RateRecord",
    "RateUsed",
    "apply_rate",
    "convert",
    "convert_many",
    "delete_override",
    "latest_published_date",
    "rate_for",
    "rates_for",
    "rates_query",
    "set_override",
    "store_rates",
    "validate_override",
    "validate_pair",
]

PIVOT = "EUR"
"""The currency cross rates go through: every built-in source publishes EUR-based rates."""

RATE_DIGITS = 28
"""Significant digits of a derived (inverse or cross) rate."""

_DERIVED = Context(prec=RATE_DIGITS, rounding=ROUND_HALF_EVEN)
_EXACT = Context(prec=120)
"""Wide enough that products of stored rates and amounts (28 digits each, at most three factors) are exact."""

_MAX_RATE = Decimal("1e16")
_RATE_PLACES = 12
_UPSERT_CHUNK = 2000


class Derivation(StrEnum):
    """How a rate was obtained from the stored ones."""

    IDENTITY = "identity"
    """Base and quote are the same currency: exactly 1, no stored rate involved."""
    DIRECT = "direct"
    """A stored base→quote rate, as stored."""
    INVERSE = "inverse"
    """1 / a stored quote→base rate."""
    CROSS = "cross"
    """Through ``PIVOT``: (base→EUR) * (EUR→quote), each leg direct or inverse."""


@dataclass(frozen=True, slots=True)
class FxPolicy:
    """How lookups behave: the look-back window and the order of preference of published sources."""

    lookback_days: int = 7
    source_order: tuple[str, ...] = ("ecb", "frankfurter")

    @classmethod
    def from_settings(cls, settings: Settings) -> FxPolicy:
        from subgraphs.budget.fx.registry import configured_source_names

        return cls(lookback_days=settings.FX_LOOKBACK_DAYS, source_order=configured_source_names(settings))


@dataclass(frozen=True, slots=True)
class RateRecord:
    """One stored rate (a row of ``budget.fx_rates``)."""

    id: uuid.UUID
    household_id: uuid.UUID | None
    base: str
    quote: str
    date: dt.date
    rate: Decimal
    source: str
    fetched_at: dt.datetime

    @property
    def is_override(self) -> bool:
        return self.household_id is not None

    @classmethod
    def of(cls, row: Any) -> RateRecord:
        return cls(
            id=row.id,
            household_id=row.household_id,
            base=row.base,
            quote=row.quote,
            date=row.date,
            rate=_clean(row.rate),
            source=row.source,
            fetched_at=row.fetched_at,
        )


@dataclass(frozen=True, slots=True)
class RateUsed:
    """The rate for ``base``→``quote`` on ``on``, and where it came from."""

    base: str
    quote: str
    on: dt.date
    """The date asked for (a transaction's date)."""
    rate: Decimal
    """Units of ``quote`` for one ``base``."""
    derivation: Derivation
    legs: tuple[RateRecord, ...]
    """The stored rates used: one for a direct or inverse rate, two for a cross rate (base side first)."""

    @property
    def rate_date(self) -> dt.date:
        """The date of the rate actually used (the older leg's, for a cross rate); ``on`` for the identity."""
        return min((leg.date for leg in self.legs), default=self.on)

    @property
    def source(self) -> str:
        """The source of the legs (``ecb``, ``manual``), joined with ``+`` when a cross rate mixes two."""
        names = list(dict.fromkeys(leg.source for leg in self.legs))
        return "+".join(names) if names else "identity"

    @property
    def fetched_at(self) -> dt.datetime | None:
        """When the (older) stored rate was fetched or set; ``None`` for the identity."""
        return min((leg.fetched_at for leg in self.legs), default=None)

    @property
    def is_override(self) -> bool:
        """Whether a household's manual override is among the legs."""
        return any(leg.is_override for leg in self.legs)

    @property
    def via(self) -> str | None:
        return PIVOT if self.derivation is Derivation.CROSS else None


@dataclass(frozen=True, slots=True)
class MissingRate:
    """No rate for ``base``→``quote`` on ``on`` nor in the ``lookback_days`` before: reported, never guessed."""

    base: str
    quote: str
    on: dt.date
    lookback_days: int

    @property
    def message(self) -> str:
        earliest = self.on - dt.timedelta(days=self.lookback_days)
        return f"no {self.base}→{self.quote} exchange rate between {earliest} and {self.on}"


@dataclass(frozen=True, slots=True)
class Conversion:
    """``original`` converted: ``amount`` is rounded to the target currency's minor unit (ROUND_HALF_EVEN)."""

    original: Money
    amount: Money
    rate: RateUsed


RateKey = tuple[str, str, dt.date]
"""``(base, quote, date)``."""


class FxInputError(ValueError):
    """Input the caller must change: every ``(field, message)`` at fault, in input order."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = tuple(problems)


def _clean(rate: Decimal) -> Decimal:
    """The stored ``NUMERIC(28,12)`` without its padding zeros: ``1.093900000000`` → ``1.0939``."""
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()


_COLUMNS = (
    FxRate.id,
    FxRate.household_id,
    FxRate.base,
    FxRate.quote,
    FxRate.date,
    FxRate.rate,
    FxRate.source,
    FxRate.fetched_at,
)


def _owners(household_id: uuid.UUID | None) -> ColumnElement[bool]:
    """Published rows, and the household's overrides when there is one."""
    if household_id is None:
        return FxRate.household_id.is_(None)
    return or_(FxRate.household_id.is_(None), FxRate.household_id == household_id)


# ---------------------------------------------------------------------------------------------------------------
# Storing.


async def store_rates(
    *, session: AsyncSession, source: str, rates: Iterable[PublishedRate], fetched_at: dt.datetime | None = None
) -> int:
    """Store published rates, idempotently: a rate already stored as is changes nothing, a corrected one replaces
    the old figure (and its ``fetched_at``). Returns how many rows were inserted or changed."""
    if source == MANUAL_SOURCE:
        raise ValueError(f"{MANUAL_SOURCE!r} is reserved for household overrides")
    when = fetched_at or utcnow()
    unique: dict[tuple[str, str, dt.date], Decimal] = {}
    for rate in rates:
        unique[(rate.base, rate.quote, rate.date)] = rate.rate
    values = [
        {"household_id": None, "base": b, "quote": q, "date": d, "rate": r, "source": source, "fetched_at": when}
        for (b, q, d), r in unique.items()
    ]
    changed = 0
    for start in range(0, len(values), _UPSERT_CHUNK):
        chunk = insert(FxRate).values(values[start : start + _UPSERT_CHUNK])
        upsert = chunk.on_conflict_do_update(
            constraint="uq_fx_rates_household_id",
            set_={"rate": chunk.excluded.rate, "fetched_at": chunk.excluded.fetched_at},
            where=FxRate.rate != chunk.excluded.rate,
        ).returning(FxRate.id)
        changed += len((await session.execute(upsert)).all())
    return changed


async def latest_published_date(*, session: AsyncSession) -> dt.date | None:
    """The newest date any published rate is stored for."""
    return await session.scalar(select(func.max(FxRate.date)).where(FxRate.household_id.is_(None)))


def _pair_problems(base: str, quote: str) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    codes = []
    for field, code in (("base", base), ("quote", quote)):
        try:
            codes.append(normalize_currency(code))
        except MoneyError as exc:
            problems.append((field, str(exc)))
            codes.append(code)
    if not problems and codes[0] == codes[1]:
        problems.append(("quote", "choose two different currencies"))
    return (codes[0], codes[1]), problems


def validate_pair(*, base: str, quote: str) -> tuple[str, str]:
    """Normalised ISO codes of two different currencies; ``FxInputError`` otherwise."""
    pair, problems = _pair_problems(base, quote)
    if problems:
        raise FxInputError(problems)
    return pair


def validate_override(*, base: str, quote: str, rate: Decimal) -> tuple[str, str, Decimal]:
    """Normalised ``(base, quote, rate)`` of an override; ``FxInputError`` with every problem otherwise. A rate
    must be positive, below 10^16 and have at most 12 decimal places (it is never rounded behind the user's back).
    """
    (base, quote), problems = _pair_problems(base, quote)
    exponent = rate.normalize().as_tuple().exponent if rate.is_finite() else 0
    if not rate.is_finite() or rate <= 0:
        problems.append(("rate", "the rate must be a positive number"))
    elif rate >= _MAX_RATE:
        problems.append(("rate", "the rate is too large"))
    elif isinstance(exponent, int) and -exponent > _RATE_PLACES:
        problems.append(("rate", f"use at most {_RATE_PLACES} decimal places"))
    if problems:
        raise FxInputError(problems)
    return base, quote, _clean(rate)


async def set_override(
    *, session: AsyncSession, household_id: uuid.UUID, base: str, quote: str, on: dt.date, rate: Decimal
) -> RateRecord:
    """Set the household's own ``base``→``quote`` rate for ``on``, replacing any override of the pair for that day
    in either direction (so the two can never disagree). Validates first (``FxInputError``)."""
    base, quote, rate = validate_override(base=base, quote=quote, rate=rate)
    await session.execute(
        delete(FxRate).where(
            FxRate.household_id == household_id, FxRate.base == quote, FxRate.quote == base, FxRate.date == on
        )
    )
    row = insert(FxRate).values(
        household_id=household_id, base=base, quote=quote, date=on, rate=rate, source=MANUAL_SOURCE, fetched_at=utcnow()
    )
    upsert = row.on_conflict_do_update(
        constraint="uq_fx_rates_household_id",
        set_={"rate": row.excluded.rate, "fetched_at": row.excluded.fetched_at},
    ).returning(*_COLUMNS)
    return RateRecord.of((await session.execute(upsert)).one())


async def delete_override(
    *, session: AsyncSession, household_id: uuid.UUID, base: str, quote: str, on: dt.date
) -> RateRecord | None:
    """Remove the household's override of the pair (in either direction) for ``on``; the removed row, or ``None``
    when there was none. Raises ``FxInputError`` for an unknown currency or a pair of one currency."""
    base, quote = validate_pair(base=base, quote=quote)
    result = await session.execute(
        delete(FxRate)
        .where(
            FxRate.household_id == household_id,
            FxRate.date == on,
            or_(and_(FxRate.base == base, FxRate.quote == quote), and_(FxRate.base == quote, FxRate.quote == base)),
        )
        .returning(*_COLUMNS)
    )
    rows = result.all()
    return RateRecord.of(rows[0]) if rows else None


def rates_query(
    *, household_id: uuid.UUID | None, base: str, quote: str, since: dt.date, until: dt.date
) -> Select[Any]:
    """Stored rates between two currencies (either direction) from ``since`` to ``until``: the published ones and,
    with ``household_id``, that household's overrides. Unordered: the caller pages it."""
    owners = _owners(household_id)
    return select(FxRate).where(
        owners,
        tuple_(FxRate.base, FxRate.quote).in_([(base, quote), (quote, base)]),
        FxRate.date.between(since, until),
    )


# ---------------------------------------------------------------------------------------------------------------
# Looking up.


class _Index:
    """Stored rates by kind (override or published), pair and date, to resolve many lookups in memory after one
    query."""

    def __init__(self, records: Iterable[RateRecord], policy: FxPolicy) -> None:
        self.policy = policy
        self._rank = {name: position for position, name in enumerate(policy.source_order)}
        grouped: dict[tuple[bool, str, str, dt.date], list[RateRecord]] = defaultdict(list)
        for record in records:
            grouped[(record.is_override, record.base, record.quote, record.date)].append(record)
        self._grouped = grouped
        dates: dict[tuple[bool, str, str], set[dt.date]] = defaultdict(set)
        for override, base, quote, day in grouped:
            dates[(override, base, quote)].add(day)
        self._dates = {pair: sorted(days) for pair, days in dates.items()}
        """The dates each (kind, base, quote) has rates on, ascending: a lookup bisects instead of walking back."""

    def _newest(self, override: bool, base: str, quote: str, on: dt.date) -> dt.date | None:
        days = self._dates.get((override, base, quote))
        if not days:
            return None
        position = bisect.bisect_right(days, on)
        return days[position - 1] if position else None

    def leg(self, *, override: bool, base: str, quote: str, on: dt.date) -> tuple[RateRecord, bool] | None:
        """The newest stored base→quote rate (``inverted=False``) or quote→base rate (``inverted=True``) of one
        kind within the window; on one date the preferred source first, then a direct rate before an inverse."""
        found = [d for d in (self._newest(override, base, quote, on), self._newest(override, quote, base, on)) if d]
        if not found:
            return None
        day = max(found)
        if (on - day).days > self.policy.lookback_days:
            return None
        candidates = [(r, False) for r in self._grouped.get((override, base, quote, day), ())]
        candidates += [(r, True) for r in self._grouped.get((override, quote, base, day), ())]
        return min(candidates, key=lambda c: (self._rank.get(c[0].source, len(self._rank)), c[0].source, c[1]))

    def best_leg(self, base: str, quote: str, on: dt.date) -> tuple[RateRecord, bool] | None:
        """The household's override first, else a published rate."""
        found = self.leg(override=True, base=base, quote=quote, on=on)
        return found if found is not None else self.leg(override=False, base=base, quote=quote, on=on)

    def resolve(self, base: str, quote: str, on: dt.date) -> RateUsed | MissingRate:
        if base == quote:
            return RateUsed(base, quote, on, Decimal(1), Derivation.IDENTITY, ())
        found = self.best_leg(base, quote, on)
        if found is not None:
            derivation = Derivation.INVERSE if found[1] else Derivation.DIRECT
            return RateUsed(base, quote, on, _ratio([found]), derivation, (found[0],))
        if PIVOT not in (base, quote):
            first, second = self.best_leg(base, PIVOT, on), self.best_leg(PIVOT, quote, on)
            if first is not None and second is not None:
                return RateUsed(base, quote, on, _ratio([first, second]), Derivation.CROSS, (first[0], second[0]))
        return MissingRate(base, quote, on, self.policy.lookback_days)


def _ratio(legs: Sequence[tuple[RateRecord, bool]]) -> Decimal:
    """The product of the legs (a leg used inverted divides), computed exactly, rounded once."""
    numerator, denominator = Decimal(1), Decimal(1)
    for record, inverted in legs:
        if inverted:
            denominator = _EXACT.multiply(denominator, record.rate)
        else:
            numerator = _EXACT.multiply(numerator, record.rate)
    return _clean(_DERIVED.divide(numerator, denominator))


class _ResolvedRates:
    """Rates already resolved in this process, per (household, policy, version of the rates table).

    ``budget.fx_rates_version`` holds a value from a sequence that a trigger draws on every statement that changes
    ``fx_rates``, in the writer's transaction: a committed change gives every reader a new version (so nothing
    stale is ever served), and a rolled-back one leaves a value no one will read again. A report over a year asks
    for a thousand (currency, date) rates and a ten-year one for eleven thousand; resolved once, they are dict
    lookups afterwards."""

    ENTRIES = 32
    KEYS_PER_ENTRY = 200_000

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[Any, ...], dict[RateKey, RateUsed | MissingRate]] = OrderedDict()

    def entry(self, key: tuple[Any, ...]) -> dict[RateKey, RateUsed | MissingRate]:
        found = self._entries.get(key)
        if found is None or len(found) > self.KEYS_PER_ENTRY:
            found = self._entries[key] = {}
        self._entries.move_to_end(key)
        while len(self._entries) > self.ENTRIES:
            self._entries.popitem(last=False)
        return found

    def clear(self) -> None:
        self._entries.clear()


resolved_rates = _ResolvedRates()

_VERSION = text("SELECT version FROM budget.fx_rates_version")


class _Unread(Enum):
    UNREAD = "unread"


UNREAD = _Unread.UNREAD
"""``rates_for(version=...)``: read the version first (the default)."""


async def rates_version(session: AsyncSession) -> int | None:
    """The version of the stored rates (``_ResolvedRates``); ``None`` when the table was emptied by hand. A caller
    that keeps anything computed from the rates reads it *before* the rates (and passes it to ``rates_for``), so
    that what it keeps is never older than the version it is kept under."""
    version = await session.scalar(_VERSION)
    return None if version is None else int(version)


async def rates_for(
    *,
    session: AsyncSession,
    household_id: uuid.UUID | None,
    keys: Iterable[RateKey],
    policy: FxPolicy | None = None,
    version: int | _Unread | None = UNREAD,
) -> dict[RateKey, RateUsed | MissingRate]:
    """The rate for every ``(base, quote, date)`` in ``keys``, with at most two SQL queries however many there are
    (the rates' version unless ``version`` gives it, then the rates not resolved before in this process;
    ``_ResolvedRates``).

    Currency codes must already be normalised ISO codes (``normalize_currency``); ``household_id`` ``None`` looks
    at published rates only. A report over a million transactions passes its distinct (currency, date) keys."""
    policy = policy or FxPolicy()
    wanted = set(keys)
    if not wanted:
        return {}
    if version is UNREAD:
        version = await rates_version(session)
    # No version (the table emptied by hand): nothing is remembered.
    known = resolved_rates.entry((household_id, policy, version)) if version is not None else {}
    unknown = wanted - known.keys()
    if unknown:
        currencies = {PIVOT}
        days: set[dt.date] = set()
        for base, quote, _ in unknown:
            currencies |= {base, quote}
        for on in {on for _, _, on in unknown}:
            days.update(on - dt.timedelta(days=back) for back in range(policy.lookback_days + 1))
        owners = _owners(household_id)
        codes = bindparam("codes", sorted(currencies), type_=ARRAY(String(3)))
        query = select(*_COLUMNS).where(
            owners,
            FxRate.base == any_(codes),
            FxRate.quote == any_(codes),
            FxRate.date == any_(bindparam("days", sorted(days), type_=ARRAY(Date))),
        )
        index = _Index((RateRecord.of(row) for row in await session.execute(query)), policy)
        known.update({key: index.resolve(*key) for key in unknown})
    return {key: known[key] for key in wanted}


async def rate_for(
    *,
    session: AsyncSession,
    household_id: uuid.UUID | None,
    base: str,
    quote: str,
    on: dt.date,
    policy: FxPolicy | None = None,
) -> RateUsed | MissingRate:
    """The rate to convert ``base`` into ``quote`` on ``on``, with its provenance, or a ``MissingRate``.
    Raises ``MoneyError`` for a code that is not ISO 4217."""
    key = (normalize_currency(base), normalize_currency(quote), on)
    return (await rates_for(session=session, household_id=household_id, keys=[key], policy=policy))[key]


# ---------------------------------------------------------------------------------------------------------------
# Converting.


def apply_rate(money: Money, rate: RateUsed) -> Money:
    """``money * rate``, exact, then rounded to the quote currency's minor unit with ROUND_HALF_EVEN."""
    if money.currency != rate.base:
        raise CurrencyMismatchError(f"a {rate.base}→{rate.quote} rate cannot convert {money.currency}")
    return Money(_EXACT.multiply(money.amount, rate.rate), rate.quote).quantize(ROUND_HALF_EVEN)


async def convert(
    *,
    session: AsyncSession,
    household_id: uuid.UUID | None,
    money: Money,
    to: str,
    on: dt.date,
    policy: FxPolicy | None = None,
) -> Conversion | MissingRate:
    """``money`` in ``to`` at the rate of ``on`` (see the module's conventions), or the ``MissingRate``."""
    rate = await rate_for(
        session=session, household_id=household_id, base=money.currency, quote=to, on=on, policy=policy
    )
    if isinstance(rate, MissingRate):
        return rate
    return Conversion(original=money, amount=apply_rate(money, rate), rate=rate)


async def convert_many(
    *,
    session: AsyncSession,
    household_id: uuid.UUID | None,
    items: Sequence[tuple[Money, str, dt.date]],
    policy: FxPolicy | None = None,
) -> list[Conversion | MissingRate]:
    """Each ``(money, to, date)`` converted, in order, with one SQL query for all of them."""
    keys = [(money.currency, normalize_currency(to), on) for money, to, on in items]
    rates = await rates_for(session=session, household_id=household_id, keys=keys, policy=policy)
    converted: list[Conversion | MissingRate] = []
    for (money, _, _), key in zip(items, keys, strict=True):
        rate = rates[key]
        converted.append(rate if isinstance(rate, MissingRate) else Conversion(money, apply_rate(money, rate), rate))
    return converted
