from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import UserError
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.ledger_types import Reconciliation
from subgraphs.budget.mutations._ledger import known_id, user_error, writable_households
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.services.reconciliation import finish_reconciliation
from subgraphs.budget.types import Transaction


@strawberry.input(description="A bank statement to reconcile an account against.")
class ReconciliationFinishInput:
    account_id: strawberry.ID = strawberry.field(description="The account.")
    statement_date: dt.date = strawberry.field(description="The statement's closing date.")
    statement_balance: Decimal = strawberry.field(
        description="The statement's closing balance, in the account's currency."
    )
    create_adjustment: bool = strawberry.field(
        default=False,
        description="When the statement and the cleared balance differ, record a balancing transaction of the "
        "difference on the statement date instead of refusing.",
    )


@strawberry.type(description="The outcome of `reconciliationFinish`.")
class ReconciliationFinishPayload:
    reconciliation: Reconciliation | None = strawberry.field(default=None, description="The reconciliation recorded.")
    reconciled_count: int | None = strawberry.field(
        default=None, description="How many transactions were marked reconciled (an adjustment included)."
    )
    adjustment: Transaction | None = strawberry.field(
        default=None, description="The balancing transaction, when one was asked for and needed."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def reconciliation_finish(
    info: strawberry.Info[Context, None], input: ReconciliationFinishInput
) -> ReconciliationFinishPayload:
    session = info.context.session
    try:
        account_id = known_id(input.account_id, what="account", field="accountId")
        async with session.begin():
            finished = await finish_reconciliation(
                session=session,
                household_ids=writable_households(info),
                account_id=account_id,
                statement_date=input.statement_date,
                statement_balance=input.statement_balance,
                adjust=input.create_adjustment,
                created_by=info.context.viewer.user_id,
            )
    except (LedgerError, MoneyError) as exc:
        return ReconciliationFinishPayload(errors=[user_error(exc, money_field="statementBalance")])
    adjustment = finished.adjustment
    return ReconciliationFinishPayload(
        reconciliation=Reconciliation.from_row(finished.reconciliation, finished.account.currency),
        reconciled_count=finished.reconciled,
        adjustment=Transaction.from_row(adjustment) if adjustment is not None else None,
    )
