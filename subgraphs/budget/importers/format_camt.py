"""CAMT.053: the ISO 20022 bank-to-customer statement European banks send (``camt.053.001.02`` to ``.08`` and
later versions, which keep these elements).

Each ``Stmt`` is an account: ``Acct/Id/IBAN`` (or ``Othr/Id``), ``Acct/Ccy``, balances ``OPBD``/``CLBD``/``CLAV``
with ``CdtDbtInd``, the period ``FrToDt``. Each booked ``Ntry`` becomes a row: ``Amt/@Ccy`` signed by
``CdtDbtInd`` (``DBIT`` = money out), ``BookgDt``/``ValDt`` (``Dt`` or ``DtTm``), reference ``AcctSvcrRef`` else
``EndToEndId``, counterparty from ``RltdPties`` (the creditor for money out, the debtor for money in), memo
from ``RmtInf/Ustrd`` else ``AddtlNtryInf``. A batch entry whose ``TxDtls`` all carry amounts that add up to the
entry is split into one row per transaction (each keeps the entry's record number); otherwise it stays one
row. Pending (``PDNG``) and information-only entries are left out with a warning.

The XML is parsed with defusedxml: a DTD, entity declaration or external reference fails the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from subgraphs.budget.importers._amounts import AmountError, parse_plain_decimal
from subgraphs.budget.importers._common import (
    as_iban,
    clean_text,
    currency_code,
    empty_file,
    finish_rows,
)
from subgraphs.budget.importers.errors import ErrorCode, Issue, IssueCollector, StatementError
from subgraphs.budget.importers.model import Balance, ParseOptions, Statement, StatementAccount, StatementRow

__all__ = ["Camt053Importer"]

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(\d{3})\.001\.(\d{2})")
_PLACEHOLDERS = {"NOTPROVIDED", "NONREF", "NOT PROVIDED"}


class Camt053Importer:
    """ISO 20022 camt.053 bank-to-customer statements."""

    name = "camt053"
    label = "CAMT.053 (ISO 20022)"

    def detect(self, sample: bytes, *, filename: str | None) -> float:
        match = _NAMESPACE.search(sample.decode("latin-1"))
        if match is None:
            return 0.1 if filename and filename.lower().endswith(".xml") and b"BkToCstmrStmt" in sample else 0.0
        return 1.0 if match.group(1) == "053" else 0.0

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement:
        if empty_file(data):
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        root = _parse_xml(data)
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        message = _NAMESPACE.fullmatch(namespace)
        if message is None or message.group(1) != "053":
            found = f"camt.{message.group(1)}" if message else (namespace or _local(root.tag))
            raise StatementError(
                f"this is not a CAMT.053 statement (its XML namespace is {found!r})", code=ErrorCode.INVALID_FILE
            )
        statements = list(_all(root, "BkToCstmrStmt", "Stmt"))
        if not statements:
            raise StatementError("this CAMT.053 file holds no statement (Stmt)", code=ErrorCode.NO_STATEMENT)
        reader = _Reader(options=options)
        accounts = [reader.account(statement) for statement in statements]
        rows = [row for account in accounts for row in account.rows]
        _rows, skipped = finish_rows(rows, reader.issues, options=options)
        return Statement(
            format=self.name,
            accounts=tuple(accounts),
            encoding=None,
            warnings=tuple(reader.warnings),
            skipped=skipped,
        )


def _parse_xml(data: bytes) -> Element:
    try:
        root: Element = SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise StatementError(
            f"the XML declares a DTD or entities, which a bank statement never needs; refused ({type(exc).__name__})",
            code=ErrorCode.UNSAFE_XML,
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise StatementError(
            f"line {line}, column {column + 1}: the file is not well-formed XML", code=ErrorCode.INVALID_FILE
        ) from None
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return
    for child in element:
        if _local(child.tag) == name:
            yield child


def _child(element: Element | None, path: str) -> Element | None:
    """The first element at ``path`` (``"A/B/C"``, local names, namespaces ignored)."""
    current = element
    for part in path.split("/"):
        current = next(_children(current, part), None)
        if current is None:
            return None
    return current


def _all(element: Element, *path: str) -> Iterator[Element]:
    if not path:
        yield element
        return
    for child in _children(element, path[0]):
        yield from _all(child, *path[1:])


def _text(element: Element | None, path: str) -> str | None:
    found = _child(element, path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _first_text(element: Element | None, *paths: str) -> str | None:
    for path in paths:
        value = _text(element, path)
        if value:
            return value
    return None


class _Reader:
    def __init__(self, *, options: ParseOptions) -> None:
        self.options = options
        self.issues = IssueCollector(max_errors=options.max_errors)
        self.warnings: list[Issue] = []
        self.record = 0

    def account(self, statement: Element) -> StatementAccount:
        problems: list[Issue] = []
        account = _child(statement, "Acct")
        iban = _text(account, "Id/IBAN")
        currency = self._currency(_text(account, "Ccy"), "Acct.Ccy", problems)
        balances: dict[str, tuple[Balance, str | None]] = {}
        for kind, balance, ccy in self._balances(statement, problems):
            balances.setdefault(kind, (balance, ccy))
        rows: list[StatementRow] = []
        for entry in _children(statement, "Ntry"):
            self.record += 1
            rows.extend(self._entry(entry, currency))
        period = _child(statement, "FrToDt")
        start = self._date(period, "FrDtTm", "FrToDt.FrDtTm", problems)
        end = self._date(period, "ToDtTm", "FrToDt.ToDtTm", problems)
        for problem in problems:
            self.issues.add(problem)
        dates = [row.booking_date for row in rows]
        closing = balances.get("CLBD")
        return StatementAccount(
            rows=tuple(rows),
            currency=currency or (closing[1] if closing else None),
            account_id=iban or _text(account, "Id/Othr/Id"),
            iban=as_iban(iban),
            bank_id=_first_text(account, "Svcr/FinInstnId/BICFI", "Svcr/FinInstnId/BIC"),
            account_type=_first_text(account, "Tp/Cd", "Tp/Prtry"),
            name=clean_text(_text(account, "Nm")),
            opening_balance=balances["OPBD"][0] if "OPBD" in balances else None,
            closing_balance=closing[0] if closing else None,
            available_balance=balances["CLAV"][0] if "CLAV" in balances else None,
            period_start=start or min(dates, default=None),
            period_end=end or max(dates, default=None),
        )

    def _issue(self, message: str, field_name: str, *, record: int | None = None) -> Issue:
        return Issue(message=message, record=record, field=field_name)

    def _currency(self, text: str | None, field_name: str, problems: list[Issue]) -> str | None:
        if not text:
            return None
        try:
            return currency_code(text)
        except ValueError as exc:
            problems.append(self._issue(str(exc), field_name, record=self.record or None))
            return None

    def _balances(self, statement: Element, problems: list[Issue]) -> Iterator[tuple[str, Balance, str | None]]:
        """(OPBD | CLBD | CLAV, balance, currency) for each balance of interest; PRCD (previous closing) is the
        opening balance when no OPBD is given."""
        found = []
        for balance in _children(statement, "Bal"):
            kind = _first_text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
            if kind not in ("OPBD", "PRCD", "CLBD", "CLAV"):
                continue
            amount_element = _child(balance, "Amt")
            try:
                amount = _signed(amount_element, _text(balance, "CdtDbtInd"))
            except ValueError as exc:
                problems.append(self._issue(f"balance {kind}: {exc}", "Bal.Amt"))
                continue
            as_of = self._day(_child(balance, "Dt"), f"Bal({kind}).Dt", problems)
            ccy = amount_element.get("Ccy") if amount_element is not None else None
            found.append(("OPBD" if kind == "PRCD" else kind, kind == "PRCD", Balance(amount=amount, as_of=as_of), ccy))
        found.sort(key=lambda item: item[1])  # a real OPBD before a PRCD standing in for it
        for kind, _fallback, balance_value, ccy in found:
            yield kind, balance_value, ccy

    def _day(self, parent: Element | None, field_name: str, problems: list[Issue]) -> date | None:
        """A ``Dt`` or ``DtTm`` child of ``parent`` (``BookgDt``, ``ValDt``, ``Bal/Dt``)."""
        return self._date(parent, "Dt", field_name, problems) or self._date(parent, "DtTm", field_name, problems)

    def _date(self, parent: Element | None, name: str, field_name: str, problems: list[Issue]) -> date | None:
        """``2024-01-02`` or ``2024-01-02T10:00:00+01:00`` as the calendar day written."""
        text = _text(parent, name)
        if text is None:
            return None
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T+\-Z ])", text)
        if match is not None:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                pass
        problems.append(self._issue(f"{text!r} is not an ISO date", field_name, record=self.record or None))
        return None

    def _entry(self, entry: Element, account_currency: str | None) -> list[StatementRow]:
        status = _first_text(entry, "Sts/Cd", "Sts") or "BOOK"
        if status != "BOOK":
            self.warnings.append(
                Issue(
                    message=f"entry with status {status} (not booked) was left out",
                    record=self.record,
                    field="Ntry.Sts",
                    code=ErrorCode.ENTRY_SKIPPED,
                )
            )
            return []
        problems: list[Issue] = []
        amount_element = _child(entry, "Amt")
        indicator = _text(entry, "CdtDbtInd")
        amount: Decimal | None = None
        try:
            amount = _signed(amount_element, indicator)
        except ValueError as exc:
            problems.append(self._issue(str(exc), "Ntry.Amt", record=self.record))
        ccy = amount_element.get("Ccy") if amount_element is not None else None
        currency = self._currency(ccy, "Ntry.Amt@Ccy", problems) or account_currency
        if currency is None and not problems:
            problems.append(self._issue("the entry names no currency (Amt/@Ccy)", "Ntry.Amt@Ccy", record=self.record))
        booking = self._day(_child(entry, "BookgDt"), "BookgDt", problems)
        if booking is None and not any(p.field == "BookgDt" for p in problems):
            problems.append(self._issue("the entry has no booking date (BookgDt)", "BookgDt", record=self.record))
        value_date = self._day(_child(entry, "ValDt"), "ValDt", problems)
        for problem in problems:
            self.issues.add(problem)
        if problems or amount is None or currency is None or booking is None:
            return []
        details = list(_all(entry, "NtryDtls", "TxDtls"))
        entry_ref = _useful(_text(entry, "AcctSvcrRef"))
        raw_entry = [
            ("Ntry.Amt", f"{(amount_element.text or '').strip()} {currency}" if amount_element is not None else ""),
            ("Ntry.CdtDbtInd", indicator or ""),
        ]
        if entry_ref:
            raw_entry.append(("Ntry.AcctSvcrRef", entry_ref))
        if (_text(entry, "RvslInd") or "").lower() == "true":
            raw_entry.append(("Ntry.RvslInd", "true"))  # a reversal: the sign already follows its CdtDbtInd
        code = "/".join(
            part
            for part in (
                _text(entry, "BkTxCd/Domn/Cd"),
                _text(entry, "BkTxCd/Domn/Fmly/Cd"),
                _text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"),
                _text(entry, "BkTxCd/Prtry/Cd"),
            )
            if part
        )
        if code:
            raw_entry.append(("Ntry.BkTxCd", code))
        info = clean_text(_text(entry, "AddtlNtryInf"))
        split = _batch_amounts(details, indicator, amount) if len(details) > 1 else None
        if split is None:
            detail = details[0] if len(details) == 1 else None
            own = _useful(_first_text(detail, "Refs/AcctSvcrRef", "Refs/EndToEndId"))
            return [
                self._row(
                    detail,
                    booking_date=booking,
                    value_date=value_date,
                    amount=amount,
                    currency=currency,
                    reference=entry_ref or own,
                    fallback_memo=info,
                    raw=raw_entry,
                )
            ]
        rows = []
        for number, (detail, part) in enumerate(zip(details, split, strict=True), start=1):
            own = _useful(_first_text(detail, "Refs/AcctSvcrRef", "Refs/EndToEndId"))
            rows.append(
                self._row(
                    detail,
                    booking_date=booking,
                    value_date=value_date,
                    amount=part,
                    currency=currency,
                    reference=own or (f"{entry_ref}/{number}" if entry_ref else None),
                    fallback_memo=info,
                    raw=[*raw_entry, ("TxDtls", f"{number} of {len(details)}")],
                )
            )
        return rows

    def _row(
        self,
        detail: Element | None,
        *,
        booking_date: date,
        value_date: date | None,
        amount: Decimal,
        currency: str,
        reference: str | None,
        fallback_memo: str | None,
        raw: list[tuple[str, str]],
    ) -> StatementRow:
        party = "Cdtr" if amount < 0 else "Dbtr"  # who the money went to, or came from
        parties = _child(detail, "RltdPties")
        payee = _first_text(parties, f"{party}/Nm", f"{party}/Pty/Nm", f"Ultmt{party}/Nm", f"Ultmt{party}/Pty/Nm")
        counterparty = _first_text(parties, f"{party}Acct/Id/IBAN", f"{party}Acct/Id/Othr/Id")
        remittance = (
            " ".join(text for element in _all(detail, "RmtInf", "Ustrd") if (text := (element.text or "").strip()))
            if detail is not None
            else ""
        )
        memo = clean_text(remittance) or clean_text(_text(detail, "RmtInf/Strd/CdtrRefInf/Ref")) or fallback_memo
        extra = [
            (label, value)
            for label, path in (
                ("EndToEndId", "Refs/EndToEndId"),
                ("MndtId", "Refs/MndtId"),
                ("Counterparty", f"RltdPties/{party}/Nm"),
                ("CounterpartyAccount", f"RltdPties/{party}Acct/Id/IBAN"),
                ("Purpose", "Purp/Cd"),
            )
            if (value := _text(detail, path))
        ]
        if fallback_memo:
            extra.append(("AddtlNtryInf", fallback_memo))
        return StatementRow(
            line=None,
            record=self.record,
            booking_date=booking_date,
            value_date=value_date,
            amount=amount,
            currency=currency,
            payee=clean_text(payee),
            memo=memo,
            reference=reference,
            counterparty_account=as_iban(counterparty) or clean_text(counterparty),
            raw=(*raw, *extra),
        )


def _signed(amount_element: Element | None, indicator: str | None) -> Decimal:
    """An unsigned CAMT ``Amt`` signed by its ``CdtDbtInd``: ``DBIT`` is money out."""
    if amount_element is None or not (amount_element.text or "").strip():
        raise ValueError("the amount (Amt) is missing")
    try:
        value = parse_plain_decimal(amount_element.text or "")
    except AmountError as exc:
        raise ValueError(str(exc)) from None
    if value < 0:
        raise ValueError(
            f"{(amount_element.text or '').strip()!r}: CAMT amounts are unsigned, CdtDbtInd gives the sign"
        )
    if indicator == "DBIT":
        return -value
    if indicator == "CRDT":
        return value
    raise ValueError(f"the credit/debit indicator (CdtDbtInd) is {indicator or 'missing'}, not CRDT or DBIT")


def _batch_amounts(details: list[Element], indicator: str | None, total: Decimal) -> list[Decimal] | None:
    """Each transaction's signed amount when every one is given and they add up to the entry, else ``None``."""
    amounts = []
    for detail in details:
        element = _child(detail, "Amt")
        if element is None:
            element = _child(detail, "AmtDtls/TxAmt/Amt")
        try:
            amounts.append(_signed(element, _text(detail, "CdtDbtInd") or indicator))
        except ValueError:
            return None
    return amounts if sum(amounts, Decimal(0)) == total else None


def _useful(reference: str | None) -> str | None:
    """A reference, unless it is a placeholder such as ``NOTPROVIDED``."""
    if reference is None or reference.strip().upper() in _PLACEHOLDERS:
        return None
    return reference.strip()
