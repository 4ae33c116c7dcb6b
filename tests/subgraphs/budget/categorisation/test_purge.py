from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from fincloud.constants import TOPIC_HOUSEHOLD_DELETED
from fincloud.events import Event
from fincloud.service import Runtime
from subgraphs.budget.categorisation.models import CategorisationSettings, Rule, TransactionCategorisation
from subgraphs.budget.categorisation.rules import Condition, Operator, RuleField
from subgraphs.budget.services.rules import RuleData, create_rule, set_categorisation_settings
from tests.factories import make_account
from tests.subgraphs.budget.categorisation.support import record
from workers.purge import purge_household

HISTORY = """
date        payee    memo  amount   category
2026-10-01  Netflix  -     -17.99   Subscriptions
2026-11-01  Netflix  -     -17.99   -
"""


async def test_deleting_a_household_deletes_its_rules_settings_and_reasons(runtime: Runtime) -> None:
    doomed, kept = uuid.uuid4(), uuid.uuid4()
    for household in (doomed, kept):
        categories: dict[str, uuid.UUID] = {}
        async with runtime.sessionmaker() as session:
            account = await make_account(session, household_id=household)
            await record(session, household_id=household, account_id=account.id, text=HISTORY, categories=categories)
            async with session.begin():
                await create_rule(
                    session=session,
                    household_id=household,
                    data=RuleData(
                        name="Netflix",
                        conditions=(Condition(RuleField.PAYEE, Operator.CONTAINS, "netflix"),),
                        category_id=categories["Subscriptions"],
                    ),
                )
                await set_categorisation_settings(session=session, household_id=household, auto_apply_threshold=0.9)
            await record(
                session,
                household_id=household,
                account_id=account.id,
                text=HISTORY,
                categories=categories,
                categorise=True,
            )

    async def counts() -> dict[type, dict[uuid.UUID, int]]:
        async with runtime.sessionmaker() as session:
            result: dict[type, dict[uuid.UUID, int]] = {}
            for table in (Rule, CategorisationSettings, TransactionCategorisation):
                rows = await session.execute(select(table.household_id, func.count()).group_by(table.household_id))
                result[table] = dict(rows.all())
            return result

    before = await counts()
    assert before == {
        table: {doomed: 1, kept: 1} for table in (Rule, CategorisationSettings, TransactionCategorisation)
    }
    event = Event(
        id=uuid.uuid4(),
        topic=TOPIC_HOUSEHOLD_DELETED,
        household_id=doomed,
        payload={"household_id": str(doomed)},
        occurred_at=dt.datetime.now(dt.UTC),
    )
    assert await purge_household({"sessionmaker": runtime.sessionmaker}, event.to_json()) > 0
    after = await counts()
    assert after == {table: {kept: n[kept]} for table, n in before.items()}
