"""Portfolio's schema: composition only."""

from __future__ import annotations

import strawberry
from strawberry.permission import BasePermission

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.portfolio.mutations.activity_create import activity_create
from subgraphs.portfolio.mutations.activity_delete import activity_delete
from subgraphs.portfolio.mutations.alert_create import alert_create
from subgraphs.portfolio.mutations.alert_delete import alert_delete
from subgraphs.portfolio.mutations.instrument_create import instrument_create
from subgraphs.portfolio.mutations.portfolio_create import portfolio_create
from subgraphs.portfolio.mutations.portfolio_import import portfolio_import
from subgraphs.portfolio.mutations.portfolio_targets_set import portfolio_targets_set
from subgraphs.portfolio.mutations.portfolio_update import portfolio_update
from subgraphs.portfolio.mutations.price_history_upload import PriceRowError, price_history_upload
from subgraphs.portfolio.mutations.price_set import price_set
from subgraphs.portfolio.queries import Query
from subgraphs.portfolio.subscriptions import Subscription
from subgraphs.portfolio.types import Account, Instrument, Portfolio

_AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class Mutation:
    portfolio_create = strawberry.mutation(
        resolver=portfolio_create, description="Add a portfolio to a household.", permission_classes=_AUTH
    )
    portfolio_update = strawberry.mutation(
        resolver=portfolio_update,
        description="Rename a portfolio, change its cost method or its benchmark.",
        permission_classes=_AUTH,
    )
    portfolio_import = strawberry.mutation(
        resolver=portfolio_import,
        description="Import a broker's statement (OFX/QFX, or a CSV export) into a portfolio: its securities become"
        " instruments (existing ones reused by ISIN, CUSIP or symbol) and its transactions activities. All or"
        " nothing; importing the same file again adds nothing; `dryRun` reports without writing.",
        permission_classes=_AUTH,
    )
    portfolio_targets_set = strawberry.mutation(
        resolver=portfolio_targets_set,
        description="Set a portfolio's target allocation along one dimension.",
        permission_classes=_AUTH,
    )
    instrument_create = strawberry.mutation(
        resolver=instrument_create,
        description="Add a listed instrument (or find the existing one), or a household's own instrument.",
        permission_classes=_AUTH,
    )
    activity_create = strawberry.mutation(
        resolver=activity_create,
        description="Record an investment transaction. Refused, with nothing written, when it would sell or move"
        " more units than the portfolio held on its date.",
        permission_classes=_AUTH,
    )
    activity_delete = strawberry.mutation(
        resolver=activity_delete,
        description="Remove an investment transaction, unless a later one depends on it (a sale of the units it"
        " bought).",
        permission_classes=_AUTH,
    )
    alert_create = strawberry.mutation(
        resolver=alert_create, description="Set up a price or portfolio alert.", permission_classes=_AUTH
    )
    alert_delete = strawberry.mutation(resolver=alert_delete, description="Remove an alert.", permission_classes=_AUTH)
    price_set = strawberry.mutation(
        resolver=price_set,
        description="Enter the price of one of the household's own instruments on a day, by hand (source `manual`);"
        " no fetched price ever replaces it. A listed instrument is refused: the price sources price it for everyone.",
        permission_classes=_AUTH,
    )
    price_history_upload = strawberry.mutation(
        resolver=price_history_upload,
        description="Upload a price history (CSV) for one of the household's own instruments (source `upload`):"
        " every line is stored, or, if any line is at fault, none, and the faults are listed with their lines.",
        permission_classes=_AUTH,
    )


schema = create_schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Account, Instrument, Portfolio, PriceRowError],
)
