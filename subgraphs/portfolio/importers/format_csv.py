"""Broker CSV exports as activities, through a column mapping: given, a named preset, or proposed from the headers.

The file is read with the budget's CSV helpers: encoding detection (BOM, UTF-8, UTF-16, else cp1252), delimiter
sniffing, records with the line each starts on, amounts straight to ``Decimal`` with a decimal comma or point
(detected from the numeric columns unless the mapping says), dates in a format detected from the whole column
(ambiguity reported, never guessed). Without a mapping or preset, columns are proposed from header names in English,
German, French and Dutch (``Date``/``Datum``, ``Action``/``Type``/``Transaktion``, ``Symbol``/``Ticker``, ``ISIN``,
``Quantity``/``Shares``/``Anzahl``/``Stück``, ``Price``/``Kurs``, ``Amount``/``Total``/``Betrag``,
``Fee``/``Commission``/``Gebühr``, ``Currency``/``Währung``, ...).

What a row means:

- The action word (``Buy``, ``Kauf``, ``Achat``, ``Market buy``, ``Dividend (Ordinary)``, ...; see ``ACTION_WORDS``,
  extended per mapping with ``actions``) gives the ``Kind``; an unknown word is a row error naming it. A mapping may
  instead say ``kind_from_sign``: a positive quantity is a purchase, a negative one a sale (DEGIRO).
  ``actions`` may also map a word to ``"ignore"`` (Trading 212's currency conversions inside the account): such
  rows are listed as notices, no activity made.
- Quantities, fees and taxes are taken without their sign (brokers write sales and costs negative). Cash coming
  in (deposit, dividend, interest) must not be negative: negative interest is a fee, a negative deposit or
  dividend is a row error.
- ``currency`` is the trade's currency (the price's); ``amount_currency`` the account's (the total's). A fee or tax in
  the account's currency is converted into the trade's with the row's exchange rate (``fx_rate``: units of account
  currency per unit of trade currency, or the inverse with ``fx_rate_inverted``, as Trading 212 and DEGIRO write
  it), rounded half-even to ten decimals; without a rate the row is an error. ``fx_rate`` of the activity is the
  rate from the trade's currency into the account's (``ParsedStatement.cash_currency``).
- A dividend whose withholding tax is in the trade currency while its total is in the account currency, on a row
  without a usable rate (Trading 212 writes ``Not available``), is recorded in the trade currency: gross =
  quantity * dividend per share (the price column), the tax as written.
- ``GBX`` (pence) figures are converted to ``GBP`` by dividing by 100.
- A purchase or sale with a total in its own currency is checked: a difference from quantity * price ± fees and
  taxes of more than the currency's minor unit is a warning naming the line. Fees of a transfer or a
  reinvestment (which carry none) become a separate ``FEE``.
- A split needs its ratio in the ``ratio`` column: ``4:1``, ``4/1``, ``4 for 1`` (new for old).
- Quantities may have up to ten decimals; more is a row error naming the line.

Presets (``PRESETS``), for layouts whose column names were checked against real exports:

- ``trading212``: Trading 212's "Export history" CSV (``Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,
  Currency (Price / share),Exchange rate,Result,Currency (Result),Total,Currency (Total),Withholding tax,
  Currency (Withholding tax),Notes,ID,Currency conversion fee,Currency (Currency conversion fee)``); layout as in the
  sample export ``samples/trading212-export.csv`` of github.com/dickwolff/Export-To-Ghostfolio.
- ``degiro``: DEGIRO's ``Transactions.csv`` (``Date,Time,Product,ISIN,Reference,Venue,Quantity,Price,,Local value,,
  Value,,Exchange rate,Transaction and/or third,,Total,,Order ID``: every amount followed by an unnamed column with
  its currency); layout as documented in ``docs/degiro/transactions-versions.md`` of
  github.com/jose-pleonasm/Halir. Columns are taken by position, so the Dutch, German and other translations of
  the header read the same; the file must have the 19 columns with ``ISIN`` fourth.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import cast

from subgraphs.budget.importers._amounts import AmountError, decimal_separator_votes, parse_amount_text
from subgraphs.budget.importers._common import clean_text, currency_code, decode_text, empty_file
from subgraphs.budget.importers._dates import canonical_date_format, detect_date_format, parse_date
from subgraphs.budget.importers.errors import ErrorCode, Issue, StatementError
from subgraphs.budget.importers.format_csv import CsvRecord, normalise_header, parse_records, sniff_dialect
from subgraphs.portfolio.activities import TRADES, Activity, Kind
from subgraphs.portfolio.importers._common import (
    Draft,
    NumberError,
    exact,
    finish,
    is_isin,
    memo_text,
    minor_unit,
    option_currency,
    plain,
    rounded,
)
from subgraphs.portfolio.importers.base import (
    SNIFF_SAMPLE_SIZE,
    AssetClass,
    ParsedInstrument,
    ParsedStatement,
    ParseOptions,
    WarningCode,
)

__all__ = ["ACTION_WORDS", "PRESETS", "CsvInvestmentImporter", "CsvInvestmentMapping", "Preset"]

Column = str | int
"""A column by header name (as written in the file, case and surrounding spaces ignored) or 0-based position."""

IGNORE = "ignore"
"""The ``actions`` target for rows to leave out with a notice."""

_HEADER_SEARCH = 50
"""How many leading rows may come before the header row."""

_EMPTY_CELLS = frozenset({"", "-", "--", "n/a", "na", "not available", "none", "null", "nan"})
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")
_RATIO = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*(?::|/|-?\s*for\s*-?|-?\s*für\s*-?|-?\s*pour\s*-?|-?\s*voor\s*-?|x)\s*(\d+(?:[.,]\d+)?)\s*$",
    re.IGNORECASE,
)
_FUND_WORDS = re.compile(r"\b(etf|etc|ucits|fund|fonds|index|indexfonds|sicav|trust)\b", re.IGNORECASE)

# Header names (as ``normalise_header`` leaves them: lower case, no accents, punctuation as spaces), in order of
# preference within a field.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "date", "trade date", "transaction date", "execution date", "booking date", "datum", "handelsdatum",
        "handelstag", "schlusstag", "ausfuhrungsdatum", "buchungsdatum", "buchungstag", "date d operation",
        "date de l operation", "date operation", "date d execution", "date de transaction", "transactiedatum",
        "uitvoeringsdatum", "boekdatum", "tradedate", "datetime", "date time", "time",
    ),
    "kind": (
        "action", "type", "transaction type", "activity", "activity type", "buy sell", "side", "transaktion",
        "transaktionsart", "transaktionstyp", "typ", "art", "buchungsart", "geschaftsart", "vorgang", "operation",
        "type d operation", "type de transaction", "sens", "transactie", "transactietype", "type transactie",
        "soort", "actie",
    ),
    "symbol": ("symbol", "ticker", "ticker symbol", "tickersymbol", "code", "symbole", "kurzel", "mnemo"),
    "isin": ("isin", "isin code", "code isin", "isin nummer", "isin nr"),
    "name": (
        "name", "security", "security name", "instrument", "product", "description", "asset", "stock",
        "wertpapier", "wertpapiername", "bezeichnung", "titel", "produkt", "produit", "titre", "valeur",
        "libelle", "naam", "fonds", "fund",
    ),
    "quantity": (
        "quantity", "shares", "units", "qty", "no of shares", "number of shares", "anzahl", "stuck", "stueck",
        "stuckzahl", "menge", "nominal", "quantite", "nombre", "nombre de titres", "aantal", "stuks",
        "hoeveelheid",
    ),
    "price": (
        "price", "unit price", "price share", "price per share", "share price", "execution price", "trade price",
        "tradeprice", "t price", "kurs", "preis", "ausfuhrungskurs", "stuckpreis", "cours", "prix",
        "prix unitaire", "cours d execution", "koers", "prijs",
    ),
    "amount": (
        "amount", "total", "net amount", "total amount", "value", "net value", "proceeds", "betrag", "gesamt",
        "gesamtbetrag", "summe", "endbetrag", "wert", "montant", "montant net", "montant total", "bedrag",
        "totaal", "waarde", "netto bedrag",
    ),
    "fee": (
        "fee", "fees", "commission", "commissions", "charges", "costs", "transaction costs", "broker fee",
        "gebuhr", "gebuhren", "provision", "entgelt", "kosten", "spesen", "frais", "courtage", "transactiekosten",
        "provisie", "ibcommission",
    ),
    "tax": (
        "tax", "taxes", "withholding tax", "withholding", "steuer", "steuern", "quellensteuer",
        "kapitalertragsteuer", "abgeltungssteuer", "impot", "impots", "taxe", "retenue a la source", "belasting",
        "bronbelasting", "dividendbelasting",
    ),
    "currency": (
        "currency", "ccy", "currency code", "wahrung", "waehrung", "devise", "monnaie", "valuta", "munt",
        "muntsoort", "currencyprimary",
    ),
    "fx_rate": (
        "exchange rate", "fx rate", "fx", "wechselkurs", "devisenkurs", "taux de change", "wisselkoers",
        "fxratetobase", "fx rate to base",
    ),
    "id": (
        "id", "transaction id", "order id", "trade id", "reference", "ref", "order number", "referenz",
        "auftragsnummer", "transaktionsnummer", "auftrags id", "numero d ordre", "reference de l operation",
        "referentie", "transactie id", "tradeid", "orderid",
    ),
    "memo": (
        "notes", "note", "memo", "comment", "comments", "bemerkung", "notiz", "kommentar", "remarque",
        "commentaire", "opmerking", "notities",
    ),
    "ratio": ("ratio", "split ratio", "verhaltnis", "splitverhaltnis", "parite", "verhouding"),
}  # fmt: skip
_INVESTMENT_FIELDS = ("kind", "quantity", "price", "isin", "symbol")
"""A header naming at least one of these (and one more known column) is an investment export."""

ACTION_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.BUY: (
        "buy", "bought", "purchase", "market buy", "limit buy", "stop buy", "stop limit buy", "buy to open",
        "buy to cover", "kauf", "kaufen", "wertpapierkauf", "ankauf", "sparplan", "sparplanausfuhrung", "achat",
        "achat au comptant", "koop", "aankoop", "gekocht",
    ),
    Kind.SELL: (
        "sell", "sold", "sale", "market sell", "limit sell", "stop sell", "stop limit sell", "sell to close",
        "sell short", "verkauf", "verkaufen", "wertpapierverkauf", "vente", "verkoop", "verkocht",
    ),
    Kind.DIVIDEND: (
        "dividend", "dividends", "cash dividend", "ordinary dividend", "dividend payment", "distribution",
        "dividende", "dividenden", "dividendenzahlung", "ausschuttung", "ertragsausschuttung", "dividendes",
    ),
    Kind.DIVIDEND_REINVEST: (
        "reinvest", "reinvestment", "dividend reinvestment", "reinvested dividend", "drip", "wiederanlage",
        "reinvestition", "dividendenreinvestition", "reinvestissement", "herbelegging", "herbeleggen",
    ),
    Kind.INTEREST: (
        "interest", "interest on cash", "credit interest", "interest income", "lending interest", "coupon",
        "zinsen", "zins", "zinszahlung", "habenzinsen", "zinsgutschrift", "interets", "interet", "rente",
    ),
    Kind.FEE: (
        "fee", "fees", "commission", "charge", "custody fee", "account fee", "service fee", "gebuhr", "gebuhren",
        "entgelt", "depotgebuhr", "kontofuhrungsgebuhr", "frais", "frais de garde", "kosten", "bewaarloon",
    ),
    Kind.TAX: (
        "tax", "taxes", "withholding tax", "steuer", "steuern", "quellensteuer", "kapitalertragsteuer",
        "abgeltungssteuer", "impot", "impots", "taxe", "precompte mobilier", "belasting", "dividendbelasting",
        "bronbelasting",
    ),
    Kind.SPLIT: (
        "split", "stock split", "share split", "reverse split", "aktiensplit", "splitting", "fractionnement",
        "regroupement", "aandelensplitsing", "splitsing",
    ),
    Kind.TRANSFER_IN: (
        "transfer in", "security transfer in", "inbound transfer", "delivery in", "einbuchung",
        "depotubertrag eingang", "ubertrag eingang", "depoteingang", "transfert entrant", "inboeking",
    ),
    Kind.TRANSFER_OUT: (
        "transfer out", "security transfer out", "outbound transfer", "delivery out", "ausbuchung",
        "depotubertrag ausgang", "ubertrag ausgang", "depotausgang", "transfert sortant", "uitboeking",
    ),
    Kind.DEPOSIT: (
        "deposit", "cash deposit", "cash in", "top up", "einzahlung", "einlage", "bareinzahlung", "versement",
        "depot d especes", "storting", "inleg",
    ),
    Kind.WITHDRAWAL: (
        "withdrawal", "withdraw", "cash withdrawal", "cash out", "payout", "auszahlung", "entnahme", "abhebung",
        "retrait", "opname",
    ),
}  # fmt: skip
"""Action words by kind, normalised like headers. A word with a parenthesised detail (``Dividend (Ordinary)``) is
also looked up without it."""

_WORDS = {normalise_header(word): kind.value for kind, words in ACTION_WORDS.items() for word in words}
_CASH_IN = frozenset({Kind.DEPOSIT, Kind.DIVIDEND, Kind.INTEREST})
_PRICED = frozenset({Kind.BUY, Kind.SELL, Kind.DIVIDEND_REINVEST})
_NUMERIC_FIELDS = ("quantity", "price", "amount", "fee", "tax", "fx_rate")
_COLUMN_FIELDS = (
    "date", "kind", "symbol", "isin", "name", "quantity", "price", "amount", "currency", "amount_currency",
    "fee_currency", "tax_currency", "fx_rate", "id", "memo", "ratio",
)  # fmt: skip
_MULTI_FIELDS = ("fee", "tax")


def _column_json(value: object, key: str) -> Column | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise StatementError(
            f"mapping.{key}: a column is a header name or a 0-based number", code=ErrorCode.INVALID_MAPPING
        )
    if isinstance(value, int) and value < 0:
        raise StatementError(f"mapping.{key}: column numbers start at 0", code=ErrorCode.INVALID_MAPPING)
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class CsvInvestmentMapping:
    """How to read one broker's CSV layout; JSON round-trips through ``to_json``/``from_json``.

    Columns are header names or 0-based positions (``None``: not in the file). ``fee`` and ``tax`` may name several
    columns, added up. ``kind`` is the action column, unless ``kind_from_sign``. ``amount_currency``,
    ``fee_currency`` and ``tax_currency`` name the columns holding the currency of the total, the fees and the taxes
    when it is not ``currency``'s. ``actions`` adds or overrides action words (word -> ``Kind`` value or
    ``"ignore"``). ``date_format`` is a ``DATE_FORMATS`` label, ``decimal_separator`` ``","`` or ``"."``
    (``None``: detected). ``optional`` lists mapped fields that may be missing from a file (presets use it for
    columns a broker added later).
    """

    date: Column
    kind: Column | None = None
    symbol: Column | None = None
    isin: Column | None = None
    name: Column | None = None
    quantity: Column | None = None
    price: Column | None = None
    amount: Column | None = None
    fee: tuple[Column, ...] = ()
    tax: tuple[Column, ...] = ()
    currency: Column | None = None
    amount_currency: Column | None = None
    fee_currency: Column | None = None
    tax_currency: Column | None = None
    fx_rate: Column | None = None
    id: Column | None = None
    memo: Column | None = None
    ratio: Column | None = None
    fx_rate_inverted: bool = False
    kind_from_sign: bool = False
    actions: tuple[tuple[str, str], ...] = ()
    date_format: str | None = None
    decimal_separator: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    has_header: bool = True
    optional: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        def invalid(message: str) -> StatementError:
            return StatementError(f"mapping: {message}", code=ErrorCode.INVALID_MAPPING)

        for name in _MULTI_FIELDS:
            value = getattr(self, name)
            if isinstance(value, (str, int)):
                object.__setattr__(self, name, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if isinstance(self.actions, Mapping):
            object.__setattr__(self, "actions", tuple(self.actions.items()))
        if not isinstance(self.optional, frozenset):
            object.__setattr__(self, "optional", frozenset(self.optional))
        if self.kind is None and not self.kind_from_sign:
            raise invalid("name the action column (kind), or read purchases and sales from the quantity's sign")
        if self.kind_from_sign and self.quantity is None:
            raise invalid("kind_from_sign needs the quantity column")
        if self.decimal_separator not in (None, ",", "."):
            raise invalid(f"the decimal separator is ',' or '.', not {self.decimal_separator!r}")
        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in '"\r\n'):
            raise invalid("the delimiter must be one character such as ',' or ';'")
        if self.date_format is not None:
            try:
                object.__setattr__(self, "date_format", canonical_date_format(self.date_format))
            except ValueError as exc:
                raise invalid(str(exc)) from None
        known = {kind.value for kind in Kind} | {IGNORE}
        for word, target in self.actions:
            if target not in known:
                raise invalid(f"action {word!r} maps to {target!r}; use one of {', '.join(sorted(known))}")
        unknown = self.optional - set(_COLUMN_FIELDS) - set(_MULTI_FIELDS)
        if unknown:
            raise invalid(f"optional names unknown fields: {', '.join(sorted(unknown))}")

    def columns(self) -> dict[str, Column]:
        """The mapped fields and their columns (``fee``, ``fee.2``, ... for several fee columns)."""
        found: dict[str, Column] = {}
        for name in _COLUMN_FIELDS:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for name in _MULTI_FIELDS:
            for number, column in enumerate(getattr(self, name), start=1):
                found[name if number == 1 else f"{name}.{number}"] = column
        return found

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "actions":
                value = dict(value)
            elif item.name == "optional":
                value = sorted(value)
            elif isinstance(value, tuple):
                value = list(value)
            data[item.name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CsvInvestmentMapping:
        """The mapping from ``to_json`` output; a clear ``StatementError`` for anything malformed."""
        if not isinstance(data, Mapping):
            raise StatementError("mapping: expected a JSON object", code=ErrorCode.INVALID_MAPPING)
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise StatementError(f"mapping: unknown key(s) {', '.join(unknown)}", code=ErrorCode.INVALID_MAPPING)
        if data.get("date") is None:
            raise StatementError("mapping: the date column is required", code=ErrorCode.INVALID_MAPPING)
        kwargs: dict[str, object] = {}
        for key in _COLUMN_FIELDS:
            kwargs[key] = _column_json(data.get(key), key)
        for key in _MULTI_FIELDS:
            value = data.get(key, [])
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                value = [value]
            if not isinstance(value, (list, tuple)):
                raise StatementError(f"mapping.{key}: a list of columns", code=ErrorCode.INVALID_MAPPING)
            kwargs[key] = tuple(_column_json(column, key) for column in value)
        for key in ("date_format", "decimal_separator", "delimiter", "encoding"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise StatementError(f"mapping.{key}: expected text", code=ErrorCode.INVALID_MAPPING)
            kwargs[key] = value
        for key, default in (("fx_rate_inverted", False), ("kind_from_sign", False), ("has_header", True)):
            value = data.get(key, default)
            if not isinstance(value, bool):
                raise StatementError(f"mapping.{key}: expected true or false", code=ErrorCode.INVALID_MAPPING)
            kwargs[key] = value
        actions = data.get("actions", {})
        if not isinstance(actions, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in actions.items()
        ):
            raise StatementError("mapping.actions: an object of words to kinds", code=ErrorCode.INVALID_MAPPING)
        kwargs["actions"] = tuple(actions.items())
        optional = data.get("optional", [])
        if not isinstance(optional, (list, tuple)) or not all(isinstance(o, str) for o in optional):
            raise StatementError("mapping.optional: a list of field names", code=ErrorCode.INVALID_MAPPING)
        kwargs["optional"] = frozenset(optional)
        return cls(**kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True, slots=True)
class Preset:
    """A known broker layout: its mapping, where the layout was checked (``source``), and an optional check that
    a file's header row has the layout (``signature``), for layouts read by position."""

    name: str
    label: str
    mapping: CsvInvestmentMapping
    source: str
    signature: Callable[[Sequence[str]], bool] | None = field(default=None, compare=False)


def _degiro_signature(headers: Sequence[str]) -> bool:
    cells = [cell.strip() for cell in headers]
    return len(cells) == 19 and cells[3].upper() == "ISIN" and not (cells[8] or cells[10] or cells[12] or cells[15])


PRESETS: dict[str, Preset] = {
    "trading212": Preset(
        name="trading212",
        label="Trading 212 (history export)",
        source="samples/trading212-export.csv in github.com/dickwolff/Export-To-Ghostfolio",
        mapping=CsvInvestmentMapping(
            date="Time",
            kind="Action",
            symbol="Ticker",
            isin="ISIN",
            name="Name",
            quantity="No. of shares",
            price="Price / share",
            currency="Currency (Price / share)",
            fx_rate="Exchange rate",
            fx_rate_inverted=True,
            amount="Total",
            amount_currency="Currency (Total)",
            tax=("Withholding tax",),
            tax_currency="Currency (Withholding tax)",
            fee=("Currency conversion fee",),
            fee_currency="Currency (Currency conversion fee)",
            id="ID",
            memo="Notes",
            date_format="YYYY-MM-DD",
            decimal_separator=".",
            actions=(
                ("currency conversion", IGNORE),
                ("stock distribution", Kind.TRANSFER_IN.value),
                ("lending interest", Kind.INTEREST.value),
                ("interest on cash", Kind.INTEREST.value),
            ),
            optional=frozenset({"fee", "fee_currency", "tax", "tax_currency", "memo", "id", "name", "fx_rate"}),
        ),
    ),
    "degiro": Preset(
        name="degiro",
        label="DEGIRO (Transactions.csv)",
        source="docs/degiro/transactions-versions.md in github.com/jose-pleonasm/Halir",
        mapping=CsvInvestmentMapping(
            date=0,
            name=2,
            isin=3,
            quantity=6,
            price=7,
            currency=8,
            fx_rate=13,
            fx_rate_inverted=True,
            fee=(14,),
            fee_currency=15,
            amount=16,
            amount_currency=17,
            id=18,
            kind_from_sign=True,
            date_format="DD-MM-YYYY",
        ),
        signature=_degiro_signature,
    ),
}


def _action_key(word: str) -> str:
    return normalise_header(word)


def _lookup_action(word: str, extra: Mapping[str, str]) -> str | None:
    """The ``Kind`` value (or ``"ignore"``) for an action word, or ``None``."""
    for candidate in (word, _PARENTHESES.sub(" ", word)):
        key = _action_key(candidate)
        if key in extra:
            return extra[key]
        if key in _WORDS:
            return _WORDS[key]
    return None


# --- reading the table -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Table:
    encoding: str
    delimiter: str
    header: CsvRecord | None
    records: list[CsvRecord]

    @property
    def headers(self) -> list[str]:
        if self.header is None:
            width = max((len(r.cells) for r in self.records), default=0)
            return [f"Column {i + 1}" for i in range(width)]
        return [cell.strip() for cell in self.header.cells]

    def values(self, index: int) -> list[str]:
        return [r.cells[index] for r in self.records if not r.blank and index < len(r.cells)]


def _header_score(cells: Sequence[str]) -> tuple[int, int]:
    """(known columns, known investment columns) among ``cells``."""
    names = {normalise_header(cell) for cell in cells if cell.strip()}
    known = [f for f, words in _SYNONYM_SETS.items() if any(_match(name, words) for name in names)]
    return len(known), sum(1 for f in known if f in _INVESTMENT_FIELDS)


_SYNONYM_SETS = {name: frozenset(words) for name, words in _SYNONYMS.items()}


def _match(name: str, words: frozenset[str]) -> int:
    """3 for a header that is a known name, 2 for one starting with a known name (``Betrag (EUR)``), else 0."""
    if not name:
        return 0
    if name in words:
        return 3
    tokens = name.split()
    for word in words:
        parts = word.split()
        if len(parts) < len(tokens) and tokens[: len(parts)] == parts:
            return 2
    return 0


def _read_table(data: bytes, mapping: CsvInvestmentMapping | None) -> _Table:
    text, encoding = decode_text(data, encoding=mapping.encoding if mapping else None)
    text = text.lstrip("\ufeff")
    if mapping is not None and mapping.delimiter:
        delimiter = mapping.delimiter
    else:
        delimiter, _width, count = sniff_dialect(text)
        if count == 0:
            raise StatementError(
                "no columns found: the file does not look like a CSV with ',', ';', tab or '|' between values",
                code=ErrorCode.INVALID_FILE,
            )
    records = parse_records(text, delimiter, whole_file=True)
    rows = [i for i, r in enumerate(records) if not r.blank]
    if not rows:
        raise StatementError("the file has no rows", code=ErrorCode.EMPTY)
    if mapping is not None and not mapping.has_header:
        return _Table(encoding=encoding, delimiter=delimiter, header=None, records=records)
    named = [c for c in (mapping.columns().values() if mapping else ()) if isinstance(c, str)]
    for index in rows[:_HEADER_SEARCH]:
        cells = records[index].cells
        if mapping is not None:
            present = {cell.strip().casefold() for cell in cells}
            required = [c for n, c in mapping.columns().items() if isinstance(c, str) and n not in mapping.optional]
            found = all(c.strip().casefold() in present for c in required)
        else:
            known, investment = _header_score(cells)
            found = (known >= 2 and investment >= 1) or any(
                p.signature is not None and p.signature(cells) for p in PRESETS.values()
            )
        if found:
            return _Table(encoding=encoding, delimiter=delimiter, header=records[index], records=records[index + 1 :])
    if mapping is not None and not named:
        first = rows[0]
        return _Table(encoding=encoding, delimiter=delimiter, header=records[first], records=records[first + 1 :])
    if mapping is not None:
        shown = ", ".join(repr(c.strip()) for c in records[rows[0]].cells)
        raise StatementError(
            f"no header row names the mapped columns {', '.join(map(repr, named))}; the first row is {shown}",
            code=ErrorCode.INVALID_MAPPING,
        )
    raise StatementError(
        "no header row with investment columns (date, action, symbol or ISIN, quantity, price) was found;"
        " map the columns by hand or choose a preset",
        code=ErrorCode.MAPPING_REQUIRED,
    )


def propose_mapping(headers: Sequence[str]) -> tuple[CsvInvestmentMapping | None, list[str]]:
    """A mapping from header names alone, and what is missing when none can be made."""
    normalised = [normalise_header(h) for h in headers]
    counts = Counter(h.strip() for h in headers)
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for name, words in _SYNONYMS.items():
        ranked = []
        for index, header in enumerate(normalised):
            if index in used:
                continue
            score = _match(header, _SYNONYM_SETS[name])
            if score:
                rank = words.index(header) if header in words else len(words)
                ranked.append((-score, rank, index))
        if ranked:
            index = min(ranked)[2]
            chosen[name] = index
            used.add(index)
    problems = []
    if "date" not in chosen:
        problems.append("no date column recognised")
    if "kind" not in chosen:
        problems.append("no action or type column recognised")
    if problems:
        return None, problems

    def ref(index: int) -> Column:
        name = headers[index].strip()
        return name if name and counts[name] == 1 else index

    proposal: dict[str, object] = {name: ref(index) for name, index in chosen.items() if name not in _MULTI_FIELDS}
    for name in _MULTI_FIELDS:
        if name in chosen:
            proposal[name] = [ref(chosen[name])]
    return CsvInvestmentMapping.from_json(proposal), []


def _resolve(mapping: CsvInvestmentMapping, table: _Table) -> dict[str, int]:
    headers = table.headers
    lowered = [h.casefold() for h in headers]
    resolved: dict[str, int] = {}
    missing = []
    for name, column in mapping.columns().items():
        base = name.split(".", 1)[0]
        if isinstance(column, int):
            if table.header is not None and column >= len(headers):
                if base not in mapping.optional:
                    missing.append(f"{name} (column {column})")
                continue
            resolved[name] = column
        elif column.strip().casefold() in lowered:
            resolved[name] = lowered.index(column.strip().casefold())
        elif base not in mapping.optional:
            missing.append(f"{name} ({column!r})")
    if missing:
        shown = ", ".join(repr(h) for h in headers)
        raise StatementError(
            f"the mapping names columns this file does not have: {', '.join(missing)}; its columns are {shown}",
            code=ErrorCode.INVALID_MAPPING,
        )
    return resolved


# --- the importer ------------------------------------------------------------------------------------------------


class CsvInvestmentImporter:
    """Broker CSV exports (comma, semicolon, tab or pipe separated)."""

    name = "csv"
    label = "Broker CSV export"

    def sniff(self, data: bytes, filename: str | None) -> bool:
        """A delimited text file whose header names investment columns, or has a preset's layout."""
        try:
            return self.sniff_dialect(data[:SNIFF_SAMPLE_SIZE])
        except Exception:  # a sniffer never raises
            return False

    def sniff_dialect(self, sample: bytes) -> bool:
        stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped[:1] == b"<" or stripped[:9].upper() == b"OFXHEADER" or stripped[:1] == b"!":
            return False
        if b"\x00" in sample[:200]:
            text = sample.decode("utf-16", errors="replace")
        else:
            text = sample.decode("utf-8", errors="replace")
        lines = text.splitlines()
        if len(lines) > 1 and not text.endswith(("\n", "\r")):
            lines = lines[:-1]  # the sample may end mid-line
        head = "\n".join(lines[:_HEADER_SEARCH])
        delimiter, width, count = sniff_dialect(head)
        if width < 2 or count < 2:
            return False
        for record in parse_records(head, delimiter):
            known, investment = _header_score(record.cells)
            if known >= 2 and investment >= 1:
                return True
            if any(p.signature is not None and p.signature(record.cells) for p in PRESETS.values()):
                return True
        return False

    def parse(self, data: bytes, *, options: ParseOptions) -> ParsedStatement:
        if empty_file(data):
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        mapping, preset = _chosen_mapping(options)
        table = _read_table(data, mapping)
        if mapping is None and preset is None:
            preset = _recognised_preset(table)
            if preset is not None:
                mapping = preset.mapping
                table = _read_table(data, mapping)
        if preset is not None and preset.signature is not None and not preset.signature(table.headers):
            raise StatementError(
                f"this file does not have the {preset.label} layout (its header is "
                + ", ".join(repr(h) for h in table.headers)
                + ")",
                code=ErrorCode.INVALID_MAPPING,
            )
        if mapping is None:
            mapping, problems = propose_mapping(table.headers)
            if mapping is None:
                raise StatementError(
                    "the columns could not be recognised (" + "; ".join(problems) + "); map them by hand",
                    code=ErrorCode.MAPPING_REQUIRED,
                )
        source = f"{self.name}:{preset.name}" if preset is not None else self.name
        reader = _Reader(table=table, mapping=mapping, options=options)
        statement = reader.read()
        return finish(statement, reader.drafts, options=options, source=source)


def _recognised_preset(table: _Table) -> Preset | None:
    """The preset whose layout the file's header row has: its signature, or every column it needs by name."""
    cells = table.headers
    present = {cell.casefold() for cell in cells}
    for preset in PRESETS.values():
        if preset.signature is not None:
            if preset.signature(cells):
                return preset
            continue
        needed = [
            column
            for name, column in preset.mapping.columns().items()
            if name.split(".", 1)[0] not in preset.mapping.optional
        ]
        if all(isinstance(c, str) and c.casefold() in present for c in needed):
            return preset
    return None


def _chosen_mapping(options: ParseOptions) -> tuple[CsvInvestmentMapping | None, Preset | None]:
    preset: Preset | None = None
    if options.preset is not None:
        preset = PRESETS.get(options.preset.strip().lower())
        if preset is None:
            raise StatementError(
                f"unknown CSV preset {options.preset!r}; available: {', '.join(sorted(PRESETS))}",
                code=ErrorCode.INVALID_MAPPING,
                candidates=tuple(sorted(PRESETS)),
            )
    if options.mapping is not None:
        given = options.mapping
        mapping = given if isinstance(given, CsvInvestmentMapping) else CsvInvestmentMapping.from_json(given)
        return mapping, None
    return (preset.mapping if preset else None), preset


# --- rows --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """A row read, waiting for its instrument's key (known once every row has been seen)."""

    line: int
    record: int
    identity: tuple[str | None, str | None, str | None] | None
    currency: str | None
    activities: list[Activity]


class _Cells:
    """One record's cells by field name, and its problems."""

    def __init__(self, reader: _Reader, record: CsvRecord, index: int) -> None:
        self.reader = reader
        self.record = record
        self.index = index
        self.problems: list[Issue] = []

    def text(self, name: str) -> str:
        position = self.reader.columns.get(name)
        if position is None or position >= len(self.record.cells):
            return ""
        return self.record.cells[position].strip()

    def problem(self, message: str, name: str) -> None:
        position = self.reader.columns.get(name)
        headers = self.reader.headers
        label = headers[position] if position is not None and position < len(headers) and headers[position] else name
        self.problems.append(Issue(message=message, line=self.record.line, record=self.index, field=label))

    def number(self, name: str) -> tuple[Decimal, str | None] | None:
        """The cell as a number and any currency written in it; ``None`` when empty or unreadable (a problem)."""
        text = self.text(name)
        if text.casefold() in _EMPTY_CELLS:
            return None
        try:
            return parse_amount_text(text, decimal_separator=self.reader.separator)
        except AmountError as exc:
            self.problem(str(exc), name)
            return None

    def currency(self, name: str, fallback: str | None = None) -> tuple[str | None, Decimal]:
        """(ISO code, scale) of a currency cell, ``fallback`` when empty; ``GBX`` is ``GBP`` at 1/100."""
        text = self.text(name) or (fallback or "")
        if not text:
            return None, Decimal(1)
        if text.upper() == "GBX" or text == "GBp":
            return "GBP", Decimal("0.01")
        try:
            return currency_code(text), Decimal(1)
        except ValueError as exc:
            self.problem(str(exc), name)
            return None, Decimal(1)


class _Reader:
    def __init__(self, *, table: _Table, mapping: CsvInvestmentMapping, options: ParseOptions) -> None:
        self.table = table
        self.mapping = mapping
        self.options = options
        self.headers = table.headers
        self.columns = _resolve(mapping, table)
        self.extra_actions = {_action_key(word): target for word, target in mapping.actions}
        self.separator = self._separator()
        self.date_format = self._date_format()
        self.default_currency = option_currency(options, "currency")
        if not any(n in self.columns for n in ("currency", "amount_currency")) and self.default_currency is None:
            raise StatementError(
                "the file does not say which currency its amounts are in; choose the account's currency",
                code=ErrorCode.CURRENCY_REQUIRED,
            )
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.drafts: list[Draft] = []

    def _separator(self) -> str:
        if self.mapping.decimal_separator:
            return self.mapping.decimal_separator
        values = [
            value
            for name, position in self.columns.items()
            if name.split(".", 1)[0] in _NUMERIC_FIELDS
            for value in self.table.values(position)
            if value.strip().casefold() not in _EMPTY_CELLS
        ]
        votes = decimal_separator_votes(values)
        if votes[","] != votes["."]:
            return "," if votes[","] > votes["."] else "."
        return "," if self.table.delimiter == ";" else "."

    def _date_format(self) -> str | None:
        for given in (self.mapping.date_format, self.options.date_format):
            if given:
                try:
                    return canonical_date_format(given)
                except ValueError as exc:
                    raise StatementError(str(exc), code=ErrorCode.INVALID_MAPPING) from None
        if "date" not in self.columns:
            raise StatementError("the mapping has no date column", code=ErrorCode.INVALID_MAPPING)
        detection = detect_date_format(self.table.values(self.columns["date"]))
        if detection.ambiguous:
            raise StatementError(
                "the dates can be read more than one way (" + " or ".join(detection.candidates) + "); choose one",
                code=ErrorCode.AMBIGUOUS_DATE_FORMAT,
                candidates=detection.candidates,
            )
        return detection.chosen

    def read(self) -> ParsedStatement:
        pending: list[_Pending] = []
        index = 0
        for record in self.table.records:
            if record.blank:
                continue
            index += 1
            cells = _Cells(self, record, index)
            row = self._row(cells)
            if cells.problems:
                self.errors.extend(cells.problems)
            elif row is not None:
                pending.append(row)
        if not index:
            raise StatementError("the file has a header but no rows", code=ErrorCode.NO_STATEMENT)
        instruments, keys = self._instruments(pending)
        for row in pending:
            key = keys.get(row.identity) if row.identity else None
            for activity in row.activities:
                instrument = key if activity.kind not in (Kind.DEPOSIT, Kind.WITHDRAWAL) else None
                self.drafts.append(
                    Draft(activity=replace(activity, instrument=instrument), line=row.line, record=row.record)
                )
        cash = Counter(row.currency for row in pending if row.currency)
        cash_currency = self._cash_currency(cash)
        return ParsedStatement(
            format="csv",
            instruments=instruments,
            cash_currency=cash_currency,
            errors=self.errors,
            warnings=self.warnings,
            encoding=self.table.encoding,
            period_start=min((d.activity.date for d in self.drafts), default=None),
            period_end=max((d.activity.date for d in self.drafts), default=None),
        )

    def _cash_currency(self, seen: Counter[str]) -> str | None:
        if len(seen) == 1:
            return next(iter(seen))
        if len(seen) > 1:
            self.warnings.append(
                Issue(
                    message="the totals are in several currencies (" + ", ".join(sorted(seen)) + ")",
                    code=WarningCode.NOTE,
                )
            )
        return self.default_currency

    def _instruments(
        self, pending: list[_Pending]
    ) -> tuple[list[ParsedInstrument], dict[tuple[str | None, str | None, str | None], str]]:
        """One instrument per security: rows naming one ISIN are one security (keyed by the ticker some row gives
        it, else the ISIN); rows with only a ticker or a name are keyed by it."""
        symbol_of: dict[str, str] = {}
        isin_of: dict[str, str] = {}
        for row in pending:
            if row.identity is None:
                continue
            symbol, isin, _name = row.identity
            if isin and symbol:
                symbol_of.setdefault(isin, symbol)
                isin_of.setdefault(symbol, isin)
        keys: dict[tuple[str | None, str | None, str | None], str] = {}
        found: dict[str, dict[str, object]] = {}
        for row in pending:
            if row.identity is None or row.identity in keys:
                if row.identity is not None:
                    self._learn(found[keys[row.identity]], row)
                continue
            symbol, isin, name = row.identity
            isin = isin or (isin_of.get(symbol) if symbol else None)
            symbol = symbol or (symbol_of.get(isin) if isin else None)
            key = symbol or isin or name or ""
            keys[row.identity] = key
            entry = found.setdefault(key, {"line": row.line})
            entry.setdefault("symbol", symbol)
            entry.setdefault("isin", isin)
            entry.setdefault("name", name)
            self._learn(entry, row)
        instruments = []
        for key, entry in found.items():
            name = cast("str | None", entry.get("name"))
            instruments.append(
                ParsedInstrument(
                    key=key,
                    symbol=cast("str | None", entry.get("symbol")),
                    name=name,
                    isin=cast("str | None", entry.get("isin")),
                    currency=cast("str | None", entry.get("currency")),
                    asset_class=AssetClass.FUND if name and _FUND_WORDS.search(name) else AssetClass.OTHER,
                    unique_id=cast("str | None", entry.get("isin")),
                    unique_id_type="ISIN" if entry.get("isin") else None,
                    line=cast("int", entry["line"]),
                )
            )
        return instruments, keys

    @staticmethod
    def _learn(entry: dict[str, object], row: _Pending) -> None:
        trade = next((a for a in row.activities if a.kind in TRADES), None)
        if trade is not None and entry.get("currency") is None:
            entry["currency"] = trade.currency
        if entry.get("name") is None and row.identity and row.identity[2]:
            entry["name"] = row.identity[2]

    # --- one row --------------------------------------------------------------------------------------------------

    def _action(self, cells: _Cells) -> str | None:
        word = cells.text("kind")
        if not word:
            cells.problem("the action is empty", "kind")
            return None
        target = _lookup_action(word, self.extra_actions)
        if target is None:
            cells.problem(f"unknown action {word!r}; map it to a kind or leave the row out", "kind")
        return target

    @staticmethod
    def _kind_from_sign(cells: _Cells, quantity: Decimal | None) -> str | None:
        if quantity is None:
            cells.problem("the quantity is empty: purchases and sales are told apart by its sign", "quantity")
            return None
        if quantity == 0:
            cells.problem("the quantity is 0", "quantity")
            return None
        return Kind.BUY.value if quantity > 0 else Kind.SELL.value

    def _row(self, cells: _Cells) -> _Pending | None:
        record = cells.record
        target = self._action(cells) if "kind" in self.columns else None
        if target == IGNORE:
            self.warnings.append(
                Issue(
                    message=f"{cells.text('kind')!r} rows are left out (mapped to ignore)",
                    line=record.line,
                    record=cells.index,
                    code=WarningCode.ENTRY_SKIPPED,
                )
            )
            return None
        quantity_cell = cells.number("quantity")
        if "kind" not in self.columns:
            target = self._kind_from_sign(cells, quantity_cell[0] if quantity_cell else None)
        day = self._day(cells)
        if target is None or day is None:
            return None
        kind = Kind(target)
        symbol = clean_text(cells.text("symbol"))
        isin = (clean_text(cells.text("isin")) or "").upper() or None
        name = clean_text(cells.text("name"))
        if isin and not is_isin(isin):
            cells.problem(f"{isin!r} is not a valid ISIN", "isin")
        identity = (symbol, isin, name) if (symbol or isin or name) else None
        row = _RowFigures.read(self, cells, quantity_cell)
        if row is None or cells.problems:
            return None
        activities = _build(self, cells, kind, day, row, has_instrument=identity is not None)
        if cells.problems or not activities:
            return None
        return _Pending(
            line=record.line,
            record=cells.index,
            identity=identity if kind not in (Kind.DEPOSIT, Kind.WITHDRAWAL) else None,
            currency=row.account_currency,
            activities=activities,
        )

    def _day(self, cells: _Cells) -> date | None:
        text = cells.text("date")
        if not text:
            cells.problem("the date is empty", "date")
            return None
        if self.date_format is None:
            cells.problem(f"{text!r} is not a date in any supported format", "date")
            return None
        try:
            return parse_date(text, self.date_format)
        except ValueError as exc:
            cells.problem(str(exc), "date")
            return None


@dataclass(slots=True)
class _RowFigures:
    """A row's numbers, each in its own currency, without signs where signs only say the direction."""

    quantity: Decimal | None
    signed_quantity: Decimal | None
    price: Decimal | None
    amount: Decimal | None
    signed_amount: Decimal | None
    fee: Decimal
    tax: Decimal
    currency: str | None
    amount_currency: str | None
    fee_currency: str | None
    tax_currency: str | None
    account_currency: str | None
    direct_rate: Decimal | None
    inverse_rate: Decimal | None
    reference: str | None
    memo: str | None
    ratio: tuple[Decimal, Decimal] | None

    @classmethod
    def read(
        cls, reader: _Reader, cells: _Cells, quantity_cell: tuple[Decimal, str | None] | None
    ) -> _RowFigures | None:
        amount_cell = cells.number("amount")
        price_cell = cells.number("price")
        currency, scale = cells.currency("currency", price_cell[1] if price_cell else None)
        amount_currency, amount_scale = cells.currency("amount_currency", amount_cell[1] if amount_cell else None)
        if currency is None:
            currency, scale = amount_currency or reader.default_currency, amount_scale
        if amount_currency is None:
            amount_currency, amount_scale = currency, scale
        fee_currency, fee_scale = cells.currency("fee_currency", None)
        tax_currency, tax_scale = cells.currency("tax_currency", None)
        fee = tax = Decimal(0)
        for name, column in reader.columns.items():
            base = name.split(".", 1)[0]
            if base not in _MULTI_FIELDS or column is None:
                continue
            value = cells.number(name)
            if value is None:
                continue
            if base == "fee":
                fee += abs(value[0])
            else:
                tax += abs(value[0])
        rate_cell = cells.number("fx_rate")
        rate = rate_cell[0] if rate_cell else None
        if rate is not None and rate <= 0:
            rate = None  # brokers write 0 where no conversion happened
        quantity = quantity_cell[0] if quantity_cell else None

        def checked(value: Decimal | None, what: str, name: str) -> Decimal | None:
            if value is None:
                return None
            try:
                return exact(value, what)
            except NumberError as exc:
                cells.problem(str(exc), name)
                return None

        price = checked(price_cell[0] * scale, "the price", "price") if price_cell else None
        amount = checked(abs(amount_cell[0]) * amount_scale, "the amount", "amount") if amount_cell else None
        inverted = reader.mapping.fx_rate_inverted
        if rate is not None and scale != 1:
            rate = _pence_rate(
                rate, scale, inverted=inverted, gross=abs(quantity or Decimal(0)) * (price or Decimal(0)), total=amount
            )
        figures = cls(
            quantity=checked(abs(quantity), "the quantity", "quantity") if quantity is not None else None,
            signed_quantity=quantity,
            price=price,
            amount=amount,
            signed_amount=amount_cell[0] if amount_cell else None,
            fee=checked(fee * fee_scale, "the fee", "fee") or Decimal(0),
            tax=checked(tax * tax_scale, "the tax", "tax") or Decimal(0),
            currency=currency,
            amount_currency=amount_currency,
            fee_currency=fee_currency or amount_currency,
            tax_currency=tax_currency or amount_currency,
            account_currency=amount_currency,
            direct_rate=None if inverted else rate,
            inverse_rate=rate if inverted else None,
            reference=clean_text(cells.text("id")),
            memo=clean_text(cells.text("memo")),
            ratio=_ratio(cells) if "ratio" in reader.columns and cells.text("ratio") else None,
        )
        if figures.price is not None and figures.price < 0:
            cells.problem(f"the price {plain(figures.price)} is negative", "price")
        return figures

    def has_rate(self) -> bool:
        return self.direct_rate is not None or self.inverse_rate is not None

    def convert(self, value: Decimal, source: str | None, target: str | None) -> Decimal | None:
        """``value`` from ``source`` into ``target`` with the row's rate (between its trade and account
        currencies), rounded half-even to ten decimals; ``None`` when the row cannot say."""
        if not value or source is None or target is None or source == target:
            return value
        trade, account = self.currency, self.account_currency
        if not self.has_rate() or trade == account or {source, target} != {trade, account}:
            return None
        to_trade = source == account
        if self.inverse_rate is not None:
            converted = value * self.inverse_rate if to_trade else value / self.inverse_rate
        elif self.direct_rate is not None:
            converted = value / self.direct_rate if to_trade else value * self.direct_rate
        else:
            return None
        return rounded(converted)

    def fx_rate(self, currency: str) -> Decimal | None:
        """The rate from ``currency`` (the activity's) into the account currency, when the row states one."""
        if currency != self.currency or self.account_currency in (None, currency):
            return None
        if self.direct_rate is not None:
            return self.direct_rate
        if self.inverse_rate is not None:
            return rounded(1 / self.inverse_rate)
        return None


def _pence_rate(
    rate: Decimal, scale: Decimal, *, inverted: bool, gross: Decimal, total: Decimal | None
) -> Decimal | None:
    """The row's rate for a trade quoted in pence (``GBX``) and recorded in pounds: whether the broker's rate is
    per pound or per penny is read from the total in the account's currency (within 0.5%, fees aside); when the
    total cannot tell, the rate is not used."""
    if not gross or not total:
        return None
    candidates = (rate, rate * scale) if inverted else (rate, rate / scale)
    fitting = [r for r in candidates if abs((gross / r if inverted else gross * r) - total) <= total * Decimal("0.005")]
    return fitting[0] if len(fitting) == 1 else None


def _ratio(cells: _Cells) -> tuple[Decimal, Decimal] | None:
    """(new, old) units of a split ratio written ``4:1``, ``4/1``, ``4 for 1``."""
    text = cells.text("ratio")
    match = _RATIO.match(text)
    if match is None:
        cells.problem(f"{text!r} is not a split ratio such as 4:1", "ratio")
        return None
    new, old = (Decimal(part.replace(",", ".")) for part in match.groups())
    if new <= 0 or old <= 0:
        cells.problem(f"the split ratio {text!r} needs numbers greater than 0", "ratio")
        return None
    return new, old


def _build(
    reader: _Reader, cells: _Cells, kind: Kind, day: date, row: _RowFigures, *, has_instrument: bool
) -> list[Activity]:
    """The activities of one row of ``kind`` (see the module docstring)."""
    memo = memo_text(row.memo)
    if kind is Kind.SPLIT:
        if not has_instrument:
            cells.problem("a split needs a symbol, ISIN or name", "symbol")
        if row.ratio is None:
            if "ratio" not in reader.columns or not cells.text("ratio"):
                cells.problem("a split needs its ratio (such as 4:1) in a ratio column", "ratio")
            return []
        if row.ratio[0] == row.ratio[1]:
            cells.problem("a 1:1 split changes nothing", "ratio")
            return []
        currency = row.currency or row.account_currency
        if currency is None:
            cells.problem("the row names no currency", "currency")
            return []
        return [
            Activity(
                kind=kind,
                date=day,
                currency=currency,
                split_to=row.ratio[0],
                split_from=row.ratio[1],
                memo=memo,
                external_id=row.reference,
            )
        ]
    if kind in TRADES:
        return _trade(reader, cells, kind, day, row, memo, has_instrument=has_instrument)
    return _cash(cells, kind, day, row, memo, has_instrument=has_instrument)


def _trade(
    reader: _Reader, cells: _Cells, kind: Kind, day: date, row: _RowFigures, memo: str, *, has_instrument: bool
) -> list[Activity]:
    currency = row.currency
    if not has_instrument:
        cells.problem(f"a {kind.value.replace('_', ' ')} needs a symbol, ISIN or name", "symbol")
    if row.quantity is None or row.quantity == 0:
        cells.problem(f"a {kind.value.replace('_', ' ')} needs a quantity greater than 0", "quantity")
    if kind in _PRICED and row.price is None:
        cells.problem(f"a {kind.value.replace('_', ' ')} needs a price", "price")
    if currency is None:
        cells.problem("the row names no currency", "currency")
    if cells.problems or currency is None or row.quantity is None:
        return []
    fee = row.convert(row.fee, row.fee_currency, currency)
    tax = row.convert(row.tax, row.tax_currency, currency)
    for value, what, name, source in ((fee, "fee", "fee", row.fee_currency), (tax, "tax", "tax", row.tax_currency)):
        if value is None:
            cells.problem(
                f"the {what} is in {source}, the trade in {currency}, and the row gives no exchange rate", name
            )
    if fee is None or tax is None:
        return []
    price = row.price or Decimal(0)
    fx_rate = row.fx_rate(currency)
    if kind in (Kind.BUY, Kind.SELL):
        _check_total(reader, cells, kind, row, currency, row.quantity * price, fee, tax)
        return [
            Activity(
                kind=kind,
                date=day,
                currency=currency,
                quantity=row.quantity,
                price=price,
                fee=fee,
                tax=tax,
                fx_rate=fx_rate,
                memo=memo,
                external_id=row.reference,
            )
        ]
    extra: list[Activity] = []
    if fee:
        extra.append(
            Activity(
                kind=Kind.FEE,
                date=day,
                currency=currency,
                amount=fee,
                fx_rate=fx_rate,
                memo=memo_text(f"fee of a {kind.value.replace('_', ' ')}", row.memo),
                external_id=row.reference,
            )
        )
    if kind is Kind.DIVIDEND_REINVEST:
        amount = row.convert(row.amount, row.amount_currency, currency) if row.amount is not None else None
        if amount is None:
            amount = rounded(row.quantity * price + fee + tax)
        main = Activity(
            kind=kind,
            date=day,
            currency=currency,
            quantity=row.quantity,
            price=price,
            amount=amount,
            tax=tax,
            fx_rate=fx_rate,
            memo=memo,
            external_id=row.reference,
        )
        return [main, *extra]
    if tax:
        extra.append(
            Activity(
                kind=Kind.TAX,
                date=day,
                currency=currency,
                amount=tax,
                fx_rate=fx_rate,
                memo=memo_text(f"tax of a {kind.value.replace('_', ' ')}", row.memo),
                external_id=row.reference,
            )
        )
    main = Activity(
        kind=kind,
        date=day,
        currency=currency,
        quantity=row.quantity,
        price=price,
        fx_rate=fx_rate,
        memo=memo,
        external_id=row.reference,
    )
    return [main, *extra]


def _check_total(
    reader: _Reader,
    cells: _Cells,
    kind: Kind,
    row: _RowFigures,
    currency: str,
    gross: Decimal,
    fee: Decimal,
    tax: Decimal,
) -> None:
    if row.amount is None or row.amount_currency != currency:
        return
    expected = gross + fee + tax if kind is Kind.BUY else gross - fee - tax
    if abs(row.amount - abs(expected)) > minor_unit(currency):
        reader.warnings.append(
            Issue(
                message=(
                    f"the total {plain(row.amount)} differs from quantity * price ± fees and taxes"
                    f" ({plain(abs(expected))}) by {plain(abs(row.amount - abs(expected)))} {currency}"
                ),
                line=cells.record.line,
                record=cells.index,
                field=reader.headers[reader.columns["amount"]] if reader.columns.get("amount") is not None else None,
                code=WarningCode.TOTAL_MISMATCH,
            )
        )


def _cash(cells: _Cells, kind: Kind, day: date, row: _RowFigures, memo: str, *, has_instrument: bool) -> list[Activity]:
    currency = row.amount_currency
    amount = row.amount
    tax = row.tax
    tax_currency = row.tax_currency
    if kind is Kind.DIVIDEND and not has_instrument:
        cells.problem("a dividend needs a symbol, ISIN or name", "symbol")
    if amount is None or row.signed_amount is None:
        if kind is Kind.DIVIDEND and row.quantity and row.price:
            amount, currency = rounded(row.quantity * row.price), row.currency
        else:
            cells.problem(f"a {kind.value} needs an amount", "amount")
            return []
    elif row.signed_amount < 0 and kind in _CASH_IN:
        if kind is Kind.INTEREST:
            kind, memo = Kind.FEE, memo_text("interest charged", row.memo)
        else:
            cells.problem(f"a {kind.value} of {plain(row.signed_amount)} is negative", "amount")
    if currency is None:
        cells.problem("the row names no currency", "currency")
    if cells.problems or currency is None:
        return []
    converted = row.convert(tax, tax_currency, currency)
    if converted is None and kind is Kind.DIVIDEND and row.quantity and row.price and tax_currency == row.currency:
        # The total is net, in the account currency; the tax and the dividend per share are in the trade currency
        # and no rate links them (Trading 212): the dividend is recorded gross, in the trade currency.
        currency, amount, converted = row.currency, rounded(row.quantity * row.price), tax
    if converted is None or currency is None:
        cells.problem(
            f"the tax is in {tax_currency}, the amount in {currency}, and the row gives no exchange rate", "tax"
        )
        return []
    if amount == 0:
        cells.problem(f"a {kind.value} of 0", "amount")
        return []
    fx_rate = row.fx_rate(currency)
    activities: list[Activity] = []
    if kind in (Kind.DIVIDEND, Kind.INTEREST):
        activities.append(
            Activity(
                kind=kind,
                date=day,
                currency=currency,
                amount=amount,
                tax=converted,
                fx_rate=fx_rate,
                memo=memo,
                external_id=row.reference,
            )
        )
    else:
        activities.append(
            Activity(
                kind=kind,
                date=day,
                currency=currency,
                amount=amount,
                fx_rate=fx_rate,
                memo=memo,
                external_id=row.reference,
            )
        )
        if converted:
            activities.append(
                Activity(
                    kind=Kind.TAX,
                    date=day,
                    currency=currency,
                    amount=converted,
                    fx_rate=fx_rate,
                    memo=memo_text(f"tax of a {kind.value}", row.memo),
                    external_id=row.reference,
                )
            )
    if row.fee:
        fee = row.convert(row.fee, row.fee_currency, currency)
        if fee is None:
            cells.problem(
                f"the fee is in {row.fee_currency}, the amount in {currency}, and no exchange rate is given", "fee"
            )
            return []
        activities.append(
            Activity(
                kind=Kind.FEE,
                date=day,
                currency=currency,
                amount=fee,
                fx_rate=fx_rate,
                memo=memo_text(f"fee of a {kind.value}", row.memo),
                external_id=row.reference,
            )
        )
    return activities
