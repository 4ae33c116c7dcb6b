"""The database's own check that split parts sum to their transaction runs at commit, on both tables."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fincloud.service import Runtime
from subgraphs.budget.models import Split
from subgraphs.budget.services.ledger import NewSplit, NewTransaction, create_transaction
from tests.factories import make_account


async def test_a_split_transaction_commits_and_a_broken_split_does_not(runtime: Runtime) -> None:
    household = uuid.uuid4()
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household)
        async with session.begin():
            row = await create_transaction(
                session=session,
                household_ids=[household],
                data=NewTransaction(
                    account.id,
                    dt.date(2024, 1, 5),
                    Decimal("-42.50"),
                    "Bakery",
                    None,
                    splits=[NewSplit(Decimal("-30.00")), NewSplit(Decimal("-12.50"))],
                ),
            )
        row_id = row.id
        with pytest.raises(IntegrityError, match=r"the splits of transaction .* sum to -43\.5"):
            async with session.begin():
                await session.execute(
                    update(Split).where(Split.transaction_id == row_id, Split.position == 0).values(amount=-31)
                )
        parts = (await session.scalars(select(Split.amount).where(Split.transaction_id == row_id))).all()
    assert sorted(parts) == [Decimal("-30.00"), Decimal("-12.50")]
