"""Writers of exported transactions: CSV and OFX 2.2 (XML). Pure: rows in, text out, one row at a time, so an export
of any size is written in bounded memory.

Amounts are written exactly, with the currency's minor-unit places (JPY ``1500``, BHD ``-1.250``, EUR ``-12.50``),
a ``.`` decimal point and no thousands separators; dates as ISO ``YYYY-MM-DD`` (CSV) or ``YYYYMMDD120000[0:GMT]``
(OFX: noon, so tools that shift times into a local zone keep the calendar day).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TextIO
from xml.sax.saxutils import escape

from fincloud.money import minor_units

__all__ = [
    "CSV_HEADER",
    "CsvWriter",
    "ExportPart",
    "ExportRow",
    "OfxAccount",
    "OfxWriter",
    "ofx_account_id",
]


@dataclass(slots=True)
class ExportPart:
    """One part of a split transaction."""

    amount: Decimal
    category_group: str | None
    category: str | None
    memo: str | None


@dataclass(slots=True)
class ExportRow:
    """One transaction, with the names of what it points at."""

    id: uuid.UUID
    account_id: uuid.UUID
    account_name: str
    date: dt.date
    amount: Decimal
    currency: str
    payee: str | None
    memo: str | None
    notes: str | None
    tags: Sequence[str]
    status: str
    category_group: str | None
    category: str | None
    transfer_account_id: uuid.UUID | None
    transfer_account_name: str | None
    parts: Sequence[ExportPart] = ()


@lru_cache(maxsize=512)
def _minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def amount_text(amount: Decimal, currency: str) -> str:
    """``Money.display_amount``, per row of a large file: the currency's places, or more if the amount has them."""
    quantized = amount.quantize(_minor_unit(currency))
    return format(quantized if quantized == amount else amount.normalize(), "f")


# ---------------------------------------------------------------------------------------------------------------
# CSV

CSV_HEADER = (
    "Date",
    "Account",
    "Payee",
    "Amount",
    "Currency",
    "Category group",
    "Category",
    "Memo",
    "Notes",
    "Tags",
    "Status",
    "Transfer account",
    "Split",
    "Transaction ID",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """Text as a spreadsheet will not run it: a leading ``=``, ``+``, ``-``, ``@`` gets a ``'`` in front (a payee
    named ``=HYPERLINK(...)`` by whoever sent the money stays text)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _part_text(part: ExportPart, currency: str) -> str:
    name = " / ".join(n for n in (part.category_group, part.category) if n) or "Uncategorised"
    memo = f" ({part.memo})" if part.memo else ""
    return f"{name}: {amount_text(part.amount, currency)}{memo}"


class CsvWriter:
    """RFC 4180 CSV, UTF-8 (the caller adds a BOM so spreadsheet programs pick UTF-8), ``\\r\\n`` line ends.

    One row per transaction by default: a split transaction has its whole amount, no category, and its parts in the
    ``Split`` column (``Groceries / Food: -30.00; Home / Household: -12.50``), so the file adds up to the ledger
    and re-imports as the same transactions. With ``split_rows`` each part is a row of its own (amount and category
    of the part, ``Split`` = ``1/2``, ``2/2``, the same ``Transaction ID``): for pivot tables, not for re-import.
    """

    def __init__(self, out: TextIO, *, split_rows: bool = False) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")
        self._split_rows = split_rows
        self._writer.writerow(CSV_HEADER)

    def write(self, row: ExportRow) -> None:
        base = [
            row.date.isoformat(),
            _cell(row.account_name),
            _cell(row.payee),
        ]
        tail = [_cell(", ".join(row.tags)), row.status, _cell(row.transfer_account_name)]
        if not row.parts:
            self._writer.writerow(
                [
                    *base,
                    amount_text(row.amount, row.currency),
                    row.currency,
                    _cell(row.category_group),
                    _cell(row.category),
                    _cell(row.memo),
                    _cell(row.notes),
                    *tail,
                    "",
                    str(row.id),
                ]
            )
            return
        if not self._split_rows:
            self._writer.writerow(
                [
                    *base,
                    amount_text(row.amount, row.currency),
                    row.currency,
                    "",
                    "",
                    _cell(row.memo),
                    _cell(row.notes),
                    *tail,
                    _cell("; ".join(_part_text(p, row.currency) for p in row.parts)),
                    str(row.id),
                ]
            )
            return
        for index, part in enumerate(row.parts, start=1):
            self._writer.writerow(
                [
                    *base,
                    amount_text(part.amount, row.currency),
                    row.currency,
                    _cell(part.category_group),
                    _cell(part.category),
                    _cell(part.memo or row.memo),
                    _cell(row.notes),
                    *tail,
                    f"{index}/{len(row.parts)}",
                    str(row.id),
                ]
            )

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------------------------
# OFX 2.2

OFX_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
)

BANK_ID = "FINCLOUD"
"""OFX requires a bank id (at most 9 characters) next to an account number; FinCloud's accounts have none."""

_ACCOUNT_TYPES = {
    "checking": "CHECKING",
    "savings": "SAVINGS",
    "cash": "CHECKING",
    "investment": "CHECKING",
    "loan": "CREDITLINE",
    "other": "CHECKING",
}
"""FinCloud's account kinds as OFX bank account types; credit cards have statements of their own (CCSTMTRS)."""

# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NAME_LIMIT = 32
EXTDNAME_LIMIT = 100
MEMO_LIMIT = 255


def ofx_account_id(account_id: uuid.UUID) -> str:
    """The account's id as an OFX ``ACCTID`` (at most 22 characters): its 16 bytes in URL-safe base64."""
    return base64.urlsafe_b64encode(account_id.bytes).decode().rstrip("=")


def _text(value: str, limit: int) -> str:
    cleaned = " ".join(_NOT_XML.sub("", value).split())
    return escape(cleaned[:limit].rstrip())


def _ofx_date(day: dt.date) -> str:
    return f"{day:%Y%m%d}120000[0:GMT]"


@dataclass(frozen=True, slots=True)
class OfxAccount:
    """A statement's account: what OFX says about it besides its transactions."""

    id: uuid.UUID
    kind: str
    currency: str
    start: dt.date
    end: dt.date
    ledger_balance: Decimal
    """Opening balance plus every transaction up to ``end``, whatever the export's filters."""


class OfxWriter:
    """An OFX 2.2 response file: one bank (or credit card) statement per account, in the order the rows come, which
    must be grouped by account. Payee names longer than OFX's 32-character ``NAME`` are cut there and given whole
    (up to 100) in ``EXTDNAME``; memos are cut at 255. Categories, notes and tags have no place in OFX and are left
    out; a split transaction is one ``STMTTRN`` with its whole amount. Transfers are ``XFER`` with the other
    account in ``BANKACCTTO``/``CCACCTTO``."""

    def __init__(
        self,
        out: TextIO,
        *,
        statements: Sequence[OfxAccount],
        account_kinds: Mapping[uuid.UUID, str],
        file_id: uuid.UUID,
        now: dt.datetime,
    ) -> None:
        """``statements``: the accounts to write, in file order (bank accounts before credit cards, as OFX orders
        its message sets), each written even without rows; ``account_kinds``: the kind of every account a transfer
        may name."""
        self._out = out
        self._statements = list(statements)
        self._next = 0
        self._kinds = account_kinds
        self._file_id = file_id
        self._current: OfxAccount | None = None
        self._bank_open = False
        self._card_open = False
        out.write(OFX_HEADER)
        out.write(
            "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
            f"<DTSERVER>{now.astimezone(dt.UTC):%Y%m%d%H%M%S}[0:GMT]</DTSERVER><LANGUAGE>ENG</LANGUAGE>"
            "</SONRS></SIGNONMSGSRSV1>\n"
        )

    @staticmethod
    def _is_card(account: OfxAccount) -> bool:
        return account.kind == "credit_card"

    def _account_from(self, account: OfxAccount) -> str:
        if self._is_card(account):
            return f"<CCACCTFROM><ACCTID>{ofx_account_id(account.id)}</ACCTID></CCACCTFROM>"
        return (
            f"<BANKACCTFROM><BANKID>{BANK_ID}</BANKID><ACCTID>{ofx_account_id(account.id)}</ACCTID>"
            f"<ACCTTYPE>{_ACCOUNT_TYPES.get(account.kind, 'CHECKING')}</ACCTTYPE></BANKACCTFROM>"
        )

    def _account_to(self, account_id: uuid.UUID) -> str:
        other = self._kinds.get(account_id, "checking")
        if other == "credit_card":
            return f"<CCACCTTO><ACCTID>{ofx_account_id(account_id)}</ACCTID></CCACCTTO>"
        kind = _ACCOUNT_TYPES.get(other, "CHECKING")
        return (
            f"<BANKACCTTO><BANKID>{BANK_ID}</BANKID><ACCTID>{ofx_account_id(account_id)}</ACCTID>"
            f"<ACCTTYPE>{kind}</ACCTTYPE></BANKACCTTO>"
        )

    def _open(self, account: OfxAccount) -> None:
        card = self._is_card(account)
        if card and not self._card_open:
            if self._bank_open:
                self._out.write("</BANKMSGSRSV1>\n")
                self._bank_open = False
            self._out.write("<CREDITCARDMSGSRSV1>\n")
            self._card_open = True
        elif not card and not self._bank_open:
            if self._card_open:
                self._out.write("</CREDITCARDMSGSRSV1>\n")
                self._card_open = False
            self._out.write("<BANKMSGSRSV1>\n")
            self._bank_open = True
        prefix = "CC" if card else ""
        self._out.write(
            f"<{prefix}STMTTRNRS><TRNUID>{uuid.uuid5(self._file_id, str(account.id))}</TRNUID>"
            "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
            f"<{prefix}STMTRS><CURDEF>{account.currency}</CURDEF>{self._account_from(account)}"
            f"<BANKTRANLIST><DTSTART>{_ofx_date(account.start)}</DTSTART><DTEND>{_ofx_date(account.end)}</DTEND>\n"
        )
        self._current = account

    def _close_current(self) -> None:
        account = self._current
        if account is None:
            return
        prefix = "CC" if self._is_card(account) else ""
        self._out.write(
            "</BANKTRANLIST>"
            f"<LEDGERBAL><BALAMT>{amount_text(account.ledger_balance, account.currency)}</BALAMT>"
            f"<DTASOF>{_ofx_date(account.end)}</DTASOF></LEDGERBAL>"
            f"</{prefix}STMTRS></{prefix}STMTTRNRS>\n"
        )
        self._current = None

    def _advance_to(self, account_id: uuid.UUID | None) -> None:
        """Close the current statement and open the next ones (empty) up to ``account_id``'s (``None``: to the
        end)."""
        self._close_current()
        while self._next < len(self._statements):
            account = self._statements[self._next]
            self._next += 1
            self._open(account)
            if account.id == account_id:
                return
            self._close_current()
        if account_id is not None:
            raise ValueError("OFX rows must come grouped by account, in the order of the statements")

    def write(self, row: ExportRow) -> None:
        if self._current is None or self._current.id != row.account_id:
            self._advance_to(row.account_id)
        if row.transfer_account_id is not None:
            kind = "XFER"
        elif row.amount > 0:
            kind = "CREDIT"
        elif row.amount < 0:
            kind = "DEBIT"
        else:
            kind = "OTHER"
        parts = [
            f"<STMTTRN><TRNTYPE>{kind}</TRNTYPE><DTPOSTED>{_ofx_date(row.date)}</DTPOSTED>",
            f"<TRNAMT>{amount_text(row.amount, row.currency)}</TRNAMT><FITID>{row.id}</FITID>",
        ]
        payee = _text(row.payee or "", EXTDNAME_LIMIT) if row.payee else ""
        if payee:
            parts.append(f"<NAME>{_text(row.payee or '', NAME_LIMIT)}</NAME>")
            if len(" ".join((row.payee or "").split())) > NAME_LIMIT:
                parts.append(f"<EXTDNAME>{payee}</EXTDNAME>")
        if row.transfer_account_id is not None:
            parts.append(self._account_to(row.transfer_account_id))
        if row.memo and _text(row.memo, MEMO_LIMIT):
            parts.append(f"<MEMO>{_text(row.memo, MEMO_LIMIT)}</MEMO>")
        parts.append("</STMTTRN>\n")
        self._out.write("".join(parts))

    def close(self) -> None:
        self._advance_to(None)
        if self._bank_open:
            self._out.write("</BANKMSGSRSV1>\n")
        if self._card_open:
            self._out.write("</CREDITCARDMSGSRSV1>\n")
        self._out.write("</OFX>\n")
