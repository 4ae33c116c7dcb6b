"""The account screen's ledger in a real browser through the real stack: a transaction edited in place (payee, memo,
date, amount; a malformed amount refused in the page, one the server refuses shown next to the field), a transfer
to another account shown as such in both accounts' lists, and a split across categories whose remainder is shown
exactly and which is refused until the parts add up. Each change is checked through the API."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.federation.conftest import Client
from tests.federation.test_web import PASSWORD, TRANSACTION_CREATE, make_account

pytestmark = pytest.mark.timeout(300)

TRANSACTIONS = """
query Transactions($householdId: ID!, $accountId: ID!) {
  transactions(householdId: $householdId, filter: {accountIds: [$accountId]}, first: 50) {
    nodes {
      id date payee memo isSplit
      amount { amount currency }
      splits { amount { amount } category { name } }
      transfer { counterpartAccount { id } counterpartTransaction { id } }
    }
  }
}"""


async def make_category(client: Client, group_id: str, name: str) -> str:
    data = await client.run(
        """mutation C($input: CategoryCreateInput!) {
             categoryCreate(input: $input) { category { id } errors { message } }
           }""",
        input={"groupId": group_id, "name": name},
    )
    assert data["categoryCreate"]["errors"] == []
    return str(data["categoryCreate"]["category"]["id"])


async def transactions_of(client: Client, household_id: str, account_id: str) -> list[dict[str, Any]]:
    data = await client.run(TRANSACTIONS, householdId=household_id, accountId=account_id)
    return list(data["transactions"]["nodes"])


async def sign_in(page: Page, web_url: str, email: str) -> None:
    await page.goto(web_url)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def test_edit_transfer_and_split_on_the_account_screen(client: Client, web_url: str, browser: Browser) -> None:
    await client.register("Noor")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    checking = await make_account(client, "Checking", "CHECKING", "100.00")
    savings = await make_account(client, "Savings", "SAVINGS", "0.00")
    household_id = (await client.run("query($id: ID!) { account(id: $id) { householdId } }", id=checking))["account"][
        "householdId"
    ]
    group = await client.run(
        """mutation G($input: CategoryGroupCreateInput!) {
             categoryGroupCreate(input: $input) { group { id } errors { message } }
           }""",
        input={"name": "Living", "kind": "EXPENSE", "householdId": household_id},
    )
    assert group["categoryGroupCreate"]["errors"] == []
    group_id = group["categoryGroupCreate"]["group"]["id"]
    await make_category(client, group_id, "Groceries")
    await make_category(client, group_id, "Household")
    created = await client.run(
        TRANSACTION_CREATE,
        input={"accountId": checking, "date": "2026-03-02", "amount": "-42.10", "payee": "Grocer Market"},
    )
    assert created["transactionCreate"]["errors"] == []
    transaction_id = created["transactionCreate"]["transaction"]["id"]

    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        await sign_in(page, web_url, email)
        await page.goto(f"{web_url}/accounts/{checking}")
        rows = page.get_by_role("row")
        await expect(rows.filter(has_text="Grocer Market")).to_contain_text("-42.10 EUR")

        # 1. Inline edit. A malformed amount never leaves the page; one the server refuses (more decimals than
        # EUR has) comes back as a ValidationError on `amount`, shown next to that field.
        await page.get_by_role("button", name="Edit Grocer Market").click()
        form = page.get_by_role("form", name="Edit Grocer Market")
        amount = form.get_by_label("Amount (EUR)")
        await amount.fill("12.3.4")
        await form.get_by_role("button", name="Save").click()
        await expect(form.get_by_role("alert")).to_contain_text("Enter an amount such as -12.30")
        await expect(amount).to_have_attribute("aria-invalid", "true")
        await amount.fill("-42.105")
        await form.get_by_role("button", name="Save").click()
        await expect(form.get_by_role("alert")).to_contain_text("EUR amounts have at most 2 decimal places")
        await expect(amount).to_have_attribute("aria-invalid", "true")
        error_id = await amount.get_attribute("aria-describedby")
        await expect(page.locator(f'[id="{error_id}"]')).to_contain_text("at most 2 decimal places")
        assert (await transactions_of(client, household_id, checking))[0]["amount"]["amount"] == "-42.10"

        await form.get_by_label("Payee").fill("Green Grocer")
        await form.get_by_label("Memo").fill("weekly shop")
        await form.get_by_label("Date").fill("2026-03-04")
        await amount.fill("-45.60")
        await form.get_by_role("button", name="Save").click()
        await expect(form).to_have_count(0)
        edited = rows.filter(has_text="Green Grocer")
        await expect(edited).to_contain_text("-45.60 EUR")
        await expect(edited).to_contain_text("weekly shop")
        await expect(edited).to_contain_text("Mar 4, 2026")
        [stored] = await transactions_of(client, household_id, checking)
        assert stored["id"] == transaction_id
        assert (stored["payee"], stored["memo"], stored["date"]) == ("Green Grocer", "weekly shop", "2026-03-04")
        assert stored["amount"] == {"amount": "-45.60", "currency": "EUR"}

        # 2. A transfer to the savings account: one leg on each, each list says where the money went or came from.
        await page.get_by_role("button", name="Transfer to another account").click()
        transfer = page.get_by_role("form", name="Transfer to another account")
        await transfer.get_by_label("To account").select_option(label="Savings (EUR)")
        await transfer.get_by_label("Date").fill("2026-03-05")
        await transfer.get_by_label("Amount (EUR)").fill("25.00")
        await transfer.get_by_role("button", name="Transfer", exact=True).click()
        await expect(transfer).to_have_count(0)
        await expect(rows.filter(has_text="Transfer to Savings")).to_contain_text("-25.00 EUR")
        out_leg = next(t for t in await transactions_of(client, household_id, checking) if t["transfer"])
        [in_leg] = await transactions_of(client, household_id, savings)
        assert out_leg["amount"]["amount"] == "-25.00"
        assert in_leg["amount"] == {"amount": "25.00", "currency": "EUR"}
        assert out_leg["transfer"]["counterpartAccount"]["id"] == savings
        assert in_leg["transfer"]["counterpartAccount"]["id"] == checking
        assert in_leg["transfer"]["counterpartTransaction"]["id"] == out_leg["id"]

        await page.goto(f"{web_url}/accounts/{savings}")
        await expect(rows.filter(has_text="Transfer from Checking")).to_contain_text("25.00 EUR")
        await page.goto(f"{web_url}/accounts/{checking}")

        # 3. A split across two categories: the remainder is exact, and parts that do not add up are refused.
        await page.get_by_role("button", name="Split Green Grocer").click()
        split = page.get_by_role("form", name="Split Green Grocer")
        await split.get_by_label("Part 1 amount").fill("-30.00")
        await split.get_by_label("Part 1 category").select_option(label="Groceries")
        await split.get_by_label("Part 2 amount").fill("-15.59")
        await split.get_by_label("Part 2 category").select_option(label="Household")
        await expect(split.locator("output")).to_have_text("-0.01 EUR")
        await split.get_by_role("button", name="Save split").click()
        await expect(split.get_by_role("alert")).to_contain_text("do not add up to the amount: -0.01 left to assign")
        unsplit = next(t for t in await transactions_of(client, household_id, checking) if t["id"] == transaction_id)
        assert not unsplit["isSplit"]

        await split.get_by_label("Part 2 amount").fill("-15.60")
        await expect(split.locator("output")).to_have_text("0.00 EUR")
        await split.get_by_role("button", name="Save split").click()
        await expect(split).to_have_count(0)
        parts = page.get_by_role("list", name="Split parts of Green Grocer").locator("visible=true")
        await expect(parts).to_contain_text("Groceries")
        await expect(parts).to_contain_text("-15.60 EUR")
        stored = next(t for t in await transactions_of(client, household_id, checking) if t["id"] == transaction_id)
        assert stored["isSplit"]
        assert [(s["amount"]["amount"], s["category"]["name"]) for s in stored["splits"]] == [
            ("-30.00", "Groceries"),
            ("-15.60", "Household"),
        ]
    finally:
        await context.close()
    assert page_errors == []


async def test_the_next_page_loads_when_the_end_of_the_list_comes_into_view(
    client: Client, web_url: str, browser: Browser
) -> None:
    await client.register("Pia")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    account = await make_account(client, "Daily", "CHECKING", "0.00")
    for day in range(1, 31):  # more than one page (25)
        created = await client.run(
            TRANSACTION_CREATE,
            input={"accountId": account, "date": f"2026-04-{day:02d}", "amount": "-1.00", "payee": f"Shop {day:02d}"},
        )
        assert created["transactionCreate"]["errors"] == []

    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        await sign_in(page, web_url, email)
        await page.goto(f"{web_url}/accounts/{account}")
        rows = page.get_by_role("row").filter(has_text="Shop")
        await expect(rows).to_have_count(25)
        # The button stays for keyboards and screen readers; scrolling to it is enough.
        more = page.get_by_role("button", name="Load more transactions")
        await expect(more).to_be_visible()
        await more.scroll_into_view_if_needed()
        await expect(rows).to_have_count(30)
        await expect(rows.filter(has_text="Shop 01")).to_be_visible()
        await expect(more).to_have_count(0)
    finally:
        await page.close()
