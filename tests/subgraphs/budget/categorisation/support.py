"""Test histories written as text: one transaction a line, columns separated by two or more spaces.

    date        payee            memo                      amount   category
    2026-01-03  REWE Markt       Kartenzahlung 0312        -54.20   Groceries

``-`` stands for an empty payee, memo or category."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.budget.categorisation.learned import LearnedModel, amount_bucket
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from subgraphs.budget.services.payees import payee_key

_COLUMNS = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class Line:
    date: dt.date
    payee: str | None
    memo: str | None
    amount: Decimal
    category: str | None


def lines(text: str) -> list[Line]:
    rows = [r for r in text.strip().splitlines() if r.strip()]
    result = []
    for row in rows[1:]:  # the first line names the columns
        date, payee, memo, amount, category = _COLUMNS.split(row.strip())
        result.append(
            Line(
                dt.date.fromisoformat(date),
                None if payee == "-" else payee,
                None if memo == "-" else memo,
                Decimal(amount),
                None if category == "-" else category,
            )
        )
    return result


def model_of(text: str, categories: dict[str, uuid.UUID]) -> LearnedModel:
    """What ``Categoriser.load`` trains from the same (short) history, counted in Python (the SQL query is tested
    against this in test_categorise.py)."""
    by_payee: Counter[tuple[str, bool, int | None, uuid.UUID]] = Counter()
    by_text: Counter[tuple[str | None, str | None, bool, uuid.UUID]] = Counter()
    for line in lines(text):
        if line.category is None or line.amount == 0:
            continue
        category = categories.setdefault(line.category, uuid.uuid4())
        key = payee_key(line.payee) if line.payee else None
        inflow = line.amount > 0
        if key:
            by_payee[key, inflow, amount_bucket(abs(line.amount)), category] += 1
        if line.memo:
            by_text[key, re.sub("[0-9]+", " ", line.memo.lower()), inflow, category] += 1
    return LearnedModel.train(((*k, n) for k, n in by_payee.items()), ((*k, n) for k, n in by_text.items()))


async def record(
    session: AsyncSession,
    *,
    household_id: uuid.UUID,
    account_id: uuid.UUID,
    text: str,
    categories: dict[str, uuid.UUID],
    categorise: bool = False,
) -> list[uuid.UUID]:
    """Record the history through ``create_transaction`` (with the household's categorisation if ``categorise``);
    categories are looked up by name (made if missing)."""
    from tests.factories import make_category

    ids = []
    for line in lines(text):
        if line.category is not None and line.category not in categories:
            made = await make_category(session, household_id=household_id, name=line.category)
            categories[line.category] = made.id
        async with session.begin():
            row = await create_transaction(
                session=session,
                household_ids=[household_id],
                data=NewTransaction(
                    account_id,
                    line.date,
                    line.amount,
                    line.payee,
                    line.memo,
                    category_id=categories[line.category] if line.category else None,
                    categorise=categorise,
                ),
            )
            ids.append(row.id)
    return ids
