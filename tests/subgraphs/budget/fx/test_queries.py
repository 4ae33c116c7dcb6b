"""The read side over GraphQL: ``fxRate`` with its provenance, ``fxRates``, ``currencies``."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from decimal import Context as DecimalContext

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import set_override, store_rates
from subgraphs.budget.schema import schema
from tests.conftest import execute, viewer_of
from tests.factories import make_viewer

FX_RATE = """
query Rate($base: String!, $quote: String!, $date: Date, $h: ID) {
  fxRate(base: $base, quote: $quote, date: $date, householdId: $h) {
    __typename
    ... on FxRate {
      base quote date rate derivation via rateDate source fetchedAt isOverride householdId
      legs { id householdId base quote date rate source isOverride }
    }
    ... on FxRateMissing { base quote date lookBackDays message householdId }
  }
}
"""

FX_RATES = """
query Rates($base: String!, $quote: String!, $from: Date!, $to: Date!, $h: ID, $first: Int, $after: String) {
  fxRates(base: $base, quote: $quote, from: $from, to: $to, householdId: $h, first: $first, after: $after) {
    edges { node { id householdId base quote date rate source isOverride } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ECB = """
2024-03-07 EUR USD 1.0906
2024-03-08 EUR USD 1.0928
2024-03-08 EUR JPY 162.16
2024-03-11 EUR USD 1.0906
2024-03-12 EUR USD 1.0906
2024-03-13 EUR USD 1.0939
2024-03-13 EUR JPY 161.83
"""


async def publish(runtime: Runtime) -> None:
    rates = []
    for line in ECB.strip().splitlines():
        date, base, quote, rate = line.split()
        rates.append(PublishedRate(base, quote, dt.date.fromisoformat(date), Decimal(rate)))
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(session=session, source="ecb", rates=rates)


async def override(runtime: Runtime, household: uuid.UUID, on: str, rate: str) -> None:
    async with runtime.sessionmaker() as session, session.begin():
        await set_override(
            session=session,
            household_id=household,
            base="EUR",
            quote="USD",
            on=dt.date.fromisoformat(on),
            rate=Decimal(rate),
        )


async def test_a_rate_answers_with_its_provenance(runtime: Runtime) -> None:
    await publish(runtime)
    viewer = make_viewer()
    data = await execute(
        schema, Context(runtime=runtime, viewer=viewer), FX_RATE, base="JPY", quote="usd", date="2024-03-10"
    )
    answer = data["fxRate"]
    expected = DecimalContext(prec=28, rounding=ROUND_HALF_EVEN).divide(Decimal("1.0928"), Decimal("162.16"))
    assert answer["__typename"] == "FxRate"
    assert Decimal(answer["rate"]) == expected
    assert {
        k: answer[k] for k in ("base", "quote", "date", "derivation", "via", "rateDate", "source", "isOverride")
    } == {
        "base": "JPY",
        "quote": "USD",
        "date": "2024-03-10",
        "derivation": "CROSS",
        "via": "EUR",
        "rateDate": "2024-03-08",
        "source": "ecb",
        "isOverride": False,
    }
    assert answer["householdId"] == str(viewer.household_ids[0])
    assert [(leg["base"], leg["quote"], leg["date"], leg["rate"], leg["householdId"]) for leg in answer["legs"]] == [
        ("EUR", "JPY", "2024-03-08", "162.16", None),
        ("EUR", "USD", "2024-03-08", "1.0928", None),
    ]


async def test_a_missing_rate_is_a_clear_answer(runtime: Runtime) -> None:
    await publish(runtime)
    data = await execute(
        schema, Context(runtime=runtime, viewer=make_viewer()), FX_RATE, base="EUR", quote="CHF", date="2024-03-13"
    )
    answer = data["fxRate"]
    assert answer["__typename"] == "FxRateMissing"
    assert answer["lookBackDays"] == 7
    assert answer["message"] == "no EUR→CHF exchange rate between 2024-03-06 and 2024-03-13"


async def test_overrides_apply_for_members_only_and_a_foreign_household_is_null(runtime: Runtime) -> None:
    await publish(runtime)
    alice, mallory = make_viewer(), make_viewer()
    household = alice.household_ids[0]
    await override(runtime, household, "2024-03-13", "1.2")
    vic = viewer_of(uuid.uuid4(), (household, Role.VIEWER.value))
    for who in (alice, vic):
        answer = (
            await execute(
                schema,
                Context(runtime=runtime, viewer=who),
                FX_RATE,
                base="EUR",
                quote="USD",
                date="2024-03-13",
                h=str(household),
            )
        )["fxRate"]
        assert (answer["rate"], answer["source"], answer["isOverride"]) == ("1.2", "manual", True)
    own = (
        await execute(
            schema, Context(runtime=runtime, viewer=mallory), FX_RATE, base="EUR", quote="USD", date="2024-03-13"
        )
    )["fxRate"]
    assert (own["rate"], own["isOverride"]) == ("1.0939", False)
    for foreign in (str(household), str(uuid.uuid4()), "nonsense"):
        data = await execute(
            schema, Context(runtime=runtime, viewer=mallory), FX_RATE, base="EUR", quote="USD", h=foreign
        )
        assert data == {"fxRate": None}


async def test_an_unknown_currency_is_a_user_error(runtime: Runtime) -> None:
    result = await schema.execute(
        FX_RATE,
        variable_values={"base": "EUR", "quote": "DOGE"},
        context_value=Context(runtime=runtime, viewer=make_viewer()),
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "quote"}


async def test_the_listing_pages_published_rates_and_the_households_overrides(runtime: Runtime) -> None:
    await publish(runtime)
    alice, mallory = make_viewer(), make_viewer()
    await override(runtime, alice.household_ids[0], "2024-03-12", "1.15")
    await override(runtime, mallory.household_ids[0], "2024-03-12", "9.99")
    seen: list[tuple[str, str, bool]] = []
    after = None
    while True:
        page = (
            await execute(
                schema,
                Context(runtime=runtime, viewer=alice),
                FX_RATES,
                base="USD",
                quote="EUR",
                **{"from": "2024-03-08", "to": "2024-03-13"},
                first=2,
                after=after,
            )
        )["fxRates"]
        seen += [(e["node"]["date"], e["node"]["rate"], e["node"]["isOverride"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [date for date, _, _ in seen] == sorted((date for date, _, _ in seen), reverse=True)  # newest first
    assert sorted(seen) == sorted(
        [
            ("2024-03-13", "1.0939", False),
            ("2024-03-12", "1.0906", False),
            ("2024-03-12", "1.15", True),
            ("2024-03-11", "1.0906", False),
            ("2024-03-08", "1.0928", False),
        ]
    )
    foreign = await execute(
        schema,
        Context(runtime=runtime, viewer=mallory),
        FX_RATES,
        base="USD",
        quote="EUR",
        **{"from": "2024-03-01", "to": "2024-03-31"},
        h=str(alice.household_ids[0]),
    )
    assert foreign["fxRates"] == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


async def test_a_backwards_range_is_a_user_error(runtime: Runtime) -> None:
    result = await schema.execute(
        FX_RATES,
        variable_values={"base": "USD", "quote": "EUR", "from": "2024-03-13", "to": "2024-03-01"},
        context_value=Context(runtime=runtime, viewer=make_viewer()),
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "to"}


async def test_every_iso_4217_currency_is_listed_with_its_minor_units(runtime: Runtime) -> None:
    data = await execute(
        schema, Context(runtime=runtime, viewer=make_viewer()), "{ currencies { code name numericCode minorUnits } }"
    )
    by_code = {c["code"]: c for c in data["currencies"]}
    assert len(by_code) == len(data["currencies"]) >= 170
    assert [c["code"] for c in data["currencies"]] == sorted(by_code)
    assert by_code["EUR"] == {"code": "EUR", "name": "Euro", "numericCode": "978", "minorUnits": 2}
    assert by_code["JPY"]["minorUnits"] == 0
    assert by_code["BHD"] == {"code": "BHD", "name": "Bahraini Dinar", "numericCode": "048", "minorUnits": 3}
    assert by_code["XAU"]["minorUnits"] is None
    result = await schema.execute("{ currencies { code } }", context_value=Context(runtime=runtime))
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}
