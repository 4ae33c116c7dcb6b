"""``budgetSettingsUpdate``'s base currency (the budget model and alert levels are tested with the budgets, in
tests/subgraphs/budget/budgets/)."""

from __future__ import annotations

import datetime as dt

from fincloud.auth import Role
from fincloud.constants import TOPIC_BUDGET_CHANGED
from fincloud.service import Runtime
from subgraphs.budget.budgets.models import BudgetAmount
from tests.subgraphs.budget.ledger_support import ERRORS, D, as_role, events, fingerprint, household, only_error

UPDATE = f"""
mutation Update($input: BudgetSettingsUpdateInput!) {{
  budgetSettingsUpdate(input: $input) {{ settings {{ householdId model currency thresholdLevels }} {ERRORS} }}
}}
"""
SETTINGS = "query($h: ID!) { budgetSettings(householdId: $h) { currency model } }"
BASE = """query($id: ID!) { account(id: $id) { baseCurrencyBalance(asOf: "2026-11-27") {
  __typename ... on ConvertedMoney { amount { amount currency } } } } }"""


async def test_an_owner_changes_the_base_currency_and_balances_follow(runtime: Runtime) -> None:
    home = await household(runtime)
    account = await home.account("Francs", "CHF", opening="12.34")
    before = await home.run(BASE, id=str(account.id))
    assert before["account"]["baseCurrencyBalance"]["__typename"] == "FxRateMissing"  # CHF→EUR: no rate stored
    data = await home.run(UPDATE, input={"householdId": str(home.id), "baseCurrency": " chf "})
    assert data["budgetSettingsUpdate"] == {
        "settings": {"householdId": str(home.id), "model": "LIMITS", "currency": "CHF", "thresholdLevels": [80, 100]},
        "errors": [],
    }
    assert (await home.run(SETTINGS, h=str(home.id)))["budgetSettings"] == {"currency": "CHF", "model": "LIMITS"}
    after = await home.run(BASE, id=str(account.id))
    assert after["account"]["baseCurrencyBalance"] == {
        "__typename": "ConvertedMoney",
        "amount": {"amount": "12.34", "currency": "CHF"},
    }
    [changed] = await events(runtime, TOPIC_BUDGET_CHANGED)
    assert changed.payload["reason"] == "settings_changed"
    both = await home.run(UPDATE, input={"householdId": str(home.id), "baseCurrency": "CHF", "model": "ENVELOPE"})
    assert both["budgetSettingsUpdate"]["settings"]["model"] == "ENVELOPE"
    assert len(await events(runtime, TOPIC_BUDGET_CHANGED)) == 2  # the model changed; the currency did not


async def test_bad_codes_and_households_with_budgets_are_refused_and_nothing_changes(runtime: Runtime) -> None:
    home = await household(runtime)
    food = await home.category("Food")
    before = await fingerprint(runtime)
    bad = await home.run(UPDATE, input={"householdId": str(home.id), "baseCurrency": "EURO", "model": "ENVELOPE"})
    error = only_error(bad["budgetSettingsUpdate"])
    assert (error["__typename"], error["field"]) == ("ValidationError", "baseCurrency")
    assert await fingerprint(runtime) == before
    async with runtime.sessionmaker() as session, session.begin():
        session.add(BudgetAmount(household_id=home.id, category_id=food.id, month=dt.date(2026, 11, 1), amount=D(50)))
    before = await fingerprint(runtime)
    refused = await home.run(UPDATE, input={"householdId": str(home.id), "baseCurrency": "USD"})
    assert only_error(refused["budgetSettingsUpdate"]) == {
        "__typename": "ValidationError",
        "message": "the household's budgets are in EUR; clear them before changing the base currency",
        "field": "baseCurrency",
    }
    assert await fingerprint(runtime) == before


async def test_only_owners_change_the_base_currency_and_other_households_look_missing(runtime: Runtime) -> None:
    home = await household(runtime)
    stranger = await household(runtime)
    before = await fingerprint(runtime)
    for viewer, message in [
        (stranger.viewer, "no such household"),
        (as_role(home, Role.EDITOR), "only the household's owners may change its base currency"),
        (as_role(home, Role.VIEWER), "only the household's owners and editors may change its budget"),
    ]:
        data = await home.run(UPDATE, viewer=viewer, input={"householdId": str(home.id), "baseCurrency": "USD"})
        assert only_error(data["budgetSettingsUpdate"]) == {
            "__typename": "NotFoundError",
            "message": message,
            "field": "householdId",
        }
    assert await fingerprint(runtime) == before
    editor = await home.run(
        UPDATE, viewer=as_role(home, Role.EDITOR), input={"householdId": str(home.id), "model": "ENVELOPE"}
    )
    assert editor["budgetSettingsUpdate"]["settings"]["model"] == "ENVELOPE"  # the rest stays open to editors
