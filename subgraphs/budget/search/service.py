"""Finding a household's transactions: full-text and fuzzy payee search, filters, sorts and keyset pages.

- **Text.** ``transactions.search_vector`` (kept by PostgreSQL, see migration ``budg0006_search``) holds the
  payee (weight A), tags (B), memo (C) and notes (D), lower-cased with accents dropped and split by the ``simple``
  configuration, which stems nothing: payees in any language match as written. Every word of the query must
  match: as a prefix of a word of the document ("rew" finds "REWE"), or by naming the payee fuzzily.
- **Fuzzy payees.** Each word is also compared with the household's normalised payee names and aliases with
  ``pg_trgm``'s ``strict_word_similarity`` ("amzon" finds "Amazon"). Without ``pg_trgm`` on the server, a word
  names a payee when the payee's name contains it.
- **Relevance** is the text rank of the words (``ts_rank``: a payee match weighs more than a tag, a tag more than
  a memo or a note) plus the payee's mean similarity to them, rounded to 6 places so that it is exact in a
  cursor.
- **Pages** are keyset pages: the cursor holds the sort and the last row's sort key, ``(date, id)``,
  ``(amount, id)`` or ``(relevance, date, id)``, and the next page starts strictly after it, so paging never
  repeats or skips a row while rows are added, under any sort.

Functions are keyword-only and read only; the caller checks the household is the viewer's.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ARRAY,
    Numeric,
    String,
    Uuid,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import Grouping

from subgraphs.budget.models import Split, Transaction

__all__ = [
    "MAX_QUERY_LENGTH",
    "Direction",
    "SearchError",
    "SearchFilter",
    "SearchPage",
    "SearchSort",
    "fold",
    "search_transactions",
    "trigram_available",
]

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
FUZZY_THRESHOLD = 0.4
"""The least ``strict_word_similarity`` for a payee to match: "amzon" finds "Amazon" (0.44) and "trattria"
"Trattoria Da Mario" (0.58), while "März" does not find "REWE Markt" (0.38)."""
RELEVANCE_PLACES = 6


class SearchSort(StrEnum):
    DATE_DESC = "date_desc"
    DATE_ASC = "date_asc"
    AMOUNT_DESC = "amount_desc"
    AMOUNT_ASC = "amount_asc"
    RELEVANCE = "relevance"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class SearchError(ValueError):
    """A search that cannot run as asked; ``field`` names the argument."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """What to find; every condition given must hold. Empty lists and ``None`` mean "any"."""

    text: str | None = None
    account_ids: Sequence[uuid.UUID] = ()
    category_ids: Sequence[uuid.UUID] = ()
    """A transaction matches if it, or any of its split parts, has one of these categories."""
    uncategorised: bool | None = None
    """``True``: only transactions with no category (neither one nor on every split part), transfers excepted;
    ``False``: only categorised ones."""
    since: dt.date | None = None
    until: dt.date | None = None
    amount_min: Decimal | None = None
    """Smallest absolute amount, in each transaction's own currency."""
    amount_max: Decimal | None = None
    direction: Direction | None = None
    tags: Sequence[str] = ()
    """The transaction has every one of these tags (as stored)."""
    statuses: Sequence[str] = ()
    transfers: bool | None = None
    """``True``: only transfers between the household's accounts; ``False``: none of them."""


@dataclass
class SearchHit:
    transaction: Transaction
    relevance: Decimal
    cursor: str


@dataclass
class SearchPage:
    hits: list[SearchHit]
    has_next_page: bool
    words: list[Word] = field(default_factory=list)
    """The query's words, with the payees each was widened to."""


def fold(value: str) -> str:
    """What ``budget.search_fold`` does in SQL: lower case, compatibility-decomposed, combining accents dropped."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(c for c in decomposed if not 0x300 <= ord(c) <= 0x36F)


_TRIGRAM: dict[str, bool] = {}


async def trigram_available(session: AsyncSession) -> bool:
    """Whether ``pg_trgm`` is installed in the database (asked once per database and process)."""
    bind = session.get_bind()
    key = str(bind.engine.url) if hasattr(bind, "engine") else str(bind)
    if key not in _TRIGRAM:
        _TRIGRAM[key] = bool(
            await session.scalar(text("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')"))
        )
    return _TRIGRAM[key]


_WORDS = "SELECT lexeme FROM unnest(to_tsvector('simple', budget.search_fold(:text))) ORDER BY lexeme"
"""The query's words, split and folded exactly as the documents were."""

_FUZZY_TRIGRAM = """
    SELECT word, payee_id, max(score) AS score FROM (
        SELECT w.word, p.id AS payee_id, strict_word_similarity(w.word, p.name_key) AS score
          FROM unnest(CAST(:words AS text[])) AS w(word), budget.payees p
         WHERE p.household_id = :household
        UNION ALL
        SELECT w.word, a.payee_id, strict_word_similarity(w.word, a.alias_key)
          FROM unnest(CAST(:words AS text[])) AS w(word), budget.payee_aliases a
         WHERE a.household_id = :household
    ) matches
    WHERE score >= :threshold
    GROUP BY word, payee_id
"""
"""Per word, the household's payees whose name (or an alias) has a word similar to it. A household has hundreds
or a few thousand payees: scoring them all is a millisecond or two, so no trigram index is needed."""

_FUZZY_SUBSTRING = """
    SELECT word, payee_id, max(score) AS score FROM (
        SELECT w.word, p.id AS payee_id, length(w.word)::real / length(p.name_key) AS score
          FROM unnest(CAST(:words AS text[])) AS w(word), budget.payees p
         WHERE p.household_id = :household AND strpos(p.name_key, w.word) > 0
        UNION ALL
        SELECT w.word, a.payee_id, length(w.word)::real / length(a.alias_key)
          FROM unnest(CAST(:words AS text[])) AS w(word), budget.payee_aliases a
         WHERE a.household_id = :household AND strpos(a.alias_key, w.word) > 0
    ) matches
    GROUP BY word, payee_id
"""
"""Without ``pg_trgm``: per word, the payees whose normalised name contains it."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the query: its prefix tsquery, and the payees similar to it with their similarity."""

    lexeme: str
    payees: dict[uuid.UUID, Decimal]

    @property
    def tsquery(self) -> str:
        escaped = self.lexeme.replace("\\", "\\\\").replace("'", "''")
        return f"'{escaped}':*"


async def _words(*, session: AsyncSession, household_id: uuid.UUID, query: str) -> list[Word]:
    """The words of ``query`` with the payees each one fuzzily names. Two queries, however many words."""
    lexemes = list((await session.scalars(text(_WORDS), {"text": query})).all())
    if len(lexemes) > MAX_WORDS:
        raise SearchError(f"search for at most {MAX_WORDS} words at once", field="filter.text")
    payees: dict[str, dict[uuid.UUID, Decimal]] = {lexeme: {} for lexeme in lexemes}
    if lexemes:
        params: dict[str, Any] = {"household": household_id, "words": lexemes}
        if await trigram_available(session):
            rows = await session.execute(text(_FUZZY_TRIGRAM), {**params, "threshold": FUZZY_THRESHOLD})
        else:
            rows = await session.execute(text(_FUZZY_SUBSTRING), params)
        for word, payee_id, score in rows.all():
            payees[word][payee_id] = round(Decimal(str(score)), 4)
    return [Word(lexeme, payees[lexeme]) for lexeme in lexemes]


def _text_match(words: Sequence[Word]) -> tuple[Any, Any]:
    """``(condition, relevance)``: every word matches the document as a prefix or names the payee; relevance is the
    text rank of the words plus the payee's mean similarity to them."""
    t = Transaction
    conditions: list[Any] = []
    similarities: list[Any] = []
    for position, word in enumerate(words):
        matches: list[Any] = [t.search_vector.op("@@")(cast(literal(word.tsquery), TSQUERY))]
        if word.payees:
            ids = bindparam(f"fuzzy_ids_{position}", list(word.payees), type_=ARRAY(Uuid))
            scores = bindparam(f"fuzzy_scores_{position}", list(word.payees.values()), type_=ARRAY(Numeric))
            matches.append(t.payee_id == any_(ids))
            # scores[array_position(ids, payee_id)]: this payee's similarity, NULL when it is not among them.
            by_position = type_coerce(Grouping(cast(scores, ARRAY(Numeric))), ARRAY(Numeric))
            similarities.append(func.coalesce(by_position[func.array_position(ids, t.payee_id)], 0))
        conditions.append(or_(*matches))
    any_word = cast(literal(" | ".join(word.tsquery for word in words)), TSQUERY)
    relevance: Any = cast(func.ts_rank(t.search_vector, any_word), Numeric)
    if similarities:
        relevance = relevance + sum(similarities[1:], similarities[0]) / len(words)
    return and_(*conditions), func.round(relevance, RELEVANCE_PLACES)


def _conditions(household_id: uuid.UUID, wanted: SearchFilter) -> list[Any]:
    t = Transaction
    conditions: list[Any] = [t.household_id == household_id]
    if wanted.account_ids:
        conditions.append(t.account_id.in_(list(wanted.account_ids)))
    if wanted.since is not None:
        conditions.append(t.date >= wanted.since)
    if wanted.until is not None:
        conditions.append(t.date <= wanted.until)
    conditions.extend(_amount_conditions(wanted))
    if wanted.tags:
        conditions.append(t.tags.contains(cast(list(wanted.tags), ARRAY(String(60)))))
    if wanted.statuses:
        conditions.append(t.status.in_(list(wanted.statuses)))
    if wanted.transfers is True:
        conditions.append(t.transfer_id.is_not(None))
    elif wanted.transfers is False:
        conditions.append(t.transfer_id.is_(None))
    if wanted.category_ids:
        # The ids of the category's transactions and split parts in the period, each from its own index
        # (``ix_transactions_category_date``; parts carry their transaction's date): a year of one category is a
        # few thousand rows, where testing every transaction of the year for it read ninety thousand.
        categories = list(wanted.category_ids)
        other = aliased(Transaction)
        own = select(other.id).where(other.household_id == household_id, other.category_id.in_(categories))
        parts = select(Split.transaction_id).where(
            Split.household_id == household_id, Split.category_id.in_(categories)
        )
        if wanted.since is not None:
            own = own.where(other.date >= wanted.since)
            parts = parts.where(Split.date >= wanted.since)
        if wanted.until is not None:
            own = own.where(other.date <= wanted.until)
            parts = parts.where(Split.date <= wanted.until)
        conditions.append(t.id.in_(union_all(own, parts)))
    if wanted.uncategorised is not None:
        uncategorised_part = select(Split.id).where(Split.transaction_id == t.id, Split.category_id.is_(None)).exists()
        missing = and_(
            t.transfer_id.is_(None),
            or_(and_(not_(t.is_split), t.category_id.is_(None)), and_(t.is_split, uncategorised_part)),
        )
        conditions.append(missing if wanted.uncategorised else not_(missing))
    return conditions


def _amount_conditions(wanted: SearchFilter) -> list[Any]:
    """The amount range (without sign) and direction as plain ranges of ``amount``, so that an index on it can
    serve them: money in is ``[min, max]``, money out ``[-max, -min]``, either direction both."""
    t = Transaction
    low, high = wanted.amount_min, wanted.amount_max

    def inflow() -> list[Any]:
        return [t.amount > 0, *([t.amount >= low] if low else []), *([t.amount <= high] if high is not None else [])]

    def outflow() -> list[Any]:
        return [t.amount < 0, *([t.amount <= -low] if low else []), *([t.amount >= -high] if high is not None else [])]

    if wanted.direction is Direction.IN:
        return inflow()
    if wanted.direction is Direction.OUT:
        return outflow()
    if low:
        return [or_(and_(*inflow()), and_(*outflow()))]
    return [t.amount.between(-high, high)] if high is not None else []


def _sort_keys(sort: SearchSort, relevance: Any) -> tuple[list[Any], bool]:
    """The sort key columns (unique together) and whether they run descending."""
    t = Transaction
    if sort in (SearchSort.DATE_DESC, SearchSort.DATE_ASC):
        return [t.date, t.id], sort is SearchSort.DATE_DESC
    if sort in (SearchSort.AMOUNT_DESC, SearchSort.AMOUNT_ASC):
        return [t.amount, t.id], sort is SearchSort.AMOUNT_DESC
    return [relevance, t.date, t.id], True


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(v) for v in values]).encode()).decode()


def _cursor_values(sort: SearchSort, after: str) -> list[Any]:
    """The sort key in the cursor ``after``; a cursor of another sort, or a malformed one, is a ``SearchError``."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(after.encode()))
        if not isinstance(decoded, list) or len(decoded) != (4 if sort is SearchSort.RELEVANCE else 3):
            raise ValueError
        kind, *values = (str(v) for v in decoded)
        if kind != sort.value:
            raise ValueError
        last_id = uuid.UUID(values[-1])
        if sort in (SearchSort.DATE_DESC, SearchSort.DATE_ASC):
            return [dt.date.fromisoformat(values[0]), last_id]
        if sort in (SearchSort.AMOUNT_DESC, SearchSort.AMOUNT_ASC):
            return [Decimal(values[0]), last_id]
        return [Decimal(values[0]), dt.date.fromisoformat(values[1]), last_id]
    except (ValueError, InvalidOperation, TypeError, UnicodeDecodeError) as exc:
        raise SearchError("invalid cursor for this sort", field="after") from exc


def _cursor(sort: SearchSort, row: Transaction, relevance: Decimal) -> str:
    if sort in (SearchSort.DATE_DESC, SearchSort.DATE_ASC):
        return encode_cursor(sort.value, row.date, row.id)
    if sort in (SearchSort.AMOUNT_DESC, SearchSort.AMOUNT_ASC):
        return encode_cursor(sort.value, format(row.amount, "f"), row.id)
    return encode_cursor(sort.value, format(relevance, "f"), row.date, row.id)


def _check(wanted: SearchFilter) -> None:
    if wanted.text is not None and len(wanted.text) > MAX_QUERY_LENGTH:
        raise SearchError(f"search text has at most {MAX_QUERY_LENGTH} characters", field="filter.text")
    if wanted.since is not None and wanted.until is not None and wanted.since > wanted.until:
        raise SearchError("`from` must not be after `to`", field="filter.to")
    for name, value in (("filter.amountMin", wanted.amount_min), ("filter.amountMax", wanted.amount_max)):
        if value is not None and (not value.is_finite() or value < 0):
            raise SearchError("give an amount of zero or more (amounts are compared without sign)", field=name)
    if wanted.amount_min is not None and wanted.amount_max is not None and wanted.amount_min > wanted.amount_max:
        raise SearchError("`amountMin` must not be above `amountMax`", field="filter.amountMax")


async def search_transactions(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    wanted: SearchFilter,
    sort: SearchSort = SearchSort.DATE_DESC,
    limit: int = 50,
    after: str | None = None,
) -> SearchPage:
    """One page of the household's transactions matching ``wanted``, in ``sort`` order, after the cursor ``after``.
    ``SearchError`` for a bad filter or a cursor of another sort."""
    _check(wanted)
    # A plan for this call's values: the driver prepares statements, and a generic plan cannot know how selective
    # this household, period or word is.
    await session.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"))
    t = Transaction
    conditions = _conditions(household_id, wanted)
    relevance: Any = literal(Decimal(0), Numeric)
    words: list[Word] = []
    if (wanted.text or "").strip():
        words = await _words(session=session, household_id=household_id, query=(wanted.text or "").strip())
        if not words:  # only punctuation: nothing can match
            return SearchPage(hits=[], has_next_page=False)
        condition, relevance = _text_match(words)
        conditions.append(condition)
    keys, descending = _sort_keys(sort, relevance)
    if after is not None:
        values = _cursor_values(sort, after)
        position = tuple_(*keys) < tuple_(*values) if descending else tuple_(*keys) > tuple_(*values)
        conditions.append(position)
    query = (
        select(t, relevance.label("relevance"))
        .where(*conditions)
        .order_by(*(key.desc() if descending else key.asc() for key in keys))
        .limit(limit + 1)
    )
    rows = (await session.execute(query)).all()
    hits = [SearchHit(row, Decimal(score), _cursor(sort, row, Decimal(score))) for row, score in rows[:limit]]
    return SearchPage(hits=hits, has_next_page=len(rows) > limit, words=words)
