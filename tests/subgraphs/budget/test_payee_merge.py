from __future__ import annotations

from sqlalchemy import select

from fincloud.auth import Role
from fincloud.service import Runtime
from subgraphs.budget.models import Payee
from subgraphs.budget.services.payees import resolve_payee
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

MERGE = f"""
mutation Merge($input: PayeeMergeInput!) {{
  payeeMerge(input: $input) {{ payee {{ name aliases {{ alias }} defaultCategory {{ name }} }} transactionsMoved {ERRORS} }}
}}
"""
TRANSACTIONS = "{ accounts { nodes { transactions { nodes { payee normalizedPayee { name } } } } } }"


async def test_merging_moves_transactions_and_keeps_the_merged_names_as_aliases(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    shopping = await home.category("Shopping")
    kept = await home.transaction(account, "-1.00", payee="Amazon")
    first = await home.transaction(account, "-2.00", payee="AMZN Mktp DE")
    second = await home.transaction(account, "-3.00", payee="Amazon.de")
    await home.run(
        "mutation($id: ID!, $c: ID!) { payeeUpdate(input: {id: $id, defaultCategoryId: $c}) { errors { message } } }",
        id=str(second.payee_id),
        c=str(shopping.id),
    )
    await home.run(
        'mutation($id: ID!) { payeeAliasAdd(input: {payeeId: $id, alias: "AMAZON EU SARL"}) { errors { message } } }',
        id=str(first.payee_id),
    )
    data = await home.run(
        MERGE, input={"sourceIds": [str(first.payee_id), str(second.payee_id)], "targetId": str(kept.payee_id)}
    )
    payload = data["payeeMerge"]
    assert payload["errors"] == []
    assert payload["transactionsMoved"] == 2
    assert payload["payee"] == {
        "name": "Amazon",
        "aliases": [{"alias": "Amazon.de"}, {"alias": "AMAZON EU SARL"}, {"alias": "AMZN Mktp DE"}],  # by key
        "defaultCategory": {"name": "Shopping"},  # it had none: the first merged payee with one gives it
    }
    nodes = (await home.run(TRANSACTIONS))["accounts"]["nodes"][0]["transactions"]["nodes"]
    assert {(n["payee"], n["normalizedPayee"]["name"]) for n in nodes} == {("Amazon", "Amazon")}
    async with runtime.sessionmaker() as session, session.begin():
        assert [p.name for p in await session.scalars(select(Payee))] == ["Amazon"]
        again = await resolve_payee(session=session, household_id=home.id, name="amazon.de")
        assert again is not None
        assert again.id == kept.payee_id


async def test_bad_input_is_a_typed_error_and_changes_nothing(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    tx = await home.transaction(account, "-1.00", payee="Amazon")
    before = await fingerprint(runtime)
    for input_, field, message in [
        ({"sourceIds": [], "targetId": str(tx.payee_id)}, "sourceIds", "choose at least one payee to merge"),
        (
            {"sourceIds": [str(tx.payee_id)], "targetId": str(tx.payee_id)},
            "sourceIds",
            "a payee cannot be merged into itself",
        ),
    ]:
        data = await home.run(MERGE, input=input_)
        assert only_error(data["payeeMerge"]) == {"__typename": "ValidationError", "message": message, "field": field}
    assert await fingerprint(runtime) == before


async def test_another_households_payees_look_missing_and_viewers_cannot_merge(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account()
    mine = await home.transaction(account, "-1.00", payee="Amazon")
    also_mine = await home.transaction(account, "-1.00", payee="Amazon.de")
    stranger = await household(runtime)
    theirs = await stranger.transaction(await stranger.account(), "-1.00", payee="Amazon")
    before = await fingerprint(runtime)
    for viewer, sources, target, field in [
        (home.viewer, [theirs.payee_id], mine.payee_id, "sourceIds"),
        (home.viewer, [also_mine.payee_id], theirs.payee_id, "targetId"),
        (home.viewer, [also_mine.payee_id, theirs.payee_id], mine.payee_id, "sourceIds"),
        (stranger.viewer, [also_mine.payee_id], mine.payee_id, "targetId"),
        (as_role(home, Role.VIEWER), [also_mine.payee_id], mine.payee_id, "targetId"),
    ]:
        data = await home.run(
            MERGE, viewer=viewer, input={"sourceIds": [str(s) for s in sources], "targetId": str(target)}
        )
        assert only_error(data["payeeMerge"]) == {
            "__typename": "NotFoundError",
            "message": "no such payee",
            "field": field,
        }
    assert await fingerprint(runtime) == before
