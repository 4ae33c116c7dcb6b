"""Mapping profiles: a CSV layout kept per account and used again for the account's next exports."""

from __future__ import annotations

import uuid

from tests.subgraphs.budget.imports.support import Importer, csv_bytes

SAVE = """mutation Save($input: ImportMappingProfileSaveInput!) {
  importMappingProfileSave(input: $input) {
    profile { id accountId name mapping { date { header index } amount { header } payee { header }
              memo { header } dateFormat decimalSeparator delimiter } lastUsedAt }
    errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }
  }
}"""
DELETE = """mutation Delete($input: ImportMappingProfileDeleteInput!) {
  importMappingProfileDelete(input: $input) { deletedId errors { __typename message } }
}"""
PROFILES = """query P($a: ID!) { importMappingProfiles(accountId: $a) { nodes { id name lastUsedAt } } }"""

ODD = [["Tag", "Gegenüber", "Zweck", "Wert"], ["03.02.2024", "Bäckerei", "Brot", "-2,10"],
       ["04.02.2024", "Kino", "Film", "-11,00"]]  # fmt: skip
MAPPING = {
    "date": {"header": "Tag"},
    "payee": {"header": "Gegenüber"},
    "memo": [{"header": "Zweck"}],
    "amount": {"header": "Wert"},
    "dateFormat": "DD.MM.YYYY",
    "decimalSeparator": ",",
}


async def test_a_saved_mapping_reads_the_next_export_by_itself(importer: Importer) -> None:
    first = await importer.upload(csv_bytes(ODD, delimiter=";"))
    assert first["import"]["problem"]["code"] == "mapping_required"
    saved = (await importer.run(SAVE, input={"accountId": str(importer.account_id), "name": "Sparkasse",
                                             "mapping": MAPPING}))["importMappingProfileSave"]  # fmt: skip
    assert saved["errors"] == []
    assert saved["profile"]["mapping"]["payee"] == {"header": "Gegenüber"}
    assert saved["profile"]["mapping"]["memo"] == [{"header": "Zweck"}]

    # Next month's export: recognised through the profile, without any settings.
    march = [ODD[0], ["03.03.2024", "Bäckerei", "Brot", "-2,30"]]
    nxt = await importer.upload(csv_bytes(march, delimiter=";"))
    assert nxt["import"]["status"] == "READY"
    assert nxt["import"]["settings"]["profileId"] == saved["profile"]["id"]
    [row] = await importer.rows(nxt["import"]["id"])
    assert (row["date"], row["payee"], row["memo"], row["amount"]["amount"]) == (
        "2024-03-03",
        "Bäckerei",
        "Brot",
        "-2.30",
    )
    await importer.commit(nxt["import"]["id"])
    [profile] = (await importer.run(PROFILES, a=str(importer.account_id)))["importMappingProfiles"]["nodes"]
    assert profile["lastUsedAt"] is not None

    # Another account of the household does not use it.
    other = await importer.with_account("EUR")
    assert (await other.upload(csv_bytes(march, delimiter=";")))["import"]["status"] == "NEEDS_INPUT"


async def test_save_the_mapping_an_import_was_read_with_and_replace_it_by_name(importer: Importer) -> None:
    uploaded = await importer.upload(csv_bytes(ODD, delimiter=";"), settings={"mapping": MAPPING})
    assert uploaded["import"]["status"] == "READY"
    saved = (await importer.run(SAVE, input={"accountId": str(importer.account_id), "name": " Spar  kasse ",
                                             "importId": uploaded["import"]["id"]}))["importMappingProfileSave"]  # fmt: skip
    assert saved["profile"]["name"] == "Spar kasse"
    assert saved["profile"]["mapping"]["dateFormat"] == "DD.MM.YYYY"
    # The same name again replaces it.
    replaced = (await importer.run(SAVE, input={"accountId": str(importer.account_id), "name": "Spar kasse",
                                                "mapping": {**MAPPING, "decimalSeparator": "."}}))["importMappingProfileSave"]  # fmt: skip
    assert replaced["profile"]["id"] == saved["profile"]["id"]
    assert replaced["profile"]["mapping"]["decimalSeparator"] == "."


async def test_bad_profiles_are_refused(importer: Importer) -> None:
    account = str(importer.account_id)
    cases = [
        ({"accountId": account, "name": "", "mapping": MAPPING}, "name"),
        ({"accountId": account, "name": "x", "mapping": {"date": {"header": "Tag"}}}, "mapping"),
        ({"accountId": account, "name": "x"}, "mapping"),
        ({"accountId": str(uuid.uuid4()), "name": "x", "mapping": MAPPING}, "accountId"),
        ({"accountId": account, "name": "x", "importId": str(uuid.uuid4())}, "importId"),
    ]
    for given, field in cases:
        errors = (await importer.run(SAVE, input=given))["importMappingProfileSave"]["errors"]
        assert [e["field"] for e in errors] == [field], given
    assert (await importer.run(PROFILES, a=account))["importMappingProfiles"]["nodes"] == []


async def test_another_accounts_profile_cannot_be_used(importer: Importer) -> None:
    other = await importer.with_account("USD")
    saved = (await other.run(SAVE, input={"accountId": str(other.account_id), "name": "Theirs", "mapping": MAPPING}))[
        "importMappingProfileSave"
    ]["profile"]
    uploaded = await importer.upload(csv_bytes(ODD, delimiter=";"), settings={"profileId": saved["id"]})
    assert uploaded["import"]["status"] == "NEEDS_INPUT"
    assert uploaded["import"]["problem"]["message"] == "no such mapping profile"
