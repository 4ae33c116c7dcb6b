from __future__ import annotations

from fincloud.auth import Role
from fincloud.service import Runtime
from tests.subgraphs.budget.ledger_support import ERRORS, as_role, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: BudgetSettingsUpdateInput!) {{
  budgetSettingsUpdate(input: $input) {{ settings {{ householdId baseCurrency budgetModel updatedAt }} {ERRORS} }}
}}
"""
SETTINGS = "query($h: ID) { budgetSettings(householdId: $h) { householdId baseCurrency budgetModel updatedAt } }"


async def test_owners_change_the_base_currency_and_budget_model(runtime: Runtime) -> None:
    home = await household(runtime)
    defaults = await home.run(SETTINGS)
    assert defaults["budgetSettings"] == {
        "householdId": str(home.id),
        "baseCurrency": "EUR",
        "budgetModel": "LIMITS",
        "updatedAt": None,
    }
    data = await home.run(UPDATE, input={"baseCurrency": "chf"})
    saved = data["budgetSettingsUpdate"]["settings"]
    assert (saved["baseCurrency"], saved["budgetModel"]) == ("CHF", "LIMITS")
    assert saved["updatedAt"] is not None
    data = await home.run(UPDATE, input={"householdId": str(home.id), "budgetModel": "ENVELOPE"})
    assert data["budgetSettingsUpdate"]["settings"]["baseCurrency"] == "CHF"  # left out: kept
    assert (await home.run(SETTINGS, h=str(home.id)))["budgetSettings"]["budgetModel"] == "ENVELOPE"
    viewer = await home.run(SETTINGS, viewer=as_role(home, Role.VIEWER), h=str(home.id))
    assert viewer["budgetSettings"]["baseCurrency"] == "CHF"  # viewers read


async def test_bad_input_is_a_typed_error_and_changes_nothing(runtime: Runtime) -> None:
    home = await household(runtime)
    before = await fingerprint(runtime)
    for input_, field in [({"baseCurrency": "EURO"}, "baseCurrency"), ({"budgetModel": None}, "budgetModel")]:
        data = await home.run(UPDATE, input=input_)
        error = only_error(data["budgetSettingsUpdate"])
        assert (error["__typename"], error["field"]) == ("ValidationError", field)
    assert await fingerprint(runtime) == before


async def test_only_owners_change_settings_and_other_households_look_missing(runtime: Runtime) -> None:
    home = await household(runtime)
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, message in [
        (stranger.viewer, "no such household"),
        (as_role(home, Role.EDITOR), "only the household's owners may change its budget settings"),
        (as_role(home, Role.VIEWER), "only the household's owners may change its budget settings"),
    ]:
        data = await home.run(UPDATE, viewer=viewer, input={"householdId": str(home.id), "baseCurrency": "USD"})
        assert only_error(data["budgetSettingsUpdate"]) == {
            "__typename": "NotFoundError",
            "message": message,
            "field": "householdId",
        }
    assert await fingerprint(runtime) == before
    assert (await home.run(SETTINGS, viewer=stranger.viewer, h=str(home.id))) == {"budgetSettings": None}
