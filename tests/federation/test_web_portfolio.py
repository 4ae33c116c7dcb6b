"""The portfolio screen in a real browser through the real stack: a portfolio set up through the API (two
purchases, a dividend, prices entered by hand) shows its holdings and return figures exactly as computed here from
that data, draws its allocation, and follows a price entered elsewhere without a reload (`pricesUpdated` fires for
manual prices too: ADR 16)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.federation.conftest import Client

PASSWORD = "correct horse battery"
ERRORS = "errors { __typename message }"
SCREENS = Path(__file__).resolve().parents[2] / "web" / "test-results" / "screens"
"""Screenshots of the main screens, rewritten by every run (gitignored)."""

pytestmark = pytest.mark.timeout(300)


async def create(client: Client, field: str, node: str, **input_: Any) -> str:
    document = f"""mutation($input: {field[0].upper()}{field[1:]}Input!) {{
        {field}(input: $input) {{ {node} {{ id }} {ERRORS} }} }}"""
    data = (await client.run(document, input=input_))[field]
    assert data["errors"] == [], data
    return str(data[node]["id"])


async def set_price(client: Client, instrument: str, day: date, price: str) -> None:
    data = await client.run(
        f"mutation($input: PriceSetInput!) {{ priceSet(input: $input) {{ price {{ date }} {ERRORS} }} }}",
        input={"instrumentId": instrument, "date": day.isoformat(), "price": price},
    )
    assert data["priceSet"]["errors"] == [], data


def money(amount: Decimal, currency: str = "EUR") -> str:
    """An amount as the page writes it in en-US: grouped thousands, two decimals, the currency code."""
    return f"{amount:,.2f} {currency}"


def percent(ratio: Decimal) -> str:
    """A ratio as the page writes it in en-US: a percentage with two decimals."""
    return f"{(ratio * 100).quantize(Decimal('0.01')):,}%"


async def screens(page: Page, name: str) -> None:
    """The page as it is now at a phone's size and a laptop's, to SCREENS/<name>-<width>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 800)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        # Wide tables scroll inside their own region: the page itself never scrolls sideways.
        assert await page.evaluate("() => document.documentElement.scrollWidth") <= width


async def test_portfolio_screen_shows_figures_and_follows_prices(
    client: Client, web_url: str, browser: Browser
) -> None:
    await client.register("Petra")
    me = (await client.run("{ me { email households { id } } }"))["me"]
    household = me["households"][0]["id"]
    portfolio = await create(client, "portfolioCreate", "portfolio", name="Retirement", baseCurrency="EUR")
    house = await create(
        client, "instrumentCreate", "instrument", householdId=household, symbol=f"H{uuid.uuid4().hex[:5].upper()}",
        name="The flat", currency="EUR", assetClass="REAL_ESTATE",
    )  # fmt: skip
    gold = await create(
        client, "instrumentCreate", "instrument", householdId=household, symbol=f"G{uuid.uuid4().hex[:5].upper()}",
        name="Gold bar", currency="EUR", assetClass="COMMODITY",
    )  # fmt: skip

    # Ten units of the flat at 100 sixty days ago, four gold bars at 50 a month ago (both funded from outside), a
    # 12.50 dividend from the flat, and the flat priced at 130 ten days ago.
    today = date.today()
    bought, gold_day, paid, repriced = (today - timedelta(days=n) for n in (60, 30, 20, 10))
    await set_price(client, house, bought, "100")
    await set_price(client, gold, gold_day, "50")
    for instrument, day, quantity, unit_price in ((house, bought, "10", "100"), (gold, gold_day, "4", "50")):
        await create(client, "activityCreate", "activity", portfolioId=portfolio, instrumentId=instrument, kind="BUY",
                     date=day.isoformat(), quantity=quantity, price=unit_price)  # fmt: skip
    await create(client, "activityCreate", "activity", portfolioId=portfolio, instrumentId=house, kind="DIVIDEND",
                 date=paid.isoformat(), amount="12.50")  # fmt: skip
    await set_price(client, house, repriced, "130")
    targets = await client.run(
        f"mutation($input: PortfolioTargetsSetInput!) {{ portfolioTargetsSet(input: $input) {{ {ERRORS} }} }}",
        input={"portfolioId": portfolio, "dimension": "ASSET_CLASS",
               "targets": [{"key": "real_estate", "weight": "0.8"}, {"key": "commodity", "weight": "0.2"}]},
    )  # fmt: skip
    assert targets["portfolioTargetsSet"]["errors"] == []

    # What the page must show, from the data above.
    house_value, house_cost = 10 * Decimal(130), 10 * Decimal(100)
    gold_value = gold_cost = 4 * Decimal(50)
    cash = Decimal("12.50")
    total = house_value + gold_value + cash
    put_in = house_cost + gold_cost
    gain = total - put_in
    # Time-weighted: each day's (value) / (previous value + money in), linked; only these days move anything.
    daily = [
        (Decimal(1000), Decimal(0), Decimal(1000)),  # the flat bought at its price
        (Decimal(1200), Decimal(1000), Decimal(200)),  # the gold bought at its price
        (Decimal("1212.50"), Decimal(1200), Decimal(0)),  # the dividend
        (total, Decimal("1212.50"), Decimal(0)),  # the flat repriced
    ]
    twr = Decimal(1)
    for value, previous, money_in in daily:
        twr *= value / (previous + money_in)
    twr -= 1

    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        await page.goto(web_url)
        await page.get_by_label("Email").fill(me["email"])
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
        await expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
        await page.evaluate("() => { window.__sameDocument = true }")

        # Holdings: units, price, value, cost, unrealised gain (base currency) and weight.
        house_row = page.locator(f'tr[data-instrument="{house}"]')
        for text in ("The flat", "10", money(Decimal(130)), money(house_value), money(house_cost),
                     money(house_value - house_cost), percent(house_value / total)):  # fmt: skip
            await expect(house_row).to_contain_text(text)
        gold_row = page.locator(f'tr[data-instrument="{gold}"]')
        for text in (money(gold_value), money(Decimal(0)), percent(gold_value / total)):
            await expect(gold_row).to_contain_text(text)
        await expect(page.get_by_test_id("portfolio-total")).to_have_text(money(total))

        # Performance since the start: the gain, ROI and TWR; XIRR is a figure, not a reason.
        since_start = page.locator('tr[data-period="MAX"]')
        await expect(since_start).to_contain_text(money(gain))
        await expect(since_start.locator('[data-figure="simpleRoi"]')).to_have_text(percent(gain / put_in))
        await expect(since_start.locator('[data-figure="timeWeighted"]')).to_have_text(percent(twr))
        await expect(since_start.locator('[data-figure="moneyWeightedAnnualised"]')).to_contain_text("%")
        # Each figure's definition is one disclosure away.
        await page.locator("summary", has_text="What is ROI?").click()
        await expect(page.get_by_text("Simple return on investment")).to_be_visible()

        # The allocation chart draws a bar per slice, with its figures for screen readers.
        allocation = page.get_by_role("figure", name="Allocation by asset class")
        await expect(allocation.locator(".recharts-bar-rectangle").first).to_be_visible()
        await expect(allocation.get_by_role("img", name="Allocation by asset class:")).to_have_attribute(
            "aria-label", f"Allocation by asset class: Real estate {percent(house_value / total)} (target 80.00%), "
            f"Commodity {percent(gold_value / total)} (target 20.00%), Cash {percent(cash / total)}."
        )  # fmt: skip
        # Dividends: the history and the trailing year.
        await expect(page.get_by_role("region", name="Dividend payments")).to_contain_text(money(cash))
        await screens(page, "portfolio")
        await page.emulate_media(color_scheme="dark")
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.screenshot(path=str(SCREENS / "portfolio-dark-390.png"), full_page=True)
        await page.emulate_media(color_scheme="light")
        await page.set_viewport_size({"width": 1280, "height": 800})

        # A price entered elsewhere reaches the page without a reload. The subscription goes live a moment after
        # the page renders: enter prices until one is heard.
        yesterday = today - timedelta(days=1)
        for attempt in range(20):
            price = Decimal(140 + attempt)
            await set_price(client, house, yesterday, str(price))
            try:
                await expect(house_row).to_contain_text(money(10 * price), timeout=1500)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the holding's value never changed on the page")
        await expect(house_row).to_contain_text(money(price))
        await expect(page.get_by_role("status").filter(has_text="Prices live")).to_contain_text(money(price))
        assert await page.evaluate("() => window.__sameDocument") is True
    finally:
        await context.close()
    assert page_errors == []
