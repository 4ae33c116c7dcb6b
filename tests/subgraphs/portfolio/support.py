"""Helpers for portfolio tests: run operations in-process, and set up instruments, prices and rates."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from fincloud.auth import Viewer
from fincloud.service import Runtime
from subgraphs.portfolio.context import Context
from subgraphs.portfolio.schema import schema
from subgraphs.portfolio.services.prices import StoredQuote, store_fx, store_prices

ERRORS = "errors { __typename message ... on ValidationError { field } ... on NotFoundError { field } }"


async def run(runtime: Runtime, viewer: Viewer, query: str, **variables: Any) -> dict[str, Any]:
    """Run an operation and return its data; fails on GraphQL errors."""
    result = await schema.execute(
        query, variable_values=variables, context_value=Context(runtime=runtime, viewer=viewer)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def run_raw(runtime: Runtime, viewer: Viewer, query: str, **variables: Any) -> Any:
    return await schema.execute(query, variable_values=variables, context_value=Context(runtime=runtime, viewer=viewer))


async def new_portfolio(runtime: Runtime, viewer: Viewer, base: str = "EUR", method: str | None = None) -> str:
    data = await run(
        runtime,
        viewer,
        "mutation($input: PortfolioCreateInput!) { portfolioCreate(input: $input) { portfolio { id } errors { message } } }",
        input={"name": "Brokerage", "baseCurrency": base, "householdId": str(viewer.household_ids[0])},
    )
    portfolio_id = str(data["portfolioCreate"]["portfolio"]["id"])
    if method is not None:
        await run(
            runtime,
            viewer,
            "mutation($input: PortfolioUpdateInput!) { portfolioUpdate(input: $input) { errors { message } } }",
            input={"id": portfolio_id, "costMethod": method},
        )
    return portfolio_id


async def new_instrument(
    runtime: Runtime,
    viewer: Viewer,
    symbol: str,
    currency: str = "EUR",
    asset_class: str = "EQUITY",
    own: bool = False,
    **extra: Any,
) -> str:
    data = await run(
        runtime,
        viewer,
        f"mutation($input: InstrumentCreateInput!) {{ instrumentCreate(input: $input) {{ instrument {{ id }} {ERRORS} }} }}",
        input={
            "symbol": symbol,
            "name": f"{symbol} Corp",
            "currency": currency,
            "assetClass": asset_class,
            **({"householdId": str(viewer.household_ids[0])} if own else {}),
            **extra,
        },
    )
    payload = data["instrumentCreate"]
    assert payload["errors"] == [], payload["errors"]
    return str(payload["instrument"]["id"])


ACTIVITY_CREATE = f"""
mutation($input: ActivityCreateInput!) {{
  activityCreate(input: $input) {{ activity {{ id kind quantity price currency }} {ERRORS} }}
}}
"""


async def record(runtime: Runtime, viewer: Viewer, portfolio_id: str, **input_: Any) -> dict[str, Any]:
    """``activityCreate``'s payload."""
    data = await run(runtime, viewer, ACTIVITY_CREATE, input={"portfolioId": portfolio_id, **input_})
    return dict(data["activityCreate"])


async def ok(runtime: Runtime, viewer: Viewer, portfolio_id: str, **input_: Any) -> str:
    payload = await record(runtime, viewer, portfolio_id, **input_)
    assert payload["errors"] == [], payload["errors"]
    return str(payload["activity"]["id"])


async def prices(
    runtime: Runtime, instrument_id: str, currency: str, *points: tuple[str, str], source: str = "yahoo"
) -> None:
    """Store daily prices ``(iso date, price)`` as if a source had published them."""
    async with runtime.sessionmaker() as session, session.begin():
        await store_prices(
            session=session,
            quotes=[
                StoredQuote(
                    instrument_id=uuid.UUID(instrument_id),
                    date=dt.date.fromisoformat(day),
                    price=Decimal(price),
                    currency=currency,
                    source=source,
                    as_of=dt.datetime.fromisoformat(day).replace(hour=20, tzinfo=dt.UTC),
                )
                for day, price in points
            ],
        )


async def rates(runtime: Runtime, quote: str, *points: tuple[str, str]) -> None:
    """Store ECB rates: one euro buys ``rate`` units of ``quote`` on each day."""
    async with runtime.sessionmaker() as session, session.begin():
        await store_fx(
            session=session,
            rates=[("EUR", quote, dt.date.fromisoformat(day), Decimal(rate), "ecb") for day, rate in points],
        )
