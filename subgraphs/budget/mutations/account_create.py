from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from fincloud.graphql import MoneyType, NotFoundError, UserError, ValidationError, parse_id
from fincloud.money import Money, MoneyError, normalize_currency
from subgraphs.budget.context import Context
from subgraphs.budget.services.accounts import MAX_INSTITUTION, MAX_NOTE
from subgraphs.budget.services.ledger import AccountKind, NewAccount, create_account
from subgraphs.budget.types import Account, AccountType


@strawberry.input(description="A new account.")
class AccountCreateInput:
    name: str = strawberry.field(description="Display name, 1 to 200 characters.")
    type: AccountType = strawberry.field(description="Kind of account.")
    currency: str = strawberry.field(description="ISO 4217 currency, such as EUR.")
    opening_balance: Decimal = strawberry.field(
        default=Decimal(0), description="Balance before the first transaction, in the account's currency."
    )
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="Owning household; defaults to the viewer's first household."
    )
    opening_date: dt.date | None = strawberry.field(
        default=None,
        description="The date of the opening balance (balances as of an earlier date leave it out); default: it "
        "always counts.",
    )
    institution: str | None = strawberry.field(
        default=None, description=f"The bank or provider, at most {MAX_INSTITUTION} characters."
    )
    note: str | None = strawberry.field(default=None, description=f"Free-text note, at most {MAX_NOTE} characters.")


@strawberry.type(description="The outcome of `accountCreate`.")
class AccountCreatePayload:
    account: Account | None = strawberry.field(default=None, description="The new account.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Empty on success.")


async def account_create(info: strawberry.Info[Context, None], input: AccountCreateInput) -> AccountCreatePayload:
    viewer = info.context.viewer
    errors: list[UserError] = []
    household_id = (
        parse_id(input.household_id)
        if input.household_id is not None
        else (viewer.household_ids[0] if viewer.household_ids else None)
    )
    if household_id is None or not viewer.can_read(household_id):
        errors.append(NotFoundError(field="householdId", message="no such household"))
    elif not viewer.can_write(household_id):
        errors.append(NotFoundError(field="householdId", message="you may not add accounts to this household"))
    name = input.name.strip()
    if not 0 < len(name) <= 200:
        errors.append(ValidationError(field="name", message="enter a name of 1 to 200 characters"))
    institution = (input.institution or "").strip() or None
    if institution is not None and len(institution) > MAX_INSTITUTION:
        errors.append(ValidationError(field="institution", message=f"use at most {MAX_INSTITUTION} characters"))
    note = (input.note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        errors.append(ValidationError(field="note", message=f"use at most {MAX_NOTE} characters"))
    opening: Money | None = None
    try:
        opening = Money.exact(input.opening_balance, normalize_currency(input.currency))
    except MoneyError as exc:
        field = "currency" if "currency" in str(exc) else "openingBalance"
        errors.append(ValidationError(field=field, message=str(exc)))
    if errors or opening is None or household_id is None:
        return AccountCreatePayload(errors=errors)
    session = info.context.session
    async with session.begin():
        row = await create_account(
            session=session,
            household_id=household_id,
            data=NewAccount(
                name=name,
                kind=AccountKind(input.type.value),
                opening_balance=opening,
                opening_date=input.opening_date,
                institution=institution,
                note=note,
            ),
        )
    return AccountCreatePayload(account=Account.from_row(row))


__all__ = ["AccountCreateInput", "AccountCreatePayload", "MoneyType", "account_create"]
