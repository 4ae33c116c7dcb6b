"""Recurring schedules: create, change, delete, skip, list what is coming, and post what is due.

Keyword-only async functions; no GraphQL here. Callers own the transaction, except ``materialize_due``, which
opens one short transaction per schedule so that one schedule's trouble never holds back another's.

"Today" is the caller's (the daily job uses the UTC date). An occurrence is handled once: the daily job, a
"skip", and a second worker racing the first all insert into ``recurring_occurrences`` (unique per schedule and
date) before doing anything else, and only the inserter goes on to post or remind, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fincloud.constants import TOPIC_RECURRING_DUE
from fincloud.events import write_event
from fincloud.money import Money, MoneyError
from subgraphs.budget.models import Account, Category, outbox
from subgraphs.budget.recurring.models import RecurringAmountChange, RecurringOccurrence, RecurringSchedule
from subgraphs.budget.recurring.rules import Preset, RuleError, Schedule, preset_rule, validate_schedule
from subgraphs.budget.services.ledger import (
    LedgerError,
    NewTransaction,
    TransactionStatus,
    create_transaction,
    normalize_tags,
)

__all__ = [
    "KEEP",
    "MAX_PER_RUN",
    "MAX_UPCOMING_DAYS",
    "AmountChange",
    "Keep",
    "MaterializeReport",
    "RecurringError",
    "RecurringNotFoundError",
    "RecurringPatch",
    "Upcoming",
    "amount_on",
    "create_schedule",
    "delete_schedule",
    "materialize_due",
    "next_dates",
    "schedule_of",
    "skip_next",
    "unskip",
    "upcoming",
    "update_schedule",
]

logger = logging.getLogger(__name__)

MAX_PER_RUN = 500
"""Occurrences one schedule may post in one run; the rest follow in the next run (a start far in the past)."""
MAX_UPCOMING_DAYS = 366
MAX_CHANGES = 50
MODES = ("post", "remind")

T = TypeVar("T")


class Keep(Enum):
    """ "Leave this field as it is" in a ``RecurringPatch``."""

    KEEP = "keep"


KEEP = Keep.KEEP


class RecurringError(ValueError):
    """Input the caller must change; ``field`` names the input field (GraphQL spelling)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class RecurringNotFoundError(RecurringError, LookupError):
    """The schedule, account or category is not in the caller's households (or does not exist: the same)."""


@dataclass(frozen=True, slots=True)
class AmountChange:
    """From ``effective`` on, occurrences have ``amount``."""

    effective: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class RecurringPatch:
    """A schedule's fields, each one a new value or ``KEEP``. For a new schedule ``account_id``, ``amount`` and
    ``start`` are required, ``rule`` or ``preset`` (exactly one) too."""

    account_id: uuid.UUID | Keep = KEEP
    name: str | Keep | None = KEEP
    payee: str | Keep | None = KEEP
    category_id: uuid.UUID | Keep | None = KEEP
    tags: Sequence[str] | Keep = KEEP
    memo: str | Keep | None = KEEP
    amount: Decimal | Keep = KEEP
    amount_changes: Sequence[AmountChange] | Keep = KEEP
    amount_is_estimate: bool | Keep = KEEP
    mode: str | Keep = KEEP
    rule: str | Keep | None = KEEP
    preset: Preset | Keep | None = KEEP
    start: dt.date | Keep = KEEP
    end: dt.date | Keep | None = KEEP
    count: int | Keep | None = KEEP


def _pick(value: T | Keep, current: T) -> T:
    return current if isinstance(value, Keep) else value


def amount_on(amount: Decimal, changes: Sequence[AmountChange], day: dt.date) -> Decimal:
    """The amount of the occurrence on ``day``: the latest change effective on or before it, else ``amount``."""
    found = amount
    for change in sorted(changes, key=lambda c: c.effective):
        if change.effective <= day:
            found = change.amount
    return found


def schedule_of(row: RecurringSchedule) -> Schedule:
    return Schedule(rule=row.rule, start=row.start_date, end=row.end_date, count=row.count)


def _text(value: str | None, *, limit: int, field: str) -> str | None:
    cleaned = " ".join(value.split()) if value is not None else None
    if cleaned is not None and len(cleaned) > limit:
        raise RecurringError(f"use at most {limit} characters", field=field)
    return cleaned or None


def _exact(amount: Decimal, currency: str, field: str) -> Decimal:
    try:
        return Money.exact(amount, currency).amount
    except MoneyError as exc:
        raise RecurringError(str(exc), field=field) from None


async def _writable_account(
    session: AsyncSession, household_ids: Sequence[uuid.UUID], account_id: uuid.UUID
) -> Account:
    account = await session.scalar(
        select(Account).where(Account.id == account_id, Account.household_id.in_(household_ids))
    )
    if account is None:
        raise RecurringNotFoundError("no such account", field="accountId")
    if account.archived_at is not None:
        raise RecurringError("the account is archived", field="accountId")
    return account


async def _check_category(session: AsyncSession, household_id: uuid.UUID, category_id: uuid.UUID | None) -> None:
    if category_id is None:
        return
    found = await session.scalar(
        select(Category.id).where(
            Category.id == category_id, Category.household_id == household_id, Category.archived_at.is_(None)
        )
    )
    if found is None:
        raise RecurringNotFoundError("no such category", field="categoryId")


async def _apply(
    session: AsyncSession, row: RecurringSchedule, patch: RecurringPatch, household_ids: Sequence[uuid.UUID]
) -> list[AmountChange] | None:
    """Validate the patched schedule as a whole and write it onto ``row`` (not yet flushed). Returns the new
    amount changes when they are replaced, else ``None``. Raises ``RecurringError`` before changing anything."""
    if not isinstance(patch.account_id, Keep) and patch.account_id != row.account_id:
        account = await _writable_account(session, household_ids, patch.account_id)
        if row.household_id is not None and account.household_id != row.household_id:
            raise RecurringNotFoundError("no such account", field="accountId")
        household_id, currency = account.household_id, account.currency
    else:
        household_id, currency = row.household_id, row.currency
    category_id = _pick(patch.category_id, row.category_id)
    await _check_category(session, household_id, category_id)

    mode = _pick(patch.mode, row.mode)
    if mode not in MODES:
        raise RecurringError("the mode is post or remind", field="mode")
    estimate = _pick(patch.amount_is_estimate, row.amount_is_estimate)
    if estimate and mode == "post":
        raise RecurringError(
            "an estimated amount can only be reminded of, not posted: choose remind, or give the exact amount",
            field="amountIsEstimate",
        )
    amount = _exact(_pick(patch.amount, row.amount), currency, "amount")
    changes: list[AmountChange] | None = None
    if not isinstance(patch.amount_changes, Keep):
        if len(patch.amount_changes) > MAX_CHANGES:
            raise RecurringError(f"give at most {MAX_CHANGES} amount changes", field="amountChanges")
        seen: set[dt.date] = set()
        changes = []
        for change in patch.amount_changes:
            if change.effective in seen:
                raise RecurringError(f"two amounts from {change.effective}", field="amountChanges")
            seen.add(change.effective)
            changes.append(AmountChange(change.effective, _exact(change.amount, currency, "amountChanges")))
    elif row.id is not None and not isinstance(patch.account_id, Keep):
        # A new account may have another currency: the dated amounts must still fit it.
        for stored in await _changes_of(session, [row.id]):
            _exact(stored.amount, currency, "amountChanges")

    start = _pick(patch.start, row.start_date)
    new_rule = None if isinstance(patch.rule, Keep) else patch.rule
    new_preset = None if isinstance(patch.preset, Keep) else patch.preset
    preset: Preset | None
    if new_rule is not None and new_preset is not None:
        raise RecurringError("give a preset or a rule, not both", field="rule")
    if new_preset is not None:
        preset, rule_text = new_preset, preset_rule(new_preset, start)
    elif new_rule is not None:
        preset, rule_text = None, new_rule
    elif isinstance(patch.preset, Keep) and row.preset is not None:
        # A preset follows the start date (its weekday, its day of the month).
        preset = Preset(row.preset)
        rule_text = preset_rule(preset, start)
    elif isinstance(patch.rule, Keep) and row.rule:
        preset, rule_text = None, row.rule
    else:
        raise RecurringError("choose a preset or write a rule", field="rule")
    try:
        schedule = validate_schedule(
            rule=rule_text, start=start, end=_pick(patch.end, row.end_date), count=_pick(patch.count, row.count)
        )
    except RuleError as exc:
        raise RecurringError(str(exc), field=exc.field) from None
    try:
        tags = normalize_tags(_pick(patch.tags, row.tags or []))
    except LedgerError as exc:
        raise RecurringError(str(exc), field="tags") from None
    payee = _text(_pick(patch.payee, row.payee), limit=300, field="payee")
    name = _text(_pick(patch.name, row.name), limit=200, field="name") or payee or "Recurring transaction"
    memo = _pick(patch.memo, row.memo)
    if memo is not None and len(memo) > 5000:
        raise RecurringError("use at most 5000 characters", field="memo")

    row.household_id = household_id
    row.account_id = _pick(patch.account_id, row.account_id)
    row.currency = currency
    row.name, row.payee, row.category_id, row.tags, row.memo = name, payee, category_id, tags, memo
    row.amount, row.amount_is_estimate, row.mode = amount, estimate, mode
    row.rule, row.preset = schedule.rule, preset.value if preset is not None else None
    row.start_date, row.end_date, row.count = schedule.start, schedule.end, schedule.count
    row.last_date = schedule.last()
    return changes


async def _replace_changes(session: AsyncSession, row: RecurringSchedule, changes: Sequence[AmountChange]) -> None:
    await session.execute(delete(RecurringAmountChange).where(RecurringAmountChange.schedule_id == row.id))
    for change in changes:
        session.add(
            RecurringAmountChange(
                household_id=row.household_id, schedule_id=row.id, effective_date=change.effective, amount=change.amount
            )
        )
    await session.flush()


async def create_schedule(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], data: RecurringPatch, user_id: uuid.UUID | None
) -> RecurringSchedule:
    """A new schedule on an account of ``household_ids`` (the households the caller may write to)."""
    if isinstance(data.account_id, Keep):
        raise RecurringError("choose an account", field="accountId")
    if isinstance(data.amount, Keep):
        raise RecurringError("give the amount", field="amount")
    if isinstance(data.start, Keep):
        raise RecurringError("give the start date", field="startDate")
    if isinstance(data.rule, Keep) and isinstance(data.preset, Keep):
        raise RecurringError("choose a preset or write a rule", field="rule")
    account = await _writable_account(session, household_ids, data.account_id)
    row = RecurringSchedule(
        household_id=account.household_id,
        account_id=account.id,
        currency=account.currency,
        name="",
        payee=None,
        category_id=None,
        tags=[],
        memo=None,
        amount=Decimal(0),
        amount_is_estimate=False,
        mode="post",
        rule="",
        preset=None,
        start_date=data.start,
        end_date=None,
        count=None,
        created_by=user_id,
    )
    changes = await _apply(session, row, data, household_ids)
    session.add(row)
    await session.flush()
    if changes:
        await _replace_changes(session, row, changes)
    return row


async def _owned(
    session: AsyncSession, household_ids: Sequence[uuid.UUID], schedule_id: uuid.UUID, *, lock: bool = False
) -> RecurringSchedule:
    query = select(RecurringSchedule).where(
        RecurringSchedule.id == schedule_id, RecurringSchedule.household_id.in_(household_ids)
    )
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise RecurringNotFoundError("no such recurring transaction", field="id")
    return row


async def update_schedule(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], schedule_id: uuid.UUID, patch: RecurringPatch
) -> RecurringSchedule:
    """Change a schedule. Dates the daily job has already handled stay as they were (a change is not applied
    backwards); the next run follows the new rule and amounts from then on."""
    row = await _owned(session, household_ids, schedule_id, lock=True)
    changes = await _apply(session, row, patch, household_ids)
    await session.flush()
    if changes is not None:
        await _replace_changes(session, row, changes)
    return row


async def delete_schedule(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], schedule_id: uuid.UUID
) -> uuid.UUID:
    """Delete a schedule and its occurrences; the transactions it posted stay in the ledger."""
    deleted = await session.scalar(
        delete(RecurringSchedule)
        .where(RecurringSchedule.id == schedule_id, RecurringSchedule.household_id.in_(household_ids))
        .returning(RecurringSchedule.id)
    )
    if deleted is None:
        raise RecurringNotFoundError("no such recurring transaction", field="id")
    return deleted


async def _changes_of(session: AsyncSession, schedule_ids: Sequence[uuid.UUID]) -> list[RecurringAmountChange]:
    if not schedule_ids:
        return []
    rows = await session.scalars(
        select(RecurringAmountChange)
        .where(RecurringAmountChange.schedule_id.in_(schedule_ids))
        .order_by(RecurringAmountChange.effective_date)
    )
    return list(rows)


def _as_changes(rows: Sequence[RecurringAmountChange]) -> list[AmountChange]:
    return [AmountChange(row.effective_date, row.amount) for row in rows]


# ---------------------------------------------------------------------------------------------------------------
# What is coming, and skipping it.


def next_dates(
    row: RecurringSchedule, handled: dict[dt.date, str], *, today: dt.date, days: int, limit: int | None = None
) -> list[tuple[dt.date, bool]]:
    """The schedule's dates from ``today`` to ``today + days`` that are still to come, each with whether it is
    skipped. ``handled``: the schedule's occurrence rows from today on, date → status. A date the daily job has
    passed without an occurrence (the schedule was changed after it) is not to come."""
    found = []
    after = today - dt.timedelta(days=1)
    for day in schedule_of(row).between(after, today + dt.timedelta(days=days)):
        status = handled.get(day)
        if status is not None and status != "skipped":
            continue
        if status is None and row.processed_through is not None and day <= row.processed_through:
            continue
        found.append((day, status == "skipped"))
        if limit is not None and len(found) >= limit:
            break
    return found


async def _handled(
    session: AsyncSession, schedule_ids: Sequence[uuid.UUID], today: dt.date
) -> dict[uuid.UUID, dict[dt.date, str]]:
    by_schedule: dict[uuid.UUID, dict[dt.date, str]] = defaultdict(dict)
    if schedule_ids:
        rows = await session.execute(
            select(RecurringOccurrence.schedule_id, RecurringOccurrence.date, RecurringOccurrence.status).where(
                RecurringOccurrence.schedule_id.in_(schedule_ids), RecurringOccurrence.date >= today
            )
        )
        for schedule_id, day, status in rows.all():
            by_schedule[schedule_id][day] = status
    return by_schedule


@dataclass(frozen=True, slots=True)
class Upcoming:
    schedule: RecurringSchedule
    date: dt.date
    amount: Decimal
    skipped: bool


async def upcoming(*, session: AsyncSession, household_id: uuid.UUID, days: int, today: dt.date) -> list[Upcoming]:
    """Every occurrence of the household's schedules from today to ``today + days`` (at most
    ``MAX_UPCOMING_DAYS``) that is still to come, skipped ones included and marked, by date (then schedule id).
    Three queries."""
    if not 0 <= days <= MAX_UPCOMING_DAYS:
        raise RecurringError(f"look 0 to {MAX_UPCOMING_DAYS} days ahead", field="days")
    schedules = list(
        await session.scalars(
            select(RecurringSchedule).where(
                RecurringSchedule.household_id == household_id,
                RecurringSchedule.start_date <= today + dt.timedelta(days=days),
                or_(RecurringSchedule.last_date.is_(None), RecurringSchedule.last_date >= today),
            )
        )
    )
    ids = [row.id for row in schedules]
    handled = await _handled(session, ids, today)
    changes: dict[uuid.UUID, list[AmountChange]] = defaultdict(list)
    for change in await _changes_of(session, ids):
        changes[change.schedule_id].append(AmountChange(change.effective_date, change.amount))
    found = [
        Upcoming(row, day, amount_on(row.amount, changes[row.id], day), skipped)
        for row in schedules
        for day, skipped in next_dates(row, handled[row.id], today=today, days=days)
    ]
    return sorted(found, key=lambda item: (item.date, str(item.schedule.id)))


async def skip_next(
    *, session: AsyncSession, household_ids: Sequence[uuid.UUID], schedule_id: uuid.UUID, today: dt.date
) -> dt.date:
    """Skip the schedule's next occurrence still to come (today's if the daily job has not handled it yet);
    returns its date. Raises ``RecurringError`` when nothing is left within a year."""
    row = await _owned(session, household_ids, schedule_id, lock=True)
    handled = (await _handled(session, [row.id], today))[row.id]
    coming = [day for day, skipped in next_dates(row, handled, today=today, days=MAX_UPCOMING_DAYS) if not skipped]
    if not coming:
        raise RecurringError("nothing is left to skip in the coming year", field="id")
    day = coming[0]
    await session.execute(
        insert(RecurringOccurrence)
        .values(id=uuid.uuid4(), household_id=row.household_id, schedule_id=row.id, date=day, status="skipped")
        .on_conflict_do_nothing(index_elements=[RecurringOccurrence.schedule_id, RecurringOccurrence.date])
    )
    return day


async def unskip(
    *,
    session: AsyncSession,
    household_ids: Sequence[uuid.UUID],
    schedule_id: uuid.UUID,
    day: dt.date | None,
    today: dt.date,
) -> dt.date:
    """Undo a skip of a date still to come (``day``, or the earliest skipped one); returns the date. The daily
    job handles it again, even when it is today and the job already ran."""
    row = await _owned(session, household_ids, schedule_id, lock=True)
    skipped = sorted(
        day_ for day_, status in (await _handled(session, [row.id], today))[row.id].items() if status == "skipped"
    )
    if day is None:
        if not skipped:
            raise RecurringError("no occurrence still to come is skipped", field="id")
        day = skipped[0]
    elif day not in skipped:
        raise RecurringError("that date is not a skipped occurrence still to come", field="date")
    await session.execute(
        delete(RecurringOccurrence).where(
            RecurringOccurrence.schedule_id == row.id,
            RecurringOccurrence.date == day,
            RecurringOccurrence.status == "skipped",
        )
    )
    if row.processed_through is not None and day <= row.processed_through:
        row.processed_through = day - dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------------------------------------------------------
# The daily job.


@dataclass
class MaterializeReport:
    schedules: int = 0
    posted: int = 0
    reminded: int = 0
    failed: int = 0
    transactions: list[uuid.UUID] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"schedules": self.schedules, "posted": self.posted, "reminded": self.reminded, "failed": self.failed}


def _due_filter(today: dt.date) -> list[Any]:
    return [
        RecurringSchedule.start_date <= today,
        or_(RecurringSchedule.processed_through.is_(None), RecurringSchedule.processed_through < today),
        or_(
            RecurringSchedule.last_date.is_(None),
            RecurringSchedule.processed_through.is_(None),
            RecurringSchedule.processed_through < RecurringSchedule.last_date,
        ),
    ]


async def materialize_due(
    *, sessionmaker: async_sessionmaker[AsyncSession], today: dt.date, limit: int = MAX_PER_RUN
) -> MaterializeReport:
    """Handle every occurrence due up to ``today`` of every schedule: post it (auto-post) or write a
    ``budget.recurring_due`` event (remind). Run it as often as you like, on as many workers as you like: each
    schedule is handled in its own transaction under a row lock (``SKIP LOCKED``: a schedule another worker is
    busy with is left to it), and each date is claimed by inserting its occurrence first."""
    report = MaterializeReport()
    async with sessionmaker() as session:
        ids = list(
            await session.scalars(
                select(RecurringSchedule.id).where(*_due_filter(today)).order_by(RecurringSchedule.id)
            )
        )
    for schedule_id in ids:
        async with sessionmaker() as session, session.begin():
            row = await session.scalar(
                select(RecurringSchedule)
                .where(RecurringSchedule.id == schedule_id, *_due_filter(today))
                .with_for_update(skip_locked=True)
            )
            if row is None:
                continue
            report.schedules += 1
            await _materialize(session, row, today=today, limit=limit, report=report)
    return report


async def _materialize(
    session: AsyncSession, row: RecurringSchedule, *, today: dt.date, limit: int, report: MaterializeReport
) -> None:
    changes = _as_changes(await _changes_of(session, [row.id]))
    after = row.processed_through or (row.start_date - dt.timedelta(days=1))
    dates = schedule_of(row).between(after, today, limit=limit + 1)
    truncated = len(dates) > limit
    dates = dates[:limit]
    for day in dates:
        amount = amount_on(row.amount, changes, day)
        claimed = await session.scalar(
            insert(RecurringOccurrence)
            .values(
                id=uuid.uuid4(),
                household_id=row.household_id,
                schedule_id=row.id,
                date=day,
                status="posted" if row.mode == "post" else "reminded",
                amount=amount,
            )
            .on_conflict_do_nothing(index_elements=[RecurringOccurrence.schedule_id, RecurringOccurrence.date])
            .returning(RecurringOccurrence.id)
        )
        if claimed is None:
            continue  # skipped by the user, or handled already
        if row.mode == "remind":
            await _due_event(session, row, day, amount)
            report.reminded += 1
            continue
        try:
            async with session.begin_nested():
                transaction = await create_transaction(
                    session=session,
                    household_ids=[row.household_id],
                    data=NewTransaction(
                        account_id=row.account_id,
                        date=day,
                        amount=amount,
                        payee=row.payee,
                        memo=row.memo,
                        category_id=row.category_id,
                        tags=list(row.tags or []),
                        status=TransactionStatus.PENDING,
                        created_by=row.created_by,
                        extra_event_fields={"recurring_id": row.id},
                    ),
                )
        except (LedgerError, MoneyError) as exc:
            await session.execute(
                update(RecurringOccurrence)
                .where(RecurringOccurrence.id == claimed)
                .values(status="failed", error=str(exc))
            )
            await _due_event(session, row, day, amount, failed=str(exc))
            report.failed += 1
            logger.warning("recurring transaction not posted", extra={"recurring_id": str(row.id), "error": str(exc)})
            continue
        await session.execute(
            update(RecurringOccurrence).where(RecurringOccurrence.id == claimed).values(transaction_id=transaction.id)
        )
        report.posted += 1
        report.transactions.append(transaction.id)
    row.processed_through = dates[-1] if truncated else today


async def _due_event(
    session: AsyncSession, row: RecurringSchedule, day: dt.date, amount: Decimal, *, failed: str | None = None
) -> None:
    await write_event(
        session,
        outbox,
        topic=TOPIC_RECURRING_DUE,
        household_id=row.household_id,
        payload={
            "recurring_id": row.id,
            "name": row.name,
            "date": day,
            "amount": Money(amount, row.currency).display_amount(),
            "currency": row.currency,
            "amount_is_estimate": row.amount_is_estimate,
            "account_id": row.account_id,
            "payee": row.payee,
            "category_id": row.category_id,
            "mode": row.mode,
            "failed": failed,
        },
    )
