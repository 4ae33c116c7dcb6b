"""Budget vs actual, written as ledgers: what was budgeted and spent, and the figures a user must see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.money import Money
from subgraphs.budget.budgets.figures import MonthFigures, budget_figures
from subgraphs.budget.budgets.months import month_label, months_between, parse_month
from subgraphs.budget.fx.base import PublishedRate
from subgraphs.budget.fx.service import store_rates
from tests.factories import make_account
from tests.subgraphs.budget.budgets.support import Household, table


async def figures(household: Household, first: str, last: str) -> list[MonthFigures]:
    async with household.session.begin():
        return await budget_figures(
            session=household.session,
            household_id=household.id,
            months=months_between(parse_month(first), parse_month(last)),
        )


def figure(value: Decimal | None) -> str:
    """A figure as the tables write it: ``50``, ``-30``, ``0.5``."""
    assert value is not None
    return format(value.normalize(), "f")


def line(month: MonthFigures, name: str):
    [found] = [line for line in month.lines if line.category.name == name]
    return found


ROLLOVER_LEDGER = """
month     budgeted  spent
2026-01      300     250
2026-02      300     380
2026-03      300     100
2026-04      300     400
"""

ROLLOVER_EXPECTED = """
category   rollover               month    carried  available
Plain      none                   2026-01      0        50
Plain      none                   2026-02      0       -80
Plain      none                   2026-03      0       200
Plain      none                   2026-04      0      -100
Surplus    surplus                2026-01      0        50
Surplus    surplus                2026-02     50       -30    # the overspend is not carried
Surplus    surplus                2026-03      0       200
Surplus    surplus                2026-04    200       100
Both       surplus_and_overspend  2026-01      0        50
Both       surplus_and_overspend  2026-02     50       -30
Both       surplus_and_overspend  2026-03    -30       170    # ... here it is
Both       surplus_and_overspend  2026-04    170        70
"""


async def test_rollover_per_category_carries_what_its_setting_says(session: AsyncSession) -> None:
    household = await Household.create(session)
    expected = table(ROLLOVER_EXPECTED)
    for name, rollover in dict.fromkeys((row["category"], row["rollover"]) for row in expected):
        await household.category(name, rollover=rollover)
        for row in table(ROLLOVER_LEDGER):
            await household.budget(name, row["month"], row["budgeted"])
            await household.record(f"{row['month']}-15", f"-{row['spent']}", name)

    months = {month_label(m.month): m for m in await figures(household, "2026-01", "2026-04")}
    seen = [
        {
            "category": row["category"],
            "rollover": row["rollover"],
            "month": row["month"],
            "carried": figure(line(months[row["month"]], row["category"]).carried),
            "available": figure(line(months[row["month"]], row["category"]).available),
        }
        for row in expected
    ]
    assert seen == expected
    april = line(months["2026-04"], "Surplus")
    assert (april.budgeted, april.activity, april.funded) == (Decimal(300), Decimal(-400), Decimal(500))
    assert april.progress == 0.8


ENVELOPE_LEDGER = """
date        category    amount     # rollover of the category
2026-01-01  Salary        3000
2026-01-03  Rent         -1000     # none: leftovers (and overspends) go back to be budgeted
2026-01-20  Groceries     -450     # surplus: an overspend goes back, a surplus stays
2026-01-25  -              -20     # uncategorised: straight out of "to be budgeted"
2026-02-01  Salary        3000
2026-02-03  Rent         -1000
2026-02-20  Groceries     -300
2026-02-21  Savings       -600     # surplus_and_overspend: everything stays
"""

ENVELOPE_ASSIGNED = """
month     Rent   Groceries  Savings
2026-01   1000      400       500
2026-02   1000      400       500
"""

ENVELOPE_EXPECTED = """
month    category   assigned  activity  carried  available
2026-01  Rent         1000     -1000        0        0
2026-01  Groceries     400      -450        0      -50
2026-01  Savings       500         0        0      500
2026-02  Rent         1000     -1000        0        0
2026-02  Groceries     400      -300        0      100    # January's -50 went back to be budgeted
2026-02  Savings       500      -600      500      400
"""

TO_BE_BUDGETED = """
#        ---------- up to the month ----------   before the month
month    income  uncategorised  assigned          released          to_be_budgeted   uncategorised_in_month
2026-01   3000        -20          1900               0                 1080               -20
2026-02   6000        -20          3800             -50                 2130                 0
"""


async def test_envelope_to_be_budgeted_is_income_less_assignments_carried_month_to_month(
    session: AsyncSession,
) -> None:
    household = await Household.create(session, model="envelope")
    await household.category("Salary", kind="income")
    await household.category("Rent", rollover="none")
    await household.category("Groceries", rollover="surplus")
    await household.category("Savings", rollover="surplus_and_overspend")
    for row in table(ENVELOPE_ASSIGNED):
        for name in ("Rent", "Groceries", "Savings"):
            await household.budget(name, row["month"], row[name])
    for row in table(ENVELOPE_LEDGER):
        await household.record(row["date"], row["amount"], None if row["category"] == "-" else row["category"])

    months = {month_label(m.month): m for m in await figures(household, "2026-01", "2026-02")}
    seen = []
    for row in table(ENVELOPE_EXPECTED):
        found = line(months[row["month"]], row["category"])
        seen.append(
            {
                "month": row["month"],
                "category": row["category"],
                "assigned": figure(found.budgeted),
                "activity": figure(found.activity),
                "carried": figure(found.carried),
                "available": figure(found.available),
            }
        )
    assert seen == table(ENVELOPE_EXPECTED)
    for row in table(TO_BE_BUDGETED):
        month = months[row["month"]]
        assert month.to_be_budgeted == Decimal(row["to_be_budgeted"]), row["month"]
        assert month.to_be_budgeted == (
            Decimal(row["income"]) + Decimal(row["uncategorised"]) - Decimal(row["assigned"]) + Decimal(row["released"])
        )
        assert month.uncategorized == Decimal(row["uncategorised_in_month"])
    # Money is conserved: to be budgeted plus what the categories hold is all that came in less all that went.
    february = months["2026-02"]
    received_less_spent = Decimal(6000 - 20 - 1000 - 450 - 1000 - 300 - 600)
    assert february.to_be_budgeted is not None
    assert february.to_be_budgeted + february.available == received_less_spent
    assert february.income == Decimal(3000)
    assert line(february, "Salary").available is None


async def test_category_limits_have_no_to_be_budgeted_and_count_splits_not_transfers(session: AsyncSession) -> None:
    household = await Household.create(session)
    await household.category("Groceries")
    await household.category("Household")
    await household.budget("Groceries", "2026-03", "200")
    await household.record("2026-03-02", "-50.10", splits={"Groceries": "-40.00", "Household": "-10.10"})
    await household.record("2026-03-05", "-12.00", "Groceries")
    await household.record("2026-03-06", "2.00", "Groceries")  # a refund
    # A transfer between the household's own accounts is not spending, even with a category.
    savings = await make_account(session, household_id=household.id, name="Savings")
    transfer = await household.record("2026-03-07", "-100.00", "Groceries")
    async with session.begin():
        from subgraphs.budget.models import Transaction

        row = await session.get(Transaction, transfer)
        assert row is not None
        row.transfer_id, row.transfer_account_id = row.id, savings.id

    [march] = await figures(household, "2026-03", "2026-03")
    assert march.to_be_budgeted is None
    groceries, household_line = line(march, "Groceries"), line(march, "Household")
    assert (groceries.budgeted, groceries.activity, groceries.available) == (
        Decimal(200),
        Decimal("-50.00"),
        Decimal("150.00"),
    )
    assert groceries.progress == 0.25
    assert (household_line.activity, household_line.progress) == (Decimal("-10.10"), None)  # nothing budgeted
    assert (march.budgeted, march.activity, march.available) == (Decimal(200), Decimal("-60.10"), Decimal("139.90"))


async def test_foreign_transactions_convert_at_their_dates_rate_and_a_missing_rate_is_reported(
    session: AsyncSession,
) -> None:
    household = await Household.create(session)
    await household.category("Travel")
    await household.budget("Travel", "2026-05", "500")
    dollars = await make_account(session, household_id=household.id, name="US card", currency="USD")
    async with session.begin():
        await store_rates(
            session=session,
            source="ecb",
            rates=[
                PublishedRate("EUR", "USD", dt.date(2026, 5, 4), Decimal("1.25")),
                PublishedRate("EUR", "USD", dt.date(2026, 5, 22), Decimal("1.1")),
            ],
        )
    await household.record("2026-05-04", "-100.00", "Travel", account=dollars)  # 100 / 1.25 = 80.00 EUR
    await household.record("2026-05-09", "-10.00", "Travel", account=dollars)  # Saturday: Monday 4th's rate, 8.00
    await household.record("2026-05-22", "-0.11", "Travel", account=dollars)  # 0.1 EUR exactly
    await household.record("2026-05-22", "-0.55", "Travel", account=dollars)  # 0.5 EUR exactly
    await household.record("2026-05-22", "-0.01", "Travel", account=dollars)  # 0.00909.. → 0.01 EUR
    await household.record("2026-05-30", "-7.00", "Travel", account=dollars)  # more than 7 days after a rate

    [may] = await figures(household, "2026-05", "2026-05")
    travel = line(may, "Travel")
    assert travel.activity == Decimal("-88.61")
    assert travel.unconverted == (Money("-7.00", "USD"),)
    assert not travel.complete
    assert [(r.base, r.on, r.rate_date, r.source, r.rate) for r in may.rates_used] == [
        ("USD", dt.date(2026, 5, 4), dt.date(2026, 5, 4), "ecb", Decimal("0.8")),
        ("USD", dt.date(2026, 5, 9), dt.date(2026, 5, 4), "ecb", Decimal("0.8")),
        ("USD", dt.date(2026, 5, 22), dt.date(2026, 5, 22), "ecb", Decimal("0.9090909090909090909090909091")),
    ]
    [missing] = may.missing_rates
    assert (missing.base, missing.quote, missing.on) == ("USD", "EUR", dt.date(2026, 5, 30))
    assert not may.complete


async def test_a_month_is_rounded_once_half_to_even(session: AsyncSession) -> None:
    household = await Household.create(session)
    await household.category("Fees")
    await household.category("Interest")
    pounds = await make_account(session, household_id=household.id, name="GBP", currency="GBP")
    async with session.begin():
        await store_rates(
            session=session, source="ecb", rates=[PublishedRate("EUR", "GBP", dt.date(2026, 6, 1), Decimal("2"))]
        )
    await household.record("2026-06-01", "-0.05", "Fees", account=pounds)  # -0.025 EUR: a half cent
    for _ in range(2):
        await household.record("2026-06-01", "-0.01", "Interest", account=pounds)  # -0.005 EUR each
    [june] = await figures(household, "2026-06", "2026-06")
    # Half to even, as fx.service.apply_rate rounds: -0.02 (half away from zero would say -0.03).
    assert line(june, "Fees").activity == Decimal("-0.02")
    # Summed exactly, rounded once: -0.01 (rounding each half cent first would lose it: 0.00).
    assert line(june, "Interest").activity == Decimal("-0.01")


async def test_archived_categories_show_only_when_they_have_figures(session: AsyncSession) -> None:
    household = await Household.create(session)
    old = await household.category("Old")
    quiet = await household.category("Quiet")
    await household.record("2026-07-02", "-5", "Old")
    async with session.begin():
        for category in (old, quiet):
            category.archived_at = dt.datetime(2026, 7, 3, tzinfo=dt.UTC)
            session.add(category)
    [july] = await figures(household, "2026-07", "2026-07")
    assert [line.category.name for line in july.lines] == ["Old"]
