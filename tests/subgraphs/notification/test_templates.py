"""How events read: every known event type, amounts and dates in the reader's locale, user text escaped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fincloud.constants import (
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_EMAIL_REQUESTED,
    TOPIC_IMPORT_COMPLETED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_RECURRING_DUE,
    TOPIC_TRANSACTION_CREATED,
)
from subgraphs.notification.templates import Rendered, known_event_types, render

APP = "https://fincloud.example"

THRESHOLD = {
    "category_id": "c0ffee00-0000-7000-8000-000000000001",
    "category_name": "Groceries",
    "group_name": "Everyday",
    "month": "2025-03",
    "level": 80,
    "currency": "EUR",
    "budgeted": "500.00",
    "carried": "20.00",
    "spent": "1234.56",
    "available": "-714.56",
    "progress": 2.37,
    "complete": False,
}
TRANSACTION = {
    "transaction_id": "0190a3c4-0000-7000-8000-0000000000t1",
    "account_id": "0190a3c4-0000-7000-8000-0000000000a1",
    "account_name": "Joint",
    "date": "2025-03-04",
    "amount": "-1234.50",
    "currency": "EUR",
    "payee": "Café Central",
    "payee_id": None,
    "category_id": None,
    "is_split": False,
    "tags": ["coffee"],
    "status": "cleared",
    "transfer_id": None,
}
IMPORT = {
    "import_id": "0190a3c4-0000-7000-8000-0000000000i1",
    "account_id": "0190a3c4-0000-7000-8000-0000000000a1",
    "format": "camt053",
    "filename": "statement-2025-03.xml",
    "counts": {"created": 41, "linked": 2, "skipped": 1},
    "amount": "-2210.07",
    "currency": "CHF",
    "period_start": "2025-03-01",
    "period_end": "2025-03-31",
    "months": ["2025-03"],
    "category_ids": [],
    "created_by": None,
}
RECURRING = {
    "recurring_id": "0190a3c4-0000-7000-8000-0000000000r1",
    "name": "Rent",
    "date": "2025-03-05",
    "amount": "-950.00",
    "currency": "EUR",
    "amount_is_estimate": False,
    "account_id": "0190a3c4-0000-7000-8000-0000000000a1",
    "payee": "Landlord",
    "category_id": None,
    "mode": "remind",
    "failed": None,
}
PRICE_ALERT = {
    "alert_id": "0190a3c4-0000-7000-8000-0000000000p1",
    "kind": "price_above",
    "threshold": "200",
    "value": "201.5",
    "currency": "USD",
    "user_id": "0190a3c4-0000-7000-8000-0000000000u1",
    "note": "Sell a third",
    "instrument_id": "0190a3c4-0000-7000-8000-0000000000n1",
    "symbol": "AAPL",
    "date": "2025-03-04",
    "price": "201.5",
}
PORTFOLIO_ALERT = {
    "alert_id": "0190a3c4-0000-7000-8000-0000000000p2",
    "kind": "drawdown",
    "threshold": "10",
    "value": "12.345678",
    "currency": None,
    "user_id": "0190a3c4-0000-7000-8000-0000000000u1",
    "note": None,
    "portfolio_id": "0190a3c4-0000-7000-8000-0000000000f1",
    "portfolio": "Retirement",
    "date": "2025-03-04",
}
IDENTITY = {"to": "ada@example.org", "template": "verify_email", "token": "tok_ABC"}

EXAMPLES: dict[str, dict[str, Any]] = {
    TOPIC_BUDGET_THRESHOLD_EXCEEDED: THRESHOLD,
    TOPIC_TRANSACTION_CREATED: TRANSACTION,
    TOPIC_IMPORT_COMPLETED: IMPORT,
    TOPIC_RECURRING_DUE: RECURRING,
    TOPIC_PRICE_ALERT: PRICE_ALERT,
    TOPIC_PORTFOLIO_ALERT: PORTFOLIO_ALERT,
    TOPIC_EMAIL_REQUESTED: IDENTITY,
}


def en(event_type: str, payload: dict[str, Any], **kwargs: Any) -> Rendered:
    return render(event_type, payload, locale=kwargs.pop("locale", "en-US"), time_zone="UTC", app_url=APP, **kwargs)


def test_every_known_event_type_has_an_example_here() -> None:
    assert sorted(known_event_types()) == sorted(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
@pytest.mark.parametrize("locale", ["en-US", "de-DE", "fr_CH", "ja"])
def test_every_known_event_type_renders_in_every_locale(event_type: str, locale: str) -> None:
    rendered = render(event_type, EXAMPLES[event_type], locale=locale, time_zone="Asia/Tokyo", app_url=APP)
    assert rendered.title
    assert "\n" not in rendered.title
    assert len(rendered.title) <= 300
    summary = rendered.body.split("\n", 1)[0]
    assert summary
    assert summary != rendered.title + "."
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert rendered.url is not None
    assert rendered.url.startswith(APP + "/")
    assert "{" not in rendered.body
    assert "None" not in rendered.body


@pytest.mark.parametrize(
    ("locale", "title", "summary"),
    [
        (
            "en-US",
            "-€1,234.50 · Café Central",
            "-€1,234.50 on Joint, Mar 4, 2025: Café Central.",
        ),
        (
            "de-DE",
            "-1.234,50\xa0€ · Café Central",
            "-1.234,50\xa0€ on Joint, 04.03.2025: Café Central.",
        ),
    ],
)
def test_amounts_and_dates_follow_the_readers_locale(locale: str, title: str, summary: str) -> None:
    rendered = render(TOPIC_TRANSACTION_CREATED, TRANSACTION, locale=locale, time_zone="UTC", app_url=APP)
    assert rendered.title == title
    assert rendered.body.split("\n")[0] == summary


def test_a_budget_threshold_reads_in_the_readers_words() -> None:
    us = en(TOPIC_BUDGET_THRESHOLD_EXCEEDED, THRESHOLD)
    assert us.title == "Groceries: 80% of the March 2025 budget spent"
    assert us.body.split("\n")[0] == "€1,234.56 spent of €520.00; €714.56 over budget."
    assert "Category: Groceries (Everyday)" in us.body
    assert "Carried over: €20.00" in us.body
    assert us.url == f"{APP}/budget?month=2025-03&category=c0ffee00-0000-7000-8000-000000000001"

    de = render(TOPIC_BUDGET_THRESHOLD_EXCEEDED, THRESHOLD, locale="de_DE", time_zone="Europe/Berlin", app_url=APP)
    assert de.title == "Groceries: 80\xa0% of the März 2025 budget spent"
    assert de.body.split("\n")[0] == "1.234,56\xa0€ spent of 520,00\xa0€; 714,56\xa0€ over budget."


def test_amounts_never_pass_through_a_float() -> None:
    precise = {**TRANSACTION, "amount": "-12345678901234.57", "currency": "USD"}
    assert en(TOPIC_TRANSACTION_CREATED, precise).title.startswith("-$12,345,678,901,234.57")
    yen = {**TRANSACTION, "amount": "-1500", "currency": "JPY"}
    assert en(TOPIC_TRANSACTION_CREATED, yen).title.startswith("-¥1,500 ")


def test_user_text_is_escaped_in_html_and_kept_on_one_line_in_titles() -> None:
    hostile = {**TRANSACTION, "payee": '<script>alert("x")</script>\nBcc: a@b', "account_name": "<b>Joint</b>"}
    rendered = en(TOPIC_TRANSACTION_CREATED, hostile)
    assert "<script>" not in rendered.html
    assert "<b>Joint</b>" not in rendered.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bcc: a@b" in rendered.html
    assert "&lt;b&gt;Joint&lt;/b&gt;" in rendered.html
    assert rendered.title == '-€1,234.50 · <script>alert("x")</script> Bcc: a@b'
    assert "\n" not in rendered.title

    note = en(TOPIC_PRICE_ALERT, {**PRICE_ALERT, "note": "<img src=x onerror=alert(1)>"})
    assert "<img" not in note.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in note.html


def test_the_email_footer_shows_the_moment_in_the_readers_time_zone() -> None:
    moment = dt.datetime(2025, 3, 4, 23, 30, tzinfo=dt.UTC)
    berlin = render(
        TOPIC_RECURRING_DUE, RECURRING, locale="de-DE", time_zone="Europe/Berlin", app_url=APP, occurred_at=moment
    )
    assert "05.03.2025, 00:30." in berlin.html
    new_york = render(
        TOPIC_RECURRING_DUE, RECURRING, locale="en-US", time_zone="America/New_York", app_url=APP, occurred_at=moment
    )
    assert "Mar 4, 2025, 6:30\u202fPM." in new_york.html
    unknown = render(TOPIC_RECURRING_DUE, RECURRING, locale="xx-YY", time_zone="Mars/Olympus", occurred_at=moment)
    assert "Mar 4, 2025, 11:30\u202fPM." in unknown.html  # English and UTC when the settings are unknown
    assert unknown.url == "/recurring?id=0190a3c4-0000-7000-8000-0000000000r1"  # a path without the app's URL


def test_recurring_due_and_failed_read_differently() -> None:
    due = en(TOPIC_RECURRING_DUE, {**RECURRING, "amount_is_estimate": True})
    assert due.title == "Rent is due on Mar 5, 2025"
    assert due.body.split("\n")[0] == "about -€950.00 to Landlord is due on Mar 5, 2025."
    failed = en(TOPIC_RECURRING_DUE, {**RECURRING, "failed": "the account is archived", "mode": "auto"})
    assert failed.title == "Rent could not be recorded"
    assert "was not recorded: the account is archived" in failed.body


def test_alerts_read_as_what_crossed_what() -> None:
    assert en(TOPIC_PRICE_ALERT, PRICE_ALERT).title == "AAPL rose above $200.00"
    below = en(TOPIC_PRICE_ALERT, {**PRICE_ALERT, "kind": "price_below", "threshold": "180", "price": "179.99"})
    assert below.title == "AAPL fell below $180.00"
    assert below.body.split("\n")[0] == "AAPL is at $179.99 (Mar 4, 2025)."
    move = en(
        TOPIC_PRICE_ALERT, {**PRICE_ALERT, "kind": "day_move", "threshold": "5", "value": "-6.04", "currency": None}
    )
    assert move.title == "AAPL fell 6% in a day"
    assert move.body.split("\n")[0] == "AAPL moved -6% to 201.5 (Mar 4, 2025)."
    drawdown = en(TOPIC_PORTFOLIO_ALERT, PORTFOLIO_ALERT)
    assert drawdown.title == "Retirement is 12.3% below its high"
    assert drawdown.url == f"{APP}/portfolio/0190a3c4-0000-7000-8000-0000000000f1"
    day = en(TOPIC_PORTFOLIO_ALERT, {**PORTFOLIO_ALERT, "kind": "day_change", "value": "3.25"}, locale="de")
    assert day.title == "Retirement rose 3,3\xa0% in a day"


def test_an_import_summary_counts_what_happened() -> None:
    rendered = en(TOPIC_IMPORT_COMPLETED, IMPORT)
    assert rendered.title == "Import finished: statement-2025-03.xml"
    assert rendered.body.split("\n")[0] == "41 transactions added, 2 matched to existing ones, 1 skipped."
    assert "Net amount added: -CHF\xa02,210.07" in rendered.body
    assert "Period: Mar 1\u2009\u2013\u200931, 2025" in rendered.body
    one = en(TOPIC_IMPORT_COMPLETED, {**IMPORT, "counts": {"created": 1}})
    assert one.body.split("\n")[0] == "1 transaction added."


@pytest.mark.parametrize(
    ("template", "title", "link"),
    [
        ("verify_email", "Confirm your email address", f"{APP}/verify-email?token=tok%2Fa%2Bb"),
        ("reset_password", "Reset your FinCloud password", f"{APP}/reset-password?token=tok%2Fa%2Bb"),
        (
            "household_invitation",
            "You are invited to a FinCloud household",
            f"{APP}/invitations/accept?token=tok%2Fa%2Bb",
        ),
    ],
)
def test_identity_emails_link_to_the_app_with_their_token(template: str, title: str, link: str) -> None:
    rendered = en(TOPIC_EMAIL_REQUESTED, {"to": "ada@example.org", "template": template, "token": "tok/a+b"})
    assert rendered.title == title
    assert rendered.url == link
    assert rendered.body.rstrip().endswith(link)
    assert f'href="{link}"' in rendered.html
    assert "Notification settings" not in rendered.html


def test_unknown_events_and_unfit_payloads_fall_back_to_the_generic_rendering() -> None:
    generic = en("budget.something_new", {"b": "<two>", "a": 1, "nested": {"x": 1}})
    assert generic.title == "Budget: something new"
    assert generic.body == "Budget: something new.\n\na: 1\nb: <two>"
    assert "&lt;two&gt;" in generic.html
    assert "<two>" not in generic.html
    assert generic.url is None

    unfit = en(TOPIC_TRANSACTION_CREATED, {"amount": "-1.00"})  # no currency, no date
    assert unfit.title == "Budget: transaction created"

    unknown_template = en(TOPIC_EMAIL_REQUESTED, {"to": "a@b.c", "template": "new_kind", "token": "secret-token"})
    assert unknown_template.title == "A message from FinCloud"
    assert "secret-token" not in unknown_template.body
    assert "secret-token" not in unknown_template.html
