"""Budget's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.budget.mutations.account_create import account_create
from subgraphs.budget.mutations.attachment_create import attachment_create
from subgraphs.budget.mutations.attachment_delete import attachment_delete
from subgraphs.budget.mutations.fx_rate_override_delete import fx_rate_override_delete
from subgraphs.budget.mutations.fx_rate_override_set import fx_rate_override_set
from subgraphs.budget.mutations.transaction_create import transaction_create
from subgraphs.budget.mutations.transactions_export import transactions_export
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
    transactions_export = strawberry.mutation(
        resolver=transactions_export,
        description="Export a household's transactions (filtered) as CSV or OFX to a file with a short-lived "
        "download link (viewers too).",
        permission_classes=[IsAuthenticated],
    )
    attachment_create = strawberry.mutation(
        resolver=attachment_create,
        description="Attach a document (receipt, invoice, statement) to a transaction or an account (owners and "
        "editors); upload it as a GraphQL multipart request.",
        permission_classes=[IsAuthenticated],
    )
    attachment_delete = strawberry.mutation(
        resolver=attachment_delete,
        description="Delete an attachment and its stored document (owners and editors).",
        permission_classes=[IsAuthenticated],
    )


schema = create_schema(query=Query, mutation=Mutation, types=[Account, Transaction])
