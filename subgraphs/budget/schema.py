"""Budget's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.budget.mutations.account_create import account_create
from subgraphs.budget.mutations.budget_copy_month import budget_copy_month
from subgraphs.budget.mutations.budget_set import budget_set
from subgraphs.budget.mutations.budget_settings_update import budget_settings_update
from subgraphs.budget.mutations.fx_rate_override_delete import fx_rate_override_delete
from subgraphs.budget.mutations.fx_rate_override_set import fx_rate_override_set
from subgraphs.budget.mutations.recurring_create import recurring_create
from subgraphs.budget.mutations.recurring_delete import recurring_delete
from subgraphs.budget.mutations.recurring_skip_next import recurring_skip_next
from subgraphs.budget.mutations.recurring_unskip import recurring_unskip
from subgraphs.budget.mutations.recurring_update import recurring_update
from subgraphs.budget.mutations.transaction_create import transaction_create
from subgraphs.budget.queries import Query
from subgraphs.budget.subscriptions import Subscription
from subgraphs.budget.types import Account, Transaction


@strawberry.type
class Mutation:
    account_create = strawberry.mutation(
        resolver=account_create,
        description="Add an account to a household.",
        permission_classes=[IsAuthenticated],
    )
    transaction_create = strawberry.mutation(
        resolver=transaction_create,
        description="Record a transaction on an account.",
        permission_classes=[IsAuthenticated],
    )
    fx_rate_override_set = strawberry.mutation(
        resolver=fx_rate_override_set,
        description="Set a household's own exchange rate for a pair and day (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    fx_rate_override_delete = strawberry.mutation(
        resolver=fx_rate_override_delete,
        description="Remove a household's exchange-rate override (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    budget_set = strawberry.mutation(
        resolver=budget_set,
        description="Set what a category has for a month, in the household's base currency (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    budget_copy_month = strawberry.mutation(
        resolver=budget_copy_month,
        description="Fill a month with the amounts of the month before (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    budget_settings_update = strawberry.mutation(
        resolver=budget_settings_update,
        description="Choose the household's budget model and alert levels (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    recurring_create = strawberry.mutation(
        resolver=recurring_create,
        description="Add a recurring transaction: posted or reminded of on every date of its schedule (owners and "
        "editors).",
        permission_classes=[IsAuthenticated],
    )
    recurring_update = strawberry.mutation(
        resolver=recurring_update,
        description="Change a recurring transaction (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    recurring_delete = strawberry.mutation(
        resolver=recurring_delete,
        description="Delete a recurring transaction; what it posted stays (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    recurring_skip_next = strawberry.mutation(
        resolver=recurring_skip_next,
        description="Skip the next occurrence of a recurring transaction (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    recurring_unskip = strawberry.mutation(
        resolver=recurring_unskip,
        description="Undo the skip of an occurrence still to come (owners and editors).",
        permission_classes=[IsAuthenticated],
    )


schema = create_schema(query=Query, mutation=Mutation, subscription=Subscription, types=[Account, Transaction])
