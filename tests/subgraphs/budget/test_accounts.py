from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fincloud.service import Runtime
from subgraphs.budget.context import Context
from subgraphs.budget.schema import schema
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from tests.conftest import execute
from tests.factories import count_statements, make_account, make_viewer

ACCOUNTS = """
query Accounts($first: Int, $after: String) {
  accounts(first: $first, after: $after) {
    edges { cursor node { name balance { amount currency } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_balances_are_exact_sums(runtime: Runtime) -> None:
    viewer = make_viewer()
    household = viewer.household_ids[0]
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=household, name="Wallet", opening="0.10")
        async with session.begin():
            # 0.1 + 0.2 is not 0.3 in binary floating point; it must be here.
            for amount in ["0.20", "-0.30", "1000000000.01", "-0.01"]:
                await create_transaction(
                    session=session,
                    household_ids=[household],
                    data=NewTransaction(account.id, dt.date(2026, 11, 1), Decimal(amount), None, None),
                )
    data = await execute(schema, Context(runtime=runtime, viewer=viewer), ACCOUNTS)
    [edge] = data["accounts"]["edges"]
    assert edge["node"]["balance"] == {"amount": "1000000000.00", "currency": "EUR"}


async def test_pages_follow_cursors_and_only_show_the_viewers_households(runtime: Runtime) -> None:
    viewer, other = make_viewer(), make_viewer()
    async with runtime.sessionmaker() as session:
        for i in range(5):
            await make_account(session, household_id=viewer.household_ids[0], name=f"Mine {i}")
        await make_account(session, household_id=other.household_ids[0], name="Theirs")
    names: list[str] = []
    after = None
    while True:
        page = (await execute(schema, Context(runtime=runtime, viewer=viewer), ACCOUNTS, first=2, after=after))[
            "accounts"
        ]
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == [f"Mine {i}" for i in range(5)]


async def test_page_size_is_capped_with_a_clear_error(runtime: Runtime) -> None:
    result = await schema.execute(
        ACCOUNTS, variable_values={"first": 1000}, context_value=Context(runtime=runtime, viewer=make_viewer())
    )
    assert result.errors is not None
    assert result.errors[0].message == "`first` must be between 1 and 100"
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_balances_of_many_accounts_take_a_fixed_number_of_queries(runtime: Runtime) -> None:
    viewer = make_viewer()
    async with runtime.sessionmaker() as session:
        for i in range(20):
            await make_account(session, household_id=viewer.household_ids[0], name=f"A{i}")
    with count_statements(runtime.engine) as statements:
        data = await execute(schema, Context(runtime=runtime, viewer=viewer), ACCOUNTS, first=20)
    assert len(data["accounts"]["edges"]) == 20
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects  # the page, then one batched balance query
