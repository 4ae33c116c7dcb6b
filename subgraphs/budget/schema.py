"""Budget's schema: composition only."""

from __future__ import annotations

import strawberry

from fincloud.graphql import IsAuthenticated, create_schema
from subgraphs.budget.mutations._imports import ImportFileError
from subgraphs.budget.mutations.account_archive import account_archive
from subgraphs.budget.mutations.account_create import account_create
from subgraphs.budget.mutations.account_remove import account_remove
from subgraphs.budget.mutations.account_unarchive import account_unarchive
from subgraphs.budget.mutations.account_update import account_update
from subgraphs.budget.mutations.attachment_create import attachment_create
from subgraphs.budget.mutations.attachment_delete import attachment_delete
from subgraphs.budget.mutations.budget_copy_month import budget_copy_month
from subgraphs.budget.mutations.budget_set import budget_set
from subgraphs.budget.mutations.budget_settings_update import budget_settings_update
from subgraphs.budget.mutations.categorisation_settings_update import categorisation_settings_update
from subgraphs.budget.mutations.category_create import category_create
from subgraphs.budget.mutations.category_group_create import category_group_create
from subgraphs.budget.mutations.category_group_update import category_group_update
from subgraphs.budget.mutations.category_merge import category_merge
from subgraphs.budget.mutations.category_suggestion_accept import category_suggestion_accept
from subgraphs.budget.mutations.category_update import category_update
from subgraphs.budget.mutations.fx_rate_override_delete import fx_rate_override_delete
from subgraphs.budget.mutations.fx_rate_override_set import fx_rate_override_set
from subgraphs.budget.mutations.import_commit import import_commit
from subgraphs.budget.mutations.import_dry_run import import_dry_run
from subgraphs.budget.mutations.import_mapping_profile_delete import import_mapping_profile_delete
from subgraphs.budget.mutations.import_mapping_profile_save import import_mapping_profile_save
from subgraphs.budget.mutations.import_undo import import_undo
from subgraphs.budget.mutations.import_upload import import_upload
from subgraphs.budget.mutations.payee_alias_add import payee_alias_add
from subgraphs.budget.mutations.payee_alias_remove import payee_alias_remove
from subgraphs.budget.mutations.payee_merge import payee_merge
from subgraphs.budget.mutations.payee_update import payee_update
from subgraphs.budget.mutations.reconciliation_finish import reconciliation_finish
from subgraphs.budget.mutations.recurring_create import recurring_create
from subgraphs.budget.mutations.recurring_delete import recurring_delete
from subgraphs.budget.mutations.recurring_skip_next import recurring_skip_next
from subgraphs.budget.mutations.recurring_unskip import recurring_unskip
from subgraphs.budget.mutations.recurring_update import recurring_update
from subgraphs.budget.mutations.rule_create import rule_create
from subgraphs.budget.mutations.rule_delete import rule_delete
from subgraphs.budget.mutations.rule_reorder import rule_reorder
from subgraphs.budget.mutations.rule_update import rule_update
from subgraphs.budget.mutations.rules_apply import rules_apply
from subgraphs.budget.mutations.transaction_create import transaction_create
from subgraphs.budget.mutations.transaction_delete import transaction_delete
from subgraphs.budget.mutations.transaction_update import transaction_update
from subgraphs.budget.mutations.transactions_export import transactions_export
from subgraphs.budget.mutations.transfer_create import transfer_create
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
        description="Choose the household's budget model and alert levels (owners and editors) and its base "
        "currency (owners).",
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

    account_update = strawberry.mutation(
        resolver=account_update,
        description="Change an account's name, institution, note, opening balance or date, or (while it has no "
        "transactions) its currency (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    account_archive = strawberry.mutation(
        resolver=account_archive,
        description="Archive an account: it keeps its history and balance but takes no new transactions (owners and "
        "editors).",
        permission_classes=[IsAuthenticated],
    )
    account_unarchive = strawberry.mutation(
        resolver=account_unarchive,
        description="Bring an archived account back into use (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    account_remove = strawberry.mutation(
        resolver=account_remove,
        description="Delete an account with its transactions; a transfer's leg on another account is kept as an ordinary "
        "transaction (owners and editors). Not `accountDelete`, which deletes the signed-in user.",
        permission_classes=[IsAuthenticated],
    )
    transaction_update = strawberry.mutation(
        resolver=transaction_update,
        description="Change any field of a transaction; reconciled ones need `unlockReconciled` for their amount, date, "
        "account or status (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    transaction_delete = strawberry.mutation(
        resolver=transaction_delete,
        description="Delete a transaction; a transfer's two legs go together (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    transfer_create = strawberry.mutation(
        resolver=transfer_create,
        description="Move money between two accounts of a household: one linked pair of transactions (owners and "
        "editors).",
        permission_classes=[IsAuthenticated],
    )
    reconciliation_finish = strawberry.mutation(
        resolver=reconciliation_finish,
        description="Reconcile an account against a statement: mark its cleared transactions up to the date reconciled, "
        "refusing a difference unless a balancing adjustment is asked for (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    payee_update = strawberry.mutation(
        resolver=payee_update,
        description="Rename a payee (the old name becomes an alias) or set its default category (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    payee_merge = strawberry.mutation(
        resolver=payee_merge,
        description="Merge payees into one: their transactions move, their names become aliases (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    payee_alias_add = strawberry.mutation(
        resolver=payee_alias_add,
        description="Add another spelling of a payee (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    payee_alias_remove = strawberry.mutation(
        resolver=payee_alias_remove,
        description="Remove a payee's alias (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    category_group_create = strawberry.mutation(
        resolver=category_group_create,
        description="Add a category group to a household (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    category_group_update = strawberry.mutation(
        resolver=category_group_update,
        description="Change a category group (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    category_create = strawberry.mutation(
        resolver=category_create,
        description="Add a category to a group (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    category_update = strawberry.mutation(
        resolver=category_update,
        description="Change a category (owners and editors).",
        permission_classes=[IsAuthenticated],
    )
    category_merge = strawberry.mutation(
        resolver=category_merge,
        description="Merge a category into another: its transactions and split parts move, then it is archived (owners "
        "and editors).",
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
