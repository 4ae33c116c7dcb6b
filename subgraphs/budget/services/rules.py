"""A household's categorisation rules and settings: create, change, reorder, delete, re-run over a date range,
and accepting a suggestion. Keyword-only async functions; no GraphQL here. Callers own the transaction.

Re-running rules and accepting a suggestion change only a transaction's category, payee and tags: nothing that
moves a balance, so reconciled transactions are included. Transfers are left alone, and a split transaction keeps
its parts (only its payee and tags can change). Every changed transaction gets a ``TransactionUpdated`` event
with the before and after of the fields that changed.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from fincloud.constants import OUTBOX_NOTIFY_CHANNEL, TOPIC_TRANSACTION_UPDATED
from fincloud.db import new_id, utcnow
from fincloud.events import dumps
from fincloud.money import Money
from subgraphs.budget.categorisation.models import (
    DEFAULT_AUTO_APPLY_THRESHOLD,
    CategorisationSettings,
    Rule,
)
from subgraphs.budget.categorisation.rules import Condition, Match, Problem, RuleField, check_conditions
from subgraphs.budget.models import Account, Category, Payee, Transaction, outbox
from subgraphs.budget.services.categorise import (
    OFFER_THRESHOLD,
    Categoriser,
    Draft,
    Suggestion,
    forget_learned_models,
    live_categories,
    load_rules,
    record_categorisations,
)
from subgraphs.budget.services.ledger import LedgerError, normalize_tags
from subgraphs.budget.services.payees import resolve_payee

__all__ = [
    "MAX_RULES",
    "PREVIEW_LIMIT",
    "RuleChange",
    "RuleData",
    "RuleInputError",
    "RuleNotFoundError",
    "RulesApplied",
    "SuggestionError",
    "TransactionNotFoundError",
    "accept_suggestion",
    "apply_rules",
    "check_rule",
    "create_rule",
    "delete_rule",
    "find_rule",
    "reorder_rules",
    "rule_data",
    "set_categorisation_settings",
    "suggestion_for",
    "update_rule",
]

MAX_RULES = 500
"""Rules one household may have."""
PREVIEW_LIMIT = 100
"""Changes listed in a ``rulesApply`` answer (all are counted)."""
_BATCH = 2_000


class RuleInputError(ValueError):
    """The rule cannot be stored; ``problems`` says why, field by field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


class RuleNotFoundError(LookupError):
    """No such rule in the caller's households (another household's rule looks the same)."""


class TransactionNotFoundError(LookupError):
    """No such transaction in the caller's households."""


class SuggestionError(ValueError):
    """There is nothing to accept, or not what the caller saw; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str = "transactionId") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class RuleData:
    """Everything a rule says, as stored."""

    name: str
    conditions: tuple[Condition, ...]
    match: Match = Match.ALL
    enabled: bool = True
    category_id: uuid.UUID | None = None
    payee: str | None = None
    tags: tuple[str, ...] = ()


def rule_data(row: Rule) -> RuleData:
    return RuleData(
        name=row.name,
        conditions=tuple(Condition.from_json(c) for c in row.conditions),
        match=Match(row.match),
        enabled=row.enabled,
        category_id=row.set_category_id,
        payee=row.set_payee,
        tags=tuple(row.add_tags or ()),
    )


async def check_rule(*, session: AsyncSession, household_id: uuid.UUID, data: RuleData) -> RuleData:
    """``data`` cleaned (name and payee trimmed, tags normalised) if it can be stored; ``RuleInputError`` with
    every problem otherwise. A category must be a live category of the household, accounts its accounts."""
    problems: list[Problem] = []
    name = " ".join(data.name.split())
    if not 0 < len(name) <= 100:
        problems.append(Problem("name", "enter a name of 1 to 100 characters"))
    problems += check_conditions(data.conditions)
    payee = " ".join((data.payee or "").split()) or None
    if payee is not None and len(payee) > 300:
        problems.append(Problem("setPayee", "use at most 300 characters"))
    tags: tuple[str, ...] = ()
    try:
        tags = tuple(normalize_tags(data.tags))
    except LedgerError as exc:
        problems.append(Problem("addTags", str(exc)))
    if data.category_id is None and payee is None and not tags and not any(p.field == "addTags" for p in problems):
        problems.append(Problem("setCategoryId", "a rule needs an action: a category, a payee or tags to add"))
    wanted = {a for c in data.conditions if c.field is RuleField.ACCOUNT for a in c.account_ids}
    if wanted:
        found_accounts = set(
            await session.scalars(
                select(Account.id).where(Account.id.in_(wanted), Account.household_id == household_id)
            )
        )
        for index, condition in enumerate(data.conditions):
            if set(condition.account_ids) - found_accounts:
                problems.append(Problem(f"conditions[{index}].accountIds", "no such account", missing=True))
    if data.category_id is not None:
        found = await session.scalar(
            select(Category.id).where(
                Category.id == data.category_id, Category.household_id == household_id, Category.archived_at.is_(None)
            )
        )
        if found is None:
            problems.append(Problem("setCategoryId", "no such category", missing=True))
    if problems:
        raise RuleInputError(problems)
    return RuleData(
        name=name,
        conditions=tuple(data.conditions),
        match=data.match,
        enabled=data.enabled,
        category_id=data.category_id,
        payee=payee,
        tags=tags,
    )


def _store(row: Rule, data: RuleData) -> None:
    row.name = data.name
    row.conditions = [c.to_json() for c in data.conditions]
    row.match = data.match.value
    row.enabled = data.enabled
    row.set_category_id = data.category_id
    row.set_payee = data.payee
    row.add_tags = list(data.tags)


async def create_rule(
    *, session: AsyncSession, household_id: uuid.UUID, data: RuleData, created_by: uuid.UUID | None = None
) -> Rule:
    """Add a rule after the household's others (lowest priority). Rules of one household are added one at a time
    (a lock on the household's settings row), so two never share a position."""
    data = await check_rule(session=session, household_id=household_id, data=data)
    await _lock_household(session=session, household_id=household_id)
    count, last = (
        await session.execute(select(func.count(), func.max(Rule.position)).where(Rule.household_id == household_id))
    ).one()
    if count >= MAX_RULES:
        raise RuleInputError([Problem("householdId", f"a household has at most {MAX_RULES} rules")])
    row = Rule(household_id=household_id, position=(last + 1) if last is not None else 0, created_by=created_by)
    _store(row, data)
    session.add(row)
    await session.flush()
    return row


async def find_rule(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], rule_id: uuid.UUID, lock: bool = False
) -> Rule:
    """The rule if it belongs to one of ``household_ids``; ``RuleNotFoundError`` otherwise."""
    query = select(Rule).where(Rule.id == rule_id, Rule.household_id.in_(household_ids))
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise RuleNotFoundError(rule_id)
    return row


async def update_rule(*, session: AsyncSession, rule: Rule, data: RuleData) -> Rule:
    """Replace what ``rule`` says (its position stays)."""
    data = await check_rule(session=session, household_id=rule.household_id, data=data)
    _store(rule, data)
    await session.flush()
    return rule


async def delete_rule(*, session: AsyncSession, household_ids: Sequence[uuid.UUID], rule_id: uuid.UUID) -> Rule:
    """Delete the rule; transactions it categorised keep their category (their record loses the rule's id)."""
    row = await find_rule(session=session, household_ids=household_ids, rule_id=rule_id, lock=True)
    await session.delete(row)
    await session.flush()
    return row


async def reorder_rules(*, session: AsyncSession, household_id: uuid.UUID, rule_ids: Sequence[uuid.UUID]) -> list[Rule]:
    """Give the household's rules the priority order ``rule_ids`` (highest first), which must name each of its
    rules exactly once; ``RuleInputError`` otherwise."""
    await _lock_household(session=session, household_id=household_id)
    rows = {row.id: row for row in await session.scalars(select(Rule).where(Rule.household_id == household_id))}
    if len(set(rule_ids)) != len(rule_ids):
        raise RuleInputError([Problem("ruleIds", "a rule is listed twice")])
    if set(rule_ids) != set(rows):
        raise RuleInputError([Problem("ruleIds", "list every rule of the household exactly once")])
    for position, rule_id in enumerate(rule_ids):
        rows[rule_id].position = position
    await session.flush()
    return [rows[rule_id] for rule_id in rule_ids]


async def _lock_household(*, session: AsyncSession, household_id: uuid.UUID) -> None:
    """Serialise changes to one household's rule order (a transaction-scoped advisory lock)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"budget.rules:{household_id}"}
    )


async def set_categorisation_settings(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    auto_apply_threshold: float | None = None,
    learning_enabled: bool | None = None,
) -> CategorisationSettings:
    """Change the household's settings (``None``: keep as is); ``RuleInputError`` for a threshold outside [0, 1]."""
    if auto_apply_threshold is not None and not 0.0 <= auto_apply_threshold <= 1.0:
        raise RuleInputError([Problem("autoApplyThreshold", "give a confidence between 0 and 1")])
    row = await session.get(CategorisationSettings, household_id, with_for_update=True)
    if row is None:
        row = CategorisationSettings(
            household_id=household_id, auto_apply_threshold=DEFAULT_AUTO_APPLY_THRESHOLD, learning_enabled=True
        )
        session.add(row)
    if auto_apply_threshold is not None:
        row.auto_apply_threshold = auto_apply_threshold
    if learning_enabled is not None:
        row.learning_enabled = learning_enabled
    await session.flush()
    return row


# ---------------------------------------------------------------------------------------------------------------
# Changing transactions: re-running rules, accepting a suggestion.


@dataclass(frozen=True, slots=True)
class RuleChange:
    """One transaction's change: the before and after of each field that changes (``category_id``,
    ``payee``/``payee_id``, ``tags``), and the rules that decided it."""

    transaction_id: uuid.UUID
    date: datetime.date
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    rule_ids: tuple[uuid.UUID, ...]


@dataclass(slots=True)
class RulesApplied:
    examined: int = 0
    """Transactions in the range that rules could change."""
    changed: int = 0
    """Transactions changed (or, on a dry run, that would change)."""
    dry_run: bool = True
    preview: list[RuleChange] = field(default_factory=list)
    """The first ``PREVIEW_LIMIT`` changes, by date."""


_COLUMNS = (
    Transaction.id,
    Transaction.account_id,
    Transaction.date,
    Transaction.amount,
    Transaction.currency,
    Transaction.payee,
    Transaction.payee_id,
    Transaction.memo,
    Transaction.tags,
    Transaction.category_id,
    Transaction.is_split,
    Transaction.status,
    Transaction.transfer_id,
)


class _Payees:
    """Payee names resolved to the household's payees, once per name."""

    def __init__(self, session: AsyncSession, household_id: uuid.UUID) -> None:
        self._session = session
        self._household_id = household_id
        self._known: dict[str, Payee | None] = {}

    async def get(self, name: str) -> Payee | None:
        if name not in self._known:
            self._known[name] = await resolve_payee(session=self._session, household_id=self._household_id, name=name)
        return self._known[name]


async def _change(
    row: Any, suggestion: Suggestion, *, reason: str, payees: _Payees | None, only_uncategorised: bool = False
) -> RuleChange | None:
    """What ``suggestion`` changes on the transaction ``row``; ``None`` if nothing. With ``payees`` ``None``
    (a dry run) a renamed payee is compared by name, and no payee is created."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    category = suggestion.category_id
    if (
        category is not None
        and category != row.category_id
        and not row.is_split
        and not (only_uncategorised and row.category_id is not None)
    ):
        before["category_id"], after["category_id"] = row.category_id, category
    if suggestion.payee is not None:
        if payees is None:
            if suggestion.payee != row.payee:
                before["payee"], after["payee"] = row.payee, suggestion.payee
        else:
            payee = await payees.get(suggestion.payee)
            if payee is not None and payee.id != row.payee_id:
                before["payee"], after["payee"] = row.payee, payee.name
                before["payee_id"], after["payee_id"] = row.payee_id, payee.id
    if suggestion.tags:
        current = list(row.tags or [])
        try:
            merged = normalize_tags([*current, *suggestion.tags])
        except LedgerError:
            merged = current  # already at the tag limit: leave the tags as they are
        if merged != current:
            before["tags"], after["tags"] = current, merged
    if not after:
        return None
    return RuleChange(row.id, row.date, before, after, reason, suggestion.rule_ids)


def _event(row: Any, account_names: dict[uuid.UUID, str], change: RuleChange, cause: str) -> dict[str, Any]:
    """The ``TransactionUpdated`` payload: the transaction as it is now (the keys of ``TransactionCreated``),
    with ``before`` and ``after`` of the changed fields and why."""
    after = change.after
    return {
        "transaction_id": row.id,
        "account_id": row.account_id,
        "account_name": account_names.get(row.account_id),
        "date": row.date,
        "amount": Money(row.amount, row.currency).display_amount(),
        "currency": row.currency,
        "payee": after.get("payee", row.payee),
        "payee_id": after.get("payee_id", row.payee_id),
        "category_id": after.get("category_id", row.category_id),
        "is_split": row.is_split,
        "tags": after.get("tags", list(row.tags or [])),
        "status": row.status,
        "transfer_id": row.transfer_id,
        "before": change.before,
        "after": change.after,
        "cause": cause,
        "reason": change.reason,
        "rule_ids": list(change.rule_ids),
    }


async def _write(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    changes: Sequence[tuple[Any, RuleChange, Suggestion]],
    cause: str,
) -> None:
    """Store a batch of changes, their events (one insert) and the categorisation records."""
    if not changes:
        return
    forget_learned_models(household_id)
    await session.execute(
        update(Transaction),
        [
            {
                "id": row.id,
                "category_id": change.after.get("category_id", row.category_id),
                "payee": change.after.get("payee", row.payee),
                "payee_id": change.after.get("payee_id", row.payee_id),
                "tags": change.after.get("tags", list(row.tags or [])),
            }
            for row, change, _ in changes
        ],
    )
    account_names = dict(
        (
            await session.execute(
                select(Account.id, Account.name).where(Account.id.in_({row.account_id for row, _, _ in changes}))
            )
        ).all()
    )
    now = utcnow()
    await session.execute(
        outbox.insert(),
        [
            {
                "id": new_id(),
                "topic": TOPIC_TRANSACTION_UPDATED,
                "household_id": household_id,
                "payload": json.loads(dumps(_event(row, account_names, change, cause))),
                "occurred_at": now,
            }
            for row, change, _ in changes
        ],
    )
    # Wakes the outbox relay when this transaction commits, as ``write_event`` does for one event.
    await session.execute(
        text("SELECT pg_notify(:channel, :schema)"), {"channel": OUTBOX_NOTIFY_CHANNEL, "schema": outbox.schema}
    )
    await record_categorisations(
        session=session,
        household_id=household_id,
        entries=[(row.id, suggestion) for row, change, suggestion in changes if "category_id" in change.after],
        applied_by="rerun" if cause == "rules_apply" else "accept",
    )


async def apply_rules(
    *,
    session: AsyncSession,
    household_id: uuid.UUID,
    since: datetime.date,
    until: datetime.date,
    only_uncategorised: bool,
    dry_run: bool,
) -> RulesApplied:
    """Run the household's enabled rules over its transactions dated ``since`` to ``until`` (inclusive).

    With ``only_uncategorised`` a rule's category is given only to transactions without one; otherwise it
    replaces the category. Payee renames and tags apply either way. A dry run changes nothing and writes no event;
    otherwise the changed transactions are locked, updated and announced in batches, in the caller's
    transaction. ``RuleInputError`` if ``since`` is after ``until``."""
    if since > until:
        raise RuleInputError([Problem("to", "the range ends before it starts")])
    live = await live_categories(session=session, household_id=household_id)
    rules = await load_rules(session=session, household_id=household_id, live_categories=live)
    result = RulesApplied(dry_run=dry_run)
    if not len(rules):
        return result
    query = select(*_COLUMNS).where(
        Transaction.household_id == household_id,
        Transaction.date >= since,
        Transaction.date <= until,
        Transaction.transfer_id.is_(None),
    )
    if not dry_run:
        query = query.with_for_update()
    query = query.order_by(Transaction.date, Transaction.id).limit(_BATCH)
    payees = None if dry_run else _Payees(session, household_id)
    pending: list[tuple[Any, RuleChange, Suggestion]] = []
    async for row in _batched(session, query):
        result.examined += 1
        outcome = rules.evaluate(payee=row.payee, memo=row.memo, amount=row.amount, account_id=row.account_id)
        if not outcome.rules:
            continue
        suggestion = Suggestion(
            category_id=outcome.category[0] if outcome.category else None,
            payee=outcome.payee[0] if outcome.payee else None,
            tags=outcome.tags[0] if outcome.tags else (),
            confidence=1.0,
            reason=f"rule '{outcome.category[1].name}'" if outcome.category else "",
            source="rule",
            rule_id=outcome.category[1].id if outcome.category else None,
            rule_ids=tuple(r.id for r in outcome.rules),
        )
        change = await _change(
            row,
            suggestion,
            reason=", ".join(f"rule '{r.name}'" for r in outcome.rules),
            payees=payees,
            only_uncategorised=only_uncategorised,
        )
        if change is None:
            continue
        result.changed += 1
        if len(result.preview) < PREVIEW_LIMIT:
            result.preview.append(change)
        if not dry_run:
            pending.append((row, change, suggestion))
            if len(pending) >= _BATCH:
                await _write(session=session, household_id=household_id, changes=pending, cause="rules_apply")
                pending = []
    if not dry_run:
        await _write(session=session, household_id=household_id, changes=pending, cause="rules_apply")
    return result


async def _batched(session: AsyncSession, query: Any) -> AsyncIterator[Any]:
    """The rows of ``query`` (ordered by date and id, limited to a batch) batch after batch, by keyset."""
    last: tuple[Any, Any] | None = None
    while True:
        page = query if last is None else query.where(tuple_(Transaction.date, Transaction.id) > tuple_(*last))
        rows = (await session.execute(page)).all()
        for row in rows:
            yield row
        if len(rows) < _BATCH:
            return
        last = (rows[-1].date, rows[-1].id)


async def _transaction(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], transaction_id: uuid.UUID, lock: bool
) -> Any:
    query = select(*_COLUMNS, Transaction.household_id).where(
        Transaction.id == transaction_id, Transaction.household_id.in_(household_ids)
    )
    row = (await session.execute(query.with_for_update() if lock else query)).one_or_none()
    if row is None:
        raise TransactionNotFoundError(transaction_id)
    return row


def suggestion_for(categoriser: Categoriser, row: Any) -> Suggestion | None:
    """What to offer for a recorded transaction: a category for one without (not a transfer, not split) at
    ``OFFER_THRESHOLD`` or more; ``None`` when there is nothing to offer."""
    if row.category_id is not None or row.is_split or row.transfer_id is not None:
        return None
    suggestion = categoriser.suggest(
        Draft(row.account_id, row.date, row.amount, row.payee, row.memo), threshold=OFFER_THRESHOLD
    )
    return suggestion if suggestion.category_id is not None else None


async def accept_suggestion(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    transaction_id: uuid.UUID,
    expected_category_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, Suggestion]:
    """Give the transaction its suggested category (with a rule's payee rename and tags), record why, and
    announce it. ``expected_category_id``, when given, must be the category the suggestion names now (the one the
    user saw), else ``SuggestionError`` and nothing changes. Returns the transaction's id and the suggestion."""
    row = await _transaction(session=session, household_ids=household_ids, transaction_id=transaction_id, lock=True)
    categoriser = await Categoriser.load(session=session, household_id=row.household_id)
    suggestion = suggestion_for(categoriser, row)
    if suggestion is None:
        raise SuggestionError("there is no suggestion for this transaction")
    if expected_category_id is not None and expected_category_id != suggestion.category_id:
        raise SuggestionError("the suggestion has changed; look at it again", field="categoryId")
    change = await _change(row, suggestion, reason=suggestion.reason, payees=_Payees(session, row.household_id))
    if change is not None:
        await _write(
            session=session, household_id=row.household_id, changes=[(row, change, suggestion)], cause="accept"
        )
    return row.id, suggestion
