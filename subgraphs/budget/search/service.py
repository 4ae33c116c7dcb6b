"""Finding a household's transactions: full-text and fuzzy payee search, filters, sorts and keyset pages.

- **Text.** ``transactions.search_vector`` (kept by PostgreSQL, see migration ``budg0006_search``) holds the
  payee (weight A), tags (B), memo (C) and notes (D), lower-cased with accents dropped and split by the ``simple``
  configuration, which stems nothing: payees in any language match as written. Every word of the query matches
  as a prefix ("rew" finds "REWE"); all words must match.
- **Fuzzy payees.** The query is also compared with the household's normalised payee names and aliases with
  ``pg_trgm`` (trigram similarity, so "amzon" finds "Amazon"); a transaction of a payee that matches is found even
  when no word matched. Without ``pg_trgm`` on the server, a payee matches when its name contains the query.
- **Relevance** is the text rank (``ts_rank``: a payee match weighs more than a tag, a tag more than a memo) plus
  the payee's similarity, rounded to 6 places so that it is exact in a cursor.
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
    Float,
    Numeric,
    String,
    Uuid,
    and_,
    any_,
    bindparam,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.models import Split, Transaction
from subgraphs.budget.services.payees import payee_key

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
MAX_FUZZY_PAYEES = 50
"""The most similar payees a query is widened to."""
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
    fuzzy_payees: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    """The payees the query was widened to, with their similarity."""


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


_TSQUERY = """
    SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''':*', ' & ')
      FROM unnest(to_tsvector('simple', budget.search_fold(:text)))
"""
"""The query's words as the document's lexemes, each a prefix, all required (NULL when it has no word)."""

_FUZZY_TRIGRAM = """
    SELECT payee_id, max(score) AS score FROM (
        SELECT p.id AS payee_id, greatest(similarity(p.name_key, :key), word_similarity(:key, p.name_key)) AS score
          FROM budget.payees p
         WHERE p.household_id = :household AND (p.name_key % :key OR :key <% p.name_key)
        UNION ALL
        SELECT a.payee_id, greatest(similarity(a.alias_key, :key), word_similarity(:key, a.alias_key))
          FROM budget.payee_aliases a
         WHERE a.household_id = :household AND (a.alias_key % :key OR :key <% a.alias_key)
    ) matches
    GROUP BY payee_id ORDER BY score DESC, payee_id LIMIT :limit
"""

_FUZZY_SUBSTRING = """
    SELECT payee_id, max(score) AS score FROM (
        SELECT p.id AS payee_id, length(:key)::real / length(p.name_key) AS score
          FROM budget.payees p
         WHERE p.household_id = :household AND strpos(p.name_key, :key) > 0
        UNION ALL
        SELECT a.payee_id, length(:key)::real / length(a.alias_key)
          FROM budget.payee_aliases a
         WHERE a.household_id = :household AND strpos(a.alias_key, :key) > 0
    ) matches
    GROUP BY payee_id ORDER BY score DESC, payee_id LIMIT :limit
"""


async def _text_terms(
    *, session: AsyncSession, household_id: uuid.UUID, query: str
) -> tuple[str | None, dict[uuid.UUID, Decimal]]:
    """The prefix tsquery of ``query`` (``None`` without words) and the payees it fuzzily names."""
    tsquery = await session.scalar(text(_TSQUERY), {"text": query})
    key = payee_key(query)
    payees: dict[uuid.UUID, Decimal] = {}
    if key:
        fuzzy = _FUZZY_TRIGRAM if await trigram_available(session) else _FUZZY_SUBSTRING
        rows = await session.execute(text(fuzzy), {"household": household_id, "key": key, "limit": MAX_FUZZY_PAYEES})
        payees = {payee_id: round(Decimal(str(score)), 4) for payee_id, score in rows.all()}
    return tsquery, payees


def _conditions(household_id: uuid.UUID, wanted: SearchFilter) -> list[Any]:
    t = Transaction
    conditions: list[Any] = [t.household_id == household_id]
    if wanted.account_ids:
        conditions.append(t.account_id.in_(list(wanted.account_ids)))
    if wanted.since is not None:
        conditions.append(t.date >= wanted.since)
    if wanted.until is not None:
        conditions.append(t.date <= wanted.until)
    if wanted.amount_min is not None:
        conditions.append(func.abs(t.amount) >= wanted.amount_min)
    if wanted.amount_max is not None:
        conditions.append(func.abs(t.amount) <= wanted.amount_max)
    if wanted.direction is Direction.IN:
        conditions.append(t.amount > 0)
    elif wanted.direction is Direction.OUT:
        conditions.append(t.amount < 0)
    if wanted.tags:
        conditions.append(t.tags.contains(cast(list(wanted.tags), ARRAY(String(60)))))
    if wanted.statuses:
        conditions.append(t.status.in_(list(wanted.statuses)))
    if wanted.transfers is True:
        conditions.append(t.transfer_id.is_not(None))
    elif wanted.transfers is False:
        conditions.append(t.transfer_id.is_(None))
    if wanted.category_ids:
        categories = list(wanted.category_ids)
        conditions.append(
            or_(
                t.category_id.in_(categories),
                and_(
                    t.is_split,
                    select(Split.id).where(Split.transaction_id == t.id, Split.category_id.in_(categories)).exists(),
                ),
            )
        )
    if wanted.uncategorised is not None:
        uncategorised_part = select(Split.id).where(Split.transaction_id == t.id, Split.category_id.is_(None)).exists()
        missing = and_(
            t.transfer_id.is_(None),
            or_(and_(not_(t.is_split), t.category_id.is_(None)), and_(t.is_split, uncategorised_part)),
        )
        conditions.append(missing if wanted.uncategorised else not_(missing))
    return conditions


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
    t = Transaction
    conditions = _conditions(household_id, wanted)
    relevance: Any = literal(Decimal(0), Numeric)
    fuzzy: dict[uuid.UUID, Decimal] = {}
    text_query = (wanted.text or "").strip()
    if text_query:
        tsquery, fuzzy = await _text_terms(session=session, household_id=household_id, query=text_query)
        matches: list[Any] = []
        rank: Any = literal(0.0, Float)
        if tsquery is not None:
            query = cast(literal(tsquery), TSQUERY)
            matches.append(t.search_vector.op("@@")(query))
            rank = func.ts_rank(t.search_vector, query)
        if fuzzy:
            ids = bindparam("fuzzy_ids", list(fuzzy), type_=ARRAY(Uuid))
            scores = bindparam("fuzzy_scores", list(fuzzy.values()), type_=ARRAY(Numeric))
            matches.append(t.payee_id == any_(ids))
            similarity = func.coalesce(scores[func.array_position(ids, t.payee_id)], 0)
            relevance = func.round(cast(rank, Numeric) + similarity, RELEVANCE_PLACES)
        else:
            relevance = func.round(cast(rank, Numeric), RELEVANCE_PLACES)
        conditions.append(or_(*matches) if matches else false())
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
    return SearchPage(hits=hits, has_next_page=len(rows) > limit, fuzzy_payees=fuzzy)
