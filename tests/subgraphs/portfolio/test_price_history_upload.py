"""``priceHistoryUpload``: a household's own instrument's price history from a CSV file, all or nothing, with every
line at fault named."""

from __future__ import annotations

import io
import uuid
from typing import Any

from sqlalchemy import select
from starlette.datastructures import Headers, UploadFile

from fincloud.constants import TOPIC_PRICES_UPDATED
from fincloud.service import Runtime
from subgraphs.portfolio.models import Price, outbox
from tests.factories import make_viewer
from tests.subgraphs.portfolio.support import ERRORS, new_instrument, run

UPLOAD = f"""
mutation($input: PriceHistoryUploadInput!) {{
  priceHistoryUpload(input: $input) {{
    stored firstDate lastDate dryRun rowErrorCount {ERRORS} errors {{ ... on PriceRowError {{ line field }} }}
  }}
}}
"""

GOOD = b"""Date,Open,High,Low,Close,Adj Close,Volume
2024-03-11,101.0,102.0,100.5,101.5,101.5,1000
2024-03-12,101.5,103.0,101.0,102.25,102.25,1200
2024-03-13,102.0,102.5,99.0,99.75,99.75,900
"""


def upload_file(data: bytes) -> UploadFile:
    """What the subgraph's multipart parser hands a resolver for an uploaded file."""
    return UploadFile(
        io.BytesIO(data), size=len(data), filename="prices.csv", headers=Headers({"content-type": "text/csv"})
    )


async def upload(runtime: Runtime, viewer: Any, instrument_id: str, data: bytes, **extra: Any) -> dict[str, Any]:
    result = await run(
        runtime, viewer, UPLOAD, input={"instrumentId": instrument_id, "file": upload_file(data), **extra}
    )
    return dict(result["priceHistoryUpload"])


async def prices_of(runtime: Runtime, instrument_id: str) -> list[tuple[str, str, str]]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(Price).where(Price.instrument_id == uuid.UUID(instrument_id)).order_by(Price.date)
        )
        return [(row.date.isoformat(), format(row.price.normalize(), "f"), row.source) for row in rows]


async def announced(runtime: Runtime) -> int:
    async with runtime.sessionmaker() as session:
        return len((await session.execute(select(outbox.c.id).where(outbox.c.topic == TOPIC_PRICES_UPDATED))).all())


async def test_every_line_is_stored_as_uploaded(runtime: Runtime) -> None:
    viewer = make_viewer()
    fund = await new_instrument(runtime, viewer, "FAMFUND", asset_class="FUND", own=True)
    payload = await upload(runtime, viewer, fund, GOOD)
    assert payload == {
        "stored": 3, "firstDate": "2024-03-11", "lastDate": "2024-03-13", "dryRun": False, "rowErrorCount": 0,
        "errors": [],
    }  # fmt: skip
    assert await prices_of(runtime, fund) == [
        ("2024-03-11", "101.5", "upload"),
        ("2024-03-12", "102.25", "upload"),
        ("2024-03-13", "99.75", "upload"),
    ]
    assert await announced(runtime) == 1


async def test_one_bad_line_stores_nothing_and_is_named(runtime: Runtime) -> None:
    viewer = make_viewer()
    fund = await new_instrument(runtime, viewer, "FAMFUND", asset_class="FUND", own=True)
    bad = GOOD.replace(b"2024-03-12,101.5,103.0,101.0,102.25", b"2024-03-12,101.5,103.0,101.0,n/a")
    payload = await upload(runtime, viewer, fund, bad)
    assert (payload["stored"], payload["rowErrorCount"]) == (0, 1)
    [error] = payload["errors"]
    assert (error["__typename"], error["field"], error["line"]) == ("PriceRowError", "file", 3)
    assert error["message"].startswith("line 3: ")
    assert await prices_of(runtime, fund) == []
    assert await announced(runtime) == 0


async def test_a_line_in_another_currency_than_the_instruments_is_refused(runtime: Runtime) -> None:
    viewer = make_viewer()
    fund = await new_instrument(runtime, viewer, "FAMFUND", asset_class="FUND", own=True)
    data = b"Datum;Schlusskurs;W\xe4hrung\n11.03.2024;101,50;EUR\n12.03.2024;102,25;USD\n"
    payload = await upload(runtime, viewer, fund, data)
    assert [(e["line"], e["message"]) for e in payload["errors"]] == [
        (3, "line 3: the price is in USD, but the instrument is priced in EUR")
    ]
    assert await prices_of(runtime, fund) == []


async def test_a_dry_run_reads_the_file_and_stores_nothing(runtime: Runtime) -> None:
    viewer = make_viewer()
    fund = await new_instrument(runtime, viewer, "FAMFUND", asset_class="FUND", own=True)
    payload = await upload(runtime, viewer, fund, GOOD, dryRun=True)
    assert (payload["stored"], payload["dryRun"], payload["errors"]) == (3, True, [])
    assert await prices_of(runtime, fund) == []


async def test_ambiguous_dates_are_read_with_the_format_chosen(runtime: Runtime) -> None:
    viewer = make_viewer()
    fund = await new_instrument(runtime, viewer, "FAMFUND", asset_class="FUND", own=True)
    data = b"Date,Price\n03/01/2024,10.00\n03/02/2024,10.50\n"
    undecided = await upload(runtime, viewer, fund, data)
    chosen = await upload(runtime, viewer, fund, data, dateFormat="MM/DD/YYYY")
    assert [e["line"] for e in undecided["errors"]] == [1]  # the header's line: the column can be read two ways
    assert (chosen["firstDate"], chosen["lastDate"]) == ("2024-03-01", "2024-03-02")


async def test_an_unknown_date_format_is_refused(runtime: Runtime) -> None:
    viewer = make_viewer()
    fund = await new_instrument(runtime, viewer, "FAMFUND", asset_class="FUND", own=True)
    payload = await upload(runtime, viewer, fund, GOOD, dateFormat="someday")
    assert [e["field"] for e in payload["errors"]] == ["dateFormat"]


async def test_a_listed_instruments_history_is_refused(runtime: Runtime) -> None:
    viewer = make_viewer()
    apple = await new_instrument(runtime, viewer, "AAPL", currency="USD", exchange="XNAS")
    payload = await upload(runtime, viewer, apple, GOOD)
    assert [(e["__typename"], e["field"]) for e in payload["errors"]] == [("ValidationError", "instrumentId")]
    assert await prices_of(runtime, apple) == []
