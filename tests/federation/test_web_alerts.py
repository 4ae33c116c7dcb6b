"""The Alerts and Settings screens in a real browser through the real stack: a webhook channel is added (its secret
shown once), transactions are routed to it, and a transaction recorded through the API elsewhere raises the inbox
bell's unread count without a reload, reaches a receiver on loopback signed with that secret, and shows as sent in
the delivery log on the page. An API key is created (shown once) and revoked.

Browser push is not exercised: headless Chromium has no push service to subscribe with, so only the screen's
"not supported / denied" message could be checked, and which one it shows depends on the Chromium build."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.federation.conftest import Client

PASSWORD = "correct horse battery"
SCREENS = Path(__file__).resolve().parents[2] / "web" / "test-results" / "screens"
VIEWPORTS: dict[str, ViewportSize] = {
    "390": {"width": 390, "height": 844},
    "1280": {"width": 1280, "height": 800},
}

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { __typename message } }
}"""

pytestmark = pytest.mark.timeout(300)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 that keeps every request and answers 204."""
    found = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            found.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}/fincloud"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


def signature_is_valid(secret: str, header: str, body: bytes) -> bool:
    """The recipe of docs/WEBHOOKS.md."""
    fields = dict(part.strip().split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


async def screens(page: Page, name: str) -> None:
    """The page at a phone's and a desktop's size; at neither does it scroll sideways (wide tables scroll in their
    own region)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        await page.set_viewport_size(size)
        widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{name} at {label} px is {widths[0]} px wide"
        await page.screenshot(path=str(SCREENS / f"{name}-{label}.png"), full_page=True)
    await page.set_viewport_size(VIEWPORTS["1280"])


async def test_webhook_inbox_and_api_keys(client: Client, web_url: str, browser: Browser, receiver: Receiver) -> None:
    await client.register("Grace")
    email = (await client.run("{ me { email } }"))["me"]["email"]
    created = await client.run(
        """mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }""",
        input={"name": "Everyday", "type": "CHECKING", "currency": "EUR", "openingBalance": "100.00"},
    )
    account_id = created["accountCreate"]["account"]["id"]

    page = await browser.new_page(viewport=VIEWPORTS["1280"])
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    try:
        await page.goto(web_url)
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        bell = page.get_by_role("link", name=re.compile(r"^Inbox, "))
        await expect(bell).to_have_accessible_name("Inbox, no unread notifications")

        # A webhook on loopback (the test stack sets FINCLOUD_WEBHOOK_ALLOW_PRIVATE); its secret is shown once.
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
        await page.get_by_label("Webhook URL").fill(receiver.url)
        await page.get_by_label("Name (optional)").fill("Receiver")
        await page.get_by_role("button", name="Add webhook").click()
        secret = (await page.get_by_test_id("webhook-secret").inner_text()).strip()
        assert secret
        channel = page.get_by_test_id("channel").filter(has_text="Receiver")
        await expect(channel).to_contain_text(receiver.url)
        await expect(channel).to_contain_text("Verified")

        # Transactions go to the webhook as well as the inbox.
        await page.get_by_label("Transaction created: Receiver").check()
        await expect(page.get_by_label("Transaction created: inbox")).to_be_checked()
        await page.get_by_role("button", name="Save Transaction created").click()
        await expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        await page.get_by_role("button", name="Delivery log of Receiver").click()
        log = page.get_by_text("Nothing sent to this channel yet.")
        await expect(log).to_be_visible()
        await screens(page, "alerts")

        # A transaction recorded elsewhere: the bell counts it without a reload. The socket may still be opening
        # when the first one commits, so record another until the page hears one.
        for attempt in range(10):
            await client.run(
                TRANSACTION_CREATE,
                input={
                    "accountId": account_id,
                    "date": "2026-03-02",
                    "amount": f"-{attempt + 1}.50",
                    "payee": "Bakery",
                },
            )
            try:
                await expect(bell).to_have_accessible_name(re.compile(r"^Inbox, [1-9]\d* unread$"), timeout=3000)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("the inbox bell never counted a new notification")
        await expect(page.get_by_test_id("inbox-unread")).to_be_visible()

        # The receiver got it, signed with the secret the page showed.
        for _ in range(180):
            if receiver.requests:
                break
            await asyncio.sleep(0.5)
        assert receiver.requests, "the webhook receiver got nothing"
        request = receiver.requests[0]
        assert request.headers["x-fincloud-event"] == "budget.transaction_created"
        assert signature_is_valid(secret, request.headers["x-fincloud-signature"], request.body)

        # The delivery log on the page shows it sent, without a reload.
        delivery_log = page.get_by_role("table", name="Delivery log of Receiver")
        await expect(delivery_log.get_by_text("Sent", exact=True).first).to_be_visible(timeout=30000)
        await screens(page, "alerts-delivered")

        # The inbox lists it unread; marking it read lowers the count.
        await bell.click()
        await expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
        first = page.get_by_role("button", name=re.compile(r"^Mark read\b"))
        await expect(first.first).to_be_visible()
        await screens(page, "inbox")
        await page.get_by_role("button", name="Mark all read").click()
        await expect(bell).to_have_accessible_name("Inbox, no unread notifications")
        await expect(page.get_by_role("button", name=re.compile(r"^Mark unread\b")).first).to_be_visible()

        # An API key: shown once, listed, revoked.
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        await page.get_by_label("Key name").fill("CI script")
        await page.get_by_role("button", name="Create key").click()
        await expect(page.get_by_test_id("api-key-secret")).to_contain_text("fck_")
        key_row = page.get_by_role("row").filter(has_text="CI script")
        await expect(key_row).to_contain_text("Read only")
        await screens(page, "settings")
        await key_row.get_by_role("button", name="Revoke CI script").click()
        await expect(key_row).to_contain_text("Revoked")
        listed = await client.run(
            "query($h: ID!) { apiKeys(householdId: $h) { nodes { name revokedAt } } }",
            h=(await client.run("{ me { households { id } } }"))["me"]["households"][0]["id"],
        )
        assert [(k["name"], k["revokedAt"] is not None) for k in listed["apiKeys"]["nodes"]] == [("CI script", True)]
    finally:
        await page.close()
    assert page_errors == []
