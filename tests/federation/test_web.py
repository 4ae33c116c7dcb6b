"""The PWA's first slice in a real browser through the real stack: the built Next.js app, pointed at the router with
`?api=`, signs a user in and lists their accounts with exact amounts. The session is the router's httpOnly cookies:
it survives a reload, refreshes itself silently when the access token is gone, and ends with "Sign out"."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, async_playwright, expect

from tests.federation.conftest import Client, RunningStack

WEB = Path(__file__).resolve().parents[2] / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
SCREENSHOT = Path("/tmp/fincloud-web.png")

# Building the app on a fresh checkout takes about half a minute on top of booting the stack.
pytestmark = pytest.mark.timeout(300)


def _needs_build() -> bool:
    """No build yet, or a source file newer than the build."""
    build_id = WEB / ".next" / "BUILD_ID"
    if not build_id.exists():
        return True
    built_at = build_id.stat().st_mtime
    sources = [WEB / "package-lock.json", WEB / "next.config.ts", *(WEB / "src").rglob("*")]
    return any(path.is_file() and path.stat().st_mtime > built_at for path in sources)


def _web_env() -> dict[str, str]:
    return {**os.environ, "NEXT_TELEMETRY_DISABLED": "1"}


@pytest.fixture(scope="module")
def web_url(stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`next start` of the built app on the port the router allows as a CORS origin."""
    next_bin = WEB / "node_modules" / ".bin" / "next"
    if not next_bin.exists():
        pytest.fail(f"{next_bin} is missing: run `npm ci` in {WEB}")
    if _needs_build():
        built = subprocess.run(
            ["npm", "run", "build"], cwd=WEB, env=_web_env(), capture_output=True, text=True, timeout=240
        )
        assert built.returncode == 0, f"`npm run build` failed:\n{built.stdout}\n{built.stderr}"

    url = f"http://127.0.0.1:{stack.web_port}"
    log_path = tmp_path_factory.mktemp("web") / "next.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(next_bin), "start", "-p", str(stack.web_port), "-H", "127.0.0.1"],
            cwd=WEB,
            env=_web_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"`next start` exited with {server.returncode}:\n{log_path.read_text()}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"`next start` did not answer on {url} within 30 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        # The server and the node processes it spawned share the session started above.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's `chromium` package (browser tests never download one)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def make_account(client: Client, name: str, type_: str, opening: str) -> str:
    data = await client.run(
        """mutation AccountCreate($input: AccountCreateInput!) {
             accountCreate(input: $input) { account { id } errors { message } }
           }""",
        input={"name": name, "type": type_, "currency": "EUR", "openingBalance": opening},
    )
    assert data["accountCreate"]["errors"] == []
    return str(data["accountCreate"]["account"]["id"])


async def test_sign_in_and_see_accounts_with_exact_balances(
    client: Client, stack: RunningStack, web_url: str, browser: Browser
) -> None:
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
        await page.goto(f"{web_url}/?api={quote(stack.router_url, safe='')}")
        await expect(page.get_by_label("Server")).to_have_value(stack.router_url)

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


def _router_cookies(cookies: list[Any], router_url: str) -> dict[str, Any]:
    host = urlsplit(router_url).hostname
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
        await page.goto(f"{web_url}/?api={quote(stack.router_url, safe='')}")
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await expect(page.get_by_role("row").filter(has_text="Household cash")).to_contain_text("7.05 EUR")

        # The tokens are cookies no script can read, and nothing the page stores holds them.
        cookies = _router_cookies(await context.cookies(), stack.router_url)
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
        renewed = _router_cookies(await context.cookies(), stack.router_url)
        assert "fincloud_access" in renewed
        assert renewed["fincloud_refresh"]["value"] != old_refresh

        # Signing out ends the session on the server: the cookies are gone and the old refresh token is dead.
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        assert _router_cookies(await context.cookies(), stack.router_url) == {}
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


async def test_create_an_account_from_the_sign_in_page(stack: RunningStack, web_url: str, browser: Browser) -> None:
    email = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    page = await browser.new_page()
    try:
        await page.goto(f"{web_url}/?api={quote(stack.router_url, safe='')}")
        await page.get_by_role("button", name="Create an account").click()
        await page.get_by_label("Name").fill("Grace")
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Create account", exact=True).click()

        await expect(page.get_by_text("No accounts yet.")).to_be_visible()
        await expect(page.get_by_role("banner")).to_contain_text("Grace")
    finally:
        await page.close()
