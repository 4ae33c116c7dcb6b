from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import UserError
from fincloud.money import MoneyError
from subgraphs.budget.context import Context
from subgraphs.budget.mutations._ledger import kept, known_id, required, user_error, writable_households
from subgraphs.budget.services.accounts import MAX_INSTITUTION, MAX_NOTE, AccountChanges, update_account
from subgraphs.budget.services.ledger import LedgerError
from subgraphs.budget.types import Account


@strawberry.input(description="Changes to an account; fields left out keep their value.")
class AccountUpdateInput:
    id: strawberry.ID = strawberry.field(description="The account to change.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name, 1 to 200 characters.")
    institution: str | None = strawberry.field(
        default=strawberry.UNSET,
        description=f"The bank or provider, at most {MAX_INSTITUTION} characters; null clears.",
    )
    note: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Free-text note, at most {MAX_NOTE} characters; null clears."
    )
    currency: str | None = strawberry.field(
        default=strawberry.UNSET, description="ISO 4217 currency; only while the account has no transactions."
    )
    opening_balance: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Balance before the first transaction, in the account's currency."
    )
    opening_date: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="The date of the opening balance; null: it always counts."
    )
    unlock_reconciled: bool = strawberry.field(
        default=False,
        description="Change the opening balance or date of an account that has been reconciled (its past "
        "reconciliations include the opening balance).",
    )


@strawberry.type(description="The outcome of `accountUpdate`.")
class AccountUpdatePayload:
    account: Account | None = strawberry.field(default=None, description="The account as changed.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def account_update(info: strawberry.Info[Context, None], input: AccountUpdateInput) -> AccountUpdatePayload:
    session = info.context.session
    try:
        changes = AccountChanges(
            name=required(input.name, field="name"),
            institution=kept(input.institution),
            note=kept(input.note),
            currency=required(input.currency, field="currency"),
            opening_balance=required(input.opening_balance, field="openingBalance"),
            opening_date=kept(input.opening_date),
            unlock_reconciled=input.unlock_reconciled,
        )
        async with session.begin():
            row = await update_account(
                session=session,
                household_ids=writable_households(info),
                account_id=known_id(input.id, what="account", field="id"),
                changes=changes,
            )
    except (LedgerError, MoneyError) as exc:
        return AccountUpdatePayload(errors=[user_error(exc, money_field="openingBalance")])
    return AccountUpdatePayload(account=Account.from_row(row))
