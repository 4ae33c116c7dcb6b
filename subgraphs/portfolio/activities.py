"""What happens in a portfolio, as plain records: the one shape that importers produce, the database stores and the
holdings engine reads.

Conventions (every kind):
- ``quantity`` is in units of the instrument, positive, up to ten decimals; ``price`` is per unit in ``currency``.
- ``amount`` is cash in ``currency``, always positive; its direction comes from the kind (a dividend brings cash
  in, a fee takes it out).
- ``fee`` and ``tax`` are charged on top of a trade, in ``currency``, positive: a purchase costs
  ``quantity * price + fee + tax``, a sale brings in ``quantity * price - fee - tax``.
- ``fx_rate`` converts ``currency`` into the portfolio's base currency on ``date`` (one unit of ``currency`` is
  ``fx_rate`` units of base); ``None`` when they are the same currency or the rate is looked up later.
- A split multiplies the quantity held by ``split_to / split_from`` (a 4-for-1 split is 4/1, a 1-for-10 reverse
  split 1/10); cost basis is unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = ["QUANTITY_PLACES", "Activity", "Kind"]

QUANTITY_PLACES = Decimal("0.0000000001")
"""Quantities are kept to ten decimals."""


class Kind(StrEnum):
    BUY = "buy"
    """Units bought with the portfolio's cash: ``quantity``, ``price``, ``fee``, ``tax``."""
    SELL = "sell"
    """Units sold for cash: ``quantity``, ``price``, ``fee``, ``tax``."""
    DIVIDEND = "dividend"
    """A cash dividend of ``amount`` (gross) paid by ``instrument``; ``tax`` withheld is taken from it."""
    DIVIDEND_REINVEST = "dividend_reinvest"
    """A dividend of ``amount`` reinvested at once into ``quantity`` units of ``instrument`` at ``price``."""
    INTEREST = "interest"
    """Interest of ``amount`` paid into the portfolio's cash (``instrument`` optional, e.g. a bond)."""
    FEE = "fee"
    """A fee of ``amount`` taken from the portfolio's cash (``instrument`` optional)."""
    TAX = "tax"
    """A tax of ``amount`` taken from the portfolio's cash (``instrument`` optional)."""
    SPLIT = "split"
    """``instrument`` split ``split_from`` into ``split_to``."""
    TRANSFER_IN = "transfer_in"
    """``quantity`` units moved into the portfolio from elsewhere, at a cost basis of ``price`` per unit: an
    external flow worth their market value that day."""
    TRANSFER_OUT = "transfer_out"
    """``quantity`` units moved out of the portfolio: an external flow out, worth their market value."""
    DEPOSIT = "deposit"
    """Cash of ``amount`` put into the portfolio: an external flow in."""
    WITHDRAWAL = "withdrawal"
    """Cash of ``amount`` taken out of the portfolio: an external flow out."""


TRADES = frozenset({Kind.BUY, Kind.SELL, Kind.TRANSFER_IN, Kind.TRANSFER_OUT, Kind.DIVIDEND_REINVEST})
"""Kinds that move units of an instrument and so need ``instrument``, ``quantity`` and ``price``."""
CASH_ONLY = frozenset({Kind.DEPOSIT, Kind.WITHDRAWAL, Kind.INTEREST, Kind.FEE, Kind.TAX, Kind.DIVIDEND})
"""Kinds that move only cash, by ``amount``."""


@dataclass(frozen=True, slots=True)
class Activity:
    kind: Kind
    date: dt.date
    currency: str
    instrument: str | None = None
    """The instrument's key (its id in the database, a symbol in an import)."""
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    fx_rate: Decimal | None = None
    split_from: Decimal = Decimal(0)
    split_to: Decimal = Decimal(0)
    memo: str = ""
    external_id: str | None = None
    """The source's own id for the activity (an OFX ``FITID``), used with the content to recognise a re-import."""
