"""Exports and attachments through the real router, on the stack's local-folder object store: the links point at the
router, which passes /downloads/... to the budget subgraph. (tests/federation/test_files_s3.py does the same on S3.)"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import httpx

from subgraphs.budget.importers.format_ofx import OfxImporter
from subgraphs.budget.importers.model import ParseOptions
from tests.federation.conftest import Client, RunningStack

ACCOUNT_CREATE = """
mutation AccountCreate($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { id } errors { __typename message } }
}"""

TRANSACTION_CREATE = """
mutation TransactionCreate($input: TransactionCreateInput!) {
  transactionCreate(input: $input) { transaction { id } errors { __typename message } }
}"""

EXPORT = """
mutation Export($input: TransactionsExportInput!) {
  transactionsExport(input: $input) {
    export { id format filename rowCount url expiresAt }
    errors { __typename message ... on NotFoundError { field } }
  }
}"""

ATTACH = """
mutation Attach($input: AttachmentCreateInput!) {
  attachmentCreate(input: $input) {
    attachment { id filename contentType sizeBytes url }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}"""

RECEIPT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
GONE = "This download link is invalid or has expired. Ask FinCloud for a new one."


async def small_ledger(client: Client) -> tuple[str, str]:
    """An account in JPY with two transactions; returns the account's and the first transaction's ids."""
    created = await client.run(
        ACCOUNT_CREATE, input={"name": "東京 wallet", "type": "CASH", "currency": "JPY", "openingBalance": "20000"}
    )
    account_id = str(created["accountCreate"]["account"]["id"])
    ids = []
    for day, amount, payee in [("2024-01-20", "-1500", "ラーメン一蘭"), ("2024-01-21", "-380", "Café Zoë")]:
        data = await client.run(
            TRANSACTION_CREATE, input={"accountId": account_id, "date": day, "amount": amount, "payee": payee}
        )
        ids.append(str(data["transactionCreate"]["transaction"]["id"]))
    return account_id, ids[0]


async def upload(client: Client, data: bytes, filename: str, **owner: str) -> httpx.Response:
    """A GraphQL multipart request, as a browser's FormData would send it."""
    return await client.http.post(
        client.url,
        headers={"authorization": f"Bearer {client.token}", "x-fincloud-csrf": "1"},
        data={
            "operations": json.dumps({"query": ATTACH, "variables": {"input": {"file": None, **owner}}}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, data, "application/octet-stream")},
    )


def attached(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"]["attachmentCreate"])


async def test_export_and_download_through_the_router(stack: RunningStack, client: Client) -> None:
    await client.register("Ada")
    account_id, _ = await small_ledger(client)
    router = f"http://127.0.0.1:{stack.settings.ROUTER_PORT}"

    data = await client.run(EXPORT, input={"format": "CSV", "accountIds": [account_id]})
    export = data["transactionsExport"]["export"]
    assert export["rowCount"] == 2
    assert export["url"].startswith(f"{router}/downloads/")
    # A browser follows the link with no token and no cookie.
    async with httpx.AsyncClient() as browser:
        response = await browser.get(export["url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="transactions-')
    assert response.headers["x-content-type-options"] == "nosniff"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[:5] for line in lines[1:]] == [
        ["2024-01-20", "東京 wallet", "ラーメン一蘭", "-1500", "JPY"],
        ["2024-01-21", "東京 wallet", "Café Zoë", "-380", "JPY"],
    ]

    data = await client.run(EXPORT, input={"format": "OFX"})
    ofx = data["transactionsExport"]["export"]
    async with httpx.AsyncClient() as browser:
        response = await browser.get(ofx["url"])
    assert response.status_code == 200
    [statement] = OfxImporter().parse(response.content, options=ParseOptions()).accounts
    assert [(r.amount, r.payee) for r in statement.rows] == [(-1500, "ラーメン一蘭"), (-380, "Café Zoë")]
    assert statement.closing_balance is not None
    assert statement.closing_balance.amount == 18120


async def test_links_that_are_tampered_or_unknown_reveal_nothing(stack: RunningStack, client: Client) -> None:
    await client.register("Grace")
    await small_ledger(client)
    export = (await client.run(EXPORT, input={"format": "CSV"}))["transactionsExport"]["export"]
    path = urlparse(export["url"]).path
    token = path.split("/")[2]
    router = f"http://127.0.0.1:{stack.settings.ROUTER_PORT}"
    flipped = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    async with httpx.AsyncClient() as browser:
        answers = [
            await browser.get(f"{router}/downloads/{flipped}/x.csv"),
            await browser.get(f"{router}/downloads/not-a-token"),
            await browser.get(f"{router}/downloads/a.b.c/..%2F..%2Fgraphql"),
        ]
        assert {(a.status_code, a.text) for a in answers} == {(404, GONE)}
        assert (await browser.post(export["url"])).status_code == 405
        # The budget subgraph itself answers only the router.
        direct = await browser.get(f"http://127.0.0.1:{stack.settings.BUDGET_PORT}{path}")
        assert direct.status_code == 403
        assert (await browser.get(export["url"])).status_code == 200


async def test_attach_and_download_through_the_router(stack: RunningStack, client: Client, new_client) -> None:
    await client.register("Ada")
    account_id, transaction_id = await small_ledger(client)

    payload = attached(await upload(client, RECEIPT, "Quittung Ramen.pdf", transactionId=transaction_id))
    assert payload["errors"] == []
    document = payload["attachment"]
    assert (document["filename"], document["contentType"], document["sizeBytes"]) == (
        "Quittung Ramen.pdf",
        "application/pdf",
        len(RECEIPT),
    )
    async with httpx.AsyncClient() as browser:
        response = await browser.get(document["url"])
    assert response.status_code == 200
    assert response.content == RECEIPT
    assert response.headers["content-type"] == "application/pdf"

    listed = await client.run(
        """query($id: ID!) { account(id: $id) {
             transactions { nodes { id attachments { nodes { id filename } } } } } }""",
        id=account_id,
    )
    by_transaction = {n["id"]: n["attachments"]["nodes"] for n in listed["account"]["transactions"]["nodes"]}
    assert by_transaction[transaction_id] == [{"id": document["id"], "filename": "Quittung Ramen.pdf"}]

    # A file whose content is not a document is refused, whatever it claims to be.
    refused = attached(await upload(client, b"MZ\x90\x00" + bytes(60), "receipt.pdf", accountId=account_id))
    assert refused["attachment"] is None
    assert refused["errors"][0]["__typename"] == "ValidationError"
    assert refused["errors"][0]["field"] == "file"

    # Another household attaching to this transaction, or asking for this export: as if it did not exist.
    stranger: Client = new_client()
    await stranger.register("Eve")
    foreign = attached(await upload(stranger, RECEIPT, "r.pdf", transactionId=transaction_id))
    assert foreign["errors"] == [
        {"__typename": "NotFoundError", "message": "no such transaction", "field": "transactionId"}
    ]
    export = (await client.run(EXPORT, input={"format": "CSV"}))["transactionsExport"]["export"]
    seen = await stranger.run("query($id: ID!) { export(id: $id) { id url } }", id=export["id"])
    assert seen == {"export": None}

    deleted = await client.run(
        "mutation($input: AttachmentDeleteInput!) { attachmentDelete(input: $input) { deletedId errors { message } } }",
        input={"id": document["id"]},
    )
    assert deleted["attachmentDelete"] == {"deletedId": document["id"], "errors": []}
    async with httpx.AsyncClient() as browser:
        gone = await browser.get(document["url"])
    assert (gone.status_code, gone.text) == (404, GONE)
