"""The normalised statement every importer returns, whatever the file format.

Amounts are ``Decimal`` parsed straight from the file's text (never through ``float``); the sign is the money's
direction for the account holder: positive = money in, negative = money out. Dates are calendar dates as the bank
wrote them (an OFX ``20240102120000[-5:EST]`` is 2 January, not converted to UTC first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from subgraphs.budget.importers.errors import Issue

__all__ = ["Balance", "ParseOptions", "SplitHint", "Statement", "StatementAccount", "StatementRow"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ParseOptions:
    """What the caller knows that the file may not say.

    - ``currency``: ISO 4217 code used when the file names none (CSV, QIF); a file's own currency wins.
    - ``date_format``: one of ``DATE_FORMATS`` (``"DD.MM.YYYY"``, ``"MM/DD/YY"``, ...), for when detection
      reports an ambiguous column; ``None`` detects it from all the file's dates.
    - ``profile``: format-specific saved settings as JSON (for CSV, ``CsvMapping.to_json()``: the "mapping
      profile" the UI keeps per account). Other importers ignore it.
    - ``max_errors``: how many row problems to collect before giving up listing them.
    - ``skip_invalid_rows``: with ``True`` bad rows are left out and listed in ``Statement.skipped`` instead of
      failing the file (the user must have asked for it; a file whose rows are all bad still fails).
    """

    currency: str | None = None
    date_format: str | None = None
    profile: Mapping[str, object] | None = field(default=None, hash=False)
    max_errors: int = 100
    skip_invalid_rows: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Balance:
    """A balance the bank states: ``amount`` in the account's currency at the end of the day ``as_of``."""

    amount: Decimal
    as_of: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SplitHint:
    """One part of a split transaction as the file gives it (QIF ``S``/``E``/``$``); a hint, not a booking."""

    category: str | None = None
    memo: str | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class StatementRow:
    """One booked transaction.

    - ``line``: 1-based line where the row starts in the file (``None`` for XML read without positions);
      ``record``: its 1-based index among the file's rows/transactions/entries (several rows share a record when
      a CAMT batch entry is split into its transactions).
    - ``reference``: the bank's own id for the row (OFX ``FITID``, CAMT ``AcctSvcrRef``/``EndToEndId``, QIF
      ``N``, a CSV reference column); ``check_number`` when the row is a cheque.
    - ``category`` and ``splits``: what the file suggests (QIF ``L`` and ``S``/``E``/``$``), for the user to
      confirm; ``raw``: the row's original fields, in file order, for display.
    """

    line: int | None
    record: int
    booking_date: date
    amount: Decimal
    currency: str
    value_date: date | None = None
    payee: str | None = None
    memo: str | None = None
    reference: str | None = None
    check_number: str | None = None
    counterparty_account: str | None = None
    category: str | None = None
    splits: tuple[SplitHint, ...] = ()
    raw: tuple[tuple[str, str], ...] = ()

    @property
    def raw_fields(self) -> dict[str, str]:
        """``raw`` as a dict (a repeated field keeps its last value)."""
        return dict(self.raw)


@dataclass(frozen=True, kw_only=True, slots=True)
class StatementAccount:
    """One account's part of a statement file.

    ``account_id`` is the account number as the file gives it (OFX ``ACCTID``, CAMT ``Othr/Id``, a QIF account
    name), ``iban`` the IBAN when there is one; ``closing_balance`` is the ledger/closing balance
    (OFX ``LEDGERBAL``, CAMT ``CLBD``); ``period_start``/``period_end`` the statement's period, else the first and
    last booking date.
    """

    rows: tuple[StatementRow, ...]
    currency: str | None = None
    account_id: str | None = None
    iban: str | None = None
    bank_id: str | None = None
    account_type: str | None = None
    name: str | None = None
    opening_balance: Balance | None = None
    closing_balance: Balance | None = None
    available_balance: Balance | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Statement:
    """A parsed file: its format (the importer's name), one or more accounts, and what was left out.

    ``warnings`` notes parts of the file that were deliberately not imported (investment statements, pending
    CAMT entries); ``skipped`` lists bad rows left out because ``ParseOptions.skip_invalid_rows`` asked for it.
    """

    format: str
    accounts: tuple[StatementAccount, ...]
    encoding: str | None = None
    warnings: tuple[Issue, ...] = ()
    skipped: tuple[Issue, ...] = ()

    @property
    def rows(self) -> tuple[StatementRow, ...]:
        """Every account's rows, in file order."""
        return tuple(row for account in self.accounts for row in account.rows)
