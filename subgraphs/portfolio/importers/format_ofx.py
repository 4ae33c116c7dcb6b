"""OFX 1.x (SGML) and 2.x (XML) investment statements (``INVSTMTRS``), and Quicken's QFX, as activities.

The file is read with the budget's tolerant OFX reader (``_sgml``), encoding detection, sign-on check, amount and
date parsing; this module only interprets the investment aggregates. Dates are the trade date (``DTTRADE``; for
cash transactions ``DTPOSTED``) as the broker wrote the calendar day, never shifted by its time zone.

How each transaction aggregate of ``INVTRANLIST`` becomes activities (``Kind``):

- ``BUYSTOCK``/``BUYMF``/``BUYDEBT``/``BUYOPT``/``BUYOTHER`` -> ``BUY``; ``SELL...`` -> ``SELL`` (OFX writes the
  units of a sale negative; activities hold them positive). ``COMMISSION + FEES + LOAD`` (and a sale's
  ``PENALTY``) are the fee, ``TAXES`` (and a sale's ``WITHHOLDING``/``STATEWITHHOLDING``) the tax, ``UNITPRICE``
  the price. A buy to cover or a short sale is read as a plain purchase or sale, with a note.
- Bonds (``BUYDEBT``/``SELLDEBT``, and any security the list calls ``DEBTINFO``): OFX gives units as face value and
  the price as a percentage of par, so the price per unit is ``UNITPRICE / 100``; accrued interest
  (``ACCRDINT``) is not part of an activity and is noted. Options: the price per contract is ``UNITPRICE`` times
  the shares per contract (``SHPERCTRCT``).
- ``TOTAL`` is checked against units * price ± fee and tax; a difference of more than the currency's minor unit is
  a warning naming the line (the activity keeps units, price, fee and tax as the broker wrote them).
- ``REINVEST`` -> ``DIVIDEND_REINVEST`` (``amount`` = ``|TOTAL|``, for any ``INCOMETYPE``: dividends, capital gains,
  interest); its commission, fees and load, if any, become a separate ``FEE`` (a reinvestment carries no fee).
- ``INCOME`` -> ``DIVIDEND`` (``DIV``, ``CGLONG``, ``CGSHORT``, ``MISC``) or ``INTEREST`` (``INTEREST``), ``TOTAL``
  taken as the gross amount and ``WITHHOLDING`` as the tax withheld from it.
- ``INVEXPENSE`` and ``MARGININTEREST`` -> ``FEE``; ``RETOFCAP`` -> ``DIVIDEND`` with a note (a return of capital
  really lowers the cost basis; the portfolio has no kind for it yet).
- ``TRANSFER`` -> ``TRANSFER_IN``/``TRANSFER_OUT`` by ``TFERACTION``, at ``UNITPRICE`` (else ``AVGCOSTBASIS``) per
  unit; a transfer of zero units (TIAA-CREF's "balance update") moves nothing and is left out with a notice.
- ``SPLIT`` -> ``SPLIT`` of ``NUMERATOR`` new for ``DENOMINATOR`` old units; cash paid for fractions (``FRACCASH``)
  is noted, not recorded.
- ``INVBANKTRAN`` (a cash ``STMTTRN``): ``INT`` -> ``INTEREST`` (negative: interest charged, ``FEE``); ``DIV`` ->
  ``INTEREST`` (a cash sweep's dividend has no security, and a ``DIVIDEND`` needs one); ``FEE``/``SRVCHG`` ->
  ``FEE``; anything else by its sign, ``DEPOSIT`` or ``WITHDRAWAL``. A typed entry with the other sign (a fee
  refunded) is also read by its sign, with a note.
- ``JRNLFUND``/``JRNLSEC`` move cash or units between sub-accounts of the same account (cash to margin, say):
  nothing enters or leaves the portfolio and its holdings do not change, so no activity is made (a pair of
  transfers out and in would count as external flows and distort returns); each is listed as a notice so that
  every transaction of the file is accounted for.
- ``CLOSUREOPT`` (an option exercised, assigned or expired) is not supported yet: a row error.

A ``CURRENCY`` aggregate on a transaction means its amounts are in ``CURSYM``, and ``CURRATE`` (units of
``CURDEF`` per unit of ``CURSYM``) becomes ``fx_rate``; ``ORIGCURRENCY`` means the amounts were already converted
into ``CURDEF`` and are kept in it, with the original currency in the memo.

Securities come from ``SECLIST`` (``STOCKINFO``, ``MFINFO``, ``DEBTINFO``, ``OPTINFO``, ``OTHERINFO``: the asset
class), keyed by ticker when it identifies one security alone, else by the ``SECID`` (CUSIP, ISIN, ...). Holdings
come from ``INVPOSLIST`` into ``positions``, and ``INVBAL/AVAILCASH`` into ``available_cash``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from subgraphs.budget.importers._amounts import AmountError, parse_plain_decimal
from subgraphs.budget.importers._common import clean_text, currency_code, empty_file
from subgraphs.budget.importers._sgml import Node, parse_sgml
from subgraphs.budget.importers.errors import ErrorCode, Issue, StatementError
from subgraphs.budget.importers.format_ofx import OfxImporter, check_signon, decode_ofx, failed_requests, ofx_date
from subgraphs.portfolio.activities import Activity, Kind
from subgraphs.portfolio.importers._common import (
    Draft,
    NumberError,
    exact,
    finish,
    memo_text,
    minor_unit,
    option_currency,
    plain,
)
from subgraphs.portfolio.importers.base import (
    SNIFF_SAMPLE_SIZE,
    AssetClass,
    ParsedAccount,
    ParsedInstrument,
    ParsedPosition,
    ParsedStatement,
    ParseOptions,
    WarningCode,
)

__all__ = ["OfxInvestmentImporter"]

_BANK_OFX = OfxImporter()
_OFX_ROOT = re.compile(r"<OFX\s*>", re.IGNORECASE)

_BUYS = frozenset({"BUYSTOCK", "BUYMF", "BUYDEBT", "BUYOPT", "BUYOTHER"})
_SELLS = frozenset({"SELLSTOCK", "SELLMF", "SELLDEBT", "SELLOPT", "SELLOTHER"})
_SECURITY_LIST = {
    "STOCKINFO": AssetClass.EQUITY,
    "MFINFO": AssetClass.FUND,
    "DEBTINFO": AssetClass.BOND,
    "OPTINFO": AssetClass.OPTION,
    "OTHERINFO": AssetClass.OTHER,
}
_CLASS_BY_SUFFIX = {
    "STOCK": AssetClass.EQUITY,
    "MF": AssetClass.FUND,
    "DEBT": AssetClass.BOND,
    "OPT": AssetClass.OPTION,
    "OTHER": AssetClass.OTHER,
}
_INCOME_TYPES = {
    "DIV": (Kind.DIVIDEND, "dividend"),
    "CGLONG": (Kind.DIVIDEND, "long-term capital gains distribution"),
    "CGSHORT": (Kind.DIVIDEND, "short-term capital gains distribution"),
    "MISC": (Kind.DIVIDEND, "miscellaneous income"),
    "INTEREST": (Kind.INTEREST, "interest"),
}
_POSITIONS = ("POSSTOCK", "POSMF", "POSDEBT", "POSOPT", "POSOTHER")
_NOT_TRANSACTIONS = frozenset({"DTSTART", "DTEND"})
_TRADE_TYPES = ("BUYTYPE", "SELLTYPE", "OPTBUYTYPE", "OPTSELLTYPE")


class OfxInvestmentImporter:
    """OFX 1.02-2.2 and QFX investment statements."""

    name = "ofx"
    label = "OFX / QFX investment statement"

    def sniff(self, data: bytes, filename: str | None) -> bool:
        """Any OFX file (a bank statement too: ``parse`` then says why it is refused)."""
        try:
            return _BANK_OFX.detect(data[:SNIFF_SAMPLE_SIZE], filename=filename) >= 0.9
        except Exception:  # a sniffer never raises
            return False

    def parse(self, data: bytes, *, options: ParseOptions) -> ParsedStatement:
        if empty_file(data):
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        text, encoding = decode_ofx(data)
        match = _OFX_ROOT.search(text)
        if match is None:
            raise StatementError("this is not an OFX file: it has no <OFX> element", code=ErrorCode.INVALID_FILE)
        roots = parse_sgml(text, start=match.start())
        root = next((node for node in roots if node.tag == "OFX"), roots[0])
        check_signon(root)
        statements, warnings = _choose_statements(root, options)
        reader = _Reader(root=root, statements=statements, options=options)
        statement = reader.read()
        statement.encoding = encoding
        statement.warnings[:0] = warnings
        return finish(statement, reader.drafts, options=options, source=self.name)


def _account_of(statement: Node) -> ParsedAccount | None:
    source = statement.child("INVACCTFROM")
    account_id = clean_text(source.value("ACCTID")) if source is not None else None
    if not account_id:
        return None
    return ParsedAccount(account_id=account_id, broker_id=clean_text(source.value("BROKERID")) if source else None)


def _choose_statements(root: Node, options: ParseOptions) -> tuple[list[Node], list[Issue]]:
    """The investment statements to read (all of one account) and notices about the rest of the file."""
    statements = list(root.iter("INVSTMTRS"))
    banks = list(root.iter("STMTRS", "CCSTMTRS"))
    if not statements:
        failures = failed_requests(root)
        if failures:
            raise StatementError(
                "the broker answered with an error instead of a statement", code=ErrorCode.BANK_ERROR, issues=failures
            )
        if banks:
            raise StatementError(
                f"this OFX file holds {len(banks)} bank or credit-card statement(s) and no investment statement:"
                " import it into an account in the budget",
                code=WarningCode.NOT_INVESTMENT,
            )
        raise StatementError("this OFX file holds no investment statement", code=ErrorCode.NO_STATEMENT)
    accounts: dict[str, list[Node]] = {}
    for node in statements:
        account = _account_of(node)
        accounts.setdefault(account.key if account else "", []).append(node)
    warnings: list[Issue] = []
    if len(accounts) > 1:
        wanted = (options.account or "").strip()
        chosen = [key for key in accounts if wanted and (key == wanted or key.rsplit("/", 1)[-1] == wanted)]
        if len(chosen) != 1:
            listed = ", ".join(key or "(no account id)" for key in accounts)
            detail = f"none is {wanted!r}" if wanted else "choose one"
            raise StatementError(
                f"this OFX file holds {len(accounts)} investment accounts ({listed}); {detail}",
                code=WarningCode.ACCOUNT_REQUIRED,
                candidates=tuple(accounts),
            )
        others = [key for key in accounts if key != chosen[0]]
        warnings.append(
            Issue(
                message=f"the file's other investment account(s) {', '.join(others)} were not read",
                code=WarningCode.OTHER_STATEMENTS,
            )
        )
        selected = accounts[chosen[0]]
    else:
        selected = statements
    warnings.extend(failed_requests(root))  # another request of the file failed: say so, read the rest
    if banks:
        warnings.append(
            Issue(
                message=f"the file's {len(banks)} bank or credit-card statement(s) belong in the budget; not read",
                line=banks[0].line,
                code=WarningCode.OTHER_STATEMENTS,
            )
        )
    return selected, warnings


@dataclass(slots=True)
class _Security:
    """One ``SECID`` of the file: what its ``SECLIST`` entry (if any) says about it."""

    uid_type: str
    uid: str
    asset_class: AssetClass
    line: int | None
    listed: bool
    tickers: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    currency: str | None = None
    per_contract: Decimal | None = None
    key: str = ""


class _Securities:
    """The file's ``SECLIST`` and the key each security gets; securities only referenced are added on the way."""

    def __init__(self, root: Node, warnings: list[Issue]) -> None:
        self.warnings = warnings
        self.by_id: dict[tuple[str, str], _Security] = {}
        for seclist in root.iter("SECLIST"):
            for info in seclist.children:
                if info.tag in _SECURITY_LIST:
                    self._listed(info)
        self._assign_keys()

    def _listed(self, info: Node) -> None:
        secinfo = info.child("SECINFO") or info
        secid = _secid(secinfo)
        if secid is None:
            self.warnings.append(
                Issue(message="a security without SECID in the security list was ignored", line=info.line)
            )
            return
        security = self.by_id.get(secid)
        if security is None:
            security = self.by_id[secid] = _Security(
                uid_type=secid[0], uid=secid[1], asset_class=_SECURITY_LIST[info.tag], line=info.line, listed=True
            )
        ticker = clean_text(secinfo.value("TICKER"))
        name = clean_text(secinfo.value("SECNAME"))
        if ticker and ticker not in security.tickers:
            security.tickers.append(ticker)
        if name and name not in security.names:
            security.names.append(name)
        currency = clean_text(secinfo.value("CURRENCY/CURSYM"))
        if currency and security.currency is None:
            try:
                security.currency = currency_code(currency)
            except ValueError:
                self.warnings.append(Issue(message=f"security currency {currency!r} ignored", line=info.line))
        per_contract = clean_text(info.value("SHPERCTRCT"))
        if per_contract:
            try:
                security.per_contract = parse_plain_decimal(per_contract)
            except AmountError:
                self.warnings.append(Issue(message=f"SHPERCTRCT {per_contract!r} ignored", line=info.line))

    def _assign_keys(self) -> None:
        """Ticker when it is the one ticker of one security; else the security's id."""
        claims: dict[str, list[_Security]] = {}
        for security in self.by_id.values():
            if len(security.tickers) > 1:
                self.warnings.append(
                    Issue(
                        message=(
                            f"security {security.uid} is listed with several tickers ({', '.join(security.tickers)});"
                            f" it is keyed by its {security.uid_type}"
                        ),
                        line=security.line,
                        code=WarningCode.NOTE,
                    )
                )
            candidate = security.tickers[0] if len(security.tickers) == 1 else security.uid
            claims.setdefault(candidate, []).append(security)
        taken: set[str] = set()
        for candidate, securities in claims.items():
            for security in securities:
                key = candidate if len(securities) == 1 else security.uid
                security.key = key if key not in taken else f"{security.uid_type}:{security.uid}"
                taken.add(security.key)
        self.taken = taken

    def key(self, node: Node, aggregate: str, problems: list[Issue], record: int) -> tuple[str, _Security] | None:
        """The key of the security ``node``'s ``SECID`` names (added as unlisted when the list lacks it)."""
        secid = _secid(node)
        if secid is None:
            problems.append(Issue(message="the security (SECID) is missing", line=node.line, record=record))
            return None
        security = self.by_id.get(secid)
        if security is None:
            suffix = aggregate.removeprefix("BUY").removeprefix("SELL").removeprefix("POS")
            key = secid[1] if secid[1] not in self.taken else f"{secid[0]}:{secid[1]}"
            security = self.by_id[secid] = _Security(
                uid_type=secid[0],
                uid=secid[1],
                asset_class=_CLASS_BY_SUFFIX.get(suffix, AssetClass.OTHER),
                line=node.line,
                listed=False,
                key=key,
            )
            self.taken.add(key)
            self.warnings.append(
                Issue(
                    message=f"security {secid[1]} ({secid[0]}) is not described in the file's security list",
                    line=node.line,
                    field="SECID",
                    code=WarningCode.UNKNOWN_SECURITY,
                )
            )
        return security.key, security

    def instruments(self) -> list[ParsedInstrument]:
        return [
            ParsedInstrument(
                key=s.key,
                symbol=s.tickers[0] if s.tickers else None,
                name=s.names[0] if s.names else None,
                isin=s.uid if s.uid_type == "ISIN" else None,
                cusip=s.uid if s.uid_type == "CUSIP" else None,
                currency=s.currency,
                asset_class=s.asset_class,
                unique_id=s.uid,
                unique_id_type=s.uid_type,
                line=s.line,
            )
            for s in self.by_id.values()
        ]


def _secid(node: Node) -> tuple[str, str] | None:
    secid = node.child("SECID")
    if secid is None:
        return None
    uid = clean_text(secid.value("UNIQUEID"))
    if not uid:
        return None
    return (clean_text(secid.value("UNIQUEIDTYPE")) or "OTHER").upper(), uid


class _Row:
    """The problems of one transaction, and how to read its fields."""

    def __init__(self, node: Node, record: int) -> None:
        self.node = node
        self.record = record
        self.problems: list[Issue] = []

    def problem(self, message: str, where: Node | None = None, field_name: str | None = None) -> None:
        self.problems.append(
            Issue(message=message, line=(where or self.node).line, record=self.record, field=field_name)
        )

    def number(self, parent: Node | None, tag: str, *, required: bool = False) -> Decimal | None:
        child = parent.child(tag) if parent is not None else None
        text = (child.text or "").strip() if child is not None else ""
        if not text:
            if required:
                self.problem(f"{tag} is {'empty' if child is not None else 'missing'}", child or parent, tag)
            return None
        try:
            return parse_plain_decimal(text)
        except AmountError as exc:
            self.problem(f"{tag}: {exc}", child, tag)
            return None

    def cost(self, parent: Node | None, *tags: str) -> Decimal:
        """The sum of fee or tax fields, each of which must not be negative."""
        total = Decimal(0)
        for tag in tags:
            value = self.number(parent, tag)
            if value is None:
                continue
            if value < 0:
                self.problem(f"{tag} {value} is negative", parent.child(tag) if parent else None, tag)
            total += abs(value)
        return total

    def day(self, parent: Node | None, tag: str) -> date | None:
        child = parent.child(tag) if parent is not None else None
        text = (child.text or "").strip() if child is not None else ""
        if not text:
            self.problem(f"the date {tag} is {'empty' if child is not None else 'missing'}", child or parent, tag)
            return None
        try:
            return ofx_date(text)
        except ValueError as exc:
            self.problem(str(exc), child, tag)
            return None

    def checked(self, value: Decimal, what: str, where: Node | None = None) -> Decimal | None:
        try:
            return exact(value, what)
        except NumberError as exc:
            self.problem(str(exc), where)
            return None


@dataclass(frozen=True, slots=True)
class _Money:
    currency: str
    fx_rate: Decimal | None = None
    note: str | None = None


class _Reader:
    """Reads the chosen statements into a ``ParsedStatement`` and the drafted activities."""

    def __init__(self, *, root: Node, statements: list[Node], options: ParseOptions) -> None:
        self.statements = statements
        self.options = options
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.drafts: list[Draft] = []
        self.record = 0
        self.securities = _Securities(root, self.warnings)
        self.cash_currency = self._cash_currency(statements[0])

    def _cash_currency(self, statement: Node) -> str | None:
        node = statement.child("CURDEF")
        text = (node.text or "").strip() if node is not None else ""
        if text:
            try:
                return currency_code(text)
            except ValueError as exc:
                self.errors.append(Issue(message=str(exc), line=node.line if node else None, field="CURDEF"))
        return option_currency(self.options, "currency")

    def read(self) -> ParsedStatement:
        first = self.statements[0]
        statement = ParsedStatement(format="ofx", cash_currency=self.cash_currency, account=_account_of(first))
        for node in self.statements:
            tranlist = node.child("INVTRANLIST")
            if tranlist is not None:
                statement.period_start = statement.period_start or self._optional_date(tranlist.child("DTSTART"))
                statement.period_end = self._optional_date(tranlist.child("DTEND")) or statement.period_end
                for transaction in tranlist.children:
                    if transaction.tag not in _NOT_TRANSACTIONS:
                        self._transaction(transaction)
            positions = node.child("INVPOSLIST")
            if positions is not None:
                for position in positions.children:
                    read = self._position(position)
                    if read is not None:
                        statement.positions.append(read)
            statement.as_of = self._optional_date(node.child("DTASOF")) or statement.as_of
            cash = node.find("INVBAL/AVAILCASH")
            if cash is not None and (cash.text or "").strip():
                try:
                    statement.available_cash = parse_plain_decimal(cash.text or "")
                except AmountError as exc:
                    self.errors.append(Issue(message=f"AVAILCASH: {exc}", line=cash.line, field="INVBAL.AVAILCASH"))
        statement.instruments = self.securities.instruments()
        statement.errors = self.errors
        statement.warnings = self.warnings
        return statement

    def _optional_date(self, node: Node | None) -> date | None:
        text = (node.text or "").strip() if node is not None else ""
        if node is None or not text:
            return None
        try:
            return ofx_date(text)
        except ValueError as exc:
            self.warnings.append(Issue(message=f"{node.tag}: {exc}", line=node.line, field=node.tag))
            return None

    # --- transactions -------------------------------------------------------------------------------------------

    def _transaction(self, node: Node) -> None:
        self.record += 1
        row = _Row(node, self.record)
        tag = node.tag
        activities: list[Activity] = []
        if tag in _BUYS or tag in _SELLS:
            activities = self._trade(row)
        elif tag == "REINVEST":
            activities = self._reinvest(row)
        elif tag == "INCOME":
            activities = self._income(row)
        elif tag in ("INVEXPENSE", "MARGININTEREST", "RETOFCAP"):
            activities = self._cash_with_total(row)
        elif tag == "TRANSFER":
            activities = self._transfer(row)
        elif tag == "SPLIT":
            activities = self._split(row)
        elif tag == "INVBANKTRAN":
            activities = self._bank(row)
        elif tag in ("JRNLFUND", "JRNLSEC"):
            self._skip(row, self._journal_text(node))
        elif tag == "CLOSUREOPT":
            row.problem("option exercises, assignments and expiries (CLOSUREOPT) are not supported; enter it by hand")
        else:
            row.problem(f"unknown investment transaction <{tag}>")
        if row.problems:
            self.errors.extend(row.problems)
            return
        self.drafts.extend(Draft(activity=a, line=node.line, record=row.record) for a in activities)

    def _skip(self, row: _Row, message: str) -> None:
        self.warnings.append(
            Issue(
                message=message,
                line=row.node.line,
                record=row.record,
                field=row.node.tag,
                code=WarningCode.ENTRY_SKIPPED,
            )
        )

    def _note(self, row: _Row, message: str) -> None:
        self.warnings.append(
            Issue(message=message, line=row.node.line, record=row.record, field=row.node.tag, code=WarningCode.NOTE)
        )

    def _journal_text(self, node: Node) -> str:
        source = clean_text(node.value("SUBACCTFROM")) or "?"
        target = clean_text(node.value("SUBACCTTO")) or "?"
        what = "cash" if node.tag == "JRNLFUND" else "units"
        return f"a journal of {what} from sub-account {source} to {target} moves nothing in or out; no activity made"

    def _head(self, row: _Row, holder: Node | None) -> tuple[date | None, str | None, str | None]:
        """(trade date, FITID, memo) from ``holder``'s ``INVTRAN``."""
        invtran = holder.child("INVTRAN") if holder is not None else None
        if invtran is None:
            row.problem("the transaction has no INVTRAN (FITID, DTTRADE)", holder, "INVTRAN")
            return None, None, None
        return row.day(invtran, "DTTRADE"), clean_text(invtran.value("FITID")), clean_text(invtran.value("MEMO"))

    def _money(self, row: _Row, holder: Node | None) -> _Money | None:
        """The transaction's currency and rate (see the module docstring)."""
        for tag in ("CURRENCY", "ORIGCURRENCY"):
            aggregate = holder.child(tag) if holder is not None else None
            if aggregate is None:
                continue
            symbol = clean_text(aggregate.value("CURSYM"))
            if not symbol:
                row.problem(f"{tag} names no currency (CURSYM)", aggregate, f"{tag}.CURSYM")
                return None
            try:
                currency = currency_code(symbol)
            except ValueError as exc:
                row.problem(str(exc), aggregate, f"{tag}.CURSYM")
                return None
            rate = row.number(aggregate, "CURRATE")
            if rate is not None and rate <= 0:
                row.problem(f"CURRATE {rate} is not a rate", aggregate, f"{tag}.CURRATE")
                return None
            if currency == self.cash_currency:
                return _Money(currency=currency)
            if tag == "ORIGCURRENCY":
                if self.cash_currency is None:
                    break
                at = f" at {rate}" if rate is not None else ""
                return _Money(currency=self.cash_currency, note=f"converted from {currency}{at}")
            return _Money(currency=currency, fx_rate=rate if self.cash_currency else None)
        if self.cash_currency is None:
            row.problem("the statement names no currency (CURDEF); choose the account's currency", holder, "CURDEF")
            return None
        return _Money(currency=self.cash_currency)

    def _security(self, row: _Row, holder: Node | None) -> tuple[str, _Security] | None:
        if holder is None:
            return None
        return self.securities.key(holder, row.node.tag, row.problems, row.record)

    def _check_total(
        self, row: _Row, total: Decimal | None, expected: Decimal, currency: str, *, accrued: Decimal | None = None
    ) -> None:
        if total is None:
            return
        candidates = [expected] if not accrued else [expected, expected + accrued, expected - accrued]
        tolerance = minor_unit(currency)
        # compared without signs: some brokers write a purchase's TOTAL positive, which changes nothing here
        if all(abs(abs(total) - abs(candidate)) > tolerance for candidate in candidates):
            self.warnings.append(
                Issue(
                    message=(
                        f"TOTAL {plain(total)} differs from units * price ± fees and taxes ({plain(expected)}) by"
                        f" {plain(abs(abs(total) - abs(expected)))} {currency}"
                    ),
                    line=row.node.line,
                    record=row.record,
                    field=f"{row.node.tag}.TOTAL",
                    code=WarningCode.TOTAL_MISMATCH,
                )
            )

    def _unit_price(self, row: _Row, holder: Node, security: _Security, per_contract: Decimal | None) -> Decimal | None:
        """``UNITPRICE`` per unit: a bond's percentage of par divided by 100, an option's per-share price times
        the shares per contract."""
        price = row.number(holder, "UNITPRICE", required=True)
        if price is None:
            return None
        if price < 0:
            row.problem(f"UNITPRICE {price} is negative", holder.child("UNITPRICE"), "UNITPRICE")
            return None
        if security.asset_class is AssetClass.BOND:
            price = price.scaleb(-2)
        elif security.asset_class is AssetClass.OPTION and (per_contract or security.per_contract):
            price = price * (per_contract or security.per_contract or Decimal(1))
        return row.checked(price, "the price", holder.child("UNITPRICE"))

    def _trade(self, row: _Row) -> list[Activity]:
        node = row.node
        buying = node.tag in _BUYS
        inner = node.child("INVBUY" if buying else "INVSELL")
        if inner is None:
            row.problem(f"<{node.tag}> has no {'INVBUY' if buying else 'INVSELL'}")
            return []
        trade_date, fitid, memo = self._head(row, inner)
        found = self._security(row, inner)
        money = self._money(row, inner)
        units = row.number(inner, "UNITS", required=True)
        if units is not None and units == 0:
            row.problem("UNITS is 0: a trade needs units", inner.child("UNITS"), "UNITS")
        if found is not None and node.tag.endswith("DEBT"):
            found[1].asset_class = AssetClass.BOND
        per_contract = row.number(node, "SHPERCTRCT") if node.tag.endswith("OPT") else None
        price = self._unit_price(row, inner, found[1], per_contract) if found else None
        fee = row.cost(inner, "COMMISSION", "FEES", "LOAD", *(() if buying else ("PENALTY",)))
        tax = row.cost(inner, "TAXES", *(() if buying else ("WITHHOLDING", "STATEWITHHOLDING")))
        total = row.number(inner, "TOTAL")
        accrued = row.number(node, "ACCRDINT")
        if row.problems or trade_date is None or found is None or money is None or units is None or price is None:
            return []
        quantity = abs(units)
        notes = [memo, money.note]
        kind_detail = next(
            (text.upper() for tag in _TRADE_TYPES if (text := clean_text(node.value(tag)))),
            "",
        )
        if kind_detail in ("BUYTOCOVER", "SELLSHORT", "SELLTOOPEN", "BUYTOCLOSE"):
            label = {"BUYTOCOVER": "buy to cover", "SELLSHORT": "short sale"}.get(kind_detail, kind_detail.lower())
            notes.append(label)
            if kind_detail == "SELLSHORT":
                self._note(row, "a short sale is recorded as a sale of units the portfolio may not hold")
        if accrued:
            notes.append(f"accrued interest {abs(accrued)}")
            self._note(row, f"accrued interest of {abs(accrued)} {money.currency} is not part of the activity")
        gross = quantity * price
        expected = -(gross + fee + tax) if buying else gross - fee - tax
        self._check_total(row, total, expected, money.currency, accrued=abs(accrued) if accrued else None)
        return [
            Activity(
                kind=Kind.BUY if buying else Kind.SELL,
                date=trade_date,
                currency=money.currency,
                instrument=found[0],
                quantity=quantity,
                price=price,
                fee=fee,
                tax=tax,
                fx_rate=money.fx_rate,
                memo=memo_text(*notes),
                external_id=fitid,
            )
        ]

    def _reinvest(self, row: _Row) -> list[Activity]:
        node = row.node
        trade_date, fitid, memo = self._head(row, node)
        found = self._security(row, node)
        money = self._money(row, node)
        units = row.number(node, "UNITS", required=True)
        if units is not None and units == 0:
            row.problem("UNITS is 0: a reinvestment needs units", node.child("UNITS"), "UNITS")
        price = self._unit_price(row, node, found[1], None) if found else None
        total = row.number(node, "TOTAL", required=True)
        fee = row.cost(node, "COMMISSION", "FEES", "LOAD")
        tax = row.cost(node, "TAXES")
        income = clean_text(node.value("INCOMETYPE")) or "DIV"
        if income.upper() not in _INCOME_TYPES:
            row.problem(f"unknown INCOMETYPE {income!r}", node.child("INCOMETYPE"), "INCOMETYPE")
        if row.problems or trade_date is None or found is None or money is None:
            return []
        if units is None or price is None or total is None:
            return []
        quantity, amount = abs(units), abs(total)
        label = _INCOME_TYPES[income.upper()][1]
        self._check_total(row, amount, quantity * price + fee + tax, money.currency)
        activities = [
            Activity(
                kind=Kind.DIVIDEND_REINVEST,
                date=trade_date,
                currency=money.currency,
                instrument=found[0],
                quantity=quantity,
                price=price,
                amount=amount,
                tax=tax,
                fx_rate=money.fx_rate,
                memo=memo_text(f"reinvested {label}", memo, money.note),
                external_id=fitid,
            )
        ]
        if fee:
            activities.append(
                Activity(
                    kind=Kind.FEE,
                    date=trade_date,
                    currency=money.currency,
                    instrument=found[0],
                    amount=fee,
                    fx_rate=money.fx_rate,
                    memo=memo_text("commission and fees of a reinvestment", memo),
                    external_id=fitid,
                )
            )
        return activities

    def _income(self, row: _Row) -> list[Activity]:
        node = row.node
        trade_date, fitid, memo = self._head(row, node)
        found = self._security(row, node)
        money = self._money(row, node)
        total = row.number(node, "TOTAL", required=True)
        tax = row.cost(node, "WITHHOLDING")
        income = (clean_text(node.value("INCOMETYPE")) or "").upper()
        if income not in _INCOME_TYPES:
            row.problem(f"unknown INCOMETYPE {income or '(none)'!r}", node.child("INCOMETYPE") or node, "INCOMETYPE")
        if total is not None and total < 0:
            row.problem(f"TOTAL {total} is negative: income cannot be recorded as a payment out", None, "TOTAL")
        if row.problems or trade_date is None or found is None or money is None or total is None:
            return []
        if total == 0:
            self._skip(row, "income of 0 changes nothing; no activity made")
            return []
        kind, label = _INCOME_TYPES[income]
        return [
            Activity(
                kind=kind,
                date=trade_date,
                currency=money.currency,
                instrument=found[0],
                amount=total,
                tax=tax,
                fx_rate=money.fx_rate,
                memo=memo_text(label if income != "DIV" else None, memo, money.note),
                external_id=fitid,
            )
        ]

    def _cash_with_total(self, row: _Row) -> list[Activity]:
        """``INVEXPENSE`` and ``MARGININTEREST`` (fees), ``RETOFCAP`` (a dividend, noted)."""
        node = row.node
        trade_date, fitid, memo = self._head(row, node)
        found = self._security(row, node) if node.tag != "MARGININTEREST" else None
        money = self._money(row, node)
        total = row.number(node, "TOTAL", required=True)
        if row.problems or trade_date is None or money is None or total is None:
            return []
        if node.tag != "MARGININTEREST" and found is None:
            return []
        if total == 0:
            self._skip(row, f"<{node.tag}> of 0 changes nothing; no activity made")
            return []
        label: str | None = None
        if node.tag == "RETOFCAP":
            kind, label = Kind.DIVIDEND, "return of capital"
            self._note(row, "a return of capital is recorded as a dividend; its effect on cost basis is not")
        else:
            kind, label = Kind.FEE, "margin interest" if node.tag == "MARGININTEREST" else None
        return [
            Activity(
                kind=kind,
                date=trade_date,
                currency=money.currency,
                instrument=found[0] if found else None,
                amount=abs(total),
                fx_rate=money.fx_rate,
                memo=memo_text(label, memo, money.note),
                external_id=fitid,
            )
        ]

    def _transfer(self, row: _Row) -> list[Activity]:
        node = row.node
        trade_date, fitid, memo = self._head(row, node)
        found = self._security(row, node)
        money = self._money(row, node)
        units = row.number(node, "UNITS", required=True)
        action = (clean_text(node.value("TFERACTION")) or "").upper()
        if action not in ("IN", "OUT"):
            row.problem(
                f"TFERACTION {action or '(none)'!r} is neither IN nor OUT", node.child("TFERACTION"), "TFERACTION"
            )
        price: Decimal | None = Decimal(0)
        if found is not None and node.child("UNITPRICE") is not None:
            price = self._unit_price(row, node, found[1], None)
        elif found is not None and node.child("AVGCOSTBASIS") is not None:
            basis = row.number(node, "AVGCOSTBASIS", required=True)
            price = abs(basis) if basis is not None else None
        if row.problems or trade_date is None or found is None or money is None or units is None or price is None:
            return []
        if units == 0:
            self._skip(row, "a transfer of 0 units moves nothing; no activity made")
            return []
        if node.child("UNITPRICE") is None and node.child("AVGCOSTBASIS") is None:
            self._note(row, "the transfer states no price (UNITPRICE, AVGCOSTBASIS): recorded at a cost of 0")
        other = clean_text(node.value("INVACCTFROM/ACCTID"))
        return [
            Activity(
                kind=Kind.TRANSFER_IN if action == "IN" else Kind.TRANSFER_OUT,
                date=trade_date,
                currency=money.currency,
                instrument=found[0],
                quantity=abs(units),
                price=price,
                fx_rate=money.fx_rate,
                memo=memo_text(memo, f"other account {other}" if other else None, money.note),
                external_id=fitid,
            )
        ]

    def _split(self, row: _Row) -> list[Activity]:
        node = row.node
        trade_date, fitid, memo = self._head(row, node)
        found = self._security(row, node)
        money = self._money(row, node)
        numerator = row.number(node, "NUMERATOR", required=True)
        denominator = row.number(node, "DENOMINATOR", required=True)
        for tag, value in (("NUMERATOR", numerator), ("DENOMINATOR", denominator)):
            if value is not None and value <= 0:
                row.problem(f"the split ratio's {tag} must be greater than 0, not {value}", node.child(tag), tag)
        fraction_cash = row.number(node, "FRACCASH")
        if row.problems or trade_date is None or found is None or money is None:
            return []
        if numerator is None or denominator is None:
            return []
        if numerator == denominator:
            self._skip(row, f"a {numerator}-for-{denominator} split changes nothing; no activity made")
            return []
        if fraction_cash:
            self._note(row, f"cash of {fraction_cash} {money.currency} paid for fractional units is not recorded")
        return [
            Activity(
                kind=Kind.SPLIT,
                date=trade_date,
                currency=money.currency,
                instrument=found[0],
                split_from=denominator,
                split_to=numerator,
                memo=memo_text(memo),
                external_id=fitid,
            )
        ]

    def _bank(self, row: _Row) -> list[Activity]:
        node = row.node
        entry = node.child("STMTTRN")
        if entry is None:
            row.problem("<INVBANKTRAN> has no STMTTRN")
            return []
        posted = row.day(entry, "DTPOSTED")
        amount = row.number(entry, "TRNAMT", required=True)
        money = self._money(row, entry)
        if row.problems or posted is None or amount is None or money is None:
            return []
        if amount == 0:
            self._skip(row, "a cash entry of 0 changes nothing; no activity made")
            return []
        kind_text = (clean_text(entry.value("TRNTYPE")) or "OTHER").upper()
        name = clean_text(entry.value("NAME"))
        memo = clean_text(entry.value("MEMO"))
        by_type = {
            "INT": Kind.INTEREST if amount > 0 else Kind.FEE,
            "DIV": Kind.INTEREST if amount > 0 else None,
            "FEE": Kind.FEE if amount < 0 else None,
            "SRVCHG": Kind.FEE if amount < 0 else None,
        }
        kind = by_type.get(kind_text)
        if kind is None:
            kind = Kind.DEPOSIT if amount > 0 else Kind.WITHDRAWAL
            if kind_text in by_type:
                self._note(row, f"a {kind_text} entry of {amount} is read by its sign, as a {kind.value}")
        labels = {"INT": "interest charged" if amount < 0 else None, "DIV": "dividend on cash"}
        return [
            Activity(
                kind=kind,
                date=posted,
                currency=money.currency,
                amount=abs(amount),
                fx_rate=money.fx_rate,
                memo=memo_text(labels.get(kind_text), name, memo if memo != name else None, money.note),
                external_id=clean_text(entry.value("FITID")),
            )
        ]

    # --- positions ----------------------------------------------------------------------------------------------

    def _position(self, node: Node) -> ParsedPosition | None:
        if node.tag not in _POSITIONS:
            self.warnings.append(Issue(message=f"unknown position <{node.tag}> ignored", line=node.line))
            return None
        row = _Row(node, 0)
        invpos = node.child("INVPOS")
        if invpos is None:
            row.problem(f"<{node.tag}> has no INVPOS")
            self.errors.extend(Issue(message=p.message, line=p.line, field=p.field) for p in row.problems)
            return None
        found = self.securities.key(invpos, node.tag, row.problems, 0)
        units = row.number(invpos, "UNITS", required=True)
        price = row.number(invpos, "UNITPRICE")
        value = row.number(invpos, "MKTVAL")
        money = self._money(row, invpos)
        as_of = row.day(invpos, "DTPRICEASOF") if invpos.child("DTPRICEASOF") is not None else None
        if row.problems or found is None or units is None or money is None:
            self.errors.extend(Issue(message=p.message, line=p.line, field=p.field) for p in row.problems)
            return None
        key, security = found
        if node.tag == "POSDEBT":
            security.asset_class = AssetClass.BOND
        if price is not None and security.asset_class is AssetClass.BOND:
            price = price.scaleb(-2)
        elif price is not None and security.asset_class is AssetClass.OPTION and security.per_contract:
            price = price * security.per_contract
        if (clean_text(invpos.value("POSTYPE")) or "").upper() == "SHORT" and units > 0:
            units = -units
        return ParsedPosition(
            instrument=key,
            units=units,
            unit_price=price,
            market_value=value,
            as_of=as_of,
            currency=money.currency,
            line=node.line,
            held_in=clean_text(invpos.value("HELDINACCT")),
        )
