from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select

from fincloud.graphql import Connection, IsAuthenticated, paginate, parse_id
from subgraphs.budget.budgets.queries import budget_month, budget_months, budget_settings
from subgraphs.budget.categorisation.queries import categorisation_settings, rules
from subgraphs.budget.context import Context
from subgraphs.budget.files.fields import export
from subgraphs.budget.fx.queries import currencies_list, fx_rate, fx_rates
from subgraphs.budget.fx.types import Currency
from subgraphs.budget.imports.queries import import_, import_formats, import_mapping_profiles, imports
from subgraphs.budget.imports.types import Import, ImportFormat, ImportMappingProfile
from subgraphs.budget.ledger_queries import category_groups, payees, reconciliation_preview
from subgraphs.budget.models import Account as AccountRow
from subgraphs.budget.recurring.queries import recurring_transactions, recurring_upcoming
from subgraphs.budget.reports import queries as reports
from subgraphs.budget.search.queries import transactions
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

    export = strawberry.field(
        resolver=export,
        description="One export by id, with a new short-lived download link once READY; null if it does not exist, "
        "was deleted after its retention, or is not yours.",
        permission_classes=[IsAuthenticated],
    )

    @strawberry.field(
        description="Every ISO 4217 currency, by code, with its minor units.", permission_classes=[IsAuthenticated]
    )
    def currencies(self) -> list[Currency]:
        return currencies_list()

    budget_month = strawberry.field(
        resolver=budget_month,
        description="Budget vs actual for one month, in the household's base currency: per category budgeted, "
        "activity, carried in, available and progress; group and month totals; 'to be budgeted' in an envelope "
        "budget; the exchange rates used and any that are missing. Null if the household is not yours.",
        permission_classes=[IsAuthenticated],
    )
    budget_months = strawberry.field(
        resolver=budget_months,
        description="`budgetMonth` for every month of a range (at most 24), for a budget grid. Null if the "
        "household is not yours.",
        permission_classes=[IsAuthenticated],
    )
    budget_settings = strawberry.field(
        resolver=budget_settings,
        description="The household's budget model, base currency and alert levels. Null if the household is not yours.",
        permission_classes=[IsAuthenticated],
    )
    recurring_transactions = strawberry.field(
        resolver=recurring_transactions,
        description="The household's recurring transactions, oldest first. Empty if the household is not yours.",
        permission_classes=[IsAuthenticated],
    )
    recurring_upcoming = strawberry.field(
        resolver=recurring_upcoming,
        description="The occurrences of the household's recurring transactions still to come from today (UTC) to "
        "`days` ahead, with their amounts, skipped ones included and marked, by date. Empty if the household is "
        "not yours.",
        permission_classes=[IsAuthenticated],
    )
    category_groups = strawberry.field(
        resolver=category_groups,
        description="A household's category groups with their categories, by position; empty if it is not yours.",
        permission_classes=[IsAuthenticated],
    )
    payees = strawberry.field(
        resolver=payees,
        description="A household's payees by name, optionally those starting with a prefix; empty if it is not yours.",
        permission_classes=[IsAuthenticated],
    )
    reconciliation_preview = strawberry.field(
        resolver=reconciliation_preview,
        description="What reconciling an account against a statement would find (cleared balance, difference, the "
        "transactions it would mark), changing nothing; null if the account is not yours.",
        permission_classes=[IsAuthenticated],
    )
    rules = strawberry.field(
        resolver=rules,
        description="A household's categorisation rules in priority order (first applies first). Empty if the "
        "household is not yours.",
        permission_classes=[IsAuthenticated],
    )
    categorisation_settings = strawberry.field(
        resolver=categorisation_settings,
        description="A household's automatic categorisation settings; null if the household is not yours.",
        permission_classes=[IsAuthenticated],
    )
    transactions = strawberry.field(
        resolver=transactions,
        description="Find a household's transactions: full-text search over payee, memo, notes and tags with "
        "fuzzy payee matching, filters, and a sort, one page at a time. Empty if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
    cash_flow = strawberry.field(
        resolver=reports.cash_flow,
        description="Income, expense and net per month over a period, in the household's base currency. Null if "
        "`householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
    spending_by_category = strawberry.field(
        resolver=reports.spending_by_category,
        description="Spending (or income) per category over a period, largest first, in the household's base "
        "currency; split parts count under their own categories. Null if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
    spending_by_payee = strawberry.field(
        resolver=reports.spending_by_payee,
        description="Spending (or income) per payee over a period, largest first, in the household's base "
        "currency. Null if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
    income_vs_expense = strawberry.field(
        resolver=reports.income_vs_expense,
        description="Income against expense over a period, with each category group's figure, in the household's "
        "base currency. Null if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
    net_worth = strawberry.field(
        resolver=reports.net_worth,
        description="Net worth over time: every account's balance at each month's end (or each day), converted "
        "into the household's base currency at that date. Null if `householdId` is not yours.",
        permission_classes=[IsAuthenticated],
    )
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
