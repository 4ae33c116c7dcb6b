"""The PWA in a real browser through the real stack, at one address: the web server (web/server.mjs, the built
Next.js app) serves the app and passes /graphql (HTTP and WebSocket) on to the router. A user signs in and sees
their accounts with exact amounts; the first load of a signed-in page is server-rendered with their data; balances
change as transactions are recorded elsewhere; the session is httpOnly cookies that survive a reload, refresh
themselves silently when the access token is gone, and end with "Sign out"."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, expect

from tests.federation.conftest import Client, RunningStack

PASSWORD = "correct horse battery"
SCREENSHOT = Path("/tmp/fincloud-web.png")

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { __typename message } }
}"""

# Building the app on a fresh checkout (web_url, once per session) comes on top of booting the stack.
pytestmark = pytest.mark.timeout(300)


async def make_account(client: Client, name: str, type_: str, opening: str) -> str:
    data = await client.run(
        """mutation AccountCreate($input: AccountCreateInput!) {
             accountCreate(input: $input) { account { id } errors { message } }
           }""",
        input={"name": name, "type": type_, "currency": "EUR", "openingBalance": opening},
    )
    assert data["accountCreate"]["errors"] == []
    return str(data["accountCreate"]["account"]["id"])


async def test_sign_in_and_see_accounts_with_exact_balances(client: Client, web_url: str, browser: Browser) -> None:
    await client.register("Ada")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    await make_account(client, "Joint checking", "CHECKING", "12.30")
    brokerage = await make_account(client, "Brokerage cash", "INVESTMENT", "0.10")
    created = await client.run(
        """mutation PortfolioCreate($input: PortfolioCreateInput!) {
             portfolioCreate(input: $input) { portfolio { id } errors { message } }
           }""",
        input={"name": "Retirement", "baseCurrency": "EUR", "accountId": brokerage},
    )
    assert created["portfolioCreate"]["errors"] == []

    page = await browser.new_page(viewport={"width": 1024, "height": 640})
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        await page.goto(web_url)

        # A payload error (errors { message }) reaches the user.
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill("not the password")
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await expect(page.get_by_role("alert").filter(has_text="wrong email or password")).to_be_visible()

        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()

        checking = page.get_by_role("row").filter(has_text="Joint checking")
        await expect(checking).to_contain_text("12.30 EUR")
        await expect(checking).to_contain_text("Checking")
        brokerage_row = page.get_by_role("row").filter(has_text="Brokerage cash")
        await expect(brokerage_row).to_contain_text("0.10 EUR")
        await expect(brokerage_row).to_contain_text("Retirement")
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        await page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        await page.close()
    assert page_errors == []


def _site_cookies(cookies: list[Any], url: str) -> dict[str, Any]:
    host = urlsplit(url).hostname
    return {c["name"]: c for c in cookies if c.get("domain", "").lstrip(".") == host}


async def test_the_session_lives_in_httponly_cookies(
    client: Client, stack: RunningStack, web_url: str, browser: Browser
) -> None:
    await client.register("Lin")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    await make_account(client, "Household cash", "CASH", "7.05")

    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(web_url)
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await expect(page.get_by_role("row").filter(has_text="Household cash")).to_contain_text("7.05 EUR")

        # The tokens are cookies of the app's own origin that no script can read, and nothing the page stores holds them.
        cookies = _site_cookies(await context.cookies(), web_url)
        assert set(cookies) == {"fincloud_access", "fincloud_refresh"}
        assert all(c["httpOnly"] and c["secure"] for c in cookies.values())
        assert cookies["fincloud_refresh"]["sameSite"] == "Strict"
        stored = await page.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
        assert cookies["fincloud_access"]["value"] not in stored
        assert cookies["fincloud_refresh"]["value"] not in stored
        assert await page.evaluate("() => document.cookie") == ""

        # A reload (or a new tab) stays signed in.
        await page.reload()
        await expect(page.get_by_role("row").filter(has_text="Household cash")).to_contain_text("7.05 EUR")

        # The access token expired: the app refreshes the cookies silently (rotating the refresh token).
        old_refresh = cookies["fincloud_refresh"]["value"]
        await context.clear_cookies(name="fincloud_access")
        await page.reload()
        await expect(page.get_by_role("row").filter(has_text="Household cash")).to_contain_text("7.05 EUR")
        renewed = _site_cookies(await context.cookies(), web_url)
        assert "fincloud_access" in renewed
        assert renewed["fincloud_refresh"]["value"] != old_refresh

        # Signing out ends the session on the server: the cookies are gone and the old refresh token is dead.
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        assert _site_cookies(await context.cookies(), web_url) == {}
        await page.reload()
        await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        reused = await client.http.post(
            stack.router_url,
            json={
                "query": "mutation($t: String) { tokenRefresh(input: {refreshToken: $t}) { user { id } } }",
                "variables": {"t": renewed["fincloud_refresh"]["value"]},
            },
        )
        assert reused.json()["data"]["tokenRefresh"]["user"] is None
    finally:
        await context.close()


async def test_create_an_account_from_the_sign_in_page(web_url: str, browser: Browser) -> None:
    email = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    page = await browser.new_page()
    try:
        await page.goto(web_url)
        await page.get_by_role("button", name="Create an account").click()
        await page.get_by_label("Name").fill("Grace")
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Create account", exact=True).click()

        await expect(page.get_by_text("No accounts yet.")).to_be_visible()
        await expect(page.get_by_role("banner")).to_contain_text("Grace")
    finally:
        await page.close()


async def _balance(client: Client, account_id: str) -> str:
    data = await client.run("query($id: ID!) { account(id: $id) { balance { amount } } }", id=account_id)
    return str(data["account"]["balance"]["amount"])


async def test_first_load_is_server_rendered_and_balances_go_live(
    client: Client, web_url: str, browser: Browser, http: httpx.AsyncClient
) -> None:
    await client.register("Noor")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    holiday = await make_account(client, "Holiday fund", "SAVINGS", "250.00")
    await make_account(client, "Everyday card", "CREDIT_CARD", "-12.40")

    context = await browser.new_context()
    page = await context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    # React reports a server render that the browser's first render disagrees with (hydration) here. (Chromium
    # also logs every 4xx there: the signed-out `me` check's 401, the missing favicon.)
    page.on(
        "console",
        lambda message: (
            page_errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    try:
        await page.goto(web_url)
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        holiday_row = page.get_by_role("row").filter(has_text="Holiday fund")
        await expect(holiday_row).to_contain_text("250.00 EUR")

        # The page's HTML, fetched with the session cookie and no JavaScript, already holds the user's accounts.
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in await context.cookies(web_url))
        html = (await http.get(web_url, headers={"cookie": cookie})).text
        for text in ("Holiday fund", "250.00 EUR", "Everyday card", "-12.40 EUR", "Noor"):
            assert text in html, f"{text!r} is not in the server-rendered page"
        anonymous = (await http.get(web_url)).text
        assert "Holiday fund" not in anonymous

        # A reload renders on the server too and hydrates without errors.
        await page.reload()
        await expect(holiday_row).to_contain_text("250.00 EUR")
        await page.evaluate("() => { window.__sameDocument = true }")

        # A transaction recorded elsewhere (a script, through the router) shows up without a reload. The
        # subscription goes live a moment after the page renders: record until an event arrives.
        for _ in range(30):
            await client.run(TRANSACTION_CREATE, input={"accountId": holiday, "date": "2026-11-28", "amount": "-1.25"})
            try:
                await expect(holiday_row).to_contain_text(f"{await _balance(client, holiday)} EUR", timeout=1000)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the balance on the page never changed")
        assert await _balance(client, holiday) != "250.00"
        assert await page.evaluate("() => window.__sameDocument") is True

        # Everything went through the one origin, the live updates' WebSocket included.
        host = urlsplit(web_url).netloc
        assert set(sockets) == {f"ws://{host}/graphql"}
    finally:
        await context.close()
    assert page_errors == []


SCREENS = Path(__file__).resolve().parents[2] / "web" / "test-results" / "screens"
"""Screenshots of the main screens, rewritten by every run (gitignored)."""

STATEMENT_CSV = b"""Date,Amount,Payee,Memo
2026-03-02,-3.50,Corner Coffee,Flat white
2026-03-03,-42.10,Grocer Market,Weekly shop
2026-03-05,1500.00,Acme Payroll,Salary
"""


async def _screens(page: Any, name: str) -> None:
    """The page as it is now at a phone's size and a laptop's, to SCREENS/<name>-<width>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 800)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)


async def test_create_an_account_and_import_a_statement_through_the_wizard(
    client: Client, web_url: str, browser: Browser
) -> None:
    email = f"ines-{uuid.uuid4().hex[:8]}@example.com"
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        # Sign up, then create an account on the Accounts screen.
        await page.goto(web_url)
        await page.get_by_role("button", name="Create an account").click()
        await page.get_by_label("Name").fill("Inès")
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Create account", exact=True).click()
        await expect(page.get_by_text("No accounts yet.")).to_be_visible()
        await expect(page.get_by_role("combobox", name="Household")).to_be_visible()
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
        await page.get_by_label("Account name").fill("Everyday")
        await page.get_by_label("Opening balance").fill("1234.50")
        await page.get_by_role("button", name="Create account", exact=True).click()
        everyday = page.get_by_role("row").filter(has_text="Everyday")
        await expect(everyday).to_contain_text("1,234.50 EUR")  # the user's locale's separators, exact digits
        await _screens(page, "accounts")

        # The coffee is already in the account (recorded elsewhere): the statement's first row duplicates it.
        login = await client.run(
            "mutation($input: LoginInput!) { login(input: $input) { token } }",
            input={"email": email, "password": PASSWORD},
        )
        client.token = login["login"]["token"]
        account_id = (await client.run("{ accounts { nodes { id name } } }"))["accounts"]["nodes"][0]["id"]
        await client.run(
            TRANSACTION_CREATE,
            input={"accountId": account_id, "date": "2026-03-02", "amount": "-3.50", "payee": "Corner Coffee"},
        )

        # The wizard: upload, map the columns (the server's proposal preselected, the first rows shown), dry run.
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
        await expect(page.get_by_label("Account", exact=True)).to_contain_text("Everyday")
        await page.get_by_label("Statement file").set_input_files(
            files=FilePayload(name="statement.csv", mimeType="text/csv", buffer=STATEMENT_CSV)
        )
        await page.get_by_role("button", name="Upload").click()
        await expect(page.get_by_role("cell", name="Weekly shop")).to_be_visible()
        await expect(page.get_by_label("Date", exact=True)).to_have_value("0")
        await expect(page.get_by_label("Amount")).to_have_value("1")
        await _screens(page, "import-mapping")
        await page.get_by_role("button", name="Dry run").click()

        rows = page.get_by_role("row")
        await expect(rows.filter(has_text="Corner Coffee")).to_contain_text("Duplicate")
        await expect(rows.filter(has_text="Grocer Market")).to_contain_text("New")
        await expect(rows.filter(has_text="Acme Payroll")).to_contain_text("1,500.00 EUR")
        await expect(rows.filter(has_text="Acme Payroll")).to_contain_text("Mar 5, 2026")
        await _screens(page, "import-dry-run")

        # Commit: the progress follows the server's importProgress until it says COMMITTED.
        await page.get_by_role("button", name="Commit import").click()
        await expect(page.get_by_role("heading", name="Imported")).to_be_visible(timeout=30000)
        await expect(page.get_by_text(re.compile(r"^2 created, "))).to_be_visible()
        await _screens(page, "import-done")

        # The account's transactions hold the imported rows next to the one that was there.
        await page.get_by_role("link", name="Show the transactions").click()
        await expect(page.get_by_role("heading", name="Everyday")).to_be_visible()
        rows = page.get_by_role("row")
        await expect(rows.filter(has_text="Grocer Market")).to_contain_text("-42.10 EUR")
        await expect(rows.filter(has_text="Acme Payroll")).to_contain_text("1,500.00 EUR")
        await expect(rows.filter(has_text="Corner Coffee")).to_have_count(1)
        await expect(page.get_by_text("2,688.90 EUR")).to_be_visible()  # 1234.50 - 3.50 - 42.10 + 1500.00
        await _screens(page, "account")

        # Search by text and date range.
        await page.set_viewport_size({"width": 1280, "height": 800})
        await page.get_by_role("searchbox", name="Search").fill("Grocer")
        await page.get_by_role("button", name="Search", exact=True).click()
        await expect(rows.filter(has_text="Acme Payroll")).to_have_count(0)
        await expect(rows.filter(has_text="Grocer Market")).to_have_count(1)
        await page.get_by_role("searchbox", name="Search").fill("")
        await page.get_by_label("From").fill("2026-03-04")
        await page.get_by_role("button", name="Search", exact=True).click()
        await expect(rows.filter(has_text="Grocer Market")).to_have_count(0)
        await expect(rows.filter(has_text="Acme Payroll")).to_have_count(1)

        # On a phone the navigation folds into a menu.
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.goto(web_url)
        await expect(page.get_by_role("row").filter(has_text="Everyday")).to_contain_text("2,688.90 EUR")
        menu = page.get_by_role("button", name="Menu")
        await expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
        await menu.click()
        await expect(menu).to_have_attribute("aria-expanded", "true")
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        await page.screenshot(path=str(SCREENS / "dashboard-menu-390.png"), full_page=True)
        await page.set_viewport_size({"width": 1280, "height": 800})
        await page.screenshot(path=str(SCREENS / "dashboard-1280.png"), full_page=True)
    finally:
        await context.close()
    assert page_errors == []
