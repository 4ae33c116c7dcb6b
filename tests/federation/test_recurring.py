"""Recurring transactions through the real router and worker: schedule one, let the daily job post what is due
(twice: nothing twice), see what is coming, skip the next one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fincloud.jobs import create_job_pool
from tests.conftest import today
from tests.federation.conftest import Client, RunningStack


def months_back(day: dt.date, count: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


ACCOUNT = """
query($id: ID!) { account(id: $id) { balance { amount } transactions(first: 20) { edges { node { date payee amount { amount } } } } } }
"""


async def test_the_daily_job_posts_due_occurrences_once(stack: RunningStack, client: Client) -> None:
    await client.register("Scheduler")
    household = (await client.run("{ me { households { id } } }"))["me"]["households"][0]["id"]
    created = await client.run(
        """mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }""",
        input={"name": "Joint", "type": "CHECKING", "currency": "EUR", "openingBalance": "5000.00"},
    )
    account_id = created["accountCreate"]["account"]["id"]
    start = months_back(today(), 2)  # the 1st, two months ago: three occurrences are due today
    data = await client.run(
        """mutation($input: RecurringCreateInput!) {
             recurringCreate(input: $input) { recurring { id rule nextDate } errors { message } } }""",
        input={
            "accountId": account_id,
            "amount": "-1200.00",
            "startDate": start.isoformat(),
            "preset": "MONTHLY_FIRST",
            "payee": "Landlord",
        },
    )
    assert data["recurringCreate"]["errors"] == []
    recurring = data["recurringCreate"]["recurring"]
    assert recurring["rule"] == "FREQ=MONTHLY;BYMONTHDAY=1"

    pool = await create_job_pool(stack.settings.REDIS_URL or "")
    try:
        reports: list[Any] = []
        for _ in range(2):
            job = await pool.enqueue_job("recurring_materialize")
            assert job is not None
            reports.append(await job.result(timeout=60))
    finally:
        await pool.aclose()
    # Other tests' schedules may be handled by the same run: count only this household's transactions below.
    assert reports[0]["posted"] >= 3
    assert reports[1]["posted"] == 0

    account = (await client.run(ACCOUNT, id=account_id))["account"]
    assert [e["node"] for e in account["transactions"]["edges"]] == [
        {"date": months_back(today(), n).isoformat(), "payee": "Landlord", "amount": {"amount": "-1200.00"}}
        for n in (0, 1, 2)
    ]
    assert account["balance"] == {"amount": "1400.00"}

    next_first = months_back(today(), -1)
    upcoming = await client.run(
        """query($h: ID!) { recurringUpcoming(householdId: $h, days: 62) {
             edges { node { date amount { amount } skipped recurring { id } } } } }""",
        h=household,
    )
    dates = [e["node"]["date"] for e in upcoming["recurringUpcoming"]["edges"]]
    assert dates[0] == next_first.isoformat()
    assert upcoming["recurringUpcoming"]["edges"][0]["node"]["amount"] == {"amount": "-1200.00"}

    skipped = await client.run(
        """mutation($input: RecurringSkipNextInput!) {
             recurringSkipNext(input: $input) { skippedDate recurring { nextDate } errors { message } } }""",
        input={"id": recurring["id"]},
    )
    assert skipped["recurringSkipNext"] == {
        "skippedDate": next_first.isoformat(),
        "recurring": {"nextDate": months_back(today(), -2).isoformat()},
        "errors": [],
    }
    listed = await client.run(
        """query($h: ID!) { recurringTransactions(householdId: $h) { edges { node { id nextDate account { name } } } } }""",
        h=household,
    )
    assert listed["recurringTransactions"]["edges"] == [
        {
            "node": {
                "id": recurring["id"],
                "nextDate": months_back(today(), -2).isoformat(),
                "account": {"name": "Joint"},
            }
        }
    ]
