"""Rule matching and priority, pure: each case reads as "this condition, this transaction, match or not"."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from subgraphs.budget.categorisation.rules import (
    Condition,
    Match,
    Operator,
    Problem,
    RuleField,
    RuleSet,
    RuleSpec,
    check_conditions,
    text_key,
)

CHECKING, CARD = uuid.uuid4(), uuid.uuid4()
GROCERIES, FUEL, FUN, OTHER = (uuid.uuid4() for _ in range(4))

P, M, A, ACC = RuleField.PAYEE, RuleField.MEMO, RuleField.AMOUNT, RuleField.ACCOUNT


def decides(
    condition: Condition,
    *,
    payee: str | None = "x",
    memo: str | None = None,
    amount: str = "-1",
    account: uuid.UUID = CHECKING,
) -> bool:
    rules = RuleSet([RuleSpec(uuid.uuid4(), "r", Match.ALL, (condition,), category_id=GROCERIES)])
    outcome = rules.evaluate(payee=payee, memo=memo, amount=Decimal(amount), account_id=account)
    return outcome.category is not None


CASES = [
    # condition                                                   transaction                          matches
    (Condition(P, Operator.EQUALS, "rewe markt"),                  {"payee": "REWE  Markt."},           True),
    (Condition(P, Operator.EQUALS, "rewe"),                        {"payee": "REWE Markt"},             False),
    (Condition(P, Operator.EQUALS, "cafe muller"),                 {"payee": "Café Müller"},            True),
    (Condition(P, Operator.CONTAINS, "amzn mktp"),                 {"payee": "AMZN Mktp DE*2K4"},       True),
    (Condition(P, Operator.CONTAINS, "de 2k4"),                    {"payee": "AMZN Mktp DE*2K4"},       True),
    (Condition(P, Operator.CONTAINS, "netflix"),                   {"payee": "Spotify"},                False),
    (Condition(P, Operator.CONTAINS, "netflix"),                   {"payee": None},                     False),
    (Condition(P, Operator.STARTS_WITH, "shell"),                  {"payee": "SHELL Station 42"},       True),
    (Condition(P, Operator.STARTS_WITH, "station"),                {"payee": "SHELL Station 42"},       False),
    (Condition(P, Operator.MATCHES, r"^(rewe|edeka)\b"),           {"payee": "Edeka Center"},           True),
    (Condition(P, Operator.MATCHES, r"^(rewe|edeka)\b"),           {"payee": "Not Edeka"},              False),
    (Condition(P, Operator.MATCHES, r"café"),                      {"payee": "CAFÉ central"},           True),
    (Condition(P, Operator.MATCHES, r"\d{4}$"),                    {"payee": "Card 1234"},              True),
    (Condition(P, Operator.MATCHES, r"x"),                         {"payee": None},                     False),
    (Condition(M, Operator.CONTAINS, "dauerauftrag miete"),        {"memo": "DAUERAUFTRAG: Miete Nov"}, True),
    (Condition(M, Operator.CONTAINS, "miete"),                     {"memo": None},                      False),
    (Condition(M, Operator.MATCHES, r"rechnung \d+"),              {"memo": "Ihre RECHNUNG 4711"},      True),
    (Condition(A, Operator.BETWEEN, min=Decimal("10"), max=Decimal("50")), {"amount": "-10.00"},        True),
    (Condition(A, Operator.BETWEEN, min=Decimal("10"), max=Decimal("50")), {"amount": "50.00"},         True),
    (Condition(A, Operator.BETWEEN, min=Decimal("10"), max=Decimal("50")), {"amount": "-50.01"},        False),
    (Condition(A, Operator.BETWEEN, min=Decimal("10"), max=Decimal("50")), {"amount": "9.99"},          False),
    (Condition(A, Operator.BETWEEN, min=Decimal("1000")),          {"amount": "-1000"},                 True),
    (Condition(A, Operator.BETWEEN, max=Decimal("5")),             {"amount": "-5.01"},                 False),
    (Condition(A, Operator.IS_INFLOW),                             {"amount": "2500.00"},               True),
    (Condition(A, Operator.IS_INFLOW),                             {"amount": "-2500.00"},              False),
    (Condition(A, Operator.IS_OUTFLOW),                            {"amount": "-0.01"},                 True),
    (Condition(A, Operator.IS_OUTFLOW),                            {"amount": "0"},                     False),
    (Condition(ACC, Operator.IS_ONE_OF, account_ids=(CARD,)),      {"account": CARD},                   True),
    (Condition(ACC, Operator.IS_ONE_OF, account_ids=(CARD,)),      {"account": CHECKING},               False),
]  # fmt: skip


@pytest.mark.parametrize(("condition", "transaction", "expected"), CASES)
def test_a_condition_matches_what_it_says(condition: Condition, transaction: dict, expected: bool) -> None:
    assert decides(condition, **transaction) is expected


def rule(
    name: str,
    *conditions: Condition,
    match: Match = Match.ALL,
    category: uuid.UUID | None = None,
    payee: str | None = None,
    tags: tuple[str, ...] = (),
) -> RuleSpec:
    return RuleSpec(uuid.uuid4(), name, match, conditions, category_id=category, payee=payee, tags=tags)


def test_all_needs_every_condition_and_any_needs_one() -> None:
    rewe = Condition(P, Operator.CONTAINS, "rewe")
    big = Condition(A, Operator.BETWEEN, min=Decimal("100"))
    every = RuleSet([rule("big shop", rewe, big, category=GROCERIES)])
    either = RuleSet([rule("rewe or big", rewe, big, match=Match.ANY, category=GROCERIES)])
    for payee, amount, all_, any_ in [("REWE", "-120", True, True), ("REWE", "-20", False, True),
                                      ("Aldi", "-120", False, True), ("Aldi", "-20", False, False)]:  # fmt: skip
        for rules, expected in ((every, all_), (either, any_)):
            outcome = rules.evaluate(payee=payee, memo=None, amount=Decimal(amount), account_id=CHECKING)
            assert (outcome.category is not None) is expected, (payee, amount, expected)


def test_the_first_matching_rule_wins_each_action_and_later_rules_fill_the_rest() -> None:
    shell = Condition(P, Operator.CONTAINS, "shell")
    card = Condition(ACC, Operator.IS_ONE_OF, account_ids=(CARD,))
    rules = RuleSet(
        [
            rule("Fuel", shell, category=FUEL),
            rule("Shell shop", shell, category=FUN, payee="Shell", tags=("car",)),
            rule("Card", card, category=OTHER, tags=("card",)),
        ]
    )
    outcome = rules.evaluate(payee="SHELL 123", memo=None, amount=Decimal("-40"), account_id=CARD)
    assert outcome.category is not None
    assert outcome.category[0] == FUEL
    assert outcome.category[1].name == "Fuel"
    assert outcome.payee is not None
    assert outcome.payee[0] == "Shell"
    assert outcome.payee[1].name == "Shell shop"
    assert outcome.tags is not None
    assert outcome.tags[0] == ("car",)
    assert outcome.tags[1].name == "Shell shop"
    assert [r.name for r in outcome.rules] == ["Fuel", "Shell shop"]  # "Card" decided nothing

    elsewhere = rules.evaluate(payee="Kiosk", memo=None, amount=Decimal("-4"), account_id=CARD)
    assert elsewhere.category is not None
    assert elsewhere.category[0] == OTHER
    assert elsewhere.tags is not None
    assert elsewhere.tags[0] == ("card",)
    assert elsewhere.payee is None


def test_conditions_see_the_payee_as_it_arrived_not_a_rename() -> None:
    rules = RuleSet(
        [
            rule("Rename", Condition(P, Operator.STARTS_WITH, "amzn"), payee="Amazon"),
            rule("Amazon", Condition(P, Operator.EQUALS, "amazon"), category=FUN),
        ]
    )
    outcome = rules.evaluate(payee="AMZN Mktp", memo=None, amount=Decimal("-9"), account_id=CHECKING)
    assert outcome.payee is not None
    assert outcome.payee[0] == "Amazon"
    assert outcome.category is None


def test_the_memo_is_looked_at_only_when_it_could_change_the_decision() -> None:
    """Same answers whether the memo is read or skipped; skipping is an optimisation that must not show."""
    rules = RuleSet(
        [
            rule("Rent", Condition(M, Operator.CONTAINS, "miete"), category=OTHER),
            rule("Rewe", Condition(P, Operator.CONTAINS, "rewe"), category=GROCERIES, tags=("food",)),
            rule("Tagged", Condition(M, Operator.CONTAINS, "urlaub"), tags=("holiday",)),
        ]
    )
    cases = [
        ("REWE", "Miete", OTHER, ("food",)),
        ("REWE", "urlaub", GROCERIES, ("food",)),
        ("Bank", "Miete urlaub", OTHER, ("holiday",)),
        ("Bank", None, None, None),
    ]
    for payee, memo, category, tags in cases:
        outcome = rules.evaluate(payee=payee, memo=memo, amount=Decimal("-1"), account_id=CHECKING)
        assert (outcome.category[0] if outcome.category else None) == category, (payee, memo)
        assert (outcome.tags[0] if outcome.tags else None) == tags, (payee, memo)


def test_equal_transactions_get_the_same_outcome_object() -> None:
    rules = RuleSet([rule("Rewe", Condition(P, Operator.CONTAINS, "rewe"), category=GROCERIES)])
    first = rules.evaluate(payee="REWE 1", memo="a", amount=Decimal("-1"), account_id=CHECKING)
    second = rules.evaluate(payee="rewe markt", memo="b", amount=Decimal("-99"), account_id=CARD)
    assert first is second


@pytest.mark.parametrize(
    ("conditions", "problem"),
    [
        ((), Problem("conditions", "a rule needs at least one condition")),
        ((Condition(P, Operator.MATCHES, "(rewe"),), Problem("conditions[0].value", "not a valid regular expression: missing ): (rewe")),
        ((Condition(P, Operator.MATCHES, r"(a)\1"),), Problem("conditions[0].value", "not a valid regular expression: invalid escape sequence: \\1")),
        ((Condition(P, Operator.MATCHES, ""),), Problem("conditions[0].value", "give a regular expression")),
        ((Condition(M, Operator.CONTAINS, " .,- "),), Problem("conditions[0].value", "give some letters or digits to compare with")),
        ((Condition(P, Operator.BETWEEN, min=Decimal(1)),), Problem("conditions[0].operator", "PAYEE takes the operators CONTAINS, EQUALS, MATCHES, STARTS_WITH")),
        ((Condition(A, Operator.BETWEEN),), Problem("conditions[0].min", "give a minimum, a maximum or both")),
        ((Condition(A, Operator.BETWEEN, min=Decimal(50), max=Decimal(10)),), Problem("conditions[0].max", "the maximum is below the minimum")),
        ((Condition(A, Operator.BETWEEN, min=Decimal(-5)),), Problem("conditions[0].min", "compare with the amount's size: give zero or more")),
        ((Condition(ACC, Operator.IS_ONE_OF),), Problem("conditions[0].accountIds", "name at least one account")),
        ((Condition(P, Operator.CONTAINS, "ok"), Condition(P, Operator.MATCHES, "[")), Problem("conditions[1].value", "not a valid regular expression: missing ]: [")),
    ],
)  # fmt: skip
def test_bad_conditions_are_named_by_their_input_path(conditions: tuple[Condition, ...], problem: Problem) -> None:
    assert check_conditions(conditions) == [problem]


def test_a_pattern_that_would_backtrack_forever_in_python_is_linear_in_re2() -> None:
    """`(a+)+$` on "aaaa…b" takes exponential time with backtracking engines; RE2 answers at once. Evaluated for
    many growing inputs: if this were exponential the test would not finish."""
    rules = RuleSet([rule("Evil", Condition(P, Operator.MATCHES, r"(a+)+$"), category=OTHER)])
    for length in range(20, 4000, 97):
        outcome = rules.evaluate(payee="a" * length + "!", memo=None, amount=Decimal("-1"), account_id=CHECKING)
        assert outcome.category is None


def test_text_is_folded_like_payee_names() -> None:
    from subgraphs.budget.services.payees import payee_key

    for text in ["  REWE  Markt, GmbH.", "Café  Müller", "AMZN Mktp DE*2K4", "Straße & Co", "ÅSA-Ärger"]:
        assert text_key(text) == payee_key(text)


def test_conditions_round_trip_through_json() -> None:
    conditions = [
        Condition(P, Operator.MATCHES, r"^rewe\b"),
        Condition(A, Operator.BETWEEN, min=Decimal("10.50"), max=None),
        Condition(ACC, Operator.IS_ONE_OF, account_ids=(CARD, CHECKING)),
        Condition(A, Operator.IS_INFLOW),
    ]
    assert [Condition.from_json(c.to_json()) for c in conditions] == conditions
