"""The learned model on small inline histories: what it suggests, how sure it is, and why."""

from __future__ import annotations

import uuid
from decimal import Decimal

from subgraphs.budget.categorisation.learned import LearnedModel, amount_bucket, words
from subgraphs.budget.services.payees import payee_key
from tests.subgraphs.budget.categorisation.support import model_of

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
2026-04-05  Netflix            SEPA Lastschrift NETFLIX.COM     -17.99   Subscriptions
2026-01-08  Amazon             Order 302-1                      -10.99   Books
2026-01-09  Amazon             Order 302-2                      -12.50   Books
2026-01-19  Amazon             Order 302-3                      -249.00  Electronics
2026-02-19  Amazon             Order 302-4                      -310.00  Electronics
2026-02-20  Amazon             Order 302-5                      -289.00  Electronics
2026-01-28  ACME GmbH          Gehalt Januar                    3100.00  Salary
2026-02-02  ACME GmbH          Kantine                          -4.20    Eating out
2026-01-15  Corner Shop        -                                -3.10    Groceries
"""

C: dict[str, uuid.UUID] = {}
MODEL = model_of(HISTORY, C)


def guess(payee: str | None, amount: str, memo: str | None = None, enough: float = 0.8):
    return MODEL.guess(payee_key=payee_key(payee) if payee else None, memo=memo, amount=Decimal(amount), enough=enough)


def test_a_payee_seen_often_in_one_category_is_a_confident_suggestion_with_its_reason() -> None:
    found = guess("REWE MARKT", "-31.00")
    assert found is not None
    assert found.category_id == C["Groceries"]
    assert found.confidence == 5 / 6
    assert found.reason == "learned from 5 similar transactions"


def test_confidence_grows_with_agreeing_history() -> None:
    """One example gives 0.5, four agreeing 0.8: below the default threshold until there is real evidence."""
    netflix = guess("Netflix", "-17.99")
    assert netflix is not None
    assert netflix.confidence == 4 / 5
    assert netflix.category_id == C["Subscriptions"]
    corner = guess("Corner Shop", "-2.00")
    assert corner is not None
    assert corner.confidence == 0.5
    assert corner.reason == "learned from 1 similar transaction"


def test_the_size_of_the_amount_tells_a_mixed_payee_apart() -> None:
    """Amazon: books are small, electronics large. The payee alone is split 2 to 3 (0.5); by size it is not."""
    small = guess("Amazon", "-11.00")
    large = guess("Amazon", "-280.00")
    assert small is not None
    assert small.category_id == C["Books"]
    assert small.confidence == 2 / 3
    assert large is not None
    assert large.category_id == C["Electronics"]
    assert large.confidence == 3 / 4
    unusual = guess("Amazon", "-60.00")  # a size never seen: the payee's overall majority, unsure
    assert unusual is not None
    assert unusual.category_id == C["Electronics"]
    assert unusual.confidence == 0.5


def test_money_in_and_money_out_are_learned_apart() -> None:
    salary = guess("ACME GmbH", "3100.00")
    canteen = guess("ACME GmbH", "-5.00")
    assert salary is not None
    assert salary.category_id == C["Salary"]
    assert canteen is not None
    assert canteen.category_id == C["Eating out"]


def test_a_new_payee_is_recognised_by_a_word_it_shares() -> None:
    found = guess("NETFLIX.COM INTERNATIONAL", "-17.99")
    assert found is not None
    assert found.category_id == C["Subscriptions"]
    assert found.word == "netflix"
    assert found.reason == "learned from 4 similar transactions mentioning 'netflix'"


def test_a_memo_word_helps_when_the_payee_is_unknown() -> None:
    found = guess("PayPal Europe", "-17.99", memo="Lastschrift netflix.com 4711")
    assert found is not None
    assert found.category_id == C["Subscriptions"]


def test_nothing_similar_means_no_suggestion() -> None:
    assert guess("Zoo", "-22.00") is None
    assert guess(None, "-22.00") is None
    assert guess("Tierpark", "-22.00", memo="Eintritt 2 Personen") is None
    assert guess("REWE Markt", "54.20") is None  # never money in from REWE
    assert guess("REWE Markt", "0") is None


def test_no_history_suggests_nothing() -> None:
    empty = LearnedModel.empty()
    assert empty.guess(payee_key="rewe markt", memo="x", amount=Decimal("-5"), enough=0.8) is None
    assert model_of("date  payee  memo  amount  category", {}).examples == 0


def test_a_tie_is_broken_the_same_way_whatever_the_order_of_history() -> None:
    categories = {"A": uuid.UUID(int=1), "B": uuid.UUID(int=2)}
    history = """
    date        payee   memo  amount  category
    2026-01-01  Kiosk   -     -1.00   {}
    2026-01-02  Kiosk   -     -1.00   {}
    """
    forwards = model_of(history.format("A", "B"), dict(categories))
    backwards = model_of(history.format("B", "A"), dict(categories))
    for model in (forwards, backwards):
        found = model.guess(payee_key="kiosk", memo=None, amount=Decimal("-1"), enough=0.8)
        assert found is not None
        assert found.category_id == uuid.UUID(int=1)
        assert found.confidence == 1 / 3


def test_words_and_sizes() -> None:
    assert words("SEPA-Lastschrift NETFLIX.COM 4711 de") == ("sepa", "lastschrift", "netflix", "com")
    assert words(None) == ()
    assert amount_bucket(Decimal("10.00")) == 4
    assert amount_bucket(Decimal("17.77")) == 4
    assert amount_bucket(Decimal("17.79")) == 5
    assert amount_bucket(Decimal("0.99")) == -1
    assert amount_bucket(Decimal("0")) is None
