"""Every format, end to end into a ledger account: the importers' own samples (CSV in three dialects, QIF, QFX,
CAMT.053 in two versions) and every real bank statement among the shared OFX fixtures. Each adds exactly its rows,
moves the balance by exactly their sum (kept per day too, for the accounts list), and a second import of the same
file adds nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from subgraphs.budget.importers import parse_statement
from subgraphs.budget.services.balances import status_sums
from subgraphs.budget.services.rollups import rollup_drift
from tests.subgraphs.budget.importers.support import data_file
from tests.subgraphs.budget.imports.support import Importer, shared_ofx

# (file, where it is, the account's currency, which of the file's accounts, how many rows it adds)
CASES = [
    ("de_girokonto_cp1252.csv", "data", "EUR", None, 5),
    ("fr_compte_utf8_bom.csv", "data", "EUR", None, None),
    ("us_checking.csv", "data", "USD", None, None),
    ("quicken_us.qif", "data", "USD", 0, None),
    ("quicken_us.qif", "data", "USD", 1, None),
    ("us_checking_jan.qfx", "data", "USD", None, 8),
    ("camt053_v02.xml", "data", "EUR", None, 5),
    ("camt053_v08.xml", "data", "CHF", 0, 2),
    ("camt053_v08.xml", "data", "EUR", 1, 1),
    ("anzcc.ofx", "shared", "AUD", None, 1),
    ("bank_medium.ofx", "shared", "CAD", None, 3),
    ("checking.ofx", "shared", "USD", None, 3),
    ("investment_medium.ofx", "shared", "USD", None, 3),
    ("ofx-v102-empty-tags.ofx", "shared", "AUD", None, 1),
    ("suncorp.ofx", "shared", "AUD", None, 1),
]


def _read(name: str, where: str) -> bytes:
    return data_file(name) if where == "data" else shared_ofx(name)


@pytest.mark.parametrize(
    ("name", "where", "currency", "statement_account", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
async def test_each_format_into_a_ledger_account(
    importer: Importer, name: str, where: str, currency: str, statement_account: int | None, expected: int | None
) -> None:
    data = _read(name, where)
    account = await importer.with_account(currency)
    settings = {"statementAccount": statement_account} if statement_account is not None else {}
    parsed = parse_statement(data, filename=name, options=None) if expected is not None else None
    before = await account.balance()

    first = await account.imported(data, name, **settings)
    created = first["counts"]["created"]
    assert created == first["counts"]["total"] > 0
    if expected is not None:
        assert created == expected
    ledger = await account.ledger()
    assert len(ledger) == created
    added = sum((row.amount for row in ledger), Decimal(0))
    assert await account.balance() == before + added
    if parsed is not None:
        chosen = parsed.accounts[statement_account or 0]
        assert added == sum((row.amount for row in chosen.rows), Decimal(0))
        assert {row.currency for row in ledger} == {currency}

    async with account.runtime.sessionmaker() as session, session.begin():
        sums = await status_sums(session=session, account_ids=[account.account_id], as_of=None)
        assert sums[account.account_id].total() == added
        assert await rollup_drift(session=session, household_id=account.viewer.household_ids[0]) == []

    again = await account.upload(data, name, settings=settings or None)
    assert again["errors"] == []
    counts = again["import"]["counts"]
    assert counts["new"] == 0
    assert counts["duplicate"] == created
    await account.commit(again["import"]["id"], conflicts="SKIP")
    assert len(await account.ledger()) == created
    assert await account.balance() == before + added


async def test_rows_that_do_not_fit_the_account_are_named_and_nothing_is_written(importer: Importer) -> None:
    """The cash of an investment statement in USD under a CAD ``CURDEF``; a savings statement with four-decimal
    dollar amounts. Each refused row is named by line; asked to, the importer leaves them out and takes the rest."""
    canadian = await importer.with_account("CAD")
    refused = await canadian.upload(shared_ofx("investment_medium.ofx"), "investment_medium.ofx")
    assert refused["import"]["status"] == "NEEDS_INPUT"
    assert refused["import"]["problem"]["code"] == "invalid_rows"
    (error,) = refused["errors"]
    assert error["code"] == "invalid_rows"
    assert [(i["line"], i["message"]) for i in error["issues"]] == [
        (line, "the amount is in USD, the account is in CAD") for line in (43, 57, 71)
    ]
    assert await canadian.ledger() == []

    dollars = await importer.with_account("USD")
    savings = shared_ofx("fidelity-savings.ofx")
    refused = await dollars.upload(savings, "fidelity-savings.ofx")
    (error,) = refused["errors"]
    assert [i["line"] for i in error["issues"]] == [63, 78, 93]
    assert "at most 2 decimal places, got 115.8331" in error["issues"][0]["message"]
    assert await dollars.ledger() == []
    taken = await dollars.imported(savings, "fidelity-savings.ofx", skipInvalidRows=True)
    assert taken["counts"]["created"] == 1
    assert taken["counts"]["invalid"] == 3
    assert len(await dollars.ledger()) == 1


async def test_another_households_account_is_missing(importer: Importer) -> None:
    from tests.factories import make_account

    async with importer.runtime.sessionmaker() as session:
        foreign = await make_account(session, household_id=uuid.uuid4(), currency="USD")
    stranger = Importer(runtime=importer.runtime, viewer=importer.viewer, account_id=foreign.id)
    uploaded = await stranger.upload(data_file("us_checking_jan.qfx"), "us_checking_jan.qfx")
    assert uploaded["import"] is None
    assert [e["__typename"] for e in uploaded["errors"]] == ["NotFoundError"]
    assert await stranger.ledger() == []
