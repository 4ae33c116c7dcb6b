"""Spending by payee keeps the converted figures of whole months between requests, and never serves them once
anything they depend on changed: a transaction of the month, a rate, a payee merged, a category's kind, the base
currency; nor what a rolled-back transaction saw."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text

from fincloud.service import Runtime
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import store_rates
from subgraphs.budget.reports.months import Period, whole_months
from subgraphs.budget.reports.service import Kind, spending_by_payee
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from tests.subgraphs.budget.reports.ledger import Ledger, write_ledger

D = dt.date


@pytest.mark.parametrize(
    ("since", "until", "months", "edges"),
    [
        (D(2026, 1, 1), D(2026, 2, 28), [D(2026, 1, 1), D(2026, 2, 1)], []),
        (D(2026, 1, 2), D(2026, 3, 30), [D(2026, 2, 1)], [Period(D(2026, 1, 2), D(2026, 1, 31)),
                                                           Period(D(2026, 3, 1), D(2026, 3, 30))]),
        (D(2026, 1, 2), D(2026, 1, 30), [], [Period(D(2026, 1, 2), D(2026, 1, 30))]),
        (D(2024, 2, 1), D(2024, 2, 29), [D(2024, 2, 1)], []),
    ],
)  # fmt: skip
def test_whole_months_and_the_rest(since: dt.date, until: dt.date, months: list[dt.date], edges: list[Period]) -> None:
    assert whole_months(since, until) == (months, edges)


async def by_payee(
    runtime: Runtime, ledger: Ledger, since: str = "2026-01-01", until: str = "2026-02-28"
) -> dict[str | None, tuple[Decimal, dict[str, Decimal], int]]:
    async with runtime.sessionmaker() as session, session.begin():
        report = await spending_by_payee(
            session=session, household_id=ledger.household_id, since=D.fromisoformat(since),
            until=D.fromisoformat(until), kind=Kind.EXPENSE,
        )  # fmt: skip
    cents = Decimal("0.01")
    return {
        line.name: (line.amount.converted.quantize(cents), line.amount.unconverted, line.count) for line in report.lines
    }


async def kept_months(runtime: Runtime, ledger: Ledger) -> int:
    async with runtime.sessionmaker() as session:
        found = await session.scalar(
            text("SELECT count(*) FROM budget.month_figures_done WHERE household_id = :h"), {"h": ledger.household_id}
        )
    return int(found or 0)


async def test_kept_figures_follow_every_change(runtime: Runtime) -> None:
    ledger = await write_ledger(runtime.sessionmaker, uuid.uuid4())
    first = await by_payee(runtime, ledger)
    assert first["REWE"] == (Decimal("60.40"), {}, 2)
    assert first["Migros"] == (Decimal(0), {"CHF": Decimal("30.00")}, 1)
    assert await kept_months(runtime, ledger) == 2
    # The same answer from the kept figures, and the same as summing the period's transactions (a period cut a
    # day short on each side has no whole month, so it is summed from the transactions; January 1 and February 28
    # hold no expense).
    assert await by_payee(runtime, ledger) == first
    assert await by_payee(runtime, ledger, "2026-01-02", "2026-02-27") == first

    # A transaction of a kept month.
    async with runtime.sessionmaker() as session, session.begin():
        await create_transaction(
            session=session,
            household_ids=[ledger.household_id],
            data=NewTransaction(ledger.accounts["Checking"], D(2026, 1, 7), Decimal("-10.00"), "REWE", None),
        )
    assert (await by_payee(runtime, ledger))["REWE"] == (Decimal("70.40"), {}, 3)

    # A rate for a day that had none.
    async with runtime.sessionmaker() as session, session.begin():
        await store_rates(
            session=session, source="ecb", rates=[PublishedRate("EUR", "CHF", D(2026, 2, 3), Decimal("0.96"))]
        )
    assert (await by_payee(runtime, ledger))["Migros"] == (Decimal("31.25"), {}, 1)

    # Payees merged (their transactions move), and a category that becomes income.
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "UPDATE budget.transactions SET payee_id = (SELECT payee_id FROM budget.transactions "
                "WHERE household_id = :h AND payee = 'IKEA' LIMIT 1), payee = 'IKEA' "
                "WHERE household_id = :h AND payee = 'Trattoria'"
            ),
            {"h": ledger.household_id},
        )
    merged = await by_payee(runtime, ledger)
    assert "Trattoria" not in merged
    assert merged["IKEA"] == (Decimal("180.00"), {}, 3)
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE budget.categories SET kind = 'income' WHERE id = :id"), {"id": ledger.categories["Household"]}
        )
    assert (await by_payee(runtime, ledger))["IKEA"] == (Decimal("80.00"), {}, 2)

    # What a rolled-back transaction saw is never served after it.
    async with runtime.sessionmaker() as session, session.begin():
        await create_transaction(
            session=session,
            household_ids=[ledger.household_id],
            data=NewTransaction(ledger.accounts["Checking"], D(2026, 2, 9), Decimal("-999.00"), "REWE", None),
        )
        seen = await spending_by_payee(
            session=session, household_id=ledger.household_id, since=D(2026, 1, 1), until=D(2026, 2, 28)
        )
        assert {line.name: line.amount.converted for line in seen.lines}["REWE"] == Decimal("1069.40")
        await session.rollback()
    assert (await by_payee(runtime, ledger))["REWE"] == (Decimal("70.40"), {}, 3)

    # Another base currency: the kept EUR figures are not used.
    async with runtime.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE budget.household_settings SET base_currency = 'USD' WHERE household_id = :h"),
            {"h": ledger.household_id},
        )
    in_dollars = await by_payee(runtime, ledger)
    assert in_dollars["Whole Foods"] == (Decimal("50.00"), {}, 1)


async def test_a_query_through_graphql_keeps_its_months(runtime: Runtime) -> None:
    """A GraphQL query's session is never committed: the figures are kept by a transaction of their own."""
    from subgraphs.budget.schema import schema
    from tests.conftest import execute
    from tests.subgraphs.budget.reports.test_reports import context

    ledger = await write_ledger(runtime.sessionmaker, uuid.uuid4())
    query = """query($h: ID!) { spendingByPayee(householdId: $h, from: "2026-01-01", to: "2026-02-28") {
        lines { name amount { amount { amount } } } } }"""
    first = await execute(schema, context(runtime, ledger), query, h=str(ledger.household_id))
    assert await kept_months(runtime, ledger) == 2
    again = await execute(schema, context(runtime, ledger), query, h=str(ledger.household_id))
    assert again == first
    assert {line["name"]: line["amount"]["amount"]["amount"] for line in first["spendingByPayee"]["lines"]}[
        "REWE"
    ] == "60.40"
