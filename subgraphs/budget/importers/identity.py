"""Which imported rows are the same transaction: exact import keys, and a fuzzy match across formats.

**Import keys** (``import_keys``) make re-importing idempotent. A row with a bank reference (OFX ``FITID``,
CAMT ``AcctSvcrRef``, ...) is keyed by that reference within its namespace (the destination account). A row
without one is keyed by a hash of its booking date, amount, currency and normalised payee and memo, plus an
occurrence number: the second identical coffee on the same day is occurrence 2. So the same file imported
twice gives the same keys; two genuine identical rows in one file stay two; and an overlapping statement of
the same account gives the same keys for the days both cover (a day cut in half by a statement boundary can
only add rows, never merge two). A reference repeated within one file (a bank bug) also gets an occurrence.

**Fuzzy matching** (``fuzzy_fingerprint``, ``classify_rows``) finds the same transaction arriving by another
route, where keys cannot agree: a CSV export of January, then the OFX of January. Each new row is:

- ``conflict`` when an existing row has the same bank reference but a different amount, currency or date;
- ``duplicate`` when an existing row has the same reference and the same figures, or, without a usable
  reference, the same amount and currency within ``window_days`` and a similar payee (``reason`` says which);
- ``new`` otherwise.

Matching is one-to-one and closest first, so a genuine repeat is never merged: the same amount a week later,
the same amount at another payee, or a third coffee when only two were there before all stay new.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Protocol

from subgraphs.budget.importers.model import StatementAccount, StatementRow

__all__ = [
    "Classification",
    "Fingerprint",
    "MatchStatus",
    "account_namespace",
    "amount_text",
    "classify_rows",
    "fuzzy_fingerprint",
    "import_keys",
    "normalise_text",
    "statement_digest",
]

KEY_VERSION = "1"
"""Part of every key: a change to normalisation must bump it (and the import service must know both)."""

_NOISE = re.compile(r"\d{4,}|[^0-9a-z]+")
"""Runs of four or more digits, and runs of anything but ASCII letters and digits: both become a space."""
_LONG_DIGITS = re.compile(r"\d{4,}")
_NOT_WORD_BYTES = bytes(
    b if chr(b).isascii() and (chr(b).isdigit() or "a" <= chr(b) <= "z") else 32 for b in range(256)
)
"""For ASCII text: every byte but ``0-9a-z`` becomes a space (as ``_NOISE`` does, in one C pass)."""


@functools.lru_cache(maxsize=1 << 17)
def normalise_text(value: str | None) -> str:
    """Payee/memo text reduced to what stays the same between exports: lower case, accents and punctuation
    removed, runs of four or more digits (card numbers, terminal ids, timestamps, sequence numbers) dropped,
    whitespace collapsed. ``"REWE Markt GmbH, Karte 4711 0815"`` -> ``"rewe markt gmbh karte"``. Memoised: a
    statement repeats its payees, and an import normalises each row's texts for its key and again to match it."""
    if not value:
        return ""
    plain = value.casefold()
    if plain.isascii():  # the common case, done with a byte table
        words = plain.encode("ascii").translate(_NOT_WORD_BYTES).decode("ascii")
        return " ".join(_LONG_DIGITS.sub(" ", words).split())
    # Accents off: only text outside ASCII has any.
    decomposed = unicodedata.normalize("NFKD", plain.replace("ß", "ss"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOISE.sub(" ", plain).split())


def account_namespace(account: StatementAccount) -> str:
    """A namespace from the statement's own account identity (IBAN, else bank id and account number, else
    the account name); the import service should rather pass the destination ledger account's id."""
    if account.iban:
        return account.iban
    return "/".join(part for part in (account.bank_id, account.account_id or account.name) if part)


def statement_digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def amount_text(amount: Decimal) -> str:
    """``-6.60`` and ``-6.6`` are one amount."""
    return "0" if amount == 0 else format(amount.normalize(), "f")


def import_keys(rows: Sequence[StatementRow], *, namespace: str) -> tuple[str, ...]:
    """One key per row, in order: ``r1:<hash>`` for a referenced row, ``h1:<hash>:<occurrence>`` otherwise
    (a repeated reference gets ``:<occurrence>`` from its second appearance). Keys are 35-45 ASCII characters.

    ``namespace`` keeps accounts apart: pass the destination account's id (an OFX ``FITID`` is only unique per
    account).
    """
    seen: dict[str, int] = {}  # a plain dict: Counter's missing-key path is slow, and nearly every key is new
    keys = []
    for row in rows:
        if row.reference:
            base = f"r{KEY_VERSION}:" + statement_digest(namespace, "ref", row.reference)
            count = seen[base] = seen.get(base, 0) + 1
            keys.append(base if count == 1 else f"{base}:{count}")
        else:
            base = f"h{KEY_VERSION}:" + statement_digest(
                namespace,
                row.booking_date.isoformat(),
                amount_text(row.amount),
                row.currency,
                normalise_text(row.payee),
                normalise_text(row.memo),
            )
            count = seen[base] = seen.get(base, 0) + 1
            keys.append(f"{base}:{count}")
    return tuple(keys)


class TransactionLike(Protocol):
    """What fuzzy matching reads; a ``StatementRow`` is one, and so can a stored transaction be."""

    @property
    def booking_date(self) -> date: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def payee(self) -> str | None: ...
    @property
    def memo(self) -> str | None: ...
    @property
    def reference(self) -> str | None: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class Fingerprint:
    """The parts of a transaction fuzzy matching compares. ``source`` is where ``reference`` comes from (the
    format name): references are only compared between rows of one source."""

    booking_date: date
    amount: Decimal
    currency: str
    reference: str | None
    source: str | None
    texts: tuple[str, ...]


def fuzzy_fingerprint(row: TransactionLike, *, source: str | None = None) -> Fingerprint:
    """``row``'s fingerprint; ``source`` is the format its ``reference`` comes from (``Statement.format``)."""
    payee, memo = normalise_text(row.payee), normalise_text(row.memo)
    texts = tuple(dict.fromkeys(t for t in (payee, memo, f"{payee} {memo}".strip()) if t))
    return Fingerprint(
        booking_date=row.booking_date,
        amount=row.amount,
        currency=row.currency,
        reference=row.reference or None,
        source=source,
        texts=texts,
    )


def payee_similarity(a: Fingerprint, b: Fingerprint) -> float | None:
    """0..1, or ``None`` when either side has no text. The best of: the words of one contained in the other
    (``"amazon"`` in ``"amazon marketplace"``: 0.9), the same leading word of three letters or more
    (``"rewe markt"`` and ``"rewe sagt danke"``: 0.7), word overlap, and character similarity."""
    if not a.texts or not b.texts:
        return None
    best = 0.0
    for left in a.texts:
        for right in b.texts:
            lw, rw = set(left.split()), set(right.split())
            short, long = (lw, rw) if len(lw) <= len(rw) else (rw, lw)
            contained = 0.9 if short and short <= long and any(len(w) >= 3 for w in short) else 0.0
            leading = 0.7 if _leading_word(left) and _leading_word(left) == _leading_word(right) else 0.0
            overlap = len(lw & rw) / len(lw | rw)
            best = max(best, contained, leading, overlap)
            # The character ratio is costly; its cheap upper bounds (``real_quick_ratio``, then ``quick_ratio``)
            # say when it cannot raise ``best``.
            if 2.0 * min(len(left), len(right)) / (len(left) + len(right)) > best:
                matcher = SequenceMatcher(None, left, right, autojunk=False)
                if matcher.quick_ratio() > best:
                    best = max(best, matcher.ratio())
            if best >= 1.0:
                return 1.0
    return best


def _leading_word(text: str) -> str | None:
    first = text.split(" ", 1)[0]
    return first if len(first) >= 3 else None


class MatchStatus(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


@dataclass(frozen=True, kw_only=True, slots=True)
class Classification:
    """What one incoming row is. ``index`` is its position in ``incoming``; ``existing`` the position of the
    row it matched in ``existing``; ``reason`` is ``same_reference``, ``reference_mismatch``,
    ``likely_duplicate`` or ``no_match``; ``similarity`` the payee similarity of a likely duplicate."""

    index: int
    status: MatchStatus
    existing: int | None = None
    reason: str = "no_match"
    similarity: float | None = None


def _references_comparable(a: Fingerprint, b: Fingerprint) -> bool:
    return bool(a.reference and b.reference) and (a.source is None or b.source is None or a.source == b.source)


def classify_rows(
    *,
    existing: Sequence[Fingerprint],
    incoming: Sequence[Fingerprint],
    window_days: int = 3,
    min_similarity: float = 0.6,
) -> tuple[Classification, ...]:
    """Classify each of ``incoming`` against ``existing`` (the destination account's transactions around the
    statement's period); see the module docstring. A row without payee or memo text on either side only
    matches on the same day."""
    results: dict[int, Classification] = {}
    claimed: set[int] = set()
    by_reference: dict[str, list[int]] = {}
    for j, old in enumerate(existing):
        if old.reference:
            by_reference.setdefault(old.reference, []).append(j)
    for i, new in enumerate(incoming):
        if not new.reference:
            continue
        for j in by_reference.get(new.reference, ()):
            old = existing[j]
            if j in claimed or not _references_comparable(new, old):
                continue
            claimed.add(j)
            same = (old.amount, old.currency, old.booking_date) == (new.amount, new.currency, new.booking_date)
            results[i] = Classification(
                index=i,
                status=MatchStatus.DUPLICATE if same else MatchStatus.CONFLICT,
                existing=j,
                reason="same_reference" if same else "reference_mismatch",
            )
            break
    by_amount: dict[tuple[Decimal, str], list[int]] = {}
    for j, old in enumerate(existing):
        if j not in claimed:
            by_amount.setdefault((old.amount, old.currency), []).append(j)
    pairs: list[tuple[int, float, int, int]] = []
    for i, new in enumerate(incoming):
        if i in results:
            continue
        for j in by_amount.get((new.amount, new.currency), ()):
            old = existing[j]
            days = abs((new.booking_date - old.booking_date).days)
            if days > window_days:
                continue
            if _references_comparable(new, old) and new.reference != old.reference:
                continue  # two different references from one bank: two transactions
            similarity = payee_similarity(new, old)
            if similarity is None:
                if days:
                    continue
                similarity = 0.0
            elif similarity < min_similarity:
                continue
            pairs.append((days, -similarity, i, j))
    for _days, negative_similarity, i, j in sorted(pairs):
        if i in results or j in claimed:
            continue
        claimed.add(j)
        results[i] = Classification(
            index=i,
            status=MatchStatus.DUPLICATE,
            existing=j,
            reason="likely_duplicate",
            similarity=round(-negative_similarity, 3),
        )
    return tuple(results.get(i) or Classification(index=i, status=MatchStatus.NEW) for i in range(len(incoming)))
