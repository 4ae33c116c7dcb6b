"""Automatic categorisation: what category (and payee, and tags) a new transaction should get, and why.

``Categoriser.load`` reads a household's rules, payee defaults and settings, and its learned model (trained by
one SQL aggregate over its history, kept in memory per process until the history changes); ``suggest`` is then
synchronous, pure and fast, for one transaction or for every line of an import::

    categoriser = await Categoriser.load(session=session, household_id=household_id)
    suggestion = categoriser.suggest(Draft(account_id, date, amount, payee, memo))

In order, the category comes from: the first matching rule that sets one (confidence 1); the payee's default
category (confidence 1); the household's learned model, when at least as confident as the household's threshold
(default 0.8). Rules also rename the payee and add tags, whatever decides the category. ``suggest`` with a lower
``threshold`` gives the weaker suggestions that are only offered to the user (``OFFER_THRESHOLD``).
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.categorisation.learned import BUCKET_SQL, MEMO_HISTORY, Guess, LearnedModel
from subgraphs.budget.categorisation.models import (
    DEFAULT_AUTO_APPLY_THRESHOLD,
    CategorisationSettings,
    Rule,
    TransactionCategorisation,
)
from subgraphs.budget.categorisation.rules import Condition, Match, RuleOutcome, RuleSet, RuleSpec
from subgraphs.budget.models import Category, Payee, PayeeAlias, Transaction
from subgraphs.budget.services.payees import payee_key

if TYPE_CHECKING:
    from subgraphs.budget.services.ledger import NewTransaction

__all__ = [
    "OFFER_THRESHOLD",
    "AppliedCategorisation",
    "Categoriser",
    "Draft",
    "Suggestion",
    "apply_on_create",
    "forget_learned_models",
    "live_categories",
    "load_rules",
    "record_categorisations",
]

OFFER_THRESHOLD = 0.3
"""Learned suggestions below this confidence are not even offered: a coin toss is not a suggestion."""

LEARNED_CACHE_SIZE = 32
"""Households whose learned model a process keeps in memory."""
LEARNED_MAX_AGE_SECONDS = 600.0
"""A kept model is trained again after this long even if its fingerprint did not change (see ``_fingerprint``)."""
LEARNED_FRESH_SECONDS = 15.0
"""A kept model checked this recently is used without asking the database again. Changes made through this
process's categorisation (create, accept, re-run) drop it at once; others show within this time."""


@dataclass(frozen=True, slots=True)
class Draft:
    """A transaction about to be recorded, as categorisation sees it."""

    account_id: uuid.UUID
    date: datetime.date
    amount: Decimal
    payee: str | None
    memo: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to record. ``source``, ``confidence`` and ``reason`` are about the category; ``payee`` and ``tags``
    come from rules whatever decided the category (or when nothing did)."""

    category_id: uuid.UUID | None
    """``None``: nothing confident enough."""
    payee: str | None
    """A rule's payee rename, else ``None``."""
    tags: tuple[str, ...]
    """Tags a rule adds."""
    confidence: float
    """1.0 for rules and payee defaults; the learned model's confidence otherwise; 0.0 with no category."""
    reason: str
    """"rule 'Groceries'", "payee default", "learned from 14 similar transactions", or ""."""
    source: str
    """``rule``, ``payee``, ``learned`` or ``none``."""
    rule_id: uuid.UUID | None = None
    """The rule that set the category, when ``source`` is ``rule``."""
    rule_ids: tuple[uuid.UUID, ...] = ()
    """Every rule that decided something (category, payee or tags)."""

    def event_fields(self) -> dict[str, Any]:
        """What a ``TransactionCreated`` event says about it (``NewTransaction.extra_event_fields``)."""
        if self.category_id is None and not self.rule_ids:
            return {}
        return {
            "categorisation": {
                "source": self.source,
                "reason": self.reason,
                "confidence": self.confidence,
                "rule_id": self.rule_id,
                "rule_ids": list(self.rule_ids),
            }
        }


NOTHING = Suggestion(category_id=None, payee=None, tags=(), confidence=0.0, reason="", source="none")


@dataclass(slots=True)
class _Cached:
    fingerprint: tuple[Any, ...]
    model: LearnedModel
    trained_at: float
    checked_at: float


_learned: OrderedDict[uuid.UUID, _Cached] = OrderedDict()


def forget_learned_models(household_id: uuid.UUID | None = None) -> None:
    """Drop the kept model of a household whose history this process just changed (or every kept model)."""
    if household_id is None:
        _learned.clear()
    else:
        _learned.pop(household_id, None)


class Categoriser:
    """One household's rules, payee defaults and learned model, ready to categorise many drafts."""

    def __init__(
        self,
        *,
        household_id: uuid.UUID,
        rules: RuleSet,
        model: LearnedModel,
        threshold: float = DEFAULT_AUTO_APPLY_THRESHOLD,
        learning: bool = True,
        live_categories: frozenset[uuid.UUID] = frozenset(),
        payee_defaults: Mapping[str, uuid.UUID] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.household_id = household_id
        self.rules = rules
        self.model = model
        self.threshold = threshold
        self.learning = learning
        self._live = live_categories
        self._defaults = dict(payee_defaults or {})
        self._aliases = dict(aliases or {})
        self._keys: dict[str | None, str] = {}
        self._made_memo: dict[tuple[RuleOutcome, Any], Suggestion] = {}

    @classmethod
    async def load(cls, *, session: AsyncSession, household_id: uuid.UUID) -> Categoriser:
        """Read the household's rules, settings and payee defaults, and its learned model: kept in this process
        while the household's categorised history is unchanged, else trained again by one aggregate query."""
        settings = await session.get(CategorisationSettings, household_id)
        threshold = settings.auto_apply_threshold if settings else DEFAULT_AUTO_APPLY_THRESHOLD
        learning = settings.learning_enabled if settings else True
        live = await live_categories(session=session, household_id=household_id)
        rules = await load_rules(session=session, household_id=household_id, live_categories=live)
        defaults = {
            key: category_id
            for key, category_id in await session.execute(
                select(Payee.name_key, Payee.default_category_id).where(
                    Payee.household_id == household_id, Payee.default_category_id.is_not(None)
                )
            )
            if category_id in live
        }
        aliases = {
            alias_key: name_key
            for alias_key, name_key in await session.execute(
                select(PayeeAlias.alias_key, Payee.name_key)
                .join(Payee, Payee.id == PayeeAlias.payee_id)
                .where(PayeeAlias.household_id == household_id)
            )
        }
        model = await _learned_model(session=session, household_id=household_id) if learning else LearnedModel.empty()
        return cls(
            household_id=household_id,
            rules=rules,
            model=model,
            threshold=threshold,
            learning=learning,
            live_categories=live,
            payee_defaults=defaults,
            aliases=aliases,
        )

    def suggest(self, draft: Draft, *, threshold: float | None = None) -> Suggestion:
        """The category (and payee rename and tags) for ``draft``. Synchronous and pure: no I/O, and the same draft
        always gets the same answer. A learned category is given only from ``threshold`` (default: the
        household's) up; pass ``OFFER_THRESHOLD`` for what to offer the user."""
        outcome = self.rules.evaluate(
            payee=draft.payee, memo=draft.memo, amount=draft.amount, account_id=draft.account_id
        )
        if outcome.category is not None:
            return self._made(outcome, None)
        key = self._payee_key(outcome.payee[0] if outcome.payee else draft.payee)
        default = self._defaults.get(key) if key else None
        if default is not None:
            return self._made(outcome, default)
        if self.learning:
            guess = self.model.payee_guess(payee_key=key, amount=draft.amount)
            if guess is None or guess.confidence < self.threshold:
                guess = self.model.word_guess(payee_key=key, memo=draft.memo, amount=draft.amount, better_than=guess)
            floor = self.threshold if threshold is None else threshold
            if guess is not None and guess.confidence >= floor and guess.category_id in self._live:
                return self._made(outcome, guess)
        return self._made(outcome, NOTHING)

    def _made(self, outcome: RuleOutcome, decided: Guess | uuid.UUID | Suggestion | None) -> Suggestion:
        """The suggestion for what the rules decided and what decided the category (``None``: a rule did; a
        category id: the payee's default; a ``Guess``; ``NOTHING``). Built once per distinct pair."""
        key = (outcome, decided)
        found = self._made_memo.get(key)
        if found is not None:
            return found
        payee = outcome.payee[0] if outcome.payee else None
        tags = outcome.tags[0] if outcome.tags else ()
        rule_ids = tuple(r.id for r in outcome.rules)
        if decided is None and outcome.category is not None:
            category_id, rule = outcome.category
            found = Suggestion(category_id, payee, tags, 1.0, f"rule '{rule.name}'", "rule", rule.id, rule_ids)
        elif isinstance(decided, uuid.UUID):
            found = Suggestion(decided, payee, tags, 1.0, "payee default", "payee", None, rule_ids)
        elif isinstance(decided, Guess):
            found = Suggestion(
                decided.category_id, payee, tags, decided.confidence, decided.reason, "learned", None, rule_ids
            )
        elif payee is None and not tags:
            found = NOTHING
        else:
            found = dataclasses.replace(NOTHING, payee=payee, tags=tags, rule_ids=rule_ids)
        if len(self._made_memo) > 100_000:
            self._made_memo.clear()
        self._made_memo[key] = found
        return found

    def _payee_key(self, name: str | None) -> str:
        """The normalised payee a name resolves to (an alias gives its payee), as ``resolve_payee`` would."""
        found = self._keys.get(name)
        if found is None:
            key = payee_key(name or "")
            found = self._aliases.get(key, key)
            if len(self._keys) > 100_000:
                self._keys.clear()
            self._keys[name] = found
        return found


async def live_categories(*, session: AsyncSession, household_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The household's categories that can be given to a transaction (not archived)."""
    return frozenset(
        await session.scalars(
            select(Category.id).where(Category.household_id == household_id, Category.archived_at.is_(None))
        )
    )


async def load_rules(
    *, session: AsyncSession, household_id: uuid.UUID, live_categories: frozenset[uuid.UUID]
) -> RuleSet:
    """The household's enabled rules in priority order, compiled. A rule whose category was archived since keeps
    its other actions."""
    rows = await session.scalars(
        select(Rule).where(Rule.household_id == household_id, Rule.enabled.is_(True)).order_by(Rule.position, Rule.id)
    )
    return RuleSet(
        RuleSpec(
            id=row.id,
            name=row.name,
            match=Match(row.match),
            conditions=tuple(Condition.from_json(c) for c in row.conditions),
            category_id=row.set_category_id if row.set_category_id in live_categories else None,
            payee=row.set_payee,
            tags=tuple(row.add_tags or ()),
        )
        for row in rows
    )


_HISTORY = """
    FROM budget.transactions t
    WHERE t.household_id = :household_id AND t.category_id IS NOT NULL AND t.transfer_id IS NULL AND t.amount <> 0
"""
_LIVE = "JOIN budget.categories c ON c.id = g.category_id AND c.household_id = :household_id AND c.archived_at IS NULL"


def _training_query() -> Any:
    """The household's categorised history as counts, in one statement: by (payee, direction, size class,
    category) over all of it, and by (payee, memo, direction, category) over the latest ``MEMO_HISTORY``, memo
    digits (dates, references) turned into spaces so such lines fall together. Transfers, splits and archived
    categories teach nothing. Grouped on ids first; names are joined to the (few) groups."""
    bucket = BUCKET_SQL.format(amount="t.amount")
    return text(
        f"""
        SELECT p.name_key AS payee_key, NULL AS memo_text, g.inflow, g.bucket, g.category_id, g.n, false AS by_text
        FROM (
            SELECT t.payee_id, t.amount > 0 AS inflow, {bucket} AS bucket, t.category_id, count(*) AS n
            {_HISTORY} AND t.payee_id IS NOT NULL
            GROUP BY 1, 2, 3, 4
        ) g
        {_LIVE}
        JOIN budget.payees p ON p.id = g.payee_id
        UNION ALL
        SELECT p.name_key, g.memo_text, g.inflow, NULL, g.category_id, g.n, true
        FROM (
            SELECT payee_id, regexp_replace(lower(memo), '[0-9]+', ' ', 'g') AS memo_text, inflow, category_id,
                   count(*) AS n
            FROM (
                SELECT t.payee_id, t.memo, t.amount > 0 AS inflow, t.category_id
                {_HISTORY} AND t.memo IS NOT NULL
                ORDER BY t.date DESC, t.id DESC
                LIMIT {MEMO_HISTORY}
            ) latest
            GROUP BY 1, 2, 3, 4
        ) g
        {_LIVE}
        LEFT JOIN budget.payees p ON p.id = g.payee_id
        """  # noqa: S608  (constants only)
    )


async def _fingerprint(*, session: AsyncSession, household_id: uuid.UUID) -> tuple[Any, ...]:
    """What changes when the history a model learned from changes: the categorised transactions' count and the
    newest change to any transaction, and how many categories are live. (A category archived, or a payee merged,
    shows up here or within ``LEARNED_MAX_AGE_SECONDS``; a suggestion never names an archived category anyway.)"""
    row = (
        await session.execute(
            select(func.count(Transaction.category_id), func.max(Transaction.updated_at), func.count()).where(
                Transaction.household_id == household_id
            )
        )
    ).one()
    live = await session.scalar(
        select(func.count()).where(Category.household_id == household_id, Category.archived_at.is_(None))
    )
    return (*row, live)


async def _learned_model(*, session: AsyncSession, household_id: uuid.UUID) -> LearnedModel:
    now = time.monotonic()
    cached = _learned.get(household_id)
    if cached is not None and now - cached.checked_at < LEARNED_FRESH_SECONDS:
        _learned.move_to_end(household_id)
        return cached.model
    fingerprint = await _fingerprint(session=session, household_id=household_id)
    if cached is not None and cached.fingerprint == fingerprint and now - cached.trained_at < LEARNED_MAX_AGE_SECONDS:
        cached.checked_at = now
        _learned.move_to_end(household_id)
        return cached.model
    rows = (await session.execute(_training_query(), {"household_id": household_id})).all()
    model = LearnedModel.train(
        ((r.payee_key, r.inflow, r.bucket, r.category_id, r.n) for r in rows if not r.by_text),
        ((r.payee_key, r.memo_text, r.inflow, r.category_id, r.n) for r in rows if r.by_text),
    )
    _learned[household_id] = _Cached(fingerprint, model, now, now)
    _learned.move_to_end(household_id)
    while len(_learned) > LEARNED_CACHE_SIZE:
        _learned.popitem(last=False)
    return model


async def record_categorisations(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    entries: Sequence[tuple[uuid.UUID, Suggestion]],
    applied_by: str = "create",
) -> None:
    """Keep why each transaction got its category (``Transaction.categorisation``): one statement for all.
    Entries without a category are skipped; a transaction's earlier record is replaced."""
    values = [
        {
            "transaction_id": transaction_id,
            "household_id": household_id,
            "category_id": s.category_id,
            "source": s.source,
            "reason": s.reason[:300],
            "confidence": min(max(s.confidence, 0.0), 1.0),
            "rule_id": s.rule_id,
            "applied_by": applied_by,
        }
        for transaction_id, s in entries
        if s.category_id is not None
    ]
    if not values:
        return
    statement = insert(TransactionCategorisation)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[TransactionCategorisation.transaction_id],
            set_={
                name: statement.excluded[name]
                for name in ("category_id", "source", "reason", "confidence", "rule_id", "applied_by", "created_at")
            },
        ),
        values,
    )


@dataclass(frozen=True, slots=True)
class AppliedCategorisation:
    """What ``apply_on_create`` decided; ``record`` keeps it once the transaction has its id."""

    household_id: uuid.UUID
    suggestion: Suggestion

    async def record(self, *, session: AsyncSession, transaction_id: uuid.UUID) -> None:
        await record_categorisations(
            session=session, household_id=self.household_id, entries=[(transaction_id, self.suggestion)]
        )


async def apply_on_create(
    *, session: AsyncSession, household_id: uuid.UUID, data: NewTransaction
) -> tuple[NewTransaction, AppliedCategorisation | None]:
    """``data`` with the household's rules and confident suggestions applied: a rule's payee rename, its tags
    added to the given ones, and a category only if none (and no split) was given. The reason is added to the
    event fields; the returned ``AppliedCategorisation`` records it after the insert."""
    categoriser = await Categoriser.load(session=session, household_id=household_id)
    suggestion = categoriser.suggest(Draft(data.account_id, data.date, data.amount, data.payee, data.memo))
    if data.category_id is not None or suggestion.category_id is not None:
        forget_learned_models(household_id)  # the history grows by a categorised transaction
    if data.category_id is not None or data.splits:
        suggestion = dataclasses.replace(
            suggestion, category_id=None, confidence=0.0, reason="", source="none", rule_id=None
        )
    if suggestion.category_id is None and suggestion.payee is None and not suggestion.tags:
        return data, None
    changed = dataclasses.replace(
        data,
        category_id=suggestion.category_id if suggestion.category_id is not None else data.category_id,
        payee=suggestion.payee if suggestion.payee is not None else data.payee,
        tags=(*data.tags, *suggestion.tags),
        extra_event_fields={**suggestion.event_fields(), **data.extra_event_fields},
    )
    return changed, AppliedCategorisation(household_id, suggestion)
