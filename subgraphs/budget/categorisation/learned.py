"""What a household's own history suggests for a transaction: a nearest-group model. Pure; no I/O.

The household's categorised transactions (not transfers, not splits, not in archived categories) are counted in
groups of similar ones, most specific first:

1. **same payee, same direction, similar size**: the normalised payee, in or out, and the size of the amount in
   quarter-decades (``floor(4·log10|amount|)``: 10.00 to 17.77 is one bucket, 17.78 to 31.62 the next);
2. **same payee, same direction**;
3. **a shared word**: each word (three letters or more, digits dropped) of the payee or the memo, with the
   direction. This is what names a category for a payee never seen before ("NETFLIX.COM INTL" after "Netflix").
   Payee words count every transaction of the history; memo words the latest ``MEMO_HISTORY`` ones (a word in
   both counts once), which keeps training fast on long histories and follows the bank's current wording.

For a group, the suggestion is its most frequent category and the confidence is ``top / (total + 1)``: the share
of the group in that category, with one imaginary transaction counted against it. One example gives 0.5, four
that agree give 0.8, fourteen give 0.93; a group split 10 to 3 gives 0.71. The payee's groups are used when they
reach the caller's threshold (``enough``); otherwise the most confident of the payee's groups and every word's is
offered. Each answer says why: "learned from 14 similar transactions", or "... mentioning 'netflix'".

Why not naive Bayes over the same tokens: its posteriors are confident for reasons a user cannot see, and scoring
every category for every line costs more than the lookups here (see docs/adr/0011-automatic-categorisation.md).
"""

from __future__ import annotations

import math
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from subgraphs.budget.categorisation.rules import text_key

__all__ = ["MEMO_HISTORY", "Guess", "LearnedModel", "amount_bucket", "words"]

_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_WORDS = 12
"""Words taken from one text (the first ones: banks put the telling part first)."""
MEMO_HISTORY = 20_000
"""Memo words are learned from this many of the latest categorised transactions."""

BUCKET_SQL = "floor(4 * log(abs({amount})::double precision))::int"
"""``amount_bucket`` in SQL, for training by aggregate. Both call the C library's ``log10`` on a double, so a
size exactly on a bucket edge (a power of ten) lands in the same bucket on both sides."""


def amount_bucket(magnitude: Decimal) -> int | None:
    """The size class of an amount: ``floor(4·log10(size))``; ``None`` for zero. A ratio, so a float is fine."""
    if not magnitude:
        return None
    return math.floor(4 * math.log10(abs(magnitude)))


def words(text: str | None) -> tuple[str, ...]:
    """The words of a payee or memo that can tell a category: folded, three letters or more, no digits."""
    if not text:
        return ()
    return tuple(_WORD.findall(text_key(text))[:MAX_WORDS])


@dataclass(frozen=True, slots=True, eq=False)
class Guess:
    """A group of similar past transactions: ``support`` of its ``total`` are in ``category_id``. Built once per
    group when the model is trained; compared and hashed by identity."""

    category_id: uuid.UUID
    support: int
    """How many similar transactions are in the category."""
    total: int
    word: str | None = None
    """The shared word, when the group is the transactions mentioning it."""
    confidence: float = 0.0
    reason: str = ""

    @classmethod
    def of(cls, counts: Counter[uuid.UUID], word: str | None = None) -> Guess:
        # Ties go to the smallest id, so the answer never depends on the order rows arrived in.
        category, top = min(counts.items(), key=_most_then_smallest)
        total = sum(counts.values())
        similar = "similar transaction" if top == 1 else "similar transactions"
        reason = f"learned from {top} {similar}" + (f" mentioning '{word}'" if word else "")
        return cls(category, top, total, word, top / (total + 1), reason)


def _most_then_smallest(item: tuple[uuid.UUID, int]) -> tuple[int, uuid.UUID]:
    return -item[1], item[0]


PayeeRow = tuple[str, bool, int | None, uuid.UUID, int]
"""``(payee key, inflow, amount bucket, category id, count)``."""
TextRow = tuple[str | None, str | None, bool, uuid.UUID, int]
"""``(payee key, memo, inflow, category id, count)``: the latest transactions by payee and memo (memo digits may
already be replaced by spaces)."""


class LearnedModel:
    """The groups of one household's history, each reduced to its best ``Guess``."""

    def __init__(
        self,
        *,
        by_payee: dict[tuple[str, bool], Guess],
        by_payee_size: dict[tuple[str, bool, int | None], Guess],
        by_word: dict[tuple[str, bool], Guess],
        examples: int,
    ) -> None:
        self._by_payee = by_payee
        self._by_payee_size = by_payee_size
        self._by_word = by_word
        self.examples = examples
        """How many transactions it learned from."""
        self._payee_words: dict[str, tuple[str, ...]] = {}

    @classmethod
    def empty(cls) -> LearnedModel:
        return cls(by_payee={}, by_payee_size={}, by_word={}, examples=0)

    @classmethod
    def train(cls, payee_rows: Iterable[PayeeRow], text_rows: Iterable[TextRow]) -> LearnedModel:
        """Build the groups from aggregated counts (``services.categorise`` gets them from SQL): ``payee_rows``
        over the whole history, ``text_rows`` over the latest ``MEMO_HISTORY`` transactions."""
        payee: defaultdict[tuple[str, bool], Counter[uuid.UUID]] = defaultdict(Counter)
        payee_size: defaultdict[tuple[str, bool, int | None], Counter[uuid.UUID]] = defaultdict(Counter)
        examples = 0
        for key, inflow, bucket, category_id, count in payee_rows:
            payee[key, inflow][category_id] += count
            payee_size[key, inflow, bucket][category_id] += count
            examples += count
        word: defaultdict[tuple[str, bool], Counter[uuid.UUID]] = defaultdict(Counter)
        payee_words: dict[str | None, frozenset[str]] = {None: frozenset()}
        for (key, inflow), counts in payee.items():
            payee_words[key] = found = frozenset(words(key))
            for token in found:
                word[token, inflow].update(counts)
        for row_payee, memo, inflow, category_id, count in text_rows:
            if row_payee is None:
                examples += count
            known = payee_words.get(row_payee)
            if known is None:
                known = payee_words[row_payee] = frozenset(words(row_payee))
            for token in set(words(memo)) - known:
                word[token, inflow][category_id] += count
        return cls(
            by_payee={k: Guess.of(c) for k, c in payee.items()},
            by_payee_size={k: Guess.of(c) for k, c in payee_size.items()},
            by_word={k: Guess.of(c, k[0]) for k, c in word.items()},
            examples=examples,
        )

    def guess(self, *, payee_key: str | None, memo: str | None, amount: Decimal, enough: float) -> Guess | None:
        """The best-supported category for a transaction, or ``None`` when nothing similar was ever categorised.

        ``payee_key`` is the normalised payee (``services.payees.payee_key``, aliases resolved). Pure: the same
        arguments always give the same answer (the same object)."""
        best = self.payee_guess(payee_key=payee_key, amount=amount)
        if best is not None and best.confidence >= enough:
            return best
        return self.word_guess(payee_key=payee_key, memo=memo, amount=amount, better_than=best)

    def payee_guess(self, *, payee_key: str | None, amount: Decimal) -> Guess | None:
        """What the payee's own history says: its group of similar size when that has two or more transactions
        and is more confident, else all of its transactions in that direction."""
        if not payee_key or amount == 0:
            return None
        inflow = amount > 0
        best = self._by_payee.get((payee_key, inflow))
        if best is None:
            return None
        sized = self._by_payee_size.get((payee_key, inflow, amount_bucket(amount)))
        if sized is not None and sized.total >= 2 and sized.confidence > best.confidence:
            return sized
        return best

    def word_guess(
        self, *, payee_key: str | None, memo: str | None, amount: Decimal, better_than: Guess | None = None
    ) -> Guess | None:
        """The most confident group among the words of the payee and memo (more transactions break a tie), if
        it is more confident than ``better_than``; else ``better_than``."""
        if amount == 0:
            return better_than
        inflow = amount > 0
        best = better_than
        for token in self._words_of(payee_key) + words(memo):
            found = self._by_word.get((token, inflow))
            if found is not None and (best is None or (found.confidence, found.total) > (best.confidence, best.total)):
                best = found
        return best

    def _words_of(self, payee_key: str | None) -> tuple[str, ...]:
        if not payee_key:
            return ()
        found = self._payee_words.get(payee_key)
        if found is None:
            if len(self._payee_words) > 100_000:
                self._payee_words.clear()
            found = self._payee_words[payee_key] = words(payee_key)
        return found
