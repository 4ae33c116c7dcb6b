"""``services.categorise``: the interface the import uses, on a real household in PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from subgraphs.budget.categorisation.models import CategorisationSettings
from subgraphs.budget.categorisation.rules import Condition, Operator, RuleField
from subgraphs.budget.models import Category, Payee, PayeeAlias, Transaction
from subgraphs.budget.services import categorise
from subgraphs.budget.services.categorise import OFFER_THRESHOLD, Categoriser, Draft, Suggestion
from subgraphs.budget.services.ledger import NewTransaction, create_transaction
from subgraphs.budget.services.payees import payee_key
from subgraphs.budget.services.rules import RuleData, create_rule
from tests.factories import count_statements, make_account, make_category
from tests.subgraphs.budget.categorisation.support import model_of, record

HISTORY = """
date        payee              memo                            amount    category
2026-01-03  REWE Markt         Kartenzahlung 0312 Berlin        -54.20   Groceries
2026-01-10  REWE Markt         Kartenzahlung 1012 Berlin        -23.99   Groceries
2026-01-17  rewe markt.        Kartenzahlung 1701               -61.05   Groceries
2026-01-24  REWE Markt         Kartenzahlung 2401               -12.40   Groceries
2026-01-31  REWE Markt         Kartenzahlung 3101               -88.10   Groceries
2026-01-05  Netflix            SEPA Lastschrift NETFLIX.COM     -17.99   Subscriptions
2026-02-05  Netflix            SEPA Lastschrift NETFLIX.COM     -17.99   Subscriptions
2026-03-05  Netflix            SEPA Lastschrift NETFLIX.COM     -17.99   Subscriptions
2026-01-08  Amazon             Order 302-1                      -10.99   Books
2026-01-09  Amazon             Order 302-2                      -12.50   Books
2026-01-19  Amazon             Order 302-3                      -249.00  Electronics
2026-02-19  Amazon             Order 302-4                      -310.00  Electronics
2026-01-28  ACME GmbH          Gehalt Januar                    3100.00  Salary
2026-02-11  Corner Shop        -                                -3.10    -
"""


@dataclasses.dataclass
class Household:
    id: uuid.UUID
    account_id: uuid.UUID
    categories: dict[str, uuid.UUID]


@pytest.fixture(autouse=True)
def _fresh_models() -> None:
    categorise.forget_learned_models()


@pytest.fixture
async def household(session: AsyncSession) -> Household:
    household_id = uuid.uuid4()
    account = await make_account(session, household_id=household_id)
    categories: dict[str, uuid.UUID] = {}
    await record(session, household_id=household_id, account_id=account.id, text=HISTORY, categories=categories)
    return Household(household_id, account.id, categories)


async def load(session: AsyncSession, household_id: uuid.UUID) -> Categoriser:
    """``Categoriser.load`` in a transaction of its own, as a request or an import would call it."""
    async with session.begin():
        return await Categoriser.load(session=session, household_id=household_id)


def draft(h: Household, payee: str | None, amount: str, memo: str | None = None) -> Draft:
    return Draft(h.account_id, dt.date(2026, 11, 28), Decimal(amount), payee, memo)


async def add_rule(session: AsyncSession, h: Household, name: str, *conditions: Condition, **actions: object) -> None:
    async with session.begin():
        await create_rule(
            session=session,
            household_id=h.id,
            data=RuleData(name=name, conditions=conditions, **actions),  # type: ignore[arg-type]
        )


async def test_a_confident_learned_suggestion_says_why(session: AsyncSession, household: Household) -> None:
    categoriser = await load(session, household.id)
    suggestion = categoriser.suggest(draft(household, "REWE MARKT", "-31.50", "Kartenzahlung 2811"))
    assert suggestion == Suggestion(
        category_id=household.categories["Groceries"],
        payee=None,
        tags=(),
        confidence=5 / 6,
        reason="learned from 5 similar transactions",
        source="learned",
    )


async def test_below_the_threshold_nothing_is_applied_but_it_can_be_offered(
    session: AsyncSession, household: Household
) -> None:
    categoriser = await load(session, household.id)
    netflix = draft(household, "Netflix", "-17.99")  # three agreeing: 0.75, under the default 0.8
    applied = categoriser.suggest(netflix)
    assert (applied.category_id, applied.source, applied.reason, applied.confidence) == (None, "none", "", 0.0)
    offered = categoriser.suggest(netflix, threshold=OFFER_THRESHOLD)
    assert offered.category_id == household.categories["Subscriptions"]
    assert (offered.confidence, offered.reason) == (0.75, "learned from 3 similar transactions")


async def test_the_households_threshold_decides_what_is_applied(session: AsyncSession, household: Household) -> None:
    async with session.begin():
        session.add(CategorisationSettings(household_id=household.id, auto_apply_threshold=0.7))
    categoriser = await load(session, household.id)
    assert (
        categoriser.suggest(draft(household, "Netflix", "-17.99")).category_id == household.categories["Subscriptions"]
    )

    async with session.begin():
        await session.execute(
            update(CategorisationSettings)
            .where(CategorisationSettings.household_id == household.id)
            .values(learning_enabled=False)
        )
    categoriser = await load(session, household.id)
    assert categoriser.suggest(draft(household, "REWE Markt", "-31.50"), threshold=0.0).source == "none"


async def test_rules_come_first_then_the_payee_default_then_history(
    session: AsyncSession, household: Household
) -> None:
    c = household.categories
    eating_out = (await make_category(session, household_id=household.id, name="Eating out")).id
    await add_rule(
        session,
        household,
        "Big Rewe",
        Condition(RuleField.PAYEE, Operator.CONTAINS, "rewe"),
        Condition(RuleField.AMOUNT, Operator.BETWEEN, min=Decimal("100")),
        category_id=c["Subscriptions"],
        tags=("big",),
    )
    await add_rule(
        session, household, "Amazon", Condition(RuleField.PAYEE, Operator.STARTS_WITH, "amzn"), payee="Amazon"
    )
    async with session.begin():
        await session.execute(
            update(Payee)
            .where(Payee.household_id == household.id, Payee.name_key == "acme gmbh")
            .values(default_category_id=eating_out)
        )
    categoriser = await load(session, household.id)

    by_rule = categoriser.suggest(draft(household, "REWE Markt", "-150.00"))
    assert (by_rule.category_id, by_rule.source, by_rule.reason, by_rule.confidence, by_rule.tags) == (
        c["Subscriptions"],
        "rule",
        "rule 'Big Rewe'",
        1.0,
        ("big",),
    )
    assert by_rule.rule_id is not None
    assert by_rule.rule_ids == (by_rule.rule_id,)

    small = categoriser.suggest(draft(household, "REWE Markt", "-15.00"))
    assert (small.category_id, small.source) == (c["Groceries"], "learned")

    default = categoriser.suggest(draft(household, "ACME GmbH", "3100.00"))
    assert (default.category_id, default.source, default.reason) == (eating_out, "payee", "payee default")

    # The rule renames the payee; the history is then looked up under the new name.
    renamed = categoriser.suggest(draft(household, "AMZN Mktp DE*2K4", "-299.00"))
    assert renamed.payee == "Amazon"
    assert (renamed.category_id, renamed.source) == (None, "none")  # Amazon is split 2 to 2: not confident
    offered = categoriser.suggest(draft(household, "AMZN Mktp DE*2K4", "-299.00"), threshold=OFFER_THRESHOLD)
    assert (offered.category_id, offered.payee, offered.source) == (c["Electronics"], "Amazon", "learned")
    assert offered.reason == "learned from 2 similar transactions"


async def test_an_alias_finds_its_payees_history(session: AsyncSession, household: Household) -> None:
    async with session.begin():
        payee_id = await session.scalar(
            text("SELECT id FROM budget.payees WHERE household_id = :h AND name_key = 'rewe markt'"),
            {"h": household.id},
        )
        session.add(
            PayeeAlias(
                household_id=household.id,
                payee_id=payee_id,
                alias="REWE SAGT DANKE",
                alias_key=payee_key("REWE SAGT DANKE"),
            )
        )
    categoriser = await load(session, household.id)
    found = categoriser.suggest(draft(household, "Rewe sagt danke!", "-20.00"))
    assert (found.category_id, found.reason) == (
        household.categories["Groceries"],
        "learned from 5 similar transactions",
    )


async def test_the_sql_aggregate_learns_what_the_history_says(session: AsyncSession, household: Household) -> None:
    """The model trained by the SQL query and one counted in Python from the same text agree on every probe."""
    loaded = (await load(session, household.id)).model
    counted = model_of(HISTORY, dict(household.categories))
    probes = [
        ("REWE Markt", "-31.50", None),
        ("Amazon", "-11.00", None),
        ("Amazon", "-260.00", None),
        ("NETFLIX INTERNATIONAL", "-17.99", None),
        ("Unknown", "-3.00", "Lastschrift netflix"),
        ("ACME GmbH", "3100.00", None),
        ("Corner Shop", "-3.10", None),
        (None, "-1.00", "Kartenzahlung 2811"),
    ]
    for payee, amount, memo in probes:
        args = {
            "payee_key": payee_key(payee) if payee else None,
            "memo": memo,
            "amount": Decimal(amount),
            "enough": 0.8,
        }
        left, right = loaded.guess(**args), counted.guess(**args)  # type: ignore[arg-type]
        assert (left and (left.category_id, left.support, left.total, left.word)) == (
            right and (right.category_id, right.support, right.total, right.word)
        ), (payee, amount, memo)
    assert loaded.examples == counted.examples == 13


async def test_transfers_splits_and_archived_categories_teach_nothing(
    session: AsyncSession, household: Household
) -> None:
    async with session.begin():
        await session.execute(
            update(Transaction)
            .where(Transaction.household_id == household.id, Transaction.payee == "Netflix")
            .values(transfer_id=uuid.uuid4())
        )
        await session.execute(
            update(Category)
            .where(Category.id == household.categories["Groceries"])
            .values(archived_at=dt.datetime.now(dt.UTC))
        )
    categoriser = await load(session, household.id)
    assert categoriser.suggest(draft(household, "Netflix", "-17.99"), threshold=0).category_id is None
    assert categoriser.suggest(draft(household, "REWE Markt", "-20.00"), threshold=0).category_id is None
    assert categoriser.model.examples == 13 - 3 - 5


async def test_an_archived_category_is_never_suggested_even_from_a_kept_model(
    session: AsyncSession, household: Household
) -> None:
    await load(session, household.id)  # trains and keeps the model
    await add_rule(
        session,
        household,
        "Rewe",
        Condition(RuleField.PAYEE, Operator.CONTAINS, "rewe"),
        category_id=household.categories["Groceries"],
        tags=("food",),
    )
    async with session.begin():
        await session.execute(
            update(Category)
            .where(Category.id == household.categories["Groceries"])
            .values(archived_at=dt.datetime.now(dt.UTC))
        )
    categoriser = await load(session, household.id)
    suggestion = categoriser.suggest(draft(household, "REWE Markt", "-20.00"), threshold=0)
    assert suggestion.category_id is None
    assert suggestion.tags == ("food",)  # the rule's other actions still apply


async def test_another_households_history_is_not_used(session: AsyncSession, household: Household) -> None:
    stranger = uuid.uuid4()
    account = await make_account(session, household_id=stranger)
    categoriser = await load(session, stranger)
    assert categoriser.model.examples == 0
    suggestion = categoriser.suggest(
        Draft(account.id, dt.date(2026, 1, 1), Decimal("-20"), "REWE Markt", None), threshold=0
    )
    assert suggestion.source == "none"


async def test_suggest_is_synchronous_and_pure(session: AsyncSession, household: Household) -> None:
    assert inspect.iscoroutinefunction(Categoriser.load)
    assert not inspect.iscoroutinefunction(Categoriser.suggest)
    categoriser = await load(session, household.id)
    await session.close()  # no I/O from here on: the session is gone
    drafts = [
        draft(household, "REWE Markt", "-31.50", "Kartenzahlung 1"),
        draft(household, "Netflix", "-17.99"),
        draft(household, "NETFLIX.COM", "-17.99", "sepa"),
        draft(household, None, "-3.00", "Kartenzahlung"),
        draft(household, "Amazon", "-11.00"),
    ]
    first = [categoriser.suggest(d) for d in drafts]
    assert not any(inspect.isawaitable(s) for s in first)
    again = [categoriser.suggest(d) for d in reversed(drafts)][::-1]
    assert again == first
    fresh = Categoriser(
        household_id=categoriser.household_id,
        rules=categoriser.rules,
        model=categoriser.model,
        threshold=categoriser.threshold,
        live_categories=frozenset(household.categories.values()),
    )
    assert [fresh.suggest(d) for d in drafts] == first  # no state carried over from earlier calls


async def test_the_model_is_kept_until_the_history_changes(
    session: AsyncSession, household: Household, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def model_queries(statements: list[str]) -> list[str]:
        return [s for s in statements if "UNION ALL" in s or "max(budget.transactions.updated_at)" in s]

    await load(session, household.id)
    with count_statements(engine) as statements:
        categoriser = await load(session, household.id)
    assert model_queries(statements) == [], "a model checked moments ago is used as it is"
    assert categoriser.suggest(draft(household, "Netflix", "-17.99")).category_id is None

    monkeypatch.setattr(categorise, "LEARNED_FRESH_SECONDS", 0.0)  # from here on, every load checks
    with count_statements(engine) as statements:
        await load(session, household.id)
    assert len(model_queries(statements)) == 1, "unchanged history: the fingerprint only, no training"

    await record(
        session,
        household_id=household.id,
        account_id=household.account_id,
        text="""date        payee    memo  amount   category
                2026-04-05  Netflix  -     -17.99   Subscriptions""",
        categories=household.categories,
    )
    with count_statements(engine) as statements:
        categoriser = await load(session, household.id)
    assert any("UNION ALL" in s for s in statements), "the history changed: trained again"
    netflix = categoriser.suggest(draft(household, "Netflix", "-17.99"))
    assert (netflix.category_id, netflix.reason) == (
        household.categories["Subscriptions"],
        "learned from 4 similar transactions",
    )


async def test_categorising_through_this_process_drops_the_kept_model(
    session: AsyncSession, household: Household
) -> None:
    """Within the freshness window nothing is asked of the database, so a write that categorises must drop the
    model itself: the next transaction already learns from it."""
    before = await load(session, household.id)
    assert before.suggest(draft(household, "Netflix", "-17.99")).category_id is None  # 3 examples: 0.75
    async with session.begin():
        await create_transaction(
            session=session,
            household_ids=[household.id],
            data=NewTransaction(
                household.account_id,
                dt.date(2026, 4, 5),
                Decimal("-17.99"),
                "Netflix",
                None,
                category_id=household.categories["Subscriptions"],
                categorise=True,
            ),
        )
    after = await load(session, household.id)
    assert after.suggest(draft(household, "Netflix", "-17.99")).reason == "learned from 4 similar transactions"


async def test_memo_words_come_from_the_latest_transactions(
    session: AsyncSession, household: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Payee words count the whole history; memo words only the latest ``MEMO_HISTORY`` (here 3)."""
    monkeypatch.setattr(categorise, "MEMO_HISTORY", 3)
    await record(
        session,
        household_id=household.id,
        account_id=household.account_id,
        text="""date        payee   memo                   amount   category
                2026-05-01  -       Lastschrift Spotify    -9.99    Subscriptions
                2026-05-02  -       Lastschrift Spotify    -9.99    Subscriptions""",
        categories=household.categories,
    )
    categoriser = await load(session, household.id)
    spotify = categoriser.suggest(draft(household, "PayPal", "-9.99", "spotify premium"), threshold=0)
    assert spotify.reason == "learned from 2 similar transactions mentioning 'spotify'"
    salary = draft(household, "PayPal", "50.00", "Gehalt Februar")
    assert categoriser.suggest(salary, threshold=0).source == "none"  # "Gehalt Januar" is older than the latest 3
    by_payee_word = categoriser.suggest(draft(household, "REWE City", "-9.00"), threshold=0)
    assert by_payee_word.reason == "learned from 5 similar transactions mentioning 'rewe'"

    monkeypatch.setattr(categorise, "MEMO_HISTORY", 20_000)
    categorise.forget_learned_models()
    everything = await load(session, household.id)
    found = everything.suggest(salary, threshold=0)
    assert (found.category_id, found.reason) == (
        household.categories["Salary"],
        "learned from 1 similar transaction mentioning 'gehalt'",
    )
