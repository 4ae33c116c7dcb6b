"""Budgets, the dashboard's charts and recurring transactions in a real browser through the real stack: a budget bar
moves when a transaction is recorded elsewhere (a script, through the router), without a reload; the dashboard
draws net worth and cash flow with accessible summaries holding the exact figures; a budgeted amount edits in place;
a recurring transaction is added with its next date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.federation.conftest import Client

PASSWORD = "correct horse battery"
SCREENS = Path(__file__).resolve().parents[2] / "web" / "test-results" / "screens"

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { __typename message } }
}"""

pytestmark = pytest.mark.timeout(300)


async def _setup_household(client: Client) -> dict[str, str]:
    """A household with an account (1000.00 EUR), a "Groceries" category budgeted 200.00 this month, 40.00 spent on
    it and a 1500.00 salary (uncategorised) today."""
    await client.register("Bea")
    me = (await client.run("{ me { email households { id } } }"))["me"]
    household = str(me["households"][0]["id"])
    email = str(me["email"])
    account = await client.run(
        """mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }""",
        input={"name": "Everyday", "type": "CHECKING", "currency": "EUR", "openingBalance": "1000.00"},
    )
    account_id = str(account["accountCreate"]["account"]["id"])
    group = await client.run(
        """mutation($input: CategoryGroupCreateInput!) { categoryGroupCreate(input: $input) { group { id } errors { message } } }""",
        input={"name": "Living", "kind": "EXPENSE", "householdId": household},
    )
    assert group["categoryGroupCreate"]["errors"] == []
    category = await client.run(
        """mutation($input: CategoryCreateInput!) { categoryCreate(input: $input) { category { id } errors { message } } }""",
        input={"groupId": group["categoryGroupCreate"]["group"]["id"], "name": "Groceries", "rollover": "SURPLUS"},
    )
    assert category["categoryCreate"]["errors"] == []
    category_id = str(category["categoryCreate"]["category"]["id"])
    today = dt.datetime.now(dt.UTC).date()
    month = today.isoformat()[:7]
    budget = await client.run(
        """mutation($input: BudgetSetInput!) { budgetSet(input: $input) { errors { message } } }""",
        input={"categoryId": category_id, "month": month, "amount": "200.00"},
    )
    assert budget["budgetSet"]["errors"] == []
    for amount, extra in (("-40.00", {"categoryId": category_id, "payee": "Grocer"}), ("1500.00", {"payee": "Acme"})):
        created = await client.run(
            TRANSACTION_CREATE, input={"accountId": account_id, "date": today.isoformat(), "amount": amount, **extra}
        )
        assert created["transactionCreate"]["errors"] == []
    return {"household": household, "email": email, "account": account_id, "category": category_id, "month": month}


async def _groceries(client: Client, household: str, month: str) -> dict[str, Any]:
    data = await client.run(
        """query($h: ID!, $m: String!) { budgetMonth(householdId: $h, month: $m) {
             lines { name budgeted activity available progress } } }""",
        h=household,
        m=month,
    )
    return next(line for line in data["budgetMonth"]["lines"] if line["name"] == "Groceries")


async def _screens(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 800)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 800})


async def test_dashboard_charts_and_live_budget_bars(client: Client, web_url: str, browser: Browser) -> None:
    ctx = await _setup_household(client)
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        await page.goto(web_url)
        await page.get_by_label("Email").fill(ctx["email"])
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()

        # The dashboard: the charts, each a figure named by its title with its figures in words and in a table.
        net_worth = page.get_by_role("figure", name="Net worth")
        await expect(net_worth).to_be_visible()
        await expect(page.get_by_test_id("net-worth-chart-summary")).to_contain_text(
            "Net worth 2,460.00 EUR", timeout=20000
        )
        await expect(net_worth.locator("svg.recharts-surface")).to_be_visible()
        await expect(net_worth.get_by_role("table")).to_contain_text("2,460.00 EUR")
        cash_flow = page.get_by_role("figure", name="Cash flow by month")
        await expect(page.get_by_test_id("cash-flow-chart-summary")).to_contain_text(
            "income 1,500.00 EUR, spending 40.00 EUR", timeout=20000
        )
        await expect(cash_flow.locator(".recharts-bar-rectangle").first).to_be_visible()
        row = cash_flow.get_by_role("table").get_by_role("row").last
        await expect(row).to_contain_text("1,500.00 EUR")
        await expect(row).to_contain_text("40.00 EUR")
        # This month's budget bar, and the accounts with their balances.
        dashboard_bar = page.get_by_test_id("dashboard-budget").get_by_role("progressbar", name="Groceries")
        await expect(dashboard_bar).to_have_attribute("aria-valuenow", "20")
        await expect(page.get_by_role("row").filter(has_text="Everyday")).to_contain_text("2,460.00 EUR")
        await _screens(page, "dashboard")

        # Budgets: the month's grid with the bar at 40 of 200.
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Budgets").click()
        groceries = page.locator("tr[data-category='Groceries']")
        bar = groceries.get_by_role("progressbar", name="Groceries")
        await expect(bar).to_have_attribute("aria-valuenow", "20")
        await expect(groceries.get_by_test_id("spent")).to_have_text("40.00")
        await expect(groceries.get_by_test_id("available")).to_have_text("160.00")
        await expect(groceries).to_contain_text("rollover: surplus")
        await page.evaluate("() => { window.__sameDocument = true }")

        # Spending recorded elsewhere moves the bar without a reload. The subscription goes live a moment after the
        # page renders: record until an event arrives.
        today = dt.datetime.now(dt.UTC).date().isoformat()
        for _ in range(30):
            await client.run(
                TRANSACTION_CREATE,
                input={"accountId": ctx["account"], "date": today, "amount": "-20.00", "categoryId": ctx["category"]},
            )
            line = await _groceries(client, ctx["household"], ctx["month"])
            spent = line["activity"].lstrip("-")
            try:
                await expect(groceries.get_by_test_id("spent")).to_have_text(spent, timeout=1000)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the budget bar never moved")
        await expect(bar).to_have_attribute("aria-valuenow", str(round(line["progress"] * 100)))
        assert await bar.get_attribute("aria-valuenow") != "20"
        assert await page.evaluate("() => window.__sameDocument") is True

        # The budgeted amount edits in place, as a decimal string.
        await groceries.get_by_role("button", name=re.compile(r"^Budgeted for Groceries")).click()
        await groceries.get_by_label("Budgeted for Groceries").fill("400.00")
        await groceries.get_by_role("button", name="Save").click()
        await expect(groceries.get_by_role("button", name=re.compile(r"^Budgeted for Groceries"))).to_have_text(
            "400.00"
        )
        assert (await _groceries(client, ctx["household"], ctx["month"]))["budgeted"] == "400.00"
        await _screens(page, "budgets")

        # Moving between months: the next month starts empty, with Groceries still listed.
        await page.get_by_role("link", name="Next month").click()
        await expect(page.get_by_test_id("budget-month")).not_to_have_text(re.compile(r"^$"))
        await expect(page.locator("tr[data-category='Groceries']").get_by_test_id("spent")).to_have_text("0.00")

        # Recurring: add one; it is listed with its next date.
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Recurring").click()
        await expect(page.get_by_text("No recurring transactions yet.")).to_be_visible()
        start = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
        await page.get_by_label("Name", exact=True).fill("Rent")
        await page.get_by_label("Amount", exact=True).fill("-950.00")
        await page.get_by_label("Start date").fill(start)
        await page.get_by_role("button", name="Add recurring").click()
        rent = page.get_by_role("row").filter(has_text="Rent")
        await expect(rent).to_contain_text("-950.00 EUR")
        listed = await client.run(
            "query($h: ID!) { recurringTransactions(householdId: $h) { nodes { name nextDate } } }", h=ctx["household"]
        )
        next_date = dt.date.fromisoformat(listed["recurringTransactions"]["nodes"][0]["nextDate"])
        assert next_date >= dt.date.fromisoformat(start)
        await expect(rent).to_contain_text(f"{next_date:%b} {next_date.day}, {next_date.year}")
        await _screens(page, "recurring")
    finally:
        await context.close()
    assert page_errors == []
