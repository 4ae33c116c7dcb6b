"""The one interface an investment statement format implements, and what every format returns.

A format is a class with a ``name``, a ``label``, ``sniff`` and ``parse``, registered under the Python entry point
group ``fincloud.investment_importers`` (as the budget's bank formats are under ``fincloud.importers``); the entry
point names the class and is called with no arguments. A third party adds a broker with ``pip install``::

    [project.entry-points."fincloud.investment_importers"]
    mybroker = "mybroker_fincloud:MyBrokerImporter"

``parse`` is pure (bytes in, no I/O, no database) and returns a ``ParsedStatement``. A file that cannot be read at
all (not this format, a bank statement, a refused sign-on) raises the budget's ``StatementError`` with a message for
the user; a row that cannot be read is listed in ``ParsedStatement.errors`` with its line and is never guessed; the
rows that could be read are returned beside it, and the caller decides whether to import them.

Conventions of the activities are those of ``subgraphs.portfolio.activities``. Two more, for imports:

- ``fx_rate`` is relative to ``ParsedStatement.cash_currency`` (the account's own currency: OFX ``CURDEF``, a CSV's
  total column). When the caller's portfolio has another base currency it passes ``base_currency`` and every rate
  is dropped (to be looked up later), with one warning.
- ``ParsedActivity.fingerprint`` is stable across re-imports of the same file and of overlapping files of the same
  account (see ``identity``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from subgraphs.budget.importers.errors import Issue
from subgraphs.portfolio.activities import TRADES, Activity, Kind

if TYPE_CHECKING:
    from subgraphs.portfolio.importers.format_csv import CsvInvestmentMapping

__all__ = [
    "ENTRY_POINT_GROUP",
    "SNIFF_SAMPLE_SIZE",
    "AssetClass",
    "InvestmentImporter",
    "ParseOptions",
    "ParsedAccount",
    "ParsedActivity",
    "ParsedInstrument",
    "ParsedPosition",
    "ParsedStatement",
    "RowError",
    "WarningCode",
]

ENTRY_POINT_GROUP = "fincloud.investment_importers"

SNIFF_SAMPLE_SIZE = 64 * 1024
"""How many leading bytes of a file ``sniff`` is shown by the registry."""

RowError = Issue
"""A row (or position, or security) that could not be read: ``line`` (1-based, where its element or row starts),
``record`` (the 1-based index of the transaction or data row in the file), ``field`` and ``message``. The budget's
``Issue``, so the import UI shows both kinds of import problems alike."""


class WarningCode:
    """``Issue.code`` values of ``ParsedStatement.warnings`` (and the few investment-only error codes)."""

    TOTAL_MISMATCH = "total_mismatch"
    """A trade's stated total differs from units * price ± fees by more than the currency's minor unit."""
    ENTRY_SKIPPED = "entry_skipped"
    """A transaction that moves nothing the portfolio records (a journal between sub-accounts, zero units);
    its ``record`` is accounted for, no activity made."""
    NOTE = "note"
    """Something about how a transaction was read (return of capital recorded as a dividend, a short sale)."""
    UNKNOWN_SECURITY = "unknown_security"
    """A security the transactions or positions name but the file's security list does not describe."""
    FX_RATE_DROPPED = "fx_rate_dropped"
    """``base_currency`` differs from the statement's currency: exchange rates were not kept."""
    OTHER_STATEMENTS = "other_statements"
    """The file also holds statements this import does not read (bank accounts, other investment accounts)."""
    NOT_INVESTMENT = "not_investment"
    """(error) the file holds bank or card statements only."""
    ACCOUNT_REQUIRED = "account_required"
    """(error) the file holds several investment accounts; ``ParseOptions.account`` picks one."""


class AssetClass(StrEnum):
    """A guess from the file: OFX says which security list aggregate describes an instrument."""

    EQUITY = "equity"
    FUND = "fund"
    BOND = "bond"
    OPTION = "option"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True, slots=True)
class ParseOptions:
    """What the caller knows that the file may not say.

    - ``currency``: ISO 4217 code used when the file names none (a CSV without currency columns; an OFX without
      ``CURDEF``). A file's own currency wins.
    - ``base_currency``: the destination portfolio's base currency; when the statement's cash currency differs,
      ``fx_rate`` is left ``None`` on every activity (the file's rates are to the statement's currency).
    - ``account``: in a file holding several investment accounts, the ``ACCTID`` (or ``BROKERID/ACCTID``) to read.
    - ``preset``: a CSV layout by name (``format_csv.PRESETS``: ``"trading212"``, ``"degiro"``).
    - ``mapping``: a CSV column mapping, a ``CsvInvestmentMapping`` or its ``to_json()`` form (the UI keeps it per
      portfolio); it overrides ``preset``. Other formats ignore ``preset`` and ``mapping``.
    - ``date_format``: a ``DATE_FORMATS`` label for CSV dates when the column alone is ambiguous.
    """

    currency: str | None = None
    base_currency: str | None = None
    account: str | None = None
    preset: str | None = None
    mapping: CsvInvestmentMapping | Mapping[str, object] | None = field(default=None, hash=False)
    date_format: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ParsedActivity:
    """One activity and where it came from.

    ``line`` is the 1-based line where its transaction starts (an OFX aggregate, a CSV row); ``record`` the 1-based
    index of that transaction in the file. One transaction can give two activities (a reinvestment with a
    commission gives the reinvestment and a fee); they share ``line`` and ``record``. ``fingerprint`` identifies the
    activity across re-imports (``identity.fingerprints``).
    """

    activity: Activity
    line: int | None
    record: int
    fingerprint: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ParsedInstrument:
    """A security the file names. ``key`` is what ``Activity.instrument`` and ``ParsedPosition.instrument`` hold:
    the ticker when the file gives one that identifies the security alone, else its ISIN, CUSIP or other id.

    ``unique_id``/``unique_id_type`` are the OFX ``SECID`` as written (``CUSIP``, ``ISIN``, ``PRIVATE``, ...);
    ``currency`` is the security's own currency when the file states it; ``line`` where it is described.
    """

    key: str
    symbol: str | None = None
    name: str | None = None
    isin: str | None = None
    cusip: str | None = None
    currency: str | None = None
    asset_class: AssetClass = AssetClass.OTHER
    unique_id: str | None = None
    unique_id_type: str | None = None
    line: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ParsedPosition:
    """A holding as the broker states it (OFX ``INVPOSLIST``), to check imported activity against.

    ``units`` as written (a short position negative); ``unit_price`` per unit in ``currency`` (bonds: per unit of
    face value, i.e. the OFX percentage of par divided by 100; options: per contract); ``market_value`` as written;
    ``as_of`` the price date; ``held_in`` the OFX sub-account (``CASH``, ``MARGIN``, ``SHORT``, ``OTHER``).
    """

    instrument: str
    units: Decimal
    unit_price: Decimal | None
    market_value: Decimal | None
    as_of: date | None
    currency: str
    line: int | None = None
    held_in: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ParsedAccount:
    """The broker's identity of the account, when the file has one."""

    account_id: str
    broker_id: str | None = None

    @property
    def key(self) -> str:
        """``BROKERID/ACCTID`` (or the account id alone): the namespace of the account's fingerprints."""
        return f"{self.broker_id}/{self.account_id}" if self.broker_id else self.account_id


@dataclass(kw_only=True, slots=True)
class ParsedStatement:
    """An investment statement, whatever the file format.

    - ``activities`` in file order; ``instruments`` the securities named (each ``key`` once); ``positions`` the
      broker's holdings at the end of the statement (OFX only; empty for CSV).
    - ``cash_currency``: the account's currency (OFX ``CURDEF``; a CSV's total column or ``options.currency``);
      ``None`` only when the file has no activity to say it.
    - ``account``: the broker's account id; ``available_cash``: OFX ``INVBAL/AVAILCASH``; ``as_of``: the statement's
      date (``DTASOF``); ``period_start``/``period_end``: the transaction list's range as the file states it.
    - ``errors``: rows that could not be read (nothing was made of them); ``warnings``: everything else worth
      telling the user, each naming its line.
    """

    format: str
    activities: list[ParsedActivity] = field(default_factory=list)
    instruments: list[ParsedInstrument] = field(default_factory=list)
    positions: list[ParsedPosition] = field(default_factory=list)
    cash_currency: str | None = None
    account: ParsedAccount | None = None
    available_cash: Decimal | None = None
    as_of: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    encoding: str | None = None

    def instrument(self, key: str) -> ParsedInstrument | None:
        return next((i for i in self.instruments if i.key == key), None)

    def net_units(self) -> dict[str, Decimal]:
        """Units per instrument that the activities alone add up to, as if nothing was held before the first one:
        purchases, transfers in and reinvestments add, sales and transfers out take away, and a split multiplies
        what has been added up so far. Activities are taken in date order (file order within a day)."""
        held: dict[str, Decimal] = {}
        for parsed in sorted(self.activities, key=lambda p: p.activity.date):
            activity = parsed.activity
            if activity.instrument is None:
                continue
            units = held.get(activity.instrument, Decimal(0))
            if activity.kind in (Kind.BUY, Kind.TRANSFER_IN, Kind.DIVIDEND_REINVEST):
                units += activity.quantity
            elif activity.kind in (Kind.SELL, Kind.TRANSFER_OUT):
                units -= activity.quantity
            elif activity.kind is Kind.SPLIT and activity.split_from > 0:
                units = units * activity.split_to / activity.split_from
            elif activity.kind not in TRADES:
                continue
            held[activity.instrument] = units
        return held

    def held_units(self) -> dict[str, Decimal]:
        """Units per instrument that the broker's positions state (several positions of one instrument added)."""
        held: dict[str, Decimal] = {}
        for position in self.positions:
            held[position.instrument] = held.get(position.instrument, Decimal(0)) + position.units
        return held

    def unit_differences(self) -> dict[str, tuple[Decimal, Decimal]]:
        """``{instrument: (net units of the activities, units the positions state)}`` where the two differ.

        Only meaningful when the file carries positions. A difference means the activities do not explain the
        holding: the statement covers only part of the account's history (the usual case for a monthly
        download), or something is missing; where the whole history is in the file it is empty.
        """
        if not self.positions:
            return {}
        net, held = self.net_units(), self.held_units()
        return {
            key: (net.get(key, Decimal(0)), held.get(key, Decimal(0)))
            for key in sorted(set(net) | set(held))
            if net.get(key, Decimal(0)) != held.get(key, Decimal(0))
        }


@runtime_checkable
class InvestmentImporter(Protocol):
    """An investment statement format.

    - ``name``: stable identifier, equal to the entry point's name (``"ofx"``, ``"csv"``).
    - ``label``: what the UI shows.
    - ``sniff``: whether ``data`` (possibly only the file's first ``SNIFF_SAMPLE_SIZE`` bytes) looks like this
      format; ``filename`` may help but is not required. Cheap, never raises.
    - ``parse``: the whole file as a ``ParsedStatement``, or ``StatementError`` when it cannot be read at all.
    """

    name: str
    label: str

    def sniff(self, data: bytes, filename: str | None) -> bool: ...

    def parse(self, data: bytes, *, options: ParseOptions) -> ParsedStatement: ...
