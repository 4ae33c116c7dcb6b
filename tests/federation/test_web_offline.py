"""The PWA offline, in a real browser through the real stack: the service worker precaches the app shell, the app
keeps what it last saw in IndexedDB, and a reload without a network shows the shell and the last-seen accounts,
read-only, under an offline banner. A change attempted offline is refused visibly (never queued or lost silently);
back online the banner goes away. Signing out empties the stored data."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.federation.conftest import Client
from tests.federation.test_web import PASSWORD, make_account

pytestmark = pytest.mark.timeout(300)

OFFLINE = "You are offline"
NOT_SAVED = "this change was not saved"

# True once the stored last-seen data (graphcache's IndexedDB) mentions `text`.
STORED_HAS = """async (text) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("fincloud-cache", 1);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = await new Promise((resolve) => {
    const request = db.transaction("entries").objectStore("entries").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return JSON.stringify(all).includes(text);
}"""


async def _sign_in(page: Page, web_url: str, email: str) -> None:
    await page.goto(web_url)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()


async def _wait_until_stored(page: Page, text: str) -> None:
    for _ in range(50):
        if await page.evaluate(STORED_HAS, text):
            return
        await page.wait_for_timeout(100)
    raise AssertionError(f"{text!r} never reached the offline cache")


async def _controlled_by_service_worker(page: Page) -> None:
    await page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")


async def test_manifest_and_service_worker_make_the_app_installable(web_url: str, browser: Browser) -> None:
    context: BrowserContext = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(web_url)
        href = await page.locator('link[rel="manifest"]').get_attribute("href")
        assert href == "/manifest.webmanifest"
        manifest = await (await page.request.get(f"{web_url}{href}")).json()
        assert manifest["name"] == "FinCloud"
        assert manifest["display"] == "standalone"
        assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
        assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
        for icon in manifest["icons"]:
            response = await page.request.get(f"{web_url}{icon['src']}")
            assert response.ok
            assert response.headers["content-type"] == "image/png"
        themes = await page.locator('meta[name="theme-color"]').evaluate_all(
            "(metas) => metas.map((m) => [m.media, m.content])"
        )
        assert ["(prefers-color-scheme: dark)", "#020617"] in themes
        await _controlled_by_service_worker(page)
        assert await page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == f"{web_url}/serwist/sw.js"
    finally:
        await context.close()


async def test_offline_shows_the_last_seen_accounts_read_only(client: Client, web_url: str, browser: Browser) -> None:
    await client.register("Ines")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    await make_account(client, "Rainy day", "SAVINGS", "99.95")

    context = await browser.new_context()
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    banner = page.get_by_role("status").filter(has_text=OFFLINE)
    rainy_day = page.get_by_role("row").filter(has_text="Rainy day")
    try:
        await _sign_in(page, web_url, email)
        await expect(rainy_day).to_contain_text("99.95")
        await expect(banner).to_have_count(0)
        await _controlled_by_service_worker(page)
        await _wait_until_stored(page, "Rainy day")

        # No network: a reload is answered by the service worker with the precached shell, which shows the
        # accounts from IndexedDB under the banner.
        await context.set_offline(True)
        await page.reload()
        await expect(banner).to_be_visible()
        await expect(rainy_day).to_contain_text("99.95")

        # A change is refused, visibly, and nothing changes: still signed in, still showing the accounts.
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("status").filter(has_text=NOT_SAVED)).to_be_visible()
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        await expect(rainy_day).to_contain_text("99.95")

        # Back online: the banner goes, and changes go through again.
        await context.set_offline(False)
        await expect(banner).to_have_count(0)
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()

        # Signing out emptied the last-seen data: offline, the next visitor sees the sign-in form, not these accounts.
        assert not await page.evaluate(STORED_HAS, "Rainy day")
        await context.set_offline(True)
        await page.reload()
        await expect(banner).to_be_visible()
        await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        await expect(rainy_day).to_have_count(0)
    finally:
        await context.close()
    assert page_errors == []
