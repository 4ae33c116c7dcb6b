"""Statement imports through the real router: the file travels as a GraphQL multipart request, the dry run shows
what would happen, the worker commits it while the browser follows along over a WebSocket, and undo takes it back.
Uses a real bank statement from the shared fixtures."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from tests.federation.conftest import Client, RunningStack, Subscription
from tests.subgraphs.budget.imports.support import shared_ofx, statement_rows

ACCOUNT_CREATE = """mutation A($input: AccountCreateInput!) {
  accountCreate(input: $input) { account { id } errors { message } } }"""
UPLOAD = """mutation Upload($input: ImportUploadInput!) {
  importUpload(input: $input) {
    import { id status format counts { total new duplicate } }
    errors { __typename message ... on NotFoundError { field } }
  }
}"""
DRY_RUN = """mutation D($input: ImportDryRunInput!) {
  importDryRun(input: $input) {
    import { id status rows(first: 10) { nodes { index status reason action amount { amount } } } }
    errors { message }
  }
}"""
COMMIT = """mutation C($input: ImportCommitInput!) {
  importCommit(input: $input) { import { id status } errors { message } } }"""
UNDO = """mutation U($input: ImportUndoInput!) {
  importUndo(input: $input) { import { status counts { removed } } errors { message } } }"""
PROGRESS = """subscription P($id: ID!) {
  importProgress(importId: $id) { importId status phase processed total created linked skipped }
}"""
BALANCE = """query B($id: ID!) { account(id: $id) { balance { amount currency } } }"""
HISTORY = """query H($a: ID!) { imports(accountId: $a) { nodes { id status counts { created } } } }"""


async def upload(client: Client, account_id: str, data: bytes, filename: str) -> httpx.Response:
    """``importUpload`` as a browser sends it: multipart/form-data, with the CSRF header."""
    operations = {"query": UPLOAD, "variables": {"input": {"accountId": account_id, "file": None}}}
    return await client.http.post(
        client.url,
        headers={"authorization": f"Bearer {client.token}", "x-fincloud-csrf": "1"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (filename, data, "application/x-ofx")},
    )


async def uploaded(client: Client, account_id: str, data: bytes, filename: str) -> dict[str, Any]:
    response = await upload(client, account_id, data, filename)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"]["importUpload"])


async def test_upload_dry_run_commit_with_live_progress_and_undo(
    stack: RunningStack, client: Client, new_client: Any
) -> None:
    await client.register()
    created = await client.run(ACCOUNT_CREATE, input={"name": "Checking", "type": "CHECKING", "currency": "USD",
                                                      "openingBalance": "1000.00"})  # fmt: skip
    account_id = created["accountCreate"]["account"]["id"]
    data = shared_ofx("checking.ofx")
    expected = statement_rows(data, "checking.ofx")

    payload = await uploaded(client, account_id, data, "checking.ofx")
    assert payload["errors"] == []
    imported = payload["import"]
    assert (imported["status"], imported["format"], imported["counts"]) == (
        "READY",
        "ofx",
        {"total": len(expected), "new": len(expected), "duplicate": 0},
    )
    dry = (await client.run(DRY_RUN, input={"importId": imported["id"]}))["importDryRun"]
    assert [(r["status"], r["action"], r["amount"]["amount"]) for r in dry["import"]["rows"]["nodes"]] == [
        ("NEW", "CREATE", format(row.amount, "f")) for row in expected
    ]

    # Someone else can neither import into the account nor follow the import.
    stranger = new_client()
    await stranger.register("Eve")
    refused = await uploaded(stranger, account_id, data, "checking.ofx")
    assert refused["errors"] == [{"__typename": "NotFoundError", "message": "no such account", "field": "accountId"}]
    spy = await Subscription.open(
        stack.router_url, PROGRESS, variables={"id": imported["id"]},
        connection_params={"authorization": f"Bearer {stranger.token}"},
    )  # fmt: skip
    try:
        denied = await spy.next(timeout=10)
    finally:
        await spy.close()
    assert denied["type"] == "error" or denied["payload"].get("errors"), denied

    progress = await Subscription.open(
        stack.router_url, PROGRESS, variables={"id": imported["id"]},
        connection_params={"authorization": f"Bearer {client.token}"},
    )  # fmt: skip
    heard: list[dict[str, Any]] = []
    try:
        first = await progress.next(timeout=10)
        heard.append(first["payload"]["data"]["importProgress"])
        assert heard[0]["status"] == "READY"  # the stored state, before anything is committed
        commit = (await client.run(COMMIT, input={"importId": imported["id"]}))["importCommit"]
        assert commit == {"import": {"id": imported["id"], "status": "QUEUED"}, "errors": []}
        while heard[-1]["status"] != "COMMITTED":
            message = await progress.next(timeout=20)
            if message["type"] == "complete":
                break
            heard.append(message["payload"]["data"]["importProgress"])
        ending = await progress.next(timeout=10)
    finally:
        await progress.close()
    assert ending["type"] == "complete"
    assert [h["phase"] for h in heard] == ["queued", "checking", "payees", "writing", "done"]
    assert heard[-1] == {
        "importId": imported["id"],
        "status": "COMMITTED",
        "phase": "done",
        "processed": len(expected),
        "total": len(expected),
        "created": len(expected),
        "linked": 0,
        "skipped": 0,
    }
    balance = (await client.run(BALANCE, id=account_id))["account"]["balance"]
    assert Decimal(balance["amount"]) == Decimal("1000.00") + sum(row.amount for row in expected)

    # The same statement again: every row is a duplicate, nothing would be added.
    again = await uploaded(client, account_id, data, "checking.ofx")
    assert again["import"]["counts"] == {"total": len(expected), "new": 0, "duplicate": len(expected)}

    undone = (await client.run(UNDO, input={"importId": imported["id"]}))["importUndo"]
    assert undone == {"import": {"status": "UNDONE", "counts": {"removed": len(expected)}}, "errors": []}
    assert (await client.run(BALANCE, id=account_id))["account"]["balance"]["amount"] == "1000.00"
    history = (await client.run(HISTORY, a=account_id))["imports"]["nodes"]
    assert [(h["id"], h["status"]) for h in history] == [(again["import"]["id"], "READY"), (imported["id"], "UNDONE")]


async def test_an_upload_without_the_csrf_header_is_refused(stack: RunningStack, client: Client) -> None:
    await client.register()
    created = await client.run(ACCOUNT_CREATE, input={"name": "Checking", "type": "CHECKING", "currency": "USD"})
    operations = {"query": UPLOAD, "variables": {"input": {"accountId": created["accountCreate"]["account"]["id"],
                                                          "file": None}}}  # fmt: skip
    response = await client.http.post(
        client.url,
        headers={"authorization": f"Bearer {client.token}"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("checking.ofx", shared_ofx("checking.ofx"), "application/x-ofx")},
    )
    assert response.status_code == 403
    assert (await client.run(HISTORY, a=created["accountCreate"]["account"]["id"]))["imports"]["nodes"] == []
