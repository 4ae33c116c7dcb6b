"""How each event reads to a person: a title, a plain-text body, the same as HTML (the email), and where in the app
to look.

``render`` is the one entry point the dispatcher calls, once per notification (per recipient: locale and time zone
are theirs). Amounts are formatted by babel in the recipient's locale and the amount's currency, from the event's
decimal strings (never through a float); month labels and dates in their locale; moments (``occurred_at``) in their
time zone. Calendar dates (a transaction's date, a month) are shown as they are: they belong to no time zone.

The body's first line is the summary that short channels (Telegram, WebPush) show under the title; the lines after
it are details. The HTML is a complete email: inline styles only (mail clients drop style sheets), every value
escaped. User text (payees, category and portfolio names, notes) never reaches the title with a line break in it.

The wording is English for now; numbers, amounts and dates follow the locale. An event type without a template,
or a payload that does not fit its template, gets the generic rendering (its name and its fields).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

from fincloud.constants import (
    TOPIC_BUDGET_THRESHOLD_EXCEEDED,
    TOPIC_EMAIL_REQUESTED,
    TOPIC_IMPORT_COMPLETED,
    TOPIC_PORTFOLIO_ALERT,
    TOPIC_PRICE_ALERT,
    TOPIC_RECURRING_DUE,
    TOPIC_TRANSACTION_CREATED,
)

__all__ = [
    "IDENTITY_EMAIL_PATHS",
    "NOTIFICATION_SETTINGS_PATH",
    "Rendered",
    "known_event_types",
    "render",
]

logger = logging.getLogger(__name__)

NOTIFICATION_SETTINGS_PATH = "/settings/notifications"
"""Where a user changes what they are notified of (the emails' ``List-Unsubscribe``)."""

IDENTITY_EMAIL_PATHS: Mapping[str, str] = {
    "verify_email": "/verify-email",
    "reset_password": "/reset-password",
    "household_invitation": "/invitations/accept",
}
"""The page of the web app each identity email links to, with ``?token=<token>``."""

TITLE_MAX = 300
"""``notifications.title`` holds this many characters."""


@dataclass(frozen=True, slots=True)
class Rendered:
    title: str
    body: str
    html: str
    url: str | None = None


def render(
    event_type: str,
    payload: Mapping[str, Any],
    *,
    locale: str,
    time_zone: str,
    app_url: str | None = None,
    occurred_at: dt.datetime | None = None,
) -> Rendered:
    """``event_type``'s event with ``payload``, for a reader in ``locale`` (``en``, ``de-DE``, ``de_DE``; unknown →
    English) and ``time_zone`` (an IANA name; unknown → UTC).

    ``app_url`` is where users open FinCloud (``Settings.public_url``); links are absolute under it, or paths
    (``/budget?month=2025-03``) without it. ``occurred_at``, when given, is shown in the email's footer."""
    context = _Context(
        locale=_locale(locale), zone=_zone(time_zone), app_url=(app_url or "").rstrip("/"), occurred_at=occurred_at
    )
    template = _TEMPLATES.get(event_type)
    doc: _Doc | None = None
    if template is not None:
        try:
            doc = template(payload, context)
        except (KeyError, ValueError, TypeError, ArithmeticError, AttributeError):
            logger.warning(
                "event payload does not fit its template; rendered generically",
                exc_info=True,
                extra={"event_type": event_type},
            )
    if doc is None:
        doc = _generic(event_type, payload, context)
    return doc.rendered(context)


def known_event_types() -> tuple[str, ...]:
    """The event types with a template of their own."""
    return tuple(_TEMPLATES)


# Formatting.


@dataclass(frozen=True, slots=True)
class _Context:
    locale: Locale
    zone: ZoneInfo
    app_url: str
    occurred_at: dt.datetime | None

    def link(self, path: str, **query: object) -> str:
        wanted = {key: str(value) for key, value in query.items() if value not in (None, "")}
        return f"{self.app_url}{path}" + (f"?{urlencode(wanted)}" if wanted else "")

    def money(self, amount: object, currency: object) -> str:
        """``amount`` (a decimal string) in ``currency``; an amount that is not a number is shown as it came."""
        value = _decimal(amount)
        if value is None:
            return f"{amount} {currency or ''}".strip()
        if not currency:
            return format_decimal(value, locale=self.locale, decimal_quantization=False)
        text = format_currency(value, str(currency), locale=self.locale)
        # CLDR's currency spacing, which babel leaves out: a symbol of letters never touches the digits
        # ("CHF 2,210.07", not "CHF2,210.07").
        symbol = get_currency_symbol(str(currency), locale=self.locale)
        if symbol[-1:].isalpha():
            text = re.sub(re.escape(symbol) + r"(?=\d)", symbol + "\u00a0", text)
        if symbol[:1].isalpha():
            text = re.sub(r"(?<=\d)" + re.escape(symbol), "\u00a0" + symbol, text)
        return text

    def number(self, value: object) -> str:
        number = _decimal(value)
        return str(value) if number is None else format_decimal(number, locale=self.locale, decimal_quantization=False)

    def percent(self, value: object, *, signed: bool = False) -> str:
        """``value`` percent (``5`` is 5 %), to a tenth."""
        number = _decimal(value)
        if number is None:
            return f"{value} %"
        number = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        pattern = self.locale.percent_formats[None].pattern
        last_digit = pattern.rfind("0")
        pattern = pattern[: last_digit + 1] + ".#" + pattern[last_digit + 1 :]
        text = format_percent(number / 100, format=pattern, locale=self.locale)
        return f"+{text}" if signed and number > 0 else text

    def date(self, value: object) -> str:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
        return format_date(day, format="medium", locale=self.locale)

    def period(self, start: object, end: object) -> str:
        """Two dates as the locale writes a range (``Mar 1 to 31, 2025`` in its own words)."""
        try:
            first, last = (dt.date.fromisoformat(str(value)[:10]) for value in (start, end))
        except ValueError:
            return f"{start} / {end}"
        return format_interval(first, last, "yMMMd", locale=self.locale)

    def month(self, value: object) -> str:
        """``"2025-03"`` as ``March 2025`` (``März 2025``)."""
        try:
            year, month = (int(part) for part in str(value).split("-")[:2])
            return format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale)
        except ValueError:
            return str(value)

    def moment(self, value: dt.datetime) -> str:
        """A point in time, in the reader's time zone: ``Mar 4, 2025, 2:05 PM`` (``04.03.2025, 14:05``)."""
        local = (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).astimezone(self.zone)
        pattern = str(self.locale.datetime_formats["medium"])
        day = format_date(local.date(), format="medium", locale=self.locale)
        time = format_time(local.time(), format="short", locale=self.locale)
        return pattern.replace("{1}", day).replace("{0}", time)


def _locale(identifier: str) -> Locale:
    try:
        return Locale.parse((identifier or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):  # never from our events; read from its shortest text, not its binary value
        value = repr(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_SPACE = re.compile(r"[^\S\u00a0\u2007\u2009\u202f]+")
"""Runs of white space, line breaks included, but not the no-break spaces that locales put in amounts."""


def _line(value: object, *, fallback: str = "") -> str:
    """User text on one line: line breaks and runs of space as one space."""
    text = _SPACE.sub(" ", str(value)).strip() if value is not None else ""
    return text or fallback


def _plural(count: object, one: str, many: str, context: _Context) -> str:
    number = _decimal(count) or Decimal(0)
    return f"{context.number(number)} {one if number == 1 else many}"


# What a notification says, before it is text or HTML.


@dataclass(frozen=True, slots=True)
class _Doc:
    title: str
    summary: str
    details: Sequence[tuple[str, str]] = ()
    note: str | None = None
    action: tuple[str, str] | None = None
    """A button: its label and its URL."""
    url: str | None = None
    """Where in the app to see more (``Rendered.url``); usually the action's URL."""
    footer: str = "You get this email because of your notification settings in FinCloud."
    settings_link: bool = True
    """The footer links to the notification settings (not in identity's emails)."""
    spell_out_link: bool = False
    """The action's URL is also shown as text, for mail clients that hide buttons (identity's emails)."""

    def rendered(self, context: _Context) -> Rendered:
        title = _line(self.title)
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
        lines = [_line(self.summary)]
        if self.details:
            lines.append("")
            lines.extend(f"{label}: {_line(value)}" for label, value in self.details)
        if self.note:
            lines += ["", self.note]
        if self.action:
            lines += ["", f"{self.action[0]}: {self.action[1]}"]
        return Rendered(title=title, body="\n".join(lines), html=self._html(title, context), url=self.url)

    def _html(self, title: str, context: _Context) -> str:
        e = html.escape
        parts = [
            "<!DOCTYPE html>",
            f'<html lang="{e(context.locale.language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title></head>",
            '<body style="margin:0;padding:0;background-color:#f3f4f6;">',
            "<div style=\"max-width:560px;margin:0 auto;padding:24px 16px;font-family:-apple-system,'Segoe UI',"
            'Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2937;">',
            '<div style="background-color:#ffffff;border-radius:8px;padding:24px;">',
            f'<h1 style="margin:0 0 12px;font-size:20px;line-height:1.3;color:#111827;">{e(title)}</h1>',
            f'<p style="margin:0 0 16px;">{e(_line(self.summary))}</p>',
        ]
        if self.details:
            parts.append('<table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 16px;">')
            parts.extend(
                '<tr><th scope="row" style="text-align:left;font-weight:normal;color:#6b7280;'
                f'padding:4px 16px 4px 0;vertical-align:top;white-space:nowrap;">{e(label)}</th>'
                f'<td style="padding:4px 0;vertical-align:top;">{e(_line(value))}</td></tr>'
                for label, value in self.details
            )
            parts.append("</table>")
        if self.note:
            parts.append(f'<p style="margin:0 0 16px;">{e(self.note)}</p>')
        if self.action:
            label, url = self.action
            parts.append(
                f'<p style="margin:24px 0 8px;"><a href="{e(url)}" style="display:inline-block;'
                "background-color:#2563eb;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;"
                f'font-weight:600;">{e(label)}</a></p>'
            )
            if self.spell_out_link:
                parts.append(
                    '<p style="margin:0;font-size:12px;color:#6b7280;word-break:break-all;">'
                    f'<a href="{e(url)}" style="color:#6b7280;">{e(url)}</a></p>'
                )
        parts.append("</div>")
        footer = [e(self.footer)]
        if context.occurred_at is not None:
            footer.insert(0, e(context.moment(context.occurred_at)) + ".")
        if self.settings_link:
            settings = context.link(NOTIFICATION_SETTINGS_PATH)
            footer.append(f'<a href="{e(settings)}" style="color:#6b7280;">Notification settings</a>')
        parts.append(f'<p style="margin:16px 0 0;font-size:12px;color:#6b7280;">{" ".join(footer)}</p>')
        parts.append("</div></body></html>")
        return "\n".join(parts)


def _open(url: str) -> tuple[str, str]:
    return ("Open in FinCloud", url)


# One template per event type.


def _budget_threshold_exceeded(payload: Mapping[str, Any], c: _Context) -> _Doc:
    currency = payload["currency"]
    category = _line(payload.get("category_name"), fallback="A category")
    group = _line(payload.get("group_name"))
    month = c.month(payload["month"])
    level = payload["level"]
    spent = Decimal(str(payload["spent"]))
    funded = Decimal(str(payload.get("budgeted") or 0)) + Decimal(str(payload.get("carried") or 0))
    available = Decimal(str(payload.get("available") or 0))
    if available < 0:
        remainder = f"{c.money(-available, currency)} over budget"
    else:
        remainder = f"{c.money(available, currency)} left"
    details = [("Category", f"{category} ({group})" if group else category), ("Month", month)]
    details += [("Spent", c.money(spent, currency)), ("Budgeted", c.money(payload.get("budgeted") or 0, currency))]
    if Decimal(str(payload.get("carried") or 0)) != 0:
        details.append(("Carried over", c.money(payload["carried"], currency)))
    details.append(("Available", c.money(available, currency)))
    url = c.link("/budget", month=payload["month"], category=payload.get("category_id"))
    return _Doc(
        title=f"{category}: {c.percent(level)} of the {month} budget spent",
        summary=f"{c.money(spent, currency)} spent of {c.money(funded, currency)}; {remainder}.",
        details=details,
        action=_open(url),
        url=url,
    )


def _transaction_created(payload: Mapping[str, Any], c: _Context) -> _Doc:
    amount = c.money(payload["amount"], payload["currency"])
    payee = _line(payload.get("payee"))
    account = _line(payload.get("account_name"), fallback="an account")
    date = c.date(payload["date"])
    details = [("Amount", amount), ("Account", account), ("Date", date)]
    if payee:
        details.insert(1, ("Payee", payee))
    if payload.get("status") == "pending":
        details.append(("Status", "pending"))
    if payload.get("tags"):
        details.append(("Tags", ", ".join(_line(tag) for tag in payload["tags"])))
    url = c.link("/transactions", account=payload.get("account_id"), transaction=payload.get("transaction_id"))
    return _Doc(
        title=f"{amount} · {payee}" if payee else f"{amount} on {account}",
        summary=f"{amount} on {account}, {date}" + (f": {payee}." if payee else "."),
        details=details,
        action=_open(url),
        url=url,
    )


def _import_completed(payload: Mapping[str, Any], c: _Context) -> _Doc:
    counts: Mapping[str, Any] = payload.get("counts") or {}
    filename = _line(payload.get("filename"), fallback="a statement")
    created = counts.get("created", 0)
    parts = [_plural(created, "transaction", "transactions", c) + " added"]
    if counts.get("linked"):
        parts.append(f"{c.number(counts['linked'])} matched to existing ones")
    if counts.get("skipped"):
        parts.append(f"{c.number(counts['skipped'])} skipped")
    details = [("File", filename)]
    if payload.get("period_start") and payload.get("period_end"):
        details.append(("Period", c.period(payload["period_start"], payload["period_end"])))
    if payload.get("amount") is not None and payload.get("currency"):
        details.append(("Net amount added", c.money(payload["amount"], payload["currency"])))
    if payload.get("format"):
        details.append(("Format", str(payload["format"]).upper()))
    url = c.link(f"/imports/{payload['import_id']}")
    return _Doc(
        title=f"Import finished: {filename}",
        summary=", ".join(parts) + ".",
        details=details,
        action=_open(url),
        url=url,
    )


def _recurring_due(payload: Mapping[str, Any], c: _Context) -> _Doc:
    name = _line(payload.get("name"), fallback="A recurring transaction")
    date = c.date(payload["date"])
    amount = c.money(payload["amount"], payload["currency"])
    estimate = "about " if payload.get("amount_is_estimate") else ""
    payee = _line(payload.get("payee"))
    details = [("Due", date), ("Amount", f"{estimate}{amount}")]
    if payee:
        details.append(("Payee", payee))
    url = c.link("/recurring", id=payload.get("recurring_id"))
    failed = payload.get("failed")
    if failed:
        return _Doc(
            title=f"{name} could not be recorded",
            summary=f"The transaction due on {date} ({estimate}{amount}) was not recorded: {_line(failed)}",
            details=details,
            note="Check the account and the category, then record it by hand.",
            action=_open(url),
            url=url,
        )
    return _Doc(
        title=f"{name} is due on {date}",
        summary=f"{estimate}{amount}" + (f" to {payee}" if payee else "") + f" is due on {date}.",
        details=details,
        note="Record it once it is paid.",
        action=_open(url),
        url=url,
    )


def _price_alert(payload: Mapping[str, Any], c: _Context) -> _Doc:
    symbol = _line(payload.get("symbol"), fallback="An instrument")
    kind = payload["kind"]
    currency = payload.get("currency")
    price = c.money(payload["price"], currency) if payload.get("price") is not None else None
    date = c.date(payload["date"]) if payload.get("date") else None
    if kind in ("price_above", "price_below"):
        level = c.money(payload["threshold"], currency)
        title = f"{symbol} {'rose above' if kind == 'price_above' else 'fell below'} {level}"
        summary = f"{symbol} is at {price or c.money(payload['value'], currency)}" + (f" ({date})." if date else ".")
        details = [("Price", price or c.money(payload["value"], currency)), ("Your alert", f"{level}")]
    else:
        move = _decimal(payload["value"]) or Decimal(0)
        title = f"{symbol} {'rose' if move > 0 else 'fell'} {c.percent(abs(move))} in a day"
        summary = f"{symbol} moved {c.percent(move, signed=True)}" + (f" to {price}" if price else "")
        summary += f" ({date})." if date else "."
        details = [("Move", c.percent(move, signed=True)), ("Your alert", f"± {c.percent(payload['threshold'])}")]
        if price:
            details.insert(1, ("Price", price))
    if date:
        details.append(("Date", date))
    if payload.get("note"):
        details.append(("Your note", _line(payload["note"])))
    url = c.link(f"/portfolio/instruments/{payload['instrument_id']}")
    return _Doc(title=title, summary=summary, details=details, action=_open(url), url=url)


def _portfolio_alert(payload: Mapping[str, Any], c: _Context) -> _Doc:
    name = _line(payload.get("portfolio"), fallback="Your portfolio")
    kind = payload["kind"]
    value = _decimal(payload["value"]) or Decimal(0)
    date = c.date(payload["date"]) if payload.get("date") else None
    if kind == "drawdown":
        title = f"{name} is {c.percent(value)} below its high"
        summary = f"{name} has fallen {c.percent(value)} from its highest value" + (f" ({date})." if date else ".")
        details = [("Down from the high", c.percent(value)), ("Your alert", c.percent(payload["threshold"]))]
    else:
        title = f"{name} {'rose' if value > 0 else 'fell'} {c.percent(abs(value))} in a day"
        summary = f"{name} moved {c.percent(value, signed=True)}" + (f" on {date}." if date else ".")
        details = [
            ("Day's change", c.percent(value, signed=True)),
            ("Your alert", f"± {c.percent(payload['threshold'])}"),
        ]
    if date:
        details.append(("Date", date))
    if payload.get("note"):
        details.append(("Your note", _line(payload["note"])))
    url = c.link(f"/portfolio/{payload['portfolio_id']}")
    return _Doc(title=title, summary=summary, details=details, action=_open(url), url=url)


_IDENTITY_FOOTER = "If you did not ask for this, you can ignore this email."


def _identity_email(payload: Mapping[str, Any], c: _Context) -> _Doc:
    template = payload["template"]
    path = IDENTITY_EMAIL_PATHS.get(template)
    if path is None:
        raise ValueError(f"unknown identity email template {template!r}")
    link = c.link(path, token=payload["token"])
    if template == "verify_email":
        return _Doc(
            title="Confirm your email address",
            summary="Open the link below to confirm that this address belongs to your FinCloud account.",
            action=("Confirm address", link),
            url=link,
            footer=_IDENTITY_FOOTER,
            settings_link=False,
            spell_out_link=True,
        )
    if template == "reset_password":
        return _Doc(
            title="Reset your FinCloud password",
            summary="Someone asked to reset the password of the FinCloud account with this address.",
            note="The link works once and only for a short time. Your password stays as it is until you choose a new one.",
            action=("Choose a new password", link),
            url=link,
            footer="If it was not you, ignore this email: nobody can use the link without access to your inbox.",
            settings_link=False,
            spell_out_link=True,
        )
    return _Doc(
        title="You are invited to a FinCloud household",
        summary="You have been invited to share a household's budgets and portfolios in FinCloud.",
        note="Sign in (or create an account with this address), then accept the invitation.",
        action=("Accept invitation", link),
        url=link,
        footer=_IDENTITY_FOOTER,
        settings_link=False,
        spell_out_link=True,
    )


def _generic(event_type: str, payload: Mapping[str, Any], c: _Context) -> _Doc:
    if event_type == TOPIC_EMAIL_REQUESTED:  # an identity email we have no words for: never echo its token
        return _Doc(
            title="A message from FinCloud",
            summary="FinCloud has something for you; open the app to see it.",
            action=_open(c.link("/")) if c.app_url else None,
            footer=_IDENTITY_FOOTER,
            settings_link=False,
        )
    words = event_type.split(".", 1)
    title = (f"{words[0].capitalize()}: {words[1]}" if len(words) == 2 else event_type).replace("_", " ")
    details = [
        (str(key).replace("_", " "), _scalar(value))
        for key, value in sorted(payload.items())
        if not isinstance(value, (Mapping, list))
    ]
    return _Doc(title=title, summary=title + ".", details=details)


def _scalar(value: object) -> str:
    return "—" if value is None else str(value)


_TEMPLATES: dict[str, Callable[[Mapping[str, Any], _Context], _Doc]] = {
    TOPIC_BUDGET_THRESHOLD_EXCEEDED: _budget_threshold_exceeded,
    TOPIC_TRANSACTION_CREATED: _transaction_created,
    TOPIC_IMPORT_COMPLETED: _import_completed,
    TOPIC_RECURRING_DUE: _recurring_due,
    TOPIC_PRICE_ALERT: _price_alert,
    TOPIC_PORTFOLIO_ALERT: _portfolio_alert,
    TOPIC_EMAIL_REQUESTED: _identity_email,
}
