"""Reports and search through the real router: what the PWA asks for, with the router's limits in the way."""

from __future__ import annotations

from collections.abc import Callable

from tests.federation.conftest import Client

ACCOUNT_CREATE = """
mutation($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } errors { message } } }"""
TRANSACTION_CREATE = """
mutation($input: TransactionCreateInput!) { transactionCreate(input: $input) { transaction { id } errors { message } } }"""

CASH_FLOW = """
query($h: ID!) {
  cashFlow(householdId: $h, from: "2026-10-01", to: "2026-11-30") {
    currency
    months { month income { amount { amount currency } complete } expense { amount { amount } } net { amount { amount } } }
    net { amount { amount currency } unconverted { amount currency } complete }
    ratesUsedCount missingRatesCount
  }
}"""

SEARCH = """
query($h: ID!, $filter: TransactionFilter, $sort: TransactionSort, $first: Int, $after: String) {
  transactions(householdId: $h, filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor relevance node { payee memo amount { amount } account { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def household_of(client: Client) -> str:
    data = await client.run("{ me { households { id } } }")
    return str(data["me"]["households"][0]["id"])


async def test_a_report_and_a_search_through_the_router(client: Client, new_client: Callable[[], Client]) -> None:
    await client.register("Rita")
    household = await household_of(client)
    created = await client.run(
        ACCOUNT_CREATE, input={"name": "Girokonto", "type": "CHECKING", "currency": "EUR", "openingBalance": "0"}
    )
    account = created["accountCreate"]["account"]["id"]
    for date, amount, payee, memo in (
        ("2026-10-01", "2800.00", "ACME GmbH", "Gehalt Oktober"),
        ("2026-10-03", "-61.17", "REWE Markt", "Wocheneinkauf"),
        ("2026-11-02", "-23.50", "Trattoria Da Mario", "Pizza mit Anna"),
        ("2026-11-09", "-12.99", "Rewe City", None),
    ):
        data = await client.run(
            TRANSACTION_CREATE,
            input={"accountId": account, "date": date, "amount": amount, "payee": payee, "memo": memo},
        )
        assert data["transactionCreate"]["errors"] == []

    report = (await client.run(CASH_FLOW, h=household))["cashFlow"]
    assert report["currency"] == "EUR"
    # Uncategorised: inflows are income, outflows expense.
    assert [
        (m["month"], m["income"]["amount"]["amount"], m["expense"]["amount"]["amount"]) for m in report["months"]
    ] == [
        ("2026-10-01", "2800.00", "61.17"),
        ("2026-11-01", "0.00", "36.49"),
    ]
    assert report["net"] == {"amount": {"amount": "2702.34", "currency": "EUR"}, "unconverted": [], "complete": True}
    assert (report["ratesUsedCount"], report["missingRatesCount"]) == (0, 0)

    # "rewe" names two payees; each page of one follows the cursor; "wocheneinkauf" is in a memo.
    pages = []
    after = None
    while True:
        page = (await client.run(SEARCH, h=household, filter={"text": "rewe"}, sort="RELEVANCE", first=1, after=after))[
            "transactions"
        ]
        pages += [edge["node"]["payee"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(pages) == ["REWE Markt", "Rewe City"]
    found = (await client.run(SEARCH, h=household, filter={"text": "trattria"}))["transactions"]["edges"]
    assert [(e["node"]["payee"], e["node"]["account"]["name"]) for e in found] == [("Trattoria Da Mario", "Girokonto")]

    # Someone else sees none of it: the household answers like one that does not exist.
    stranger = new_client()
    await stranger.register("Mallory")
    assert (await stranger.run(CASH_FLOW, h=household))["cashFlow"] is None
    assert (await stranger.run(SEARCH, h=household, filter={"text": "rewe"}))["transactions"]["edges"] == []
