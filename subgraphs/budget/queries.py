from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, IsAuthenticated, paginate, parse_id
from subgraphs.budget.context import Context
from subgraphs.budget.fx.queries import currencies_list, fx_rate, fx_rates
from subgraphs.budget.fx.types import Currency
from subgraphs.budget.imports.queries import import_, import_formats, import_mapping_profiles, imports
from subgraphs.budget.imports.types import Import, ImportFormat, ImportMappingProfile
from subgraphs.budget.models import Account as AccountRow
from subgraphs.budget.types import Account


@strawberry.type
class Query:
    @strawberry.field(
        description="Accounts of the viewer's households (or of one household), oldest first.",
        permission_classes=[IsAuthenticated],
    )
    async def accounts(
        self,
        info: strawberry.Info[Context, None],
        household_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this household's accounts.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (default 50).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
    ) -> Connection[Account]:
        viewer = info.context.viewer
        households = viewer.household_ids
        if household_id is not None:
            wanted = parse_id(household_id)
            households = [wanted] if wanted is not None and viewer.can_read(wanted) else []
        return await paginate(
            info.context.session,
            select(AccountRow).where(AccountRow.household_id.in_(households)),
            keys=[AccountRow.created_at, AccountRow.id],
            node=Account.from_row,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="One account by id; null if it does not exist or is not yours.",
        permission_classes=[IsAuthenticated],
    )
    async def account(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Account | None:
        return await Account.resolve_reference(info, id)

    fx_rate = strawberry.field(
        resolver=fx_rate,
        description="The exchange rate for a date, with where it came from (a household override first, then the "
        "newest published rate within the look-back window, else a cross rate through EUR); `FxRateMissing` when "
        "there is none, never a guess. Null if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
    fx_rates = strawberry.field(
        resolver=fx_rates,
        description="Stored exchange rates between two currencies over a date range, newest first: published ones "
        "and the household's overrides. Empty if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )

    @strawberry.field(
        description="Every ISO 4217 currency, by code, with its minor units.", permission_classes=[IsAuthenticated]
    )
    def currencies(self) -> list[Currency]:
        return currencies_list()

    imports: Connection[Import] = strawberry.field(
        resolver=imports,
        description="Statement imports into an account, newest first; empty if the account is not yours.",
        permission_classes=[IsAuthenticated],
    )
    import_: Import | None = strawberry.field(
        resolver=import_,
        name="import",
        description="One import with its dry run's rows; null if it does not exist or is not yours.",
        permission_classes=[IsAuthenticated],
    )
    import_mapping_profiles: Connection[ImportMappingProfile] = strawberry.field(
        resolver=import_mapping_profiles,
        description="An account's saved CSV mappings, by name; empty if the account is not yours.",
        permission_classes=[IsAuthenticated],
    )

    @strawberry.field(description="The installed statement formats.", permission_classes=[IsAuthenticated])
    def import_formats(self) -> list[ImportFormat]:
        return import_formats()
