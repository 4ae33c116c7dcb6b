"""Each report on the readable ledger of ``ledger.py``: the figures a user would check by hand."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from fincloud.db import async_url, make_sessionmaker
from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.fx.service import resolved_rates
from subgraphs.budget.schema import schema
from tests.conftest import execute
from tests.factories import count_statements, make_viewer
from tests.subgraphs.budget.reports.ledger import Ledger, write_ledger

FIGURE = "amount { amount currency } unconverted { amount currency } complete"
RATES = """
  ratesUsed { edges { node { base quote date rate rateDate source derivation } } }
  missingRates { edges { node { base quote date message } } }
  ratesUsedCount missingRatesCount
"""


def amount(value: str, *unconverted: tuple[str, str]) -> dict[str, Any]:
    """What a ``ReportAmount`` answers: ``value`` EUR, and what could not be converted."""
    return {
        "amount": {"amount": value, "currency": "EUR"},
        "unconverted": [{"amount": a, "currency": c} for a, c in unconverted],
        "complete": not unconverted,
    }


@pytest.fixture
async def ledger(runtime: Runtime) -> Ledger:
    return await write_ledger(runtime.sessionmaker, uuid.uuid4())


def context(runtime: Runtime, ledger: Ledger) -> Context:
    viewer = make_viewer()
    households = dict(viewer.households)
    (role,) = households.values()
    from fincloud.auth import Viewer

    return Context(runtime=runtime, viewer=Viewer(user_id=viewer.user_id, households={ledger.household_id: role}))


CASH_FLOW = f"""
query($h: ID!, $from: Date!, $to: Date!) {{
  cashFlow(householdId: $h, from: $from, to: $to) {{
    currency from to
    months {{ month income {{ {FIGURE} }} expense {{ {FIGURE} }} net {{ {FIGURE} }} }}
    income {{ {FIGURE} }} expense {{ {FIGURE} }} net {{ {FIGURE} }}
    {RATES}
  }}
}}
"""


def figure(node: dict[str, Any]) -> dict[str, Any]:
    """A ``ReportAmount`` as answered; a line's (which has one under ``amount``) too."""
    return dict(node["amount"]) if "complete" not in node else dict(node)


async def test_cash_flow_by_month(runtime: Runtime, ledger: Ledger) -> None:
    data = await execute(
        schema,
        context(runtime, ledger),
        CASH_FLOW,
        h=str(ledger.household_id),
        **{"from": "2026-01-01", "to": "2026-03-31"},
    )
    report = data["cashFlow"]
    assert report["currency"] == "EUR"
    months = {m["month"]: m for m in report["months"]}
    assert list(months) == ["2026-01-01", "2026-02-01", "2026-03-01"]
    january, february, march = months.values()
    # Salary 3000; expense 80.40 + 120.00 (both split parts) + 45.60 + 40.00 (50 USD at 0.80) - 20.00 refund.
    # The transfer to the card is neither.
    assert figure(january["income"]) == amount("3000.00")
    assert figure(january["expense"]) == amount("266.00")
    assert figure(january["net"]) == amount("2734.00")
    # 100 USD salary at 0.80; 60.00 at the trattoria, and 30 CHF without a rate, left unconverted.
    assert figure(february["income"]) == amount("80.00")
    assert figure(february["expense"]) == amount("60.00", ("30.00", "CHF"))
    assert figure(february["net"]) == amount("20.00", ("-30.00", "CHF"))
    assert figure(march["net"]) == amount("0.00")
    assert figure(report["income"]) == amount("3080.00")
    assert figure(report["expense"]) == amount("326.00", ("30.00", "CHF"))
    assert figure(report["net"]) == amount("2754.00", ("-30.00", "CHF"))
    assert report["ratesUsedCount"] == 2
    assert [e["node"] for e in report["ratesUsed"]["edges"]] == [
        {"base": "USD", "quote": "EUR", "date": "2026-01-15", "rate": "0.8", "rateDate": "2026-01-15",
         "source": "ecb", "derivation": "INVERSE"},
        {"base": "USD", "quote": "EUR", "date": "2026-02-14", "rate": "0.8", "rateDate": "2026-02-13",
         "source": "ecb", "derivation": "INVERSE"},
    ]  # fmt: skip
    assert report["missingRatesCount"] == 1
    [missing] = [e["node"] for e in report["missingRates"]["edges"]]
    assert (missing["base"], missing["quote"], missing["date"]) == ("CHF", "EUR", "2026-02-03")
    assert "no CHF→EUR exchange rate" in missing["message"]


SPENDING = f"""
query($h: ID!, $from: Date!, $to: Date!, $kind: ReportKind!, $first: Int, $byPayee: Boolean!) {{
  byCategory: spendingByCategory(householdId: $h, from: $from, to: $to, kind: $kind, first: $first)
    @skip(if: $byPayee) {{ ...report }}
  byPayee: spendingByPayee(householdId: $h, from: $from, to: $to, kind: $kind, first: $first)
    @include(if: $byPayee) {{ ...report }}
}}
fragment report on SpendingReport {{
  kind total {{ {FIGURE} }}
  lines {{ id name group count share amount {{ {FIGURE} }} }}
  others {{ id name count amount {{ {FIGURE} }} }}
  ratesUsedCount missingRatesCount
}}
"""


async def spending(runtime: Runtime, ledger: Ledger, *, by_payee: bool, kind: str = "EXPENSE", first: int | None = None) -> dict[str, Any]:  # fmt: skip
    data = await execute(
        schema,
        context(runtime, ledger),
        SPENDING,
        h=str(ledger.household_id),
        kind=kind,
        first=first,
        byPayee=by_payee,
        **{"from": "2026-01-01", "to": "2026-02-28"},
    )
    return dict(data["byPayee" if by_payee else "byCategory"])


def line(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry["name"], entry["amount"]["amount"]["amount"], entry["amount"]["unconverted"], entry["count"]


async def test_spending_by_category_counts_split_parts_under_their_own_category(runtime: Runtime, ledger: Ledger) -> None:  # fmt: skip
    report = await spending(runtime, ledger, by_payee=False)
    # Groceries: 80.40 + 20.00 (IKEA's part) + 40.00 (USD) - 20.00 (refund), and 30 CHF without a rate.
    assert [line(e) for e in report["lines"]] == [
        ("Groceries", "120.40", [{"amount": "30.00", "currency": "CHF"}], 5),
        ("Household", "100.00", [], 1),
        ("Restaurants", "60.00", [], 1),
        (None, "45.60", [], 1),  # the uncategorised bakery
    ]
    assert [e["group"] for e in report["lines"]] == ["Food", "Home", "Food", None]
    assert report["lines"][0]["id"] == str(ledger.categories["Groceries"])
    assert report["lines"][3]["id"] is None
    assert figure(report["total"]) == amount("326.00", ("30.00", "CHF"))
    assert report["others"] is None
    assert pytest.approx(sum(e["share"] for e in report["lines"])) == 1.0
    assert report["lines"][1]["share"] == pytest.approx(100 / 326)


async def test_income_by_category(runtime: Runtime, ledger: Ledger) -> None:
    report = await spending(runtime, ledger, by_payee=False, kind="INCOME")
    assert [line(e) for e in report["lines"]] == [("Salary", "3080.00", [], 2)]


async def test_spending_by_payee_with_the_rest_summed(runtime: Runtime, ledger: Ledger) -> None:
    report = await spending(runtime, ledger, by_payee=True, first=3)
    assert [line(e) for e in report["lines"]] == [
        ("IKEA", "120.00", [], 2),  # two split parts
        ("REWE", "60.40", [], 2),  # 80.40 less the 20.00 refund
        ("Trattoria", "60.00", [], 1),
    ]
    # Bäckerei Müller 45.60, Whole Foods 40.00 (50 USD) and Migros (30 CHF, unconverted).
    others = report["others"]
    assert (others["id"], others["name"], others["count"]) == (None, None, 3)
    assert figure(others) == amount("85.60", ("30.00", "CHF"))
    assert figure(report["total"]) == amount("326.00", ("30.00", "CHF"))


INCOME_VS_EXPENSE = f"""
query($h: ID!, $from: Date!, $to: Date!) {{
  incomeVsExpense(householdId: $h, from: $from, to: $to) {{
    income {{ {FIGURE} }} expense {{ {FIGURE} }} net {{ {FIGURE} }} savingsRate
    groups {{ name kind amount {{ {FIGURE} }} }}
    ratesUsedCount missingRatesCount
  }}
}}
"""


async def test_income_vs_expense(runtime: Runtime, ledger: Ledger) -> None:
    data = await execute(
        schema,
        context(runtime, ledger),
        INCOME_VS_EXPENSE,
        h=str(ledger.household_id),
        **{"from": "2026-01-01", "to": "2026-02-28"},
    )
    report = data["incomeVsExpense"]
    assert figure(report["income"]) == amount("3080.00")
    assert figure(report["expense"]) == amount("326.00", ("30.00", "CHF"))
    assert figure(report["net"]) == amount("2754.00", ("-30.00", "CHF"))
    assert report["savingsRate"] == pytest.approx(2754 / 3080)
    assert [(g["name"], g["kind"], g["amount"]["amount"]["amount"]) for g in report["groups"]] == [
        ("Income", "INCOME", "3080.00"),
        ("Food", "EXPENSE", "180.40"),
        ("Home", "EXPENSE", "100.00"),
        (None, "EXPENSE", "45.60"),
    ]
    assert (report["ratesUsedCount"], report["missingRatesCount"]) == (2, 1)


NET_WORTH = f"""
query($h: ID!, $from: Date!, $to: Date!, $grain: ReportGrain!) {{
  netWorth(householdId: $h, from: $from, to: $to, grain: $grain) {{
    currency grain
    points {{ date netWorth {{ {FIGURE} }} assets {{ {FIGURE} }} liabilities {{ {FIGURE} }} }}
    {RATES}
  }}
}}
"""


async def test_net_worth_by_month(runtime: Runtime, ledger: Ledger) -> None:
    data = await execute(
        schema,
        context(runtime, ledger),
        NET_WORTH,
        h=str(ledger.household_id),
        grain="MONTH",
        **{"from": "2025-12-01", "to": "2026-02-28"},
    )
    report = data["netWorth"]
    points = {p["date"]: p for p in report["points"]}
    assert list(points) == ["2025-12-31", "2026-01-31", "2026-02-28"]
    # Before the opening dates only the card (no opening date, no transactions yet) exists, at zero.
    assert figure(points["2025-12-31"]["netWorth"]) == amount("0.00")
    # Checking 1000 + 3000 - 80.40 - 45.60 - 500 + 20 = 3394.00; card 500 - 120 = 380.00;
    # dollars 450 USD at 0.80 (the rate of Friday 2026-01-30) = 360.00; mortgage -10000.00.
    january = points["2026-01-31"]
    assert figure(january["assets"]) == amount("4134.00")
    assert figure(january["liabilities"]) == amount("-10000.00")
    assert figure(january["netWorth"]) == amount("-5866.00")
    # Checking 3334.00, card 380.00, dollars 550 USD = 440.00, and the franken account (opened 2026-02-01)
    # holds 170 CHF, which has no rate.
    february = points["2026-02-28"]
    assert figure(february["assets"]) == amount("4154.00", ("170.00", "CHF"))
    assert figure(february["netWorth"]) == amount("-5846.00", ("170.00", "CHF"))
    used = [(e["node"]["base"], e["node"]["date"], e["node"]["rateDate"]) for e in report["ratesUsed"]["edges"]]
    assert used == [("USD", "2026-01-31", "2026-01-30"), ("USD", "2026-02-28", "2026-02-27")]
    missing = [(e["node"]["base"], e["node"]["date"]) for e in report["missingRates"]["edges"]]
    assert missing == [("CHF", "2026-02-28")]


async def test_net_worth_by_day(runtime: Runtime, ledger: Ledger) -> None:
    data = await execute(
        schema,
        context(runtime, ledger),
        NET_WORTH,
        h=str(ledger.household_id),
        grain="DAY",
        **{"from": "2026-01-19", "to": "2026-01-21"},
    )
    points = [(p["date"], p["netWorth"]["amount"]["amount"]) for p in data["netWorth"]["points"]]
    # 1000 + 3000 - 80.40 - 120 - 45.60 = 3754.00 in euros, 450 USD with no rate on or before 2026-01-19 within
    # a week but 2026-01-15's: 360.00; mortgage -10000. The transfer on the 20th moves money between two accounts.
    assert points == [("2026-01-19", "-5886.00"), ("2026-01-20", "-5886.00"), ("2026-01-21", "-5886.00")]


async def test_rates_used_page_through_cursors(runtime: Runtime, ledger: Ledger) -> None:
    query = """query($h: ID!, $after: String) { netWorth(householdId: $h, from: "2026-01-01", to: "2026-01-31",
      grain: DAY) { ratesUsed(first: 10, after: $after) { edges { node { date } } pageInfo { hasNextPage endCursor } }
      ratesUsedCount } }"""
    dates: list[str] = []
    after = None
    while True:
        data = await execute(schema, context(runtime, ledger), query, h=str(ledger.household_id), after=after)
        page = data["netWorth"]["ratesUsed"]
        dates += [e["node"]["date"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # Rates are published on the 15th and the 30th and serve a week: the 1st to the 14th and the 23rd to the
    # 29th have none (they are in `missingRates`).
    assert dates == [f"2026-01-{day:02d}" for day in [*range(15, 23), 30, 31]]
    assert data["netWorth"]["ratesUsedCount"] == len(dates)


async def test_reports_answer_null_for_another_households_id(runtime: Runtime, ledger: Ledger) -> None:
    stranger = make_viewer()
    ctx = Context(runtime=runtime, viewer=stranger)
    for household in (str(ledger.household_id), str(uuid.uuid4()), "not-an-id"):
        data = await execute(
            schema,
            ctx,
            """query($h: ID!) {
              cashFlow(householdId: $h, from: "2026-01-01", to: "2026-02-28") { currency }
              spendingByCategory(householdId: $h, from: "2026-01-01", to: "2026-02-28") { kind }
              spendingByPayee(householdId: $h, from: "2026-01-01", to: "2026-02-28") { kind }
              incomeVsExpense(householdId: $h, from: "2026-01-01", to: "2026-02-28") { currency }
              netWorth(householdId: $h, from: "2026-01-01", to: "2026-02-28") { currency }
            }""",
            h=household,
        )
        assert set(data.values()) == {None}, data


async def test_a_period_that_cannot_work_is_a_clear_error(runtime: Runtime, ledger: Ledger) -> None:
    result = await schema.execute(
        'query($h: ID!) { cashFlow(householdId: $h, from: "2026-03-01", to: "2026-01-01") { currency } }',
        variable_values={"h": str(ledger.household_id)},
        context_value=context(runtime, ledger),
    )
    assert result.errors is not None
    assert result.errors[0].message == "`from` must not be after `to`"
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "to"}
    result = await schema.execute(
        'query($h: ID!) { netWorth(householdId: $h, from: "2000-01-01", to: "2026-01-01", grain: DAY) { currency } }',
        variable_values={"h": str(ledger.household_id)},
        context_value=context(runtime, ledger),
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "from"}


async def test_a_report_takes_a_fixed_number_of_queries(runtime: Runtime, ledger: Ledger) -> None:
    resolved_rates.clear()
    with count_statements(runtime.engine) as statements:
        await execute(
            schema,
            context(runtime, ledger),
            CASH_FLOW,
            h=str(ledger.household_id),
            **{"from": "2026-01-01", "to": "2026-12-31"},
        )
    # Settings, the (currency, date) pairs, the rates' version and the rates, the session tuning, the aggregate:
    # however many transactions, months and currencies.
    assert len(statements) == 6, statements
    # Asked again, the rates are known: the version alone.
    with count_statements(runtime.engine) as statements:
        await execute(
            schema,
            context(runtime, ledger),
            CASH_FLOW,
            h=str(ledger.household_id),
            **{"from": "2026-01-01", "to": "2026-12-31"},
        )
    assert len(statements) == 5, statements


DASHBOARD = f"""
query($h: ID!, $from: Date!, $to: Date!) {{
  netWorth(householdId: $h, from: $from, to: $to, grain: MONTH) {{ currency points {{ date netWorth {{ {FIGURE} }} }} }}
  cashFlow(householdId: $h, from: $from, to: $to) {{ currency net {{ {FIGURE} }} }}
  accounts(householdId: $h) {{ edges {{ node {{ name }} }} }}
}}
"""


async def test_several_reports_in_one_query_share_the_operation_s_session_one_after_another(
    runtime: Runtime, ledger: Ledger
) -> None:
    # A dashboard asks for several reports at once; they share one database session, which runs one statement at
    # a time. Without a pool, every run's session opens a new connection, as a busy subgraph's often does: a second
    # root field that started meanwhile was refused ("This session is provisioning a new connection").
    engine = create_async_engine(async_url(str(runtime.settings.DATABASE_URL)), poolclass=NullPool)
    unpooled = dataclasses.replace(runtime, engine=engine, sessionmaker=make_sessionmaker(engine))
    try:
        for _ in range(3):
            data = await execute(
                schema,
                context(unpooled, ledger),
                DASHBOARD,
                h=str(ledger.household_id),
                **{"from": "2026-01-01", "to": "2026-03-31"},
            )
            assert data["netWorth"]["currency"] == data["cashFlow"]["currency"] == "EUR"
            assert data["netWorth"]["points"]
            assert data["accounts"]["edges"]
    finally:
        await engine.dispose()
