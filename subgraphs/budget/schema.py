"""Budget's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.budget.mutations._imports import ImportFileError
from subgraphs.budget.mutations.account_create import account_create
from subgraphs.budget.mutations.fx_rate_override_delete import fx_rate_override_delete
from subgraphs.budget.mutations.fx_rate_override_set import fx_rate_override_set
from subgraphs.budget.mutations.import_commit import import_commit
from subgraphs.budget.mutations.import_dry_run import import_dry_run
from subgraphs.budget.mutations.import_mapping_profile_delete import import_mapping_profile_delete
from subgraphs.budget.mutations.import_mapping_profile_save import import_mapping_profile_save
from subgraphs.budget.mutations.import_undo import import_undo
from subgraphs.budget.mutations.import_upload import import_upload
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
    import_upload = strawberry.mutation(
        resolver=import_upload,
        description="Upload a bank statement for an account (a GraphQL multipart request): the file is kept, its "
        "format and settings detected, and its rows dry-run against the ledger. Nothing is written to the ledger "
        "(owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    import_dry_run = strawberry.mutation(
        resolver=import_dry_run,
        description="Read an uploaded statement again with other settings, against the ledger as it is now.",
        permission_classes=[IsAuthenticated],
    )
    import_commit = strawberry.mutation(
        resolver=import_commit,
        description="Commit an import's dry run: a worker writes it in one transaction (all or nothing); follow it "
        "with `importProgress`. Importing the same rows twice adds nothing twice.",
        permission_classes=[IsAuthenticated],
    )
    import_undo = strawberry.mutation(
        resolver=import_undo,
        description="Undo a committed import: delete the transactions it added.",
        permission_classes=[IsAuthenticated],
    )
    import_mapping_profile_save = strawberry.mutation(
        resolver=import_mapping_profile_save,
        description="Save a CSV column mapping for an account's next imports (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    import_mapping_profile_delete = strawberry.mutation(
        resolver=import_mapping_profile_delete,
        description="Forget a saved CSV column mapping (owners and editors).",
        permission_classes=[IsAuthenticated],
    )


schema = create_schema(
    query=Query, mutation=Mutation, subscription=Subscription, types=[Account, Transaction, ImportFileError]
)
