"""OFX 1.x (SGML) and 2.x (XML) statements, and Quicken's QFX (OFX with Intuit extensions).

Reads bank (``STMTRS``) and credit-card (``CCSTMTRS``) statements, any number per file. Investment statements
(``INVSTMTRS``) belong to the portfolio: an investment account whose transactions are all plain cash movements
(``INVBANKTRAN``, e.g. a brokerage's cash management account) and which holds no positions is read like a bank
account; any other is left out with a warning, and a file with nothing else fails with ``investment_only``. A
refused sign-on or a bank error answer fails with the bank's own message.

Dates are the calendar day the bank wrote: ``DTPOSTED`` ``20091215202000.000[-4:EST]`` is 15 December, not
converted to UTC (which would make it the 16th). See docs/adr/0006-import-formats.md for why this is our own
reader rather than ofxparse or ofxtools.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from subgraphs.budget.importers._amounts import AmountError, parse_plain_decimal
from subgraphs.budget.importers._common import (
    as_iban,
    clean_text,
    currency_code,
    default_currency,
    empty_file,
    finish_rows,
)
from subgraphs.budget.importers._sgml import Node, parse_sgml
from subgraphs.budget.importers.errors import ErrorCode, Issue, IssueCollector, StatementError
from subgraphs.budget.importers.model import Balance, ParseOptions, Statement, StatementAccount, StatementRow

__all__ = ["OfxImporter", "check_signon", "decode_ofx", "failed_requests", "ofx_date"]

_HEAD = re.compile(rb"OFXHEADER\s*[:=]|<\?OFX\b", re.IGNORECASE)
_ROOT = re.compile(rb"<OFX\s*>", re.IGNORECASE)
_XML_ENCODING = re.compile(r"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.IGNORECASE)
_V1_FIELD = re.compile(r"^\s*(ENCODING|CHARSET)\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_OFX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:$|[\d.\[:\s])")
_STATEMENTS = ("STMTRS", "CCSTMTRS", "INVSTMTRS")
_TRANSACTION_SETS = ("STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS")


class OfxImporter:
    """OFX 1.02-2.2 and QFX files."""

    name = "ofx"
    label = "OFX / QFX"

    def detect(self, sample: bytes, *, filename: str | None) -> float:
        head = sample[:8192]
        suffix = (filename or "").lower().rsplit(".", 1)[-1] if filename and "." in filename else ""
        if _HEAD.search(head):
            return 1.0
        if _ROOT.search(sample):
            return 0.9
        return 0.3 if suffix in ("ofx", "qfx") else 0.0

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement:
        if empty_file(data):
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        text, encoding = decode_ofx(data)
        match = re.search(r"<OFX\s*>", text, re.IGNORECASE)
        if match is None:
            raise StatementError("this is not an OFX file: it has no <OFX> element", code=ErrorCode.INVALID_FILE)
        root = parse_sgml(text, start=match.start())[0]
        check_signon(root)
        reader = _Reader(options=options)
        accounts: list[StatementAccount] = []
        warnings: list[Issue] = []
        statements = list(root.iter(*_STATEMENTS))
        for node in statements:
            if node.tag == "INVSTMTRS" and not _cash_only(node):
                warnings.append(_investment_notice(node))
                continue
            accounts.append(reader.account(node))
        failures = failed_requests(root)
        if not accounts:
            _raise_without_statements(root, statements, warnings, failures)
        warnings.extend(failures)  # another account's statement failed: say so, import the rest
        rows = [row for account in accounts for row in account.rows]
        _rows, skipped = finish_rows(rows, reader.issues, options=options)  # bad rows are already left out
        return Statement(
            format=self.name, accounts=tuple(accounts), encoding=encoding, warnings=tuple(warnings), skipped=skipped
        )


def decode_ofx(data: bytes) -> tuple[str, str]:
    head = data[:2048].decode("latin-1")
    declared: str | None = None
    if xml := _XML_ENCODING.search(head):
        declared = xml.group(1)
    else:
        fields = {key.upper(): value.upper() for key, value in _V1_FIELD.findall(head.split("<", 1)[0])}
        if fields.get("ENCODING") in ("UTF-8", "UTF8", "UNICODE"):
            declared = "utf-8"
        elif fields.get("CHARSET", "").replace("-", "") in ("ISO88591", "88591", "LATIN1"):
            declared = "latin-1"
        elif fields:
            declared = "cp1252"
    for codec in (declared, "utf-8", "cp1252"):
        if not codec:
            continue
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1"), "latin-1"


def _status(node: Node | None) -> tuple[str, str, str | None]:
    """(code, severity, message) of a ``STATUS`` aggregate; ``("0", "INFO", None)`` when absent."""
    if node is None:
        return "0", "INFO", None
    return (
        node.value("CODE") or "0",
        (node.value("SEVERITY") or "INFO").upper(),
        clean_text(node.value("MESSAGE")),
    )


def check_signon(root: Node) -> None:
    sonrs = root.find("SIGNONMSGSRSV1/SONRS")
    if sonrs is None:
        return
    code, severity, message = _status(sonrs.child("STATUS"))
    if code != "0" and severity == "ERROR":
        institution = clean_text(sonrs.value("FI/ORG"))
        at = f" at {institution}" if institution else ""
        raise StatementError(
            f"the bank refused the sign-on{at} (OFX code {code}): {message or 'no reason given'}",
            code=ErrorCode.SIGNON_FAILED,
        )


def failed_requests(root: Node) -> list[Issue]:
    """A statement request the bank answered with an error status instead of a statement."""
    failures = []
    for trnrs in root.iter(*_TRANSACTION_SETS):
        code, severity, message = _status(trnrs.child("STATUS"))
        if code != "0" and severity == "ERROR" and not any(True for _ in trnrs.iter(*_STATEMENTS)):
            failures.append(
                Issue(
                    message=f"{message or 'no reason given'} (OFX code {code})",
                    line=trnrs.line,
                    field=trnrs.tag,
                    code=ErrorCode.BANK_ERROR,
                )
            )
    return failures


def _raise_without_statements(root: Node, statements: list[Node], warnings: list[Issue], failures: list[Issue]) -> None:
    if statements:
        raise StatementError(
            "this file holds only investment statements, which belong in a portfolio, not a budget",
            code=ErrorCode.INVESTMENT_ONLY,
            issues=warnings,
        )
    if failures:
        raise StatementError(
            "the bank answered with an error instead of a statement", code=ErrorCode.BANK_ERROR, issues=failures
        )
    listed = sum(1 for _ in root.iter("ACCTINFO"))
    detail = f"it lists {listed} account(s) but no transactions or balances" if listed else "it is a sign-on only"
    raise StatementError(f"this OFX file holds no statement: {detail}", code=ErrorCode.NO_STATEMENT)


def _cash_only(statement: Node) -> bool:
    """An investment statement whose every transaction is a plain cash movement, with no positions held."""
    tranlist = statement.child("INVTRANLIST")
    kinds = {node.tag for node in tranlist.children if node.tag not in ("DTSTART", "DTEND")} if tranlist else set()
    positions = statement.child("INVPOSLIST")
    return kinds == {"INVBANKTRAN"} and not (positions is not None and positions.children)


def _investment_notice(statement: Node) -> Issue:
    account = statement.value("INVACCTFROM/ACCTID") or "(no account id)"
    broker = statement.value("INVACCTFROM/BROKERID")
    tranlist = statement.child("INVTRANLIST")
    trades = [n for n in tranlist.children if n.tag not in ("DTSTART", "DTEND", "INVBANKTRAN")] if tranlist else []
    positions = statement.child("INVPOSLIST")
    held = len(positions.children) if positions is not None else 0
    at = f" at {broker}" if broker else ""
    return Issue(
        message=(
            f"investment account {account}{at} was left out "
            f"({len(trades)} securities transaction(s), {held} position(s))"
        ),
        line=statement.line,
        field="INVSTMTRS",
        code=ErrorCode.INVESTMENT_SKIPPED,
    )


class _Reader:
    """Turns statement aggregates into accounts, collecting every row problem."""

    def __init__(self, *, options: ParseOptions) -> None:
        self.options = options
        self.default_currency = default_currency(options)
        self.issues = IssueCollector(max_errors=options.max_errors)
        self.record = 0

    def account(self, statement: Node) -> StatementAccount:
        kind = statement.tag
        if kind == "STMTRS":
            source = statement.child("BANKACCTFROM")
        elif kind == "CCSTMTRS":
            source = statement.child("CCACCTFROM")
        else:
            source = statement.child("INVACCTFROM")
        account_id = clean_text(source.value("ACCTID")) if source else None
        bank_id = clean_text(source.value("BANKID") or source.value("BROKERID")) if source else None
        if kind == "STMTRS":
            account_type = clean_text(source.value("ACCTTYPE")) if source else None
        else:
            account_type = "CREDITCARD" if kind == "CCSTMTRS" else "INVESTMENT"
        currency = self._currency(statement.child("CURDEF"))
        tranlist = statement.child("BANKTRANLIST" if kind != "INVSTMTRS" else "INVTRANLIST")
        transactions = list(tranlist.iter("STMTTRN")) if tranlist is not None else []
        rows = [row for row in (self._row(node, currency) for node in transactions) if row is not None]
        row_currencies = {row.currency for row in rows}
        if currency is None and len(row_currencies) == 1:
            currency = next(iter(row_currencies))
        return StatementAccount(
            rows=tuple(rows),
            currency=currency,
            account_id=account_id,
            iban=as_iban(account_id),
            bank_id=bank_id,
            account_type=account_type.upper() if account_type else None,
            closing_balance=self._balance(statement.child("LEDGERBAL")),
            available_balance=self._balance(statement.child("AVAILBAL")),
            period_start=self._optional_date(tranlist.child("DTSTART")) if tranlist else None,
            period_end=self._optional_date(tranlist.child("DTEND")) if tranlist else None,
        )

    def _currency(self, node: Node | None) -> str | None:
        text = (node.text or "").strip() if node is not None else ""
        if not text:
            return self.default_currency
        try:
            return currency_code(text)
        except ValueError as exc:
            self.issues.add(Issue(message=str(exc), line=node.line if node else None, field="CURDEF"))
            return self.default_currency

    def _row(self, node: Node, account_currency: str | None) -> StatementRow | None:
        self.record += 1
        problems: list[Issue] = []
        booking = self._date_field(node, "DTPOSTED", problems, required=True)
        value_date = self._date_field(node, "DTAVAIL", problems) or self._date_field(node, "VALUEDATE", problems)
        amount = self._amount_field(node, problems)
        currency = account_currency
        currency_node = node.find("CURRENCY/CURSYM")
        if currency_node is not None and (currency_node.text or "").strip():
            try:
                currency = currency_code(currency_node.text or "")
            except ValueError as exc:
                problems.append(self._issue(str(exc), currency_node, "CURRENCY.CURSYM"))
        elif currency is None:
            problems.append(
                self._issue("the statement names no currency (CURDEF); choose the account's currency", node, "CURDEF")
            )
        for problem in problems:
            self.issues.add(problem)
        if problems or booking is None or amount is None or currency is None:
            return None
        payee = clean_text(node.value("NAME") or node.value("PAYEE/NAME") or node.value("EXTDNAME"))
        extended = clean_text(node.value("EXTDNAME"))
        if payee and extended and len(extended) > len(payee) and extended.startswith(payee):
            payee = extended  # NAME holds 32 characters; EXTDNAME the whole name
        check = node.value("CHECKNUM") or ""
        counterparty = node.value("BANKACCTTO/ACCTID") or node.value("CCACCTTO/ACCTID")
        return StatementRow(
            line=node.line,
            record=self.record,
            booking_date=booking,
            value_date=value_date,
            amount=amount,
            currency=currency,
            payee=payee,
            memo=clean_text(node.value("MEMO")),
            reference=clean_text(node.value("FITID")),
            check_number=check if check.strip("0") else None,
            counterparty_account=clean_text(counterparty),
            category=clean_text(node.value("CATEGORY")),
            raw=tuple((path, text) for path, text, _leaf in node.leaves()),
        )

    def _issue(self, message: str, node: Node, field_name: str) -> Issue:
        return Issue(message=message, line=node.line, record=self.record, field=field_name)

    def _date_field(self, parent: Node, tag: str, problems: list[Issue], *, required: bool = False) -> date | None:
        child = parent.child(tag)
        text = (child.text or "").strip() if child is not None else ""
        if not text:
            if required:
                what = "is empty" if child is not None else "is missing"
                problems.append(self._issue(f"the date {tag} {what}", child or parent, tag))
            return None
        try:
            return ofx_date(text)
        except ValueError as exc:
            problems.append(self._issue(str(exc), child or parent, tag))
            return None

    def _amount_field(self, parent: Node, problems: list[Issue]) -> Decimal | None:
        child = parent.child("TRNAMT")
        text = (child.text or "").strip() if child is not None else ""
        if not text:
            what = "is empty" if child is not None else "is missing"
            problems.append(self._issue(f"the amount TRNAMT {what}", child or parent, "TRNAMT"))
            return None
        try:
            return parse_plain_decimal(text)
        except AmountError as exc:
            problems.append(self._issue(str(exc), child or parent, "TRNAMT"))
            return None

    def _optional_date(self, node: Node | None) -> date | None:
        text = (node.text or "").strip() if node is not None else ""
        if node is None or not text:
            return None
        try:
            return ofx_date(text)
        except ValueError as exc:
            self.issues.add(Issue(message=str(exc), line=node.line, field=node.tag))
            return None

    def _balance(self, node: Node | None) -> Balance | None:
        """A balance aggregate; one whose leaves are all empty means "none given" (some banks write it so)."""
        if node is None or node.is_blank():
            return None
        amount_node = node.child("BALAMT")
        text = (amount_node.text or "").strip() if amount_node is not None else ""
        if not text:
            where = amount_node or node
            self.issues.add(
                Issue(message=f"{node.tag} has no amount (BALAMT)", line=where.line, field=f"{node.tag}.BALAMT")
            )
            return None
        try:
            amount = parse_plain_decimal(text)
        except AmountError as exc:
            self.issues.add(
                Issue(message=str(exc), line=amount_node.line if amount_node else node.line, field=f"{node.tag}.BALAMT")
            )
            return None
        return Balance(amount=amount, as_of=self._optional_date(node.child("DTASOF")))


def ofx_date(text: str) -> date:
    """The calendar day of an OFX date-time as written (``YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]``)."""
    match = _OFX_DATE.match(text.strip())
    if match is None:
        raise ValueError(f"{text.strip()!r} is not an OFX date (YYYYMMDD...)")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a valid date") from None
