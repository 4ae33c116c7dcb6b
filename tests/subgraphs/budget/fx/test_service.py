"""Looking rates up and converting: look-back, overrides first, inverse and cross rates, rounding, batches."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import CurrencyMismatchError, Money, MoneyError
from fincloud.service import Runtime
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.models import FxRate
from subgraphs.budget.fx.service import (
    Conversion,
    Derivation,
    FxInputError,
    FxPolicy,
    MissingRate,
    RateUsed,
    apply_rate,
    convert,
    convert_many,
    delete_override,
    rate_for,
    rates_for,
    set_override,
    store_rates,
)
from tests.factories import count_statements

D28 = Context(prec=28, rounding=ROUND_HALF_EVEN)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def published(text: str) -> list[tuple[str, PublishedRate]]:
    """Lines of ``<date> <source> <base> <quote> <rate>``."""
    rows = []
    for line in text.strip().splitlines():
        date, source, base, quote, rate = line.split()
        rows.append((source, PublishedRate(base, quote, day(date), Decimal(rate))))
    return rows


async def publish(session: AsyncSession, text: str) -> int:
    stored = 0
    for source, rate in published(text):
        stored += await store_rates(session=session, source=source, rates=[rate])
    return stored


MARCH = """
2024-03-08 ecb EUR USD 1.0928
2024-03-08 ecb EUR JPY 162.16
2024-03-08 ecb EUR GBP 0.85879
2024-03-13 ecb EUR USD 1.0939
2024-03-13 ecb EUR JPY 161.83
2024-03-13 ecb EUR GBP 0.85451
2024-03-13 ecb EUR BHD 0.4102
"""


async def test_a_weekend_uses_fridays_rate_and_says_so(session: AsyncSession) -> None:
    await publish(session, MARCH)
    found = await rate_for(session=session, household_id=None, base="EUR", quote="USD", on=day("2024-03-10"))
    assert isinstance(found, RateUsed)
    assert found.rate == Decimal("1.0928")
    assert found.derivation is Derivation.DIRECT
    assert (found.on, found.rate_date, found.source, found.is_override) == (
        day("2024-03-10"),
        day("2024-03-08"),
        "ecb",
        False,
    )
    assert found.fetched_at is not None
    [leg] = found.legs
    assert (leg.base, leg.quote, leg.date, leg.rate) == ("EUR", "USD", day("2024-03-08"), Decimal("1.0928"))


async def test_beyond_the_look_back_window_the_rate_is_missing_never_guessed(session: AsyncSession) -> None:
    await publish(session, MARCH)
    on = day("2024-03-16")  # the newest rate is of the 13th: three days back
    assert isinstance(await rate_for(session=session, household_id=None, base="EUR", quote="USD", on=on), RateUsed)
    missing = await rate_for(
        session=session, household_id=None, base="EUR", quote="USD", on=on, policy=FxPolicy(lookback_days=2)
    )
    assert missing == MissingRate("EUR", "USD", on, 2)
    assert missing.message == "no EUR→USD exchange rate between 2024-03-14 and 2024-03-16"
    before = await rate_for(session=session, household_id=None, base="EUR", quote="USD", on=day("2024-03-07"))
    assert isinstance(before, MissingRate)  # a later rate is never used for an earlier date
    unknown = await rate_for(session=session, household_id=None, base="EUR", quote="CHF", on=day("2024-03-13"))
    assert isinstance(unknown, MissingRate)
    conversion = await convert(
        session=session, household_id=None, money=Money("10", "EUR"), to="CHF", on=day("2024-03-13")
    )
    assert isinstance(conversion, MissingRate)


async def test_an_inverse_rate_is_the_exact_reciprocal_rounded_once(session: AsyncSession) -> None:
    await publish(session, MARCH + "2024-03-13 ecb EUR SEK 1.25")
    usd = await rate_for(session=session, household_id=None, base="USD", quote="EUR", on=day("2024-03-13"))
    assert isinstance(usd, RateUsed)
    assert usd.derivation is Derivation.INVERSE
    assert usd.rate == D28.divide(Decimal(1), Decimal("1.0939"))
    assert str(usd.rate) == "0.9141603437242892403327543651"  # 28 significant digits
    sek = await rate_for(session=session, household_id=None, base="SEK", quote="EUR", on=day("2024-03-13"))
    assert isinstance(sek, RateUsed)
    assert sek.rate == Decimal("0.8")  # 1 / 1.25, exactly


async def test_a_cross_rate_goes_through_eur_exactly(session: AsyncSession) -> None:
    await publish(session, MARCH + "2024-03-13 ecb EUR SEK 1.25\n2024-03-13 ecb EUR NOK 2")
    gbp_jpy = await rate_for(session=session, household_id=None, base="GBP", quote="JPY", on=day("2024-03-13"))
    assert isinstance(gbp_jpy, RateUsed)
    assert gbp_jpy.derivation is Derivation.CROSS
    assert gbp_jpy.via == "EUR"
    # (GBP→EUR) * (EUR→JPY) = 161.83 / 0.85451, one division, 28 significant digits.
    assert gbp_jpy.rate == D28.divide(Decimal("161.83"), Decimal("0.85451"))
    assert [(leg.base, leg.quote) for leg in gbp_jpy.legs] == [("EUR", "GBP"), ("EUR", "JPY")]
    sek_nok = await rate_for(session=session, household_id=None, base="SEK", quote="NOK", on=day("2024-03-13"))
    assert isinstance(sek_nok, RateUsed)
    assert sek_nok.rate == Decimal("1.6")  # 2 / 1.25, exactly
    # A weekend cross rate: both legs from Friday.
    usd_jpy = await rate_for(session=session, household_id=None, base="USD", quote="JPY", on=day("2024-03-09"))
    assert isinstance(usd_jpy, RateUsed)
    assert usd_jpy.rate == D28.divide(Decimal("162.16"), Decimal("1.0928"))
    assert usd_jpy.rate_date == day("2024-03-08")


async def test_the_identity_needs_no_table(session: AsyncSession) -> None:
    same = await rate_for(session=session, household_id=None, base="jpy", quote="JPY", on=day("2001-01-01"))
    assert isinstance(same, RateUsed)
    assert (same.rate, same.derivation, same.legs, same.source) == (Decimal(1), Derivation.IDENTITY, (), "identity")
    with pytest.raises(MoneyError, match="unknown currency code 'ZZZ'"):
        await rate_for(session=session, household_id=None, base="ZZZ", quote="EUR", on=day("2024-03-13"))


async def test_a_households_override_comes_first_and_only_for_that_household(session: AsyncSession) -> None:
    await publish(session, MARCH)
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    # Set on Monday the 11th: still within the window on the 13th, and it wins over the newer published rate.
    await set_override(
        session=session, household_id=mine, base="EUR", quote="USD", on=day("2024-03-11"), rate=Decimal("1.1")
    )
    found = await rate_for(session=session, household_id=mine, base="EUR", quote="USD", on=day("2024-03-13"))
    assert isinstance(found, RateUsed)
    assert (found.rate, found.is_override, found.source, found.rate_date) == (
        Decimal("1.1"),
        True,
        "manual",
        day("2024-03-11"),
    )
    assert found.legs[0].household_id == mine
    inverse = await rate_for(session=session, household_id=mine, base="USD", quote="EUR", on=day("2024-03-13"))
    assert isinstance(inverse, RateUsed)
    assert (inverse.derivation, inverse.is_override) == (Derivation.INVERSE, True)
    assert inverse.rate == D28.divide(Decimal(1), Decimal("1.1"))
    # A cross rate uses the override for its leg: USD→JPY = 161.83 / 1.1.
    cross = await rate_for(session=session, household_id=mine, base="USD", quote="JPY", on=day("2024-03-13"))
    assert isinstance(cross, RateUsed)
    assert cross.rate == D28.divide(Decimal("161.83"), Decimal("1.1"))
    assert (cross.source, cross.is_override) == ("manual+ecb", True)
    # Before the override's date, and for everyone else, the published rates.
    for household, on, expected in [(mine, "2024-03-08", "1.0928"), (theirs, "2024-03-13", "1.0939")]:
        other = await rate_for(session=session, household_id=household, base="EUR", quote="USD", on=day(on))
        assert isinstance(other, RateUsed)
        assert (other.rate, other.is_override) == (Decimal(expected), False)
    published_only = await rate_for(session=session, household_id=None, base="EUR", quote="USD", on=day("2024-03-13"))
    assert isinstance(published_only, RateUsed)
    assert published_only.rate == Decimal("1.0939")


async def test_an_override_for_a_currency_no_source_publishes(session: AsyncSession) -> None:
    await publish(session, MARCH)
    household = uuid.uuid4()
    await set_override(
        session=session, household_id=household, base="ARS", quote="EUR", on=day("2024-03-12"), rate=Decimal("0.00107")
    )
    usd_ars = await rate_for(session=session, household_id=household, base="USD", quote="ARS", on=day("2024-03-13"))
    assert isinstance(usd_ars, RateUsed)
    # USD→EUR (1 / 1.0939, published) then EUR→ARS (1 / 0.00107, the override used inverted): one exact division.
    assert usd_ars.rate == D28.divide(Decimal(1), Decimal("1.0939") * Decimal("0.00107"))
    assert usd_ars.source == "ecb+manual"
    assert isinstance(
        await rate_for(session=session, household_id=None, base="USD", quote="ARS", on=day("2024-03-13")), MissingRate
    )


async def test_setting_an_override_replaces_the_days_override_in_either_direction(session: AsyncSession) -> None:
    household = uuid.uuid4()
    first = await set_override(
        session=session, household_id=household, base="eur", quote="usd", on=day("2024-03-13"), rate=Decimal("1.10")
    )
    assert (first.base, first.quote, first.rate, first.source) == ("EUR", "USD", Decimal("1.1"), "manual")
    again = await set_override(
        session=session, household_id=household, base="EUR", quote="USD", on=day("2024-03-13"), rate=Decimal("1.2")
    )
    assert again.id == first.id
    assert again.rate == Decimal("1.2")
    flipped = await set_override(
        session=session, household_id=household, base="USD", quote="EUR", on=day("2024-03-13"), rate=Decimal("0.9")
    )
    rows = (await session.scalars(select(FxRate).where(FxRate.household_id == household))).all()
    assert [(r.id, r.base, r.quote) for r in rows] == [(flipped.id, "USD", "EUR")]
    removed = await delete_override(
        session=session, household_id=household, base="EUR", quote="USD", on=day("2024-03-13")
    )
    assert removed is not None
    assert removed.id == flipped.id
    assert (
        await delete_override(session=session, household_id=household, base="EUR", quote="USD", on=day("2024-03-13"))
        is None
    )


@pytest.mark.parametrize(
    ("base", "quote", "rate", "problems"),
    [
        ("ZZZ", "EUR", "1", [("base", "unknown currency code 'ZZZ' (expected an ISO 4217 code such as EUR)")]),
        ("EUR", "eur", "1", [("quote", "choose two different currencies")]),
        ("EUR", "USD", "0", [("rate", "the rate must be a positive number")]),
        ("EUR", "USD", "-1.2", [("rate", "the rate must be a positive number")]),
        ("EUR", "USD", "1e16", [("rate", "the rate is too large")]),
        ("EUR", "USD", "1.0000000000001", [("rate", "use at most 12 decimal places")]),
        (
            "XX",
            "YYY",
            "0",
            [
                ("base", "unknown currency code 'XX' (expected an ISO 4217 code such as EUR)"),
                ("quote", "unknown currency code 'YYY' (expected an ISO 4217 code such as EUR)"),
                ("rate", "the rate must be a positive number"),
            ],
        ),
    ],
)
async def test_a_bad_override_is_refused_with_every_problem(
    session: AsyncSession, base: str, quote: str, rate: str, problems: list[tuple[str, str]]
) -> None:
    with pytest.raises(FxInputError) as refused:
        await set_override(
            session=session, household_id=uuid.uuid4(), base=base, quote=quote, on=day("2024-03-13"), rate=Decimal(rate)
        )
    assert list(refused.value.problems) == problems
    assert await session.scalar(select(func.count()).select_from(FxRate)) == 0


async def test_the_preferred_source_wins_a_day_both_published(session: AsyncSession) -> None:
    await publish(session, "2024-03-13 frankfurter EUR USD 1.0940\n2024-03-13 ecb EUR USD 1.0939")
    on = day("2024-03-13")
    ecb_first = await rate_for(session=session, household_id=None, base="EUR", quote="USD", on=on)
    assert isinstance(ecb_first, RateUsed)
    assert (ecb_first.source, ecb_first.rate) == ("ecb", Decimal("1.0939"))
    frankfurter_first = await rate_for(
        session=session,
        household_id=None,
        base="EUR",
        quote="USD",
        on=on,
        policy=FxPolicy(source_order=("frankfurter", "ecb")),
    )
    assert isinstance(frankfurter_first, RateUsed)
    assert frankfurter_first.source == "frankfurter"


async def test_storing_is_idempotent_and_takes_corrections(session: AsyncSession) -> None:
    assert await publish(session, MARCH) == 7
    assert await publish(session, MARCH) == 0  # nothing stored twice
    assert await publish(session, "2024-03-13 ecb EUR USD 1.0941") == 1  # a corrected figure replaces the old one
    assert await session.scalar(select(func.count()).select_from(FxRate)) == 7
    assert await session.scalar(
        select(FxRate.rate).where(FxRate.quote == "USD", FxRate.date == day("2024-03-13"))
    ) == Decimal("1.0941")
    with pytest.raises(ValueError, match="reserved"):
        await store_rates(session=session, source="manual", rates=[])


async def test_the_table_refuses_what_the_service_would_never_write(session: AsyncSession) -> None:
    for values in (
        {"base": "EUR", "quote": "EUR", "rate": Decimal(1), "source": "ecb"},
        {"base": "EUR", "quote": "USD", "rate": Decimal(0), "source": "ecb"},
        {"base": "EUR", "quote": "USD", "rate": Decimal(1), "source": "manual"},  # published rows are not manual
    ):
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(FxRate(household_id=None, date=day("2024-03-13"), **values))
                await session.flush()


# ---------------------------------------------------------------------------------------------------------------
# Converting.


@pytest.mark.parametrize(
    ("amount", "rate", "to", "expected"),
    [
        ("1234.50", "161.83", "JPY", "199779"),  # 199779.135 → JPY has no minor unit
        ("1", "100.5", "JPY", "100"),  # a tie: half to even, down
        ("3", "100.5", "JPY", "302"),  # 301.5: half to even, up
        ("10.25", "0.4102", "BHD", "4.205"),  # 4.20455 → fils, 3 places
        ("1.25", "0.41", "BHD", "0.512"),  # 0.5125: a tie, half to even (half up would say 0.513)
        ("1.25", "0.4108", "BHD", "0.514"),  # 0.5135: a tie, half to even, up
        ("0.01", "1.0939", "USD", "0.01"),  # 0.010939
    ],
)
def test_a_conversion_is_rounded_once_to_the_minor_unit_half_to_even(
    amount: str, rate: str, to: str, expected: str
) -> None:
    used = RateUsed("EUR", to, day("2024-03-13"), Decimal(rate), Derivation.DIRECT, ())
    converted = apply_rate(Money(amount, "EUR"), used)
    assert converted == Money(expected, to)
    assert converted.display_amount() == expected


def test_a_rate_converts_only_its_own_base() -> None:
    used = RateUsed("EUR", "USD", day("2024-03-13"), Decimal("1.0939"), Derivation.DIRECT, ())
    with pytest.raises(CurrencyMismatchError):
        apply_rate(Money("1", "GBP"), used)


async def test_convert_returns_the_amount_and_the_rate_it_used(session: AsyncSession) -> None:
    await publish(session, MARCH)
    converted = await convert(
        session=session, household_id=None, money=Money("100.00", "USD"), to="jpy", on=day("2024-03-10")
    )
    assert isinstance(converted, Conversion)
    # 100 USD on a Sunday: Friday's USD→JPY cross rate, 162.16 / 1.0928.
    assert converted.rate.rate == D28.divide(Decimal("162.16"), Decimal("1.0928"))
    assert converted.amount == Money("14839", "JPY")  # 14839.0922...
    assert converted.original == Money("100.00", "USD")
    assert converted.rate.rate_date == day("2024-03-08")


async def test_a_batch_of_conversions_takes_two_queries(runtime: Runtime) -> None:
    """The rates' version and the rates themselves, however many conversions (``test_rate_cache``: later
    batches of the same rates take the version alone)."""
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session, session.begin():
        await publish(session, MARCH)
        await set_override(
            session=session, household_id=household, base="EUR", quote="USD", on=day("2024-03-12"), rate=Decimal("1.25")
        )
    items = []
    for i in range(600):
        currency = ("EUR", "USD", "GBP", "JPY", "BHD", "CHF")[i % 6]
        on = day("2024-03-07") + dt.timedelta(days=i % 7)
        items.append((Money(f"{i}.{i % 100:02d}" if currency not in ("JPY",) else str(i), currency), "USD", on))
    async with runtime.sessionmaker() as session:
        with count_statements(runtime.engine) as statements:
            converted = await convert_many(session=session, household_id=household, items=items)
    assert len(statements) == 2
    assert len(converted) == len(items)
    by_item = dict(zip([(m.currency, on) for m, _, on in items], converted, strict=False))
    assert isinstance(by_item[("CHF", day("2024-03-13"))], MissingRate)
    assert isinstance(by_item[("GBP", day("2024-03-07"))], MissingRate)  # nothing before the 8th
    override = by_item[("EUR", day("2024-03-13"))]
    assert isinstance(override, Conversion)
    assert override.rate.is_override
    usd = by_item[("USD", day("2024-03-07"))]
    assert isinstance(usd, Conversion)
    assert usd.rate.derivation is Derivation.IDENTITY
    # The same answers, one by one.
    async with runtime.sessionmaker() as session:
        for money, to, on in items[:24]:
            single = await convert(session=session, household_id=household, money=money, to=to, on=on)
            assert single == converted[items.index((money, to, on))]


async def test_rates_for_answers_every_key_asked(session: AsyncSession) -> None:
    await publish(session, MARCH)
    keys = [("EUR", "USD", day("2024-03-13")), ("JPY", "GBP", day("2024-03-11")), ("EUR", "JPY", day("2024-01-01"))]
    found = await rates_for(session=session, household_id=None, keys=keys)
    assert set(found) == set(keys)
    assert [type(found[k]).__name__ for k in keys] == ["RateUsed", "RateUsed", "MissingRate"]
    assert await rates_for(session=session, household_id=None, keys=[]) == {}
