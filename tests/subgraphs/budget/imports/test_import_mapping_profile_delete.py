"""Forgetting a mapping profile: the owners and editors of the account's household may; for anyone else it does
not exist."""

from __future__ import annotations

import uuid

from fincloud.auth import Role, Viewer
from tests.subgraphs.budget.imports.support import Importer
from tests.subgraphs.budget.imports.test_import_mapping_profile_save import MAPPING, PROFILES, SAVE

DELETE = """mutation Delete($input: ImportMappingProfileDeleteInput!) {
  importMappingProfileDelete(input: $input) { deletedId errors { __typename message } }
}"""


async def test_only_the_households_writers_delete_a_profile(importer: Importer) -> None:
    saved = (
        await importer.run(SAVE, input={"accountId": str(importer.account_id), "name": "Bank", "mapping": MAPPING})
    )["importMappingProfileSave"]["profile"]
    household = importer.viewer.household_ids[0]
    others = {
        "stranger": Viewer(user_id=uuid.uuid4(), households={uuid.uuid4(): Role.OWNER}),
        "viewer": Viewer(user_id=uuid.uuid4(), households={household: Role.VIEWER}),
    }
    expected = {
        "stranger": "no such mapping profile",
        "viewer": "only the household's owners and editors may import into its accounts",
    }
    for who, viewer in others.items():
        other = Importer(runtime=importer.runtime, viewer=viewer, account_id=importer.account_id)
        refused = (await other.run(DELETE, input={"id": saved["id"]}))["importMappingProfileDelete"]
        assert refused == {"deletedId": None, "errors": [{"__typename": "NotFoundError", "message": expected[who]}]}
    # The stranger does not see it either; the viewer does.
    stranger = Importer(runtime=importer.runtime, viewer=others["stranger"], account_id=importer.account_id)
    assert (await stranger.run(PROFILES, a=str(importer.account_id)))["importMappingProfiles"]["nodes"] == []
    watcher = Importer(runtime=importer.runtime, viewer=others["viewer"], account_id=importer.account_id)
    assert [
        p["name"] for p in (await watcher.run(PROFILES, a=str(importer.account_id)))["importMappingProfiles"]["nodes"]
    ] == ["Bank"]

    deleted = (await importer.run(DELETE, input={"id": saved["id"]}))["importMappingProfileDelete"]
    assert deleted == {"deletedId": saved["id"], "errors": []}
    assert (await importer.run(PROFILES, a=str(importer.account_id)))["importMappingProfiles"]["nodes"] == []
    again = (await importer.run(DELETE, input={"id": saved["id"]}))["importMappingProfileDelete"]
    assert again["errors"] == [{"__typename": "NotFoundError", "message": "no such mapping profile"}]
