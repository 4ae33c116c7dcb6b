"""``portfolioImport``: broker statements into a portfolio, all or nothing, and a second import of the same file
adds nothing. Expected counts are read from the parsed statement, never written down per file."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.datastructures import Headers, UploadFile

from fincloud.auth import Role, Viewer
from fincloud.service import Runtime
from subgraphs.budget.importers.errors import StatementError
from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.holdings import CostMethod, HoldingsError, replay
from subgraphs.portfolio.importers import ParsedStatement, ParseOptions, parse_investment_statement
from subgraphs.portfolio.models import Activity, Instrument
from tests.factories import make_viewer
from tests.subgraphs.portfolio.importers.support import (
    SHARED_OFX,
    line_of,
    ofx_statement,
    shared_ofx_files,
    text_bytes,
)
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, new_portfolio, ok, run

IMPORT = f"""
mutation($input: PortfolioImportInput!) {{
  portfolioImport(input: $input) {{
    dryRun importId format account newCount duplicateCount skippedCount
    rowErrors {{ line record field message code }}
    warnings {{ line message code }}
    instruments {{ id key symbol created matchedBy }}
    positionCheck {{ instrumentId symbol brokerUnits portfolioUnits matches }}
    {ERRORS}
  }}
}}
"""


def upload_file(data: bytes, filename: str) -> UploadFile:
    """What the subgraph's multipart parser hands a resolver for an uploaded file."""
    return UploadFile(io.BytesIO(data), size=len(data), filename=filename, headers=Headers({}))


async def import_file(
    runtime: Runtime, viewer: Viewer, portfolio_id: str, data: bytes, filename: str, **input_: Any
) -> dict[str, Any]:
    """``portfolioImport``'s payload."""
    variables = {"portfolioId": portfolio_id, "file": upload_file(data, filename), **input_}
    return dict((await run(runtime, viewer, IMPORT, input=variables))["portfolioImport"])


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def activity_rows(runtime: Runtime) -> list[tuple[Any, ...]]:
    """Every activity, column by column: what "nothing changed" is checked against."""
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(select(Activity).order_by(Activity.seq))
        return [
            (r.id, r.portfolio_id, r.kind, r.date, r.instrument_id, r.currency, r.quantity, r.price, r.amount, r.fee,
             r.tax, r.fx_rate, r.split_from, r.split_to, r.memo, r.fingerprint, r.import_id)
            for r in rows
        ]  # fmt: skip


def parse(data: bytes, filename: str, **options: Any) -> ParsedStatement:
    return parse_investment_statement(data, filename=filename, options=ParseOptions(**options))


def first_refusal(statement: ParsedStatement) -> int | None:
    """The index of the first activity the statement's own history cannot hold (a sale of units it never bought),
    replaying it from an empty portfolio; ``None`` when it holds."""
    try:
        replay(
            [p.activity for p in statement.activities],
            base_currency=statement.cash_currency or "USD",
            method=CostMethod.FIFO,
            fx=lambda *_: Decimal(1),
        )
    except HoldingsError as exc:
        return exc.index
    return None


def units(value: str) -> Decimal:
    return Decimal(value)


# --- the shared real-world OFX statements --------------------------------------------------------------------------


def investment_fixtures(*, holding: bool) -> list[Any]:
    """The shared OFX files that hold an investment statement (bank statements and refused sign-ons are the budget
    importer's): those whose activities hold from an empty portfolio, or (``holding=False``) those that start in
    the middle of their account's history."""
    if not SHARED_OFX.is_dir():
        return [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=f"no shared fixtures at {SHARED_OFX}"))]
    found = []
    for path in shared_ofx_files():
        try:
            statement = parse(path.read_bytes(), path.name)
        except StatementError:
            continue
        if (first_refusal(statement) is None) == holding:
            found.append(pytest.param(path, id=path.name))
    return found


@pytest.mark.parametrize("path", investment_fixtures(holding=True))
async def test_a_real_statement_imports_once(runtime: Runtime, path: Path) -> None:
    data = path.read_bytes()
    viewer = make_viewer()
    base = parse(data, path.name).cash_currency or "USD"
    portfolio = await new_portfolio(runtime, viewer, base=base)
    statement = parse(data, path.name, base_currency=base)

    first = await import_file(runtime, viewer, portfolio, data, path.name)

    assert first["errors"] == []
    assert first["format"] == "ofx"
    assert (first["newCount"], first["duplicateCount"], first["skippedCount"]) == (len(statement.activities), 0, 0)
    assert await count(runtime, Activity) == len(statement.activities)
    traded = {p.activity.instrument for p in statement.activities if p.activity.instrument}
    assert {i["key"] for i in first["instruments"] if i["created"]} == traded
    assert await count(runtime, Instrument) == len(traded)
    net = statement.net_units()
    assert {(c["symbol"], units(c["brokerUnits"]), units(c["portfolioUnits"])) for c in first["positionCheck"]} == {
        (_symbol(statement, key), statement.held_units().get(key, Decimal(0)), net.get(key, Decimal(0)))
        for key in set(statement.held_units()) | (traded if statement.positions else set())
    }
    before = await activity_rows(runtime)

    again = await import_file(runtime, viewer, portfolio, data, path.name)

    assert again["errors"] == []
    assert (again["newCount"], again["duplicateCount"]) == (0, len(statement.activities))
    assert again["importId"] is None
    assert all(not i["created"] for i in again["instruments"])
    assert await activity_rows(runtime) == before
    assert await count(runtime, Instrument) == len(traded)


def _symbol(statement: ParsedStatement, key: str) -> str:
    parsed = statement.instrument(key)
    return (parsed.symbol if parsed and parsed.symbol else key).upper()


@pytest.mark.parametrize("path", investment_fixtures(holding=False))
async def test_a_real_statement_that_starts_mid_history_is_refused(runtime: Runtime, path: Path) -> None:
    data = path.read_bytes()
    statement = parse(data, path.name, base_currency=parse(data, path.name).cash_currency)
    refused_at = first_refusal(statement)
    assert refused_at is not None
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base=statement.cash_currency or "USD")

    payload = await import_file(runtime, viewer, portfolio, data, path.name)

    line = statement.activities[refused_at].line
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("ValidationError", "file")]
    assert payload["errors"][0]["message"].startswith(f"line {line}: ")
    assert [e["line"] for e in payload["rowErrors"]] == [line]
    assert payload["newCount"] == 0
    assert await count(runtime, Activity) == 0
    assert await count(runtime, Instrument) == 0

    # The way out the message gives: what was held before the statement, transferred in, then the same file.
    before = min(p.activity.date for p in statement.activities) - timedelta(days=1)
    held_before = shortfalls(statement)
    ids = {}
    for key, quantity in held_before.items():
        ids[key] = await new_instrument(runtime, viewer, _symbol(statement, key), currency="USD")
        await ok(runtime, viewer, portfolio, kind="TRANSFER_IN", date=before.isoformat(), instrumentId=ids[key],
                 quantity=str(quantity), price="1")  # fmt: skip

    payload = await import_file(runtime, viewer, portfolio, data, path.name)

    assert payload["errors"] == []
    assert payload["newCount"] == len(statement.activities)
    matched = {i["key"]: (i["id"], i["created"], i["matchedBy"]) for i in payload["instruments"]}
    assert {key: matched[key] for key in ids} == {key: (ids[key], False, "symbol") for key in ids}
    net = statement.net_units()
    assert {(c["symbol"], units(c["brokerUnits"]), units(c["portfolioUnits"])) for c in payload["positionCheck"]} == {
        (_symbol(statement, key), statement.held_units().get(key, Decimal(0)),
         held_before.get(key, Decimal(0)) + net.get(key, Decimal(0)))
        for key in set(statement.held_units()) | set(net)
    }  # fmt: skip


def shortfalls(statement: ParsedStatement) -> dict[str, Decimal]:
    """Per instrument, the most units its activities take out beyond what they brought in: what the account must
    have held before the statement's first day. Same-day movements in come before movements out; splits are not
    counted (the shared statements have none)."""
    held: dict[str, Decimal] = {}
    short: dict[str, Decimal] = {}
    order = sorted(
        enumerate(statement.activities), key=lambda item: (item[1].activity.date, item[1].activity.kind in OUT, item[0])
    )
    for _, parsed in order:
        activity = parsed.activity
        if activity.instrument is None or activity.kind not in IN | OUT:
            continue
        key = activity.instrument
        held[key] = held.get(key, Decimal(0)) + (activity.quantity if activity.kind in IN else -activity.quantity)
        if held[key] < -short.get(key, Decimal(0)):
            short[key] = -held[key]
    return short


IN = frozenset({Kind.BUY, Kind.TRANSFER_IN, Kind.DIVIDEND_REINVEST})
OUT = frozenset({Kind.SELL, Kind.TRANSFER_OUT})


# --- statements written here -------------------------------------------------------------------------------------


def invtran(fitid: str, day: str) -> str:
    return f"<INVTRAN><FITID>{fitid}</FITID><DTTRADE>{day}</DTTRADE></INVTRAN>"


AAPL = "<SECID><UNIQUEID>037833100</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>"
IWDA = "<SECID><UNIQUEID>IE00B4L5Y983</UNIQUEID><UNIQUEIDTYPE>ISIN</UNIQUEIDTYPE></SECID>"


def buy(fitid: str, day: str, quantity: str, price: str, secid: str = AAPL) -> str:
    return (
        f"<BUYSTOCK><INVBUY>{invtran(fitid, day)}{secid}<UNITS>{quantity}</UNITS><UNITPRICE>{price}</UNITPRICE>"
        "<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INVBUY><BUYTYPE>BUY</BUYTYPE></BUYSTOCK>\n"
    )


def sell(fitid: str, day: str, quantity: str, price: str) -> str:
    return (
        f"<SELLSTOCK><INVSELL>{invtran(fitid, day)}{AAPL}<UNITS>-{quantity}</UNITS><UNITPRICE>{price}</UNITPRICE>"
        "<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INVSELL><SELLTYPE>SELL</SELLTYPE>"
        "</SELLSTOCK>\n"
    )


def position(quantity: str, secid: str = AAPL) -> str:
    return (
        f"<POSSTOCK><INVPOS>{secid}<HELDINACCT>CASH</HELDINACCT><POSTYPE>LONG</POSTYPE><UNITS>{quantity}</UNITS>"
        "<UNITPRICE>170</UNITPRICE><MKTVAL>1020</MKTVAL><DTPRICEASOF>20240229</DTPRICEASOF></INVPOS></POSSTOCK>"
    )


COMPLETE = ofx_statement(
    buy("B1", "20240115", "10", "150.25") + sell("S1", "20240120", "4", "160"),
    positions=position("6"),
)
"""AAPL bought and partly sold, the broker's position agreeing: a statement that holds the account's history."""


async def test_the_position_check_agrees_with_a_complete_statement(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")

    payload = await import_file(runtime, viewer, portfolio, COMPLETE, "broker.ofx")

    assert payload["errors"] == []
    assert payload["account"] == "broker.example/U123"
    (aapl,) = payload["instruments"]
    assert (aapl["symbol"], aapl["created"], aapl["matchedBy"]) == ("AAPL", True, None)
    assert [(c["instrumentId"], c["symbol"], units(c["brokerUnits"]), units(c["portfolioUnits"]), c["matches"])
            for c in payload["positionCheck"]] == [(aapl["id"], "AAPL", 6, 6, True)]  # fmt: skip
    async with runtime.sessionmaker() as session:
        row = await session.get(Instrument, aapl["id"])
    assert row is not None
    assert (row.household_id, row.currency, row.asset_class, row.codes) == (
        None,
        "USD",
        "equity",
        {"cusip": "037833100"},
    )


async def test_the_position_check_shows_a_difference_the_activities_do_not_explain(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")
    data = ofx_statement(buy("B1", "20240115", "10", "150.25"), positions=position("12"))

    payload = await import_file(runtime, viewer, portfolio, data, "broker.ofx")

    assert [(c["symbol"], units(c["brokerUnits"]), units(c["portfolioUnits"]), c["matches"])
            for c in payload["positionCheck"]] == [("AAPL", 12, 10, False)]  # fmt: skip


async def test_a_dry_run_writes_nothing_and_reports_what_an_import_would_do(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")

    dry = await import_file(runtime, viewer, portfolio, COMPLETE, "broker.ofx", dryRun=True)

    assert dry["errors"] == []
    assert dry["dryRun"] is True
    assert (dry["newCount"], dry["duplicateCount"], dry["importId"]) == (2, 0, None)
    assert [(i["id"], i["symbol"], i["created"]) for i in dry["instruments"]] == [(None, "AAPL", True)]
    assert [(c["instrumentId"], c["matches"]) for c in dry["positionCheck"]] == [(None, True)]
    assert await count(runtime, Activity) == 0
    assert await count(runtime, Instrument) == 0

    done = await import_file(runtime, viewer, portfolio, COMPLETE, "broker.ofx")

    assert (done["newCount"], done["duplicateCount"], done["dryRun"]) == (2, 0, False)
    assert done["importId"] is not None
    assert await count(runtime, Activity) == 2
    dry_again = await import_file(runtime, viewer, portfolio, COMPLETE, "broker.ofx", dryRun=True)
    assert (dry_again["newCount"], dry_again["duplicateCount"]) == (0, 2)
    assert [(i["id"], i["created"]) for i in dry_again["instruments"]] == [(done["instruments"][0]["id"], False)]


async def test_two_portfolios_import_the_same_file(runtime: Runtime) -> None:
    viewer = make_viewer()
    first, second = await new_portfolio(runtime, viewer, base="USD"), await new_portfolio(runtime, viewer, base="USD")
    one = await import_file(runtime, viewer, first, COMPLETE, "broker.ofx")
    two = await import_file(runtime, viewer, second, COMPLETE, "broker.ofx")
    assert (one["newCount"], two["newCount"]) == (2, 2)
    assert two["instruments"][0] == {**one["instruments"][0], "created": False, "matchedBy": "cusip"}
    assert await count(runtime, Activity) == 4
    assert await count(runtime, Instrument) == 1


async def test_a_sale_of_units_never_bought_is_refused_with_its_line(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")
    data = ofx_statement(buy("B1", "20240115", "2", "150") + sell("S1", "20240120", "5", "160"))

    payload = await import_file(runtime, viewer, portfolio, data, "broker.ofx")

    line = line_of(data, "<SELLSTOCK>")
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("ValidationError", "file")]
    message = payload["errors"][0]["message"]
    assert message.startswith(f"line {line}: the sale of 5 AAPL on 2024-01-20 takes out more units than the")
    assert "(2)" in message
    assert "import an earlier statement" in message
    assert "TRANSFER_IN" in message
    assert [(e["line"], e["field"]) for e in payload["rowErrors"]] == [(line, "quantity")]
    assert await count(runtime, Activity) == 0
    assert await count(runtime, Instrument) == 0

    # The way out the message gives: the units held before the statement, transferred in, then the same file.
    aapl = await new_instrument(runtime, viewer, "AAPL", currency="USD")
    await ok(runtime, viewer, portfolio, kind="TRANSFER_IN", date="2024-01-02", instrumentId=aapl, quantity="3",
             price="140")  # fmt: skip
    payload = await import_file(runtime, viewer, portfolio, data, "broker.ofx")
    assert payload["errors"] == []
    assert payload["newCount"] == 2
    assert [(i["id"], i["created"], i["matchedBy"]) for i in payload["instruments"]] == [(aapl, False, "symbol")]


async def test_unreadable_rows_stop_the_import_unless_skipped(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")
    data = ofx_statement(buy("B1", "20240115", "10", "150") + buy("B2", "20240116", "1", "-1"))
    bad_line = line_of(data, "<FITID>B2")

    refused = await import_file(runtime, viewer, portfolio, data, "broker.ofx")

    assert [(e["__typename"], e["field"]) for e in refused["errors"]] == [("ValidationError", "file")]
    assert [e["line"] for e in refused["rowErrors"]] == [line_of(data, "<BUYSTOCK>", 2)] == [bad_line]
    assert await count(runtime, Activity) == 0

    skipped = await import_file(runtime, viewer, portfolio, data, "broker.ofx", skipInvalidRows=True)

    assert skipped["errors"] == []
    assert (skipped["newCount"], skipped["skippedCount"]) == (1, 1)
    assert [e["line"] for e in skipped["rowErrors"]] == [bad_line]
    assert await count(runtime, Activity) == 1


async def test_a_row_the_portfolio_cannot_record_is_skipped_on_request(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="USD")
    # Parsed fine, refused by the portfolio: a purchase dated far in the future.
    data = ofx_statement(buy("B1", "20240115", "10", "150") + buy("B2", "29990101", "1", "150"))

    refused = await import_file(runtime, viewer, portfolio, data, "broker.ofx")

    assert refused["errors"][0]["message"].startswith(f"line {line_of(data, '<FITID>B2')}: the date is in the future")
    assert await count(runtime, Activity) == 0
    skipped = await import_file(runtime, viewer, portfolio, data, "broker.ofx", skipInvalidRows=True)
    assert (skipped["newCount"], skipped["skippedCount"]) == (1, 1)
    assert [(e["line"], e["field"]) for e in skipped["rowErrors"]] == [(line_of(data, "<FITID>B2"), "date")]


# --- a broker's CSV ----------------------------------------------------------------------------------------------

TRADING212 = text_bytes("""
    Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,Currency (Price / share),Exchange rate,Result,Currency (Result),Total,Currency (Total),Withholding tax,Currency (Withholding tax),Notes,ID,Currency conversion fee,Currency (Currency conversion fee)
    Deposit,2023-12-18 11:45:06.326,,,,,,,,,,500.00,"EUR",,,"Transaction ID: PB6XHFHSNDT97F32",30c841b3-068d-44f0-9809-e75638e211cd,,
    Market buy,2023-12-18 14:30:03.613,US17275R1023,CSCO,"Cisco Systems",2.0000000000,49.96,USD,1.09303,,"EUR",91.43,"EUR",,,,EOF7504196256,0.01,"EUR"
    Limit buy,2023-12-19 15:00:00,IE00B4L5Y983,IWDA,"iShares Core MSCI World UCITS ETF",2.0000000000,82.00,EUR,1.00000,,"EUR",164.00,"EUR",,,,EOF7504196300,,
    Market sell,2023-12-26 14:30:05.104,US17275R1023,CSCO,"Cisco Systems",1.0000000000,50.50,USD,1.10231,0.01,"EUR",45.81,"EUR",,,,EOF7802023054,,
    Dividend (Ordinary),2024-01-10 09:00:00,IE00B4L5Y983,IWDA,"iShares Core MSCI World UCITS ETF",2.0000000000,0.50,EUR,Not available,,,1.00,"EUR",,,,,,
    Interest on cash,2023-12-31 22:06:41.36,,,,,,,,,,0.02,"EUR",,,"Interest on cash",8ffba791-cfc3-4002-b65d-bd63cf483d9d,,
    Currency conversion,2024-01-02 10:00:00,,,,,,,,,,5.00,"EUR",,,,c0a1,,
    Withdrawal,2024-01-05 10:00:00,,,,,,,,,,-10.00,"EUR",,,"Sent to bank",w1,,
    """)  # fmt: skip
"""Trading 212's "Export history" layout (the preset's columns), a euro account trading a US share and an ETF."""


async def test_a_trading212_export(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="EUR")
    statement = parse(TRADING212, "export.csv", preset="trading212", base_currency="EUR")

    payload = await import_file(runtime, viewer, portfolio, TRADING212, "export.csv", format="csv", preset="trading212")

    assert payload["errors"] == []
    assert payload["format"] == "csv"
    assert (payload["newCount"], payload["duplicateCount"], payload["skippedCount"]) == (
        len(statement.activities),
        0,
        0,
    )
    assert payload["positionCheck"] == []
    assert [(i["symbol"], i["created"]) for i in payload["instruments"]] == [("CSCO", True), ("IWDA", True)]
    async with runtime.sessionmaker() as session:
        rows = {r.symbol: r for r in await session.scalars(select(Instrument))}
    assert {(s, r.isin, r.currency, r.asset_class) for s, r in rows.items()} == {
        ("CSCO", "US17275R1023", "USD", "equity"),
        ("IWDA", "IE00B4L5Y983", "EUR", "fund"),
    }
    codes = [w["code"] for w in payload["warnings"]]
    assert "asset_class_guessed" in codes  # CSCO: the export says nothing of its class
    assert "entry_skipped" in codes  # the currency conversion inside the account
    held = await run(runtime, viewer, "query($id: ID!) { portfolio(id: $id) { holdings { quantity instrument { symbol } } } }",
                     id=portfolio)  # fmt: skip
    assert {(h["instrument"]["symbol"], units(h["quantity"])) for h in held["portfolio"]["holdings"]} == {
        (key, quantity) for key, quantity in statement.net_units().items()
    }

    again = await import_file(runtime, viewer, portfolio, TRADING212, "export.csv")  # the layout is recognised
    assert (again["newCount"], again["duplicateCount"]) == (0, len(statement.activities))


async def test_an_instrument_is_matched_by_isin_not_duplicated(runtime: Runtime) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="EUR")
    # The same ETF, listed under its Xetra symbol: the ISIN says it is the one the export calls IWDA.
    eunl = await new_instrument(runtime, viewer, "EUNL", currency="EUR", asset_class="FUND", exchange="XETR",
                                isin="IE00B4L5Y983")  # fmt: skip

    payload = await import_file(runtime, viewer, portfolio, TRADING212, "export.csv", preset="trading212")

    assert payload["errors"] == []
    iwda = next(i for i in payload["instruments"] if i["key"] == "IWDA")
    assert (iwda["id"], iwda["symbol"], iwda["created"], iwda["matchedBy"]) == (eunl, "EUNL", False, "isin")
    async with runtime.sessionmaker() as session:
        isins = list(await session.scalars(select(Instrument.isin)))
        bought = await session.scalar(select(func.count()).where(Activity.instrument_id == eunl))
    assert isins.count("IE00B4L5Y983") == 1
    assert bought == 2  # the purchase and the dividend


# --- who may import, and input the file cannot be read with ------------------------------------------------------


async def test_only_members_who_may_edit_import(runtime: Runtime) -> None:
    owner = make_viewer()
    portfolio = await new_portfolio(runtime, owner, base="USD")
    onlooker = Viewer(user_id=owner.user_id, households={owner.household_ids[0]: Role.VIEWER})
    for viewer in (onlooker, make_viewer()):
        payload = await import_file(runtime, viewer, portfolio, COMPLETE, "broker.ofx")
        assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("NotFoundError", "portfolioId")]
        assert (payload["newCount"], payload["instruments"], payload["rowErrors"]) == (0, [], [])
    missing = await import_file(runtime, owner, "00000000-0000-0000-0000-000000000000", COMPLETE, "broker.ofx")
    assert [(e["__typename"], e["field"]) for e in missing["errors"]] == [("NotFoundError", "portfolioId")]
    assert await count(runtime, Activity) == 0
    assert await count(runtime, Instrument) == 0


@pytest.mark.parametrize(
    ("data", "input_", "field"),
    [
        (COMPLETE, {"format": "qif"}, "format"),
        (b"Foo,Bar\n1,2\n", {}, "file"),
        (TRADING212, {"preset": "robinhood", "format": "csv"}, "preset"),
        (TRADING212, {"mapping": {"date": "Time", "kind": "Nope"}, "format": "csv"}, "mapping"),
        (TRADING212, {"mapping": ["Time"]}, "mapping"),
        (TRADING212, {"currency": "EURO"}, "currency"),
        (TRADING212, {"dateFormat": "someday"}, "dateFormat"),
        (b"  \n", {}, "file"),
    ],
)
async def test_input_the_file_cannot_be_read_with_is_refused(
    runtime: Runtime, data: bytes, input_: dict[str, Any], field: str
) -> None:
    viewer = make_viewer()
    portfolio = await new_portfolio(runtime, viewer, base="EUR")
    payload = await import_file(runtime, viewer, portfolio, data, "statement", **input_)
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("ValidationError", field)]
    assert await count(runtime, Activity) == 0
