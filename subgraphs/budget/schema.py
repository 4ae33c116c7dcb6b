"""Budget's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.budget.mutations.account_create import account_create
from subgraphs.budget.mutations.categorisation_settings_update import categorisation_settings_update
from subgraphs.budget.mutations.category_suggestion_accept import category_suggestion_accept
from subgraphs.budget.mutations.fx_rate_override_delete import fx_rate_override_delete
from subgraphs.budget.mutations.fx_rate_override_set import fx_rate_override_set
from subgraphs.budget.mutations.rule_create import rule_create
from subgraphs.budget.mutations.rule_delete import rule_delete
from subgraphs.budget.mutations.rule_reorder import rule_reorder
from subgraphs.budget.mutations.rule_update import rule_update
from subgraphs.budget.mutations.rules_apply import rules_apply
from subgraphs.budget.mutations.transaction_create import transaction_create
from subgraphs.budget.queries import Query
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

    rule_create = strawberry.mutation(
        resolver=rule_create,
        description="Add a categorisation rule, last in priority (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    rule_update = strawberry.mutation(
        resolver=rule_update,
        description="Change a categorisation rule (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    rule_delete = strawberry.mutation(
        resolver=rule_delete,
        description="Delete a categorisation rule; what it categorised stays categorised (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    rule_reorder = strawberry.mutation(
        resolver=rule_reorder,
        description="Set the priority order of a household's rules (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    rules_apply = strawberry.mutation(
        resolver=rules_apply,
        description="Run a household's rules again over a date range, or see what that would change with "
        "`dryRun` (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    category_suggestion_accept = strawberry.mutation(
        resolver=category_suggestion_accept,
        description="Give a transaction its suggested category (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    categorisation_settings_update = strawberry.mutation(
        resolver=categorisation_settings_update,
        description="Change when learned suggestions are applied without asking (owners and editors).",
        permission_classes=[IsAuthenticated],
    )


schema = create_schema(query=Query, mutation=Mutation, types=[Account, Transaction])
