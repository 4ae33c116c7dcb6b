"""The PWA's layout in a real browser through the real stack: every main screen fits a 390 px phone and a 1280 px
desktop without scrolling sideways, the desktop header holds the navigation, the household switcher, the inbox bell
and sign out on one line, and a saved dark theme is on <html> before the app hydrates (the root layout's inline
script), so it never flashes light. Screenshots of each screen in both themes at both sizes go to
web/test-results/screens/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.federation.conftest import Client

PASSWORD = "correct horse battery"
SCREENS = Path(__file__).resolve().parents[2] / "web" / "test-results" / "screens"
THEME_KEY = "fincloud-theme"
"""src/lib/theme.ts THEME_STORAGE_KEY."""

ROUTES = {
    "/": "dashboard",
    "/accounts": "accounts",
    "/import": "import",
    "/budgets": "budgets",
    "/recurring": "recurring",
    "/portfolio": "portfolio",
    "/alerts": "alerts",
    "/settings": "settings",
}
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}

# The elements wider than the window, to say what overflows when a screen scrolls sideways.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => !el.closest("[data-scroll-region], .overflow-x-auto"))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 4).join(".")} ${el.textContent?.slice(0, 40)}`);
}"""

pytestmark = pytest.mark.timeout(300)


async def _setup(client: Client) -> str:
    """A user with an account and a channel (so the alerts screen has a channel column and a delivery log)."""
    await client.register("Noor")
    email = str((await client.run("{ me { email } }"))["me"]["email"])
    created = await client.run(
        """mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }""",
        input={"name": "Everyday", "type": "CHECKING", "currency": "EUR", "openingBalance": "250.00"},
    )
    assert created["accountCreate"]["errors"] == []
    channel = await client.run(
        """mutation($input: ChannelCreateInput!) { channelCreate(input: $input) { channel { id } errors { message } } }""",
        input={"kind": "EMAIL", "address": email, "name": "My email"},
    )
    assert channel["channelCreate"]["errors"] == []
    return email


async def _open(page: Page, url: str) -> None:
    await page.goto(url)
    await expect(page.locator("main").get_by_role("heading").first).to_be_visible()
    await expect(page.locator("main").get_by_text("Loading…")).to_have_count(0)
    await expect(
        page.get_by_role("button", name="Menu").or_(page.get_by_role("navigation", name="Main"))
    ).to_be_visible()


async def _fits(page: Page) -> dict[str, Any]:
    return dict(
        await page.evaluate("""() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })""")
    )


async def test_screens_fit_phones_and_desktops_in_both_themes(client: Client, web_url: str, browser: Browser) -> None:
    email = await _setup(client)
    context = await browser.new_context(viewport=DESKTOP, locale="en-US")
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    SCREENS.mkdir(parents=True, exist_ok=True)
    try:
        await page.goto(web_url)
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()

        for theme in ("light", "dark"):
            await page.evaluate("([key, theme]) => localStorage.setItem(key, theme)", [THEME_KEY, theme])
            for size in (PHONE, DESKTOP):
                await page.set_viewport_size(size)
                for route, name in ROUTES.items():
                    await _open(page, web_url + route)
                    assert await page.evaluate("() => document.documentElement.dataset.theme") == theme
                    fits = await _fits(page)
                    overflowing = await page.evaluate(OVERFLOWING) if fits["scroll"] > fits["inner"] else []
                    assert fits["scroll"] <= fits["inner"], f"{route} at {size['width']} px: {fits} {overflowing}"
                    if size == DESKTOP:
                        await _header_is_one_line(page, route)
                    else:
                        await expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_hidden()
                    await page.screenshot(
                        path=str(SCREENS / f"layout-{name}-{theme}-{size['width']}.png"), full_page=True
                    )

        # On a phone the menu opens under the bar (still no sideways scroll), and Escape closes it.
        await page.set_viewport_size(PHONE)
        await _open(page, web_url + "/alerts")
        menu = page.get_by_role("button", name="Menu")
        await menu.click()
        await expect(menu).to_have_attribute("aria-expanded", "true")
        await expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts")).to_have_attribute(
            "aria-current", "page"
        )
        await expect(page.get_by_role("combobox", name="Household")).to_be_visible()
        await expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
        fits = await _fits(page)
        assert fits["scroll"] <= fits["inner"], fits
        await page.screenshot(path=str(SCREENS / "layout-menu-dark-390.png"), full_page=True)
        await page.keyboard.press("Escape")
        await expect(menu).to_have_attribute("aria-expanded", "false")
        await expect(menu).to_be_focused()
        await expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_hidden()

        # The alerts screen with a preference just saved and a delivery log open still fits the phone.
        await page.get_by_label("Transaction created: My email").check()
        await page.get_by_role("button", name="Save Transaction created").click()
        await expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        await page.get_by_role("button", name="Delivery log of My email").click()
        await expect(page.get_by_text("Nothing sent to this channel yet.")).to_be_visible()
        fits = await _fits(page)
        assert fits["scroll"] <= fits["inner"], fits
        await page.screenshot(path=str(SCREENS / "layout-alerts-saved-dark-390.png"), full_page=True)
    finally:
        await context.close()
    assert page_errors == []


async def _header_is_one_line(page: Page, route: str) -> None:
    """At 1280 px the whole bar is one line: the navigation, the bell, the household switcher and sign out side by
    side (their vertical middles agree), nothing wraps inside them, and no menu button."""
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav).to_be_visible()
    await expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav_box = await nav.bounding_box()
    assert nav_box is not None
    middle = nav_box["y"] + nav_box["height"] / 2
    for control in (
        page.get_by_role("button", name="Sign out", exact=True),
        page.get_by_role("combobox", name="Household"),
        page.get_by_role("link", name=re.compile(r"^Inbox, ")),
        nav.get_by_role("link", name="Settings"),
    ):
        box = await control.bounding_box()
        assert box is not None, f"{route}: {control} is not shown"
        assert abs(box["y"] + box["height"] / 2 - middle) <= 4, f"{route}: {control} is off the header's line"
        assert box["height"] <= 40, f"{route}: {control} wraps ({box['height']} px tall)"
        assert box["x"] + box["width"] <= DESKTOP["width"], f"{route}: {control} sticks out"


async def test_saved_dark_theme_is_applied_before_hydration(web_url: str, browser: Browser) -> None:
    # The server cannot know the choice (it is kept in the browser), so it sends no theme: the inline script in <head>
    # applies it while the page is parsed, before the first paint and before any of the app's scripts run.
    async with httpx.AsyncClient() as http:
        html = (await http.get(web_url)).text
    head = html.split("</head>", 1)[0]
    assert THEME_KEY in head
    assert "<script>" in head
    assert 'class="dark"' not in html.split("<body", 1)[0]

    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    try:
        await page.goto(web_url)
        await page.evaluate("([key]) => localStorage.setItem(key, 'dark')", [THEME_KEY])

        # Right after the document is parsed, the class is on <html>.
        await page.goto(web_url, wait_until="domcontentloaded")
        assert await page.evaluate("() => document.documentElement.className") == "dark"

        # With the app's scripts withheld (it never hydrates), the page still paints dark.
        await page.route("**/_next/static/**/*.js", lambda route: route.abort())
        await page.goto(web_url, wait_until="domcontentloaded")
        assert await page.evaluate("() => document.documentElement.className") == "dark"
        assert await page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        assert await page.evaluate("() => performance.getEntriesByName('fincloud:hydrated').length") == 0
        background = await page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(248, 250, 252)", background  # not slate-50, the light background
        await page.unroute("**/_next/static/**/*.js")

        # "system" stays the default: with nothing saved, no theme is forced either way.
        await page.evaluate("([key]) => localStorage.removeItem(key)", [THEME_KEY])
        await page.goto(web_url, wait_until="domcontentloaded")
        assert await page.evaluate("() => document.documentElement.className") == ""
        assert await page.evaluate("() => document.documentElement.dataset.theme ?? null") is None
    finally:
        await context.close()
